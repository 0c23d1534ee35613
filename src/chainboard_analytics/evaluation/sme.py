"""SME size (中小企业划型) by industry, per 《中小企业划型标准规定》.

Source: 《中小企业划型标准规定》, 工业和信息化部、国家统计局、国家发展和改革委员会、财政部,
工信部联企业〔2011〕300号, 2011-06-18, 第四条 (the sixteen industry rules below). Units: 从业人员 in
persons, 营业收入 and 资产总额 in 万元.

Each industry has an SME ceiling and lower limits for 中型 and 小型::

    工业: 从业人员1000人以下或营业收入40000万元以下的为中小微型企业。其中，从业人员300人及以上，
    且营业收入2000万元及以上的为中型企业；从业人员20人及以上，且营业收入300万元及以上的为小型
    企业；从业人员20人以下或营业收入300万元以下的为微型企业。

Edges (以上/以下 include the number, 《民法典》第一千二百五十九条):

- the ceiling "X以下" includes X: an industrial firm with exactly 1,000 staff (or exactly 40,000万
  revenue) is still 中小微型 (a firm is an SME when **any** ceiling figure is at or below its
  limit: "或");
- the classes: "X及以上" includes X, so the class below it ("X以下" in the same sentence) takes
  the values under X only — otherwise a firm with exactly 20 staff would be both 小型 and 微型.
  中型 and 小型 need **every** lower limit ("且"); a firm missing one drops a class.

The statistical division (《统计上大中小微型企业划分办法（2017）》, 国统字〔2017〕213号) is written as
a table with 大型 at X ≥ 1000 (recalled, not retrieved here): it differs from this wording only for
a firm exactly at a ceiling. The 2021 revision draft of the 规定 is not used (a draft, not in
force).

Industry of a firm: the GB/T 4754-2017 division (first two digits of the class code) mapped to
the 300号 industry (:data:`DIVISION_SECTOR`); 300号 was written against GB/T 4754-2002, and the
mapping follows its industry names (工业 = 采矿业、制造业、电力热力燃气及水生产和供应业).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: the figures a rule may use: firm-table column → label
SIZE_FIELDS = {
    "employees": "从业人员(人)",
    "revenue_wan_yuan": "营业收入(万元)",
    "total_assets_wan_yuan": "资产总额(万元)",
}


@dataclass(frozen=True)
class SectorRule:
    """One industry of 第四条: ``ceiling`` any-of (≤), ``medium``/``small`` all-of (≥)."""

    key: str
    name: str
    ceiling: tuple[tuple[str, float], ...]
    medium: tuple[tuple[str, float], ...]
    small: tuple[tuple[str, float], ...]


E, R, A = "employees", "revenue_wan_yuan", "total_assets_wan_yuan"

#: 第四条 (一)–(十六), in the order of the text
SECTORS: dict[str, SectorRule] = {
    r.key: r
    for r in (
        SectorRule("agriculture", "农、林、牧、渔业", ((R, 20000),), ((R, 500),), ((R, 50),)),
        SectorRule(
            "industry", "工业", ((E, 1000), (R, 40000)), ((E, 300), (R, 2000)), ((E, 20), (R, 300))
        ),
        SectorRule(
            "construction",
            "建筑业",
            ((R, 80000), (A, 80000)),
            ((R, 6000), (A, 5000)),
            ((R, 300), (A, 300)),
        ),
        SectorRule(
            "wholesale", "批发业", ((E, 200), (R, 40000)), ((E, 20), (R, 5000)), ((E, 5), (R, 1000))
        ),
        SectorRule(
            "retail", "零售业", ((E, 300), (R, 20000)), ((E, 50), (R, 500)), ((E, 10), (R, 100))
        ),
        SectorRule(
            "transport",
            "交通运输业",
            ((E, 1000), (R, 30000)),
            ((E, 300), (R, 3000)),
            ((E, 20), (R, 200)),
        ),
        SectorRule(
            "warehousing",
            "仓储业",
            ((E, 200), (R, 30000)),
            ((E, 100), (R, 1000)),
            ((E, 20), (R, 100)),
        ),
        SectorRule(
            "postal", "邮政业", ((E, 1000), (R, 30000)), ((E, 300), (R, 2000)), ((E, 20), (R, 100))
        ),
        SectorRule(
            "accommodation",
            "住宿业",
            ((E, 300), (R, 10000)),
            ((E, 100), (R, 2000)),
            ((E, 10), (R, 100)),
        ),
        SectorRule(
            "catering", "餐饮业", ((E, 300), (R, 10000)), ((E, 100), (R, 2000)), ((E, 10), (R, 100))
        ),
        SectorRule(
            "telecom",
            "信息传输业",
            ((E, 2000), (R, 100000)),
            ((E, 100), (R, 1000)),
            ((E, 10), (R, 100)),
        ),
        SectorRule(
            "software",
            "软件和信息技术服务业",
            ((E, 300), (R, 10000)),
            ((E, 100), (R, 1000)),
            ((E, 10), (R, 50)),
        ),
        SectorRule(
            "real_estate",
            "房地产开发经营",
            ((R, 200000), (A, 10000)),
            ((R, 1000), (A, 5000)),
            ((R, 100), (A, 2000)),
        ),
        SectorRule(
            "property",
            "物业管理",
            ((E, 1000), (R, 5000)),
            ((E, 300), (R, 1000)),
            ((E, 100), (R, 500)),
        ),
        SectorRule(
            "leasing",
            "租赁和商务服务业",
            ((E, 300), (A, 120000)),
            ((E, 100), (A, 8000)),
            ((E, 10), (A, 100)),
        ),
        SectorRule("other", "其他未列明行业", ((E, 300),), ((E, 100),), ((E, 10),)),
    )
}


def _divisions(lo: int, hi: int, key: str) -> dict[str, str]:
    return {f"{d:02d}": key for d in range(lo, hi + 1)}


#: GB/T 4754-2017 division → 300号 industry (divisions not listed: "other")
DIVISION_SECTOR: dict[str, str] = {
    **_divisions(1, 5, "agriculture"),  # A 农、林、牧、渔业
    **_divisions(6, 46, "industry"),  # B 采矿业, C 制造业, D 电力、热力、燃气及水
    **_divisions(47, 50, "construction"),  # E 建筑业
    "51": "wholesale",
    "52": "retail",
    **_divisions(53, 58, "transport"),  # 铁路、道路、水上、航空、管道运输, 多式联运和运输代理
    "59": "warehousing",
    "60": "postal",
    "61": "accommodation",
    "62": "catering",
    "63": "telecom",  # 电信、广播电视和卫星传输服务
    "64": "telecom",  # 互联网和相关服务
    "65": "software",
    "71": "leasing",
    "72": "leasing",
}
_SECTION_SECTOR = {
    "A": "agriculture",
    "B": "industry",
    "C": "industry",
    "D": "industry",
    "E": "construction",
}


def sector_of(industry_code: str | None) -> str | None:
    """The 300号 industry of a GB/T 4754-2017 code (class ``"3831"``, division ``"38"`` or
    section letter); ``None`` for no code. 房地产业 splits by class: 7010 开发经营, 7020 物业管理."""
    if not industry_code:
        return None
    code = str(industry_code).strip().upper()
    if code[:1].isalpha():
        return _SECTION_SECTOR.get(code[:1], "other") if len(code) == 1 else sector_of(code[1:])
    if code.startswith("701"):
        return "real_estate"
    if code.startswith("702"):
        return "property"
    return DIVISION_SECTOR.get(code[:2], "other")


def _known(x: float | None) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def sme_size(
    sector: str,
    *,
    employees: float | None = None,
    revenue_wan_yuan: float | None = None,
    total_assets_wan_yuan: float | None = None,
) -> str | None:
    """Size class of one firm: ``"large"`` (not an SME), ``"medium"``, ``"small"``, ``"micro"``,
    or ``None`` when a figure the decision needs is missing.

    SME = any ceiling figure ≤ its limit. Within SMEs: 中型 if every 中型 lower limit is reached
    (≥), else 小型 if every 小型 limit is reached, else 微型.
    """
    rule = SECTORS[sector]
    raw = {E: employees, R: revenue_wan_yuan, A: total_assets_wan_yuan}
    figures = {k: float(v) for k, v in raw.items() if v is not None and _known(float(v))}
    if any(f in figures and figures[f] <= lim for f, lim in rule.ceiling):
        pass  # an SME; class below
    elif all(f in figures for f, _ in rule.ceiling):
        return "large"
    else:
        return None
    for name, limits in (("medium", rule.medium), ("small", rule.small)):
        if not all(f in figures for f, _ in limits):
            return None
        if all(figures[f] >= lim for f, lim in limits):
            return name
    return "micro"


def sme_flags(firms: pd.DataFrame) -> pd.Series:
    """1.0 where the firm is an SME under 300号, 0.0 where it is large, NaN where unknown.

    Vectorised over a firm table with ``industry_code`` and any of :data:`SIZE_FIELDS`
    (a missing column = missing for every firm). Only the ceiling matters here.
    """
    idx = firms.index
    sectors = (
        firms["industry_code"].map(sector_of)
        if "industry_code" in firms.columns
        else pd.Series(None, index=idx, dtype=object)
    )

    def col(name: str) -> pd.Series:
        if name not in firms.columns:
            return pd.Series(np.nan, index=idx, dtype="float64")
        return pd.to_numeric(firms[name], errors="coerce").astype("float64")

    out = pd.Series(np.nan, index=idx, dtype="float64")
    for key, rule in SECTORS.items():
        rows = sectors == key
        if not rows.any():
            continue
        below = pd.Series(False, index=idx)
        all_known = pd.Series(True, index=idx)
        for field, limit in rule.ceiling:
            v = col(field)
            below |= v.notna() & (v <= limit)
            all_known &= v.notna()
        out = out.where(~(rows & below), 1.0)
        out = out.where(~(rows & ~below & all_known), 0.0)
    return out


__all__ = [
    "DIVISION_SECTOR",
    "SECTORS",
    "SIZE_FIELDS",
    "SectorRule",
    "sector_of",
    "sme_flags",
    "sme_size",
]
