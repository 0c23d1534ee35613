"""Deterministic generation of the sample city 邢台市 as plain dataclasses (no database).

``demo_generate(n_firms=3000, seed=2025)`` always returns the same city for the same arguments:
parks, firms with valid USCCs, three years of figures and qualifications. The loader
(:mod:`chainboard.demo.loader`) writes it; tests check it without a database.

Shape of the data
-----------------
* Firms per county follow :data:`~chainboard.demo.profiles.COUNTIES` weights; each county mixes its
  clusters (沙河玻璃, 宁晋电线电缆 …) with everyday manufacturing and services.
* Revenue (营业收入, 万元) is lognormal (median ~1000万元 × industry size, σ = 1.45) plus
  hand-placed anchor firms, so the distribution is heavy-tailed; 规上 (above_scale) follows the
  statistical thresholds (industry and wholesale ≥ 2000万元, retail ≥ 500万元, other services
  ≥ 1000万元).
* Land, electricity, other energy, pollutant equivalent, value added, tax, employees and R&D are
  revenue times an industry-typical intensity (:class:`~chainboard.demo.profiles.IndustryProfile`)
  with firm-level lognormal noise; energy (tce) = electricity × 1.229 + other fuel.
* Titles follow the ladder: 科技型中小企业 / 高新技术企业 → 创新型中小企业 → 专精特新 → 小巨人, with
  R&D intensities that meet each title's published floor.
"""

from __future__ import annotations

import bisect
import itertools
import math
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from chainboard.demo.profiles import (
    ANCHORS,
    AVOID_BRANDS,
    BACKGROUND,
    BACKGROUND_GROWTH,
    COUNTIES,
    INDUSTRIES,
    KWH_10K_TO_TCE,
    NAME_CHARS,
    YEARS,
    Anchor,
    County,
    IndustryProfile,
)
from chainboard.enterprises.uscc import CHARSET, uscc_check_char

__all__ = [
    "DemoCity",
    "FirmSpec",
    "ParkSpec",
    "QualificationSpec",
    "YearSpec",
    "above_scale_threshold",
    "demo_generate",
    "org_code_check_char",
]

MEDIAN_REVENUE = 1000.0  # 万元, the typical firm of size 1.0
REVENUE_SIGMA = 1.45
REVENUE_CAP = 200_000.0  # 万元; only anchors are bigger
LATEST = YEARS[-1]


@dataclass(frozen=True)
class ParkSpec:
    region_code: str
    name: str
    kind: str
    planned_area_mu: Decimal


@dataclass(frozen=True)
class YearSpec:
    """One firm-year; any figure may be ``None`` (not reported), none is negative."""

    year: int
    revenue_wan_yuan: Decimal | None
    main_business_revenue_wan_yuan: Decimal | None
    value_added_wan_yuan: Decimal | None
    tax_paid_wan_yuan: Decimal | None
    land_area_mu: Decimal | None
    energy_tce: Decimal | None
    pollutant_equivalent_t: Decimal | None
    rd_spend_wan_yuan: Decimal | None
    employees: int | None
    electricity_10k_kwh: Decimal | None

    def figures(self) -> dict[str, Decimal | int | None]:
        """The figure fields keyed as on ``EnterpriseYear``."""
        return {k: v for k, v in self.__dict__.items() if k != "year"}


@dataclass(frozen=True)
class FirmSpec:
    uscc: str
    name: str
    region_code: str
    park_name: str | None
    industry_code: str
    above_scale: bool
    founded_on: date
    status: str
    business_scope: str
    cluster: str  # "" for the background economy
    anchor: bool
    years: tuple[YearSpec, ...]


@dataclass(frozen=True)
class QualificationSpec:
    uscc: str
    kind: str
    level: str
    granted_on: date
    expires_on: date | None
    source: str


@dataclass(frozen=True)
class DemoCity:
    seed: int
    parks: tuple[ParkSpec, ...]
    firms: tuple[FirmSpec, ...]
    qualifications: tuple[QualificationSpec, ...]


@dataclass
class _Draft:
    """A firm while it is being built."""

    county: County
    cluster: str
    growth: tuple[float, float]
    profile: IndustryProfile
    anchor: Anchor | None = None
    name: str = ""
    uscc: str = ""
    park_name: str | None = None
    founded_on: date = date(2010, 1, 1)
    status: str = "active"
    revenue: dict[int, float] = field(default_factory=dict)  # full-year equivalent revenue
    reported: dict[int, float] = field(default_factory=dict)  # what the firm reports
    employees_ref: float = 0.0
    land: float | None = 0.0
    rd_rate: float = 0.0
    titles: set[str] = field(default_factory=set)
    title_dates: dict[str, date] = field(default_factory=dict)

    @property
    def latest_revenue(self) -> float:
        return self.revenue[max(self.revenue)] if self.revenue else 0.0

    @property
    def industrial(self) -> bool:
        return is_industrial(self.profile.code)


def is_industrial(code: str) -> bool:
    """B, C and D sections of GB/T 4754 (divisions 06–46): mining, manufacturing, utilities."""
    return 6 <= int(code[:2]) <= 46


def above_scale_threshold(code: str) -> float:
    """规模以上 revenue threshold in 万元 for the firm's industry (NBS 统计标准)."""
    division = int(code[:2])
    if is_industrial(code) or division == 51:
        return 2000.0
    if division == 52:
        return 500.0
    return 1000.0


def org_code_check_char(body: str) -> str:
    """GB 11714-1997 check character of an 8-character organisation code body.

    C9 = 11 − (Σ v_i·w_i mod 11) with w = (3, 7, 9, 10, 5, 8, 4, 2), v = 0–9 for digits and
    10–35 for A–Z; 10 → "X", 11 → "0".
    """
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(ch, 36) * w for ch, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def _dec(value: float, places: int = 2) -> Decimal:
    return Decimal(f"{max(value, 0.0):.{places}f}")


def _lognormal(rng: np.random.Generator, sigma: float) -> float:
    return float(math.exp(rng.normal(0.0, sigma)))


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, deterministic)."""
    raw = [total * w / sum(weights) for w in weights]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _pick(rng: np.random.Generator, options: dict[str, float]) -> str:
    """One key of ``options``, drawn with probability proportional to its weight."""
    keys = list(options)
    cumulative = list(itertools.accumulate(options[k] for k in keys))
    index = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
    return keys[min(index, len(keys) - 1)]


def _sample(rng: np.random.Generator, n: int, k: int) -> list[int]:
    """``k`` distinct indices out of ``range(n)``, in ascending order."""
    return sorted(rng.permutation(n)[:k].tolist())


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


# --- identity: names, codes, scopes ---------------------------------------------------------------

_GENERIC_SCOPE = (
    "货物进出口",
    "技术进出口",
    "五金产品批发",
    "机械设备销售",
    "金属材料销售",
    "包装材料及制品销售",
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    "普通货物仓储服务（不含危险化学品等需许可审批的项目）",
)
# 许可项目 by 4-digit class first, else by division
_LICENSED = {
    "1321": "饲料生产",
    "13": "食品生产；食品经营",
    "14": "食品生产；食品销售",
    "15": "饮料生产；食品销售",
    "27": "药品生产；药品批发",
    "54": "道路货物运输（不含危险货物）",
    "2521": "危险化学品生产；危险化学品经营",
}


def _business_scope(rng: np.random.Generator, draft: _Draft) -> str:
    phrases = list(draft.profile.scope)
    extra = phrases[1:]
    n_extra = min(len(extra), int(rng.integers(1, 4)))
    items = [phrases[0], *[extra[i] for i in _sample(rng, len(extra), n_extra)]]
    for i in _sample(rng, len(_GENERIC_SCOPE), int(rng.integers(0, 3))):
        if _GENERIC_SCOPE[i] not in items:
            items.append(_GENERIC_SCOPE[i])
    code = draft.profile.code
    licensed = _LICENSED.get(code) or _LICENSED.get(code[:2])
    if draft.founded_on.year >= 2021:
        text = "一般项目：" + "；".join(items) + "。"
        if licensed:
            text += f"许可项目：{licensed}。"
        return text + "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
    if licensed:
        items.insert(0, licensed.replace("；", "、"))
    return "；".join(items) + "。（依法须经批准的项目，经相关部门批准后方可开展经营活动）"


def _firm_name(rng: np.random.Generator, draft: _Draft, used: set[str]) -> str:
    if draft.anchor is not None:
        return draft.anchor.name
    profile = draft.profile
    revenue = draft.latest_revenue
    for _ in range(200):
        a, b = _sample(rng, len(NAME_CHARS), 2)
        if rng.random() < 0.5:
            a, b = b, a
        brand = NAME_CHARS[a] + NAME_CHARS[b]
        if brand in AVOID_BRANDS:
            continue
        word = profile.words[int(rng.integers(len(profile.words)))]
        roll = rng.random()
        prefix = draft.county.name_prefix if roll < 0.6 else "河北" if roll < 0.85 else "邢台"
        form = rng.random()
        if revenue > 50_000 and form < 0.4:
            suffix = "集团有限公司"
        elif revenue > 20_000 and form < 0.15:
            suffix = "股份有限公司"
        elif profile.tech >= 0.4 and form < 0.3 and not word.endswith("科技"):
            suffix = "科技有限公司"
        elif form < 0.12:
            suffix = "有限责任公司"
        else:
            suffix = "有限公司"
        name = f"{prefix}{brand}{word}{suffix}"
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("could not find a unique firm name")  # pragma: no cover


def _uscc(rng: np.random.Generator, draft: _Draft, used: set[str]) -> str:
    """18-character USCC: 9 (工商) 1 (企业), the county code, a GB 11714 body, the check char."""
    modern = draft.founded_on >= date(2015, 10, 1)
    letters = CHARSET  # the USCC charset: no I, O, S, V, Z
    while True:
        if modern:  # codes issued after the 2015 reform start with "MA"
            body = "MA" + "".join(letters[i] for i in rng.integers(0, len(letters), 6))
        else:
            body = str(rng.choice(list("05678"))) + "".join(str(d) for d in rng.integers(0, 10, 7))
        first17 = "91" + draft.county.code + body + org_code_check_char(body)
        code = first17 + uscc_check_char(first17)
        if code not in used:
            used.add(code)
            return code


# --- the pieces of the city -----------------------------------------------------------------------


def _parks() -> tuple[ParkSpec, ...]:
    return tuple(
        ParkSpec(county.code, park.name, park.kind, Decimal(park.planned_area_mu))
        for county in COUNTIES
        for park in county.parks
    )


def _drafts(rng: np.random.Generator, n_firms: int) -> list[_Draft]:
    """Decide county, cluster and industry of every firm."""
    n_anchors = min(len(ANCHORS), n_firms // 40)
    anchors = ANCHORS[:n_anchors]
    counts = _allocate(n_firms, [c.weight for c in COUNTIES])
    drafts: list[_Draft] = []
    for county, count in zip(COUNTIES, counts, strict=True):
        clusters = {c.name: c for c in county.clusters}
        own = [a for a in anchors if a.region == county.code][:count]
        for anchor in own:
            cluster = clusters.get(anchor.cluster)
            growth = cluster.growth if cluster else BACKGROUND_GROWTH
            drafts.append(
                _Draft(county, anchor.cluster, growth, INDUSTRIES[anchor.code], anchor=anchor)
            )
        shares = {c.name: c.share for c in county.clusters}
        shares[""] = max(0.0, 1.0 - sum(shares.values()))
        for _ in range(max(0, count - len(own))):
            name = _pick(rng, shares)
            if name:
                cluster = clusters[name]
                code, growth = _pick(rng, cluster.codes), cluster.growth
            else:
                code, growth = _pick(rng, BACKGROUND), BACKGROUND_GROWTH
            drafts.append(_Draft(county, name, growth, INDUSTRIES[code]))
    return drafts


def _founding(rng: np.random.Generator, draft: _Draft) -> date:
    if draft.anchor is not None:
        year = draft.anchor.founded_year
        return date(year, 1, 1) + timedelta(days=int(rng.integers(0, 365)))
    age_days = int(min(max(rng.gamma(2.0, 5.5), 0.2), 37.0) * 365.25)
    return date(LATEST, 12, 31) - timedelta(days=age_days)


def _shape(rng: np.random.Generator, draft: _Draft) -> None:
    """Founding date, status, revenue path, land and workforce."""
    profile = draft.profile
    draft.founded_on = _founding(rng, draft)
    roll = rng.random()
    if draft.anchor is None and draft.founded_on.year <= 2023:
        draft.status = (
            "suspended"
            if roll < 0.02
            else "moved_out"
            if roll < 0.03
            else "closed"
            if roll < 0.045
            else "active"
        )
    if draft.anchor is not None:
        base = draft.anchor.revenue_wan_yuan * _clip(rng.normal(1.0, 0.03), 0.9, 1.1)
    else:
        base = MEDIAN_REVENUE * profile.size * _lognormal(rng, REVENUE_SIGMA)
        base = min(max(base, 20.0), REVENUE_CAP)
    g24 = _clip(draft.growth[0] + rng.normal(0.0, 0.12), -0.6, 1.0)
    g25 = _clip(draft.growth[1] + rng.normal(0.0, 0.12), -0.6, 1.0)
    path = {2025: base, 2024: base / (1 + g25)}
    path[2023] = path[2024] / (1 + g24)
    if draft.status == "suspended":
        path[2025] *= float(rng.uniform(0.03, 0.3))
    years = [y for y in YEARS if y >= draft.founded_on.year]
    if draft.status in ("closed", "moved_out"):
        years = [y for y in years if y < LATEST]
    for y in years:
        draft.revenue[y] = path[y]
        share = 1.0
        if y == draft.founded_on.year:
            share = max((date(y, 12, 31) - draft.founded_on).days, 15) / 365.0
        draft.reported[y] = path[y] * share
    capacity = max(draft.revenue.values(), default=base)
    if profile.rev_per_mu is None:
        draft.land = 0.0
    elif draft.anchor is None and capacity < 500 and rng.random() < 0.08:
        draft.land = 0.0  # a tenant in a rented workshop, no land of its own
    elif draft.anchor is None and rng.random() < 0.01:
        draft.land = None  # never reported
    else:
        # small workshops sit on a few mu however little they sell
        floor = float(rng.uniform(1.5, 8.0))
        draft.land = max(floor, capacity / (profile.rev_per_mu * _lognormal(rng, 0.45)))
    draft.employees_ref = capacity / (profile.rev_per_emp * _lognormal(rng, 0.35))


def _park(rng: np.random.Generator, draft: _Draft) -> str | None:
    county = draft.county
    main = county.parks[0].name
    themed = next((c.park for c in county.clusters if c.name == draft.cluster), None)
    if draft.anchor is not None:
        return themed or main
    roll = rng.random()
    if draft.cluster:
        if themed:
            return themed if roll < 0.6 else main if roll < 0.85 else None
        return main if roll < 0.65 else None
    if not draft.industrial:
        return main if roll < 0.25 else None
    if roll < 0.5:
        return main
    if roll < 0.6:
        return county.parks[int(rng.integers(len(county.parks)))].name
    return None


# --- qualifications ----------------------------------------------------------------------------


def _years_later(day: date, years: int) -> date:
    return date(day.year + years, day.month, day.day) - timedelta(days=1)


_HT_DATES = {
    2022: date(2022, 12, 12),
    2023: date(2023, 11, 20),
    2024: date(2024, 12, 5),
    2025: date(2025, 11, 28),
}
_INNO_DATES = {
    2022: date(2022, 10, 14),
    2023: date(2023, 8, 18),
    2024: date(2024, 7, 30),
    2025: date(2025, 6, 27),
}
_SRDI_DATES = {
    2022: date(2022, 12, 30),
    2023: date(2023, 12, 15),
    2024: date(2024, 12, 20),
    2025: date(2025, 10, 31),
}
_GIANT_DATES = {2023: date(2023, 7, 28), 2024: date(2024, 8, 16), 2025: date(2025, 8, 8)}
_CHAMPION_DATES = {2023: date(2023, 12, 5), 2024: date(2024, 11, 22)}


_HT_YEAR_WEIGHTS = {2022: 3.0, 2023: 3.0, 2024: 3.0, 2025: 1.0}


def _pick_year(rng: np.random.Generator, weights: dict[int, float]) -> int:
    return int(_pick(rng, {str(y): w for y, w in weights.items()}))


class _Quals:
    """Collects qualification rows and the titles each firm holds."""

    def __init__(self) -> None:
        self.rows: list[QualificationSpec] = []

    def add(
        self,
        draft: _Draft,
        kind: str,
        level: str,
        granted: date,
        expires: date | None,
        source: str,
    ) -> None:
        draft.titles.add(kind)
        draft.title_dates.setdefault(kind, granted)
        self.rows.append(QualificationSpec(draft.uscc, kind, level, granted, expires, source))


def _choose(
    rng: np.random.Generator, pool: list[_Draft], weights: list[float], k: int
) -> list[_Draft]:
    w = np.array(weights, dtype=float)
    k = min(k, int((w > 0).sum()))
    if k <= 0:
        return []
    picked = rng.choice(len(pool), size=k, replace=False, p=w / w.sum())
    return [pool[i] for i in sorted(picked)]


def _size_weight(draft: _Draft) -> float:
    return 1.0 + math.log10(1.0 + draft.latest_revenue)


def _qualify(
    rng: np.random.Generator, drafts: list[_Draft], n_firms: int
) -> list[QualificationSpec]:
    """Hand out titles with the counts a city of this size reports (scaled to ``n_firms``)."""
    s = n_firms / 3000.0
    q = _Quals()
    active = [d for d in drafts if d.status == "active"]

    def n(target: float) -> int:
        return round(target * s)

    # 高新技术企业 (national, 3 years), some re-certified in 2025
    pool = [d for d in active if d.founded_on.year <= 2023 and d.profile.tech >= 0.1]
    for d in _choose(rng, pool, [d.profile.tech**1.5 * _size_weight(d) for d in pool], n(210)):
        weights_by_year = {y: w for y, w in _HT_YEAR_WEIGHTS.items() if y > d.founded_on.year}
        year = _pick_year(rng, weights_by_year)
        granted = _HT_DATES[year]
        q.add(
            d,
            "high_tech",
            "national",
            granted,
            _years_later(granted, 3),
            f"{year}年河北省认定高新技术企业名单（示例）",
        )
        if year == 2022 and rng.random() < 0.75:
            q.add(
                d,
                "high_tech",
                "national",
                _HT_DATES[2025],
                _years_later(_HT_DATES[2025], 3),
                "2025年河北省认定高新技术企业名单（重新认定，示例）",
            )

    # 科技型中小企业 (evaluated and listed every year; valid for that year)
    pool = [
        d
        for d in active
        if d.latest_revenue <= 20_000
        and d.employees_ref <= 500
        and d.profile.tech >= 0.1
        and d.founded_on.year <= 2024
    ]
    weights = [d.profile.tech * (3.0 if "high_tech" in d.titles else 1.0) for d in pool]
    for d in _choose(rng, pool, weights, n(480)):
        start = int(rng.choice([2023, 2024, 2025], p=[0.45, 0.3, 0.25]))
        start = max(start, d.founded_on.year + 1)
        for year in range(start, LATEST + 1):
            if year > start and rng.random() > 0.85:
                break
            granted = date(year, int(rng.integers(4, 10)), int(rng.integers(1, 29)))
            q.add(
                d,
                "tech_sme",
                "provincial",
                granted,
                date(year, 12, 31),
                f"{year}年科技型中小企业评价入库（示例）",
            )

    # 创新型中小企业 (provincial list, 3 years)
    pool = [d for d in active if d.titles & {"high_tech", "tech_sme"} and d.latest_revenue < 40_000]
    for d in _choose(rng, pool, [d.profile.tech * _size_weight(d) for d in pool], n(130)):
        year = int(rng.choice([2022, 2023, 2024, 2025], p=[0.2, 0.3, 0.3, 0.2]))
        granted = _INNO_DATES[year]
        q.add(
            d,
            "innovative_sme",
            "provincial",
            granted,
            _years_later(granted, 3),
            f"{year}年河北省创新型中小企业名单（示例）",
        )

    # 专精特新中小企业 (provincial, 3 years): after 创新型, revenue ≥ 1000万元
    pool = [d for d in active if "innovative_sme" in d.titles and d.latest_revenue >= 1000]
    for d in _choose(rng, pool, [_size_weight(d) ** 2 for d in pool], n(70)):
        after = d.title_dates["innovative_sme"]
        year = int(rng.choice([y for y, day in _SRDI_DATES.items() if day > after]))
        granted = _SRDI_DATES[year]
        q.add(
            d,
            "srdi",
            "provincial",
            granted,
            _years_later(granted, 3),
            f"{year}年河北省专精特新中小企业名单（示例）",
        )

    # 专精特新“小巨人” (national, 3 years): after 专精特新, revenue ≥ 5000万元
    pool = [
        d
        for d in active
        if "srdi" in d.titles
        and d.latest_revenue >= 5000
        and any(day > d.title_dates["srdi"] for day in _GIANT_DATES.values())
    ]
    for d in _choose(rng, pool, [_size_weight(d) ** 2 for d in pool], max(n(9), 1)):
        after = d.title_dates["srdi"]
        year = int(rng.choice([y for y, day in _GIANT_DATES.items() if day > after]))
        granted = _GIANT_DATES[year]
        q.add(
            d,
            "little_giant",
            "national",
            granted,
            _years_later(granted, 3),
            f"工业和信息化部{year}年专精特新“小巨人”企业名单（示例）",
        )

    # 制造业单项冠军 (national, 3 years)
    pool = [
        d for d in active if d.industrial and d.latest_revenue >= 50_000 and d.profile.tech >= 0.3
    ]
    k = 2 if n_firms >= 1000 else 1 if n_firms >= 200 else 0
    weights = [d.profile.tech * (5.0 if d.anchor else 1.0) for d in pool]
    for d in _choose(rng, pool, weights, k):
        year = int(rng.choice(list(_CHAMPION_DATES)))
        granted = _CHAMPION_DATES[year]
        q.add(
            d,
            "single_champion",
            "national",
            granted,
            _years_later(granted, 3),
            f"工业和信息化部{year}年制造业单项冠军企业名单（示例）",
        )

    above = [d for d in active if d.industrial and d.latest_revenue >= 2000]

    # 绿色工厂 (national / provincial, dynamic management: no expiry)
    for level, count in (("national", n(8)), ("provincial", n(30))):
        pool = [d for d in above if "green_factory" not in d.titles]
        for d in _choose(rng, pool, [_size_weight(d) ** 3 for d in pool], count):
            year = int(rng.integers(2021, LATEST + 1))
            granted = date(year, int(rng.integers(9, 13)), int(rng.integers(1, 29)))
            title = "国家级" if level == "national" else "河北省"
            q.add(d, "green_factory", level, granted, None, f"{year}年{title}绿色工厂名单（示例）")

    # 企业技术中心 (national / provincial / city)
    for level, count in (
        ("national", 1 if n_firms >= 1000 else 0),
        ("provincial", n(35)),
        ("city", n(70)),
    ):
        pool = [d for d in above if "tech_center" not in d.titles]
        weights = [
            d.profile.tech * _size_weight(d) ** (4 if level == "national" else 2) for d in pool
        ]
        for d in _choose(rng, pool, weights, count):
            year = int(rng.integers(2015, LATEST + 1))
            granted = date(year, int(rng.integers(3, 13)), int(rng.integers(1, 29)))
            title = {"national": "国家", "provincial": "河北省", "city": "邢台市"}[level]
            q.add(d, "tech_center", level, granted, None, f"{title}企业技术中心（示例）")

    # 智能工厂/数字化车间
    pool = [d for d in above if d.latest_revenue >= 5000]
    for d in _choose(rng, pool, [_size_weight(d) ** 2 for d in pool], n(32)):
        level = "provincial" if rng.random() < 0.7 else "city"
        year = int(rng.integers(2021, LATEST + 1))
        granted = date(year, int(rng.integers(6, 13)), int(rng.integers(1, 29)))
        q.add(d, "smart_factory", level, granted, None, f"{year}年智能工厂和数字化车间（示例）")

    # 上云企业: most 规上 firms, a few small ones
    for d in active:
        threshold = above_scale_threshold(d.profile.code)
        chance = 0.6 if d.latest_revenue >= threshold else 0.05 if d.industrial else 0.0
        if chance and rng.random() < chance:
            year = int(rng.integers(2020, LATEST + 1))
            granted = date(year, int(rng.integers(1, 13)), int(rng.integers(1, 29)))
            q.add(d, "cloud", "provincial", granted, None, f"{year}年河北省企业上云（示例）")

    # 工业设计对接: each 规上 industrial firm docked with a design company of the demo
    designers = [d for d in drafts if d.profile.code == "7491"]
    for d in above:
        if designers and rng.random() < 0.75:
            partner = designers[int(rng.integers(len(designers)))]
            year = int(rng.integers(2020, LATEST + 1))
            granted = date(year, int(rng.integers(1, 13)), int(rng.integers(1, 29)))
            q.add(d, "design_docked", "city", granted, None, f"对接{partner.name}（示例）")
    return q.rows


def _rd_rate(rng: np.random.Generator, draft: _Draft) -> float:
    """R&D intensity, meeting the published floor of every title the firm holds."""
    profile, revenue = draft.profile, max(draft.latest_revenue, 1.0)
    rate = 0.0
    if profile.rd > 0:
        zero = 0.55 if revenue < 2000 else 0.25
        if draft.titles or rng.random() > zero:
            rate = profile.rd * _lognormal(rng, 0.5)
    floor = 0.0
    if "high_tech" in draft.titles:  # 认定办法 2016: ≤5000万 5%, ≤2亿 4%, else 3%
        floor = max(floor, 0.05 if revenue <= 5000 else 0.04 if revenue <= 20_000 else 0.03)
    if draft.titles & {"tech_sme", "innovative_sme"}:
        floor = max(floor, 0.02)
    if "srdi" in draft.titles:  # ≥ 100万元 and ≥ 3 %
        floor = max(floor, 0.03, 100.0 / revenue)
    if "little_giant" in draft.titles:  # ≥ 1亿: 3 %; 5000万–1亿: 6 %
        floor = max(floor, 0.03 if revenue >= 10_000 else 0.06)
    if floor:
        rate = max(rate, floor * float(rng.uniform(1.08, 1.6)))
    return min(rate, 0.25)


#: Small (规下) firms against the industry profile (calibrated 2026-12 so that the shipped 亩均
#: methods give a plausible spread, docs/evaluation.md "Demo calibration"): small workshops use
#: older, less efficient equipment (more electricity per 万元 of sales) and most are 小规模纳税人
#: paying VAT at the reduced 1% levy on sales (财政部 税务总局公告2023年第19号, to 2027-12-31)
#: instead of the general rate on value added, so they pay less tax per 万元 of sales.
SMALL_FIRM_ELECTRICITY = 2.6
SMALL_FIRM_TAX = 0.6


def _main_business_share(uscc: str) -> float:
    """主营业务收入 ÷ 营业收入 of a firm, 0.70-1.00 (most manufacturers sell mostly their product).

    Drawn from its own stream seeded by the USCC, so adding the figure left every other demo
    figure unchanged."""
    own = np.random.default_rng(zlib.crc32(uscc.encode("utf-8")))
    return _clip(float(own.normal(0.93, 0.06)), 0.7, 1.0)


def _years(rng: np.random.Generator, draft: _Draft) -> tuple[YearSpec, ...]:
    """Turn the draft into reported figures, with a few missing values."""
    profile = draft.profile
    small = draft.latest_revenue < above_scale_threshold(profile.code)
    main_share = _main_business_share(draft.uscc)
    elec_f = _lognormal(rng, 0.3)
    fuel_f = _lognormal(rng, 0.3)
    poll_f = _lognormal(rng, 0.5)
    va_f = _clip(rng.normal(1.0, 0.12), 0.6, 1.5)
    tax_f = _lognormal(rng, 0.35)
    loss_year = int(rng.choice(YEARS)) if rng.random() < 0.04 else None
    ref_year = max(draft.revenue) if draft.revenue else LATEST
    expand_year = int(rng.choice(YEARS[1:])) if rng.random() < 0.06 else None
    rows = []
    for year, revenue in sorted(draft.reported.items()):
        full = draft.revenue[year]
        trend = 1.0 + 0.02 * (LATEST - year)  # intensities fall a little each year
        electricity = revenue * profile.elec * elec_f * trend * float(rng.normal(1.0, 0.04))
        if small:
            electricity *= SMALL_FIRM_ELECTRICITY
        fuel = revenue * profile.fuel * fuel_f * trend * float(rng.normal(1.0, 0.05))
        pollutant = revenue * profile.pollutant * poll_f * 0.93 ** (year - YEARS[0])
        land = draft.land
        if land and expand_year and year < expand_year:
            land = land * 0.75
        employees = draft.employees_ref * (full / draft.revenue[ref_year]) ** 0.5
        employees *= float(rng.normal(1.0, 0.03))
        tax = 0.0 if year == loss_year else revenue * profile.tax * tax_f
        if small:
            tax *= SMALL_FIRM_TAX
        values: dict[str, Decimal | int | None] = {
            "revenue_wan_yuan": _dec(revenue),
            "main_business_revenue_wan_yuan": _dec(revenue * main_share),
            "value_added_wan_yuan": _dec(revenue * profile.va * va_f * float(rng.normal(1, 0.04))),
            "tax_paid_wan_yuan": _dec(tax),
            "land_area_mu": None if land is None else _dec(land),
            "energy_tce": _dec(electricity * KWH_10K_TO_TCE + fuel),
            "pollutant_equivalent_t": _dec(pollutant, 3),
            "rd_spend_wan_yuan": _dec(revenue * draft.rd_rate * float(rng.normal(1.0, 0.02))),
            "employees": max(3, round(employees)),
            "electricity_10k_kwh": _dec(electricity),
        }
        if draft.anchor is None:  # real data has holes; anchors report everything
            for name, chance in (
                ("pollutant_equivalent_t", 0.02),
                ("energy_tce", 0.008),
                ("rd_spend_wan_yuan", 0.008),
                ("employees", 0.005),
                ("tax_paid_wan_yuan", 0.004),
                ("revenue_wan_yuan", 0.003),
            ):
                if rng.random() < chance:
                    values[name] = None
        rows.append(YearSpec(year=year, **values))  # type: ignore[arg-type]
    return tuple(rows)


def demo_generate(*, n_firms: int = 3000, seed: int = 2025) -> DemoCity:
    """Build the sample city: the same ``(n_firms, seed)`` always gives the same city."""
    if n_firms < 1:
        raise ValueError("n_firms must be positive")
    rng = np.random.default_rng(seed)
    drafts = _drafts(rng, n_firms)
    names: set[str] = {a.name for a in ANCHORS}
    codes: set[str] = set()
    for draft in drafts:
        _shape(rng, draft)
        draft.name = _firm_name(rng, draft, names)
        draft.uscc = _uscc(rng, draft, codes)
        draft.park_name = _park(rng, draft)
    qualifications = _qualify(rng, drafts, n_firms)
    firms = []
    for draft in drafts:
        draft.rd_rate = _rd_rate(rng, draft)
        years = _years(rng, draft)
        latest = draft.reported[max(draft.reported)] if draft.reported else 0.0
        above = draft.status in ("active", "suspended") and latest >= above_scale_threshold(
            draft.profile.code
        )
        firms.append(
            FirmSpec(
                uscc=draft.uscc,
                name=draft.name,
                region_code=draft.county.code,
                park_name=draft.park_name,
                industry_code=draft.profile.code,
                above_scale=above,
                founded_on=draft.founded_on,
                status=draft.status,
                business_scope=_business_scope(rng, draft),
                cluster=draft.cluster,
                anchor=draft.anchor is not None,
                years=years,
            )
        )
    return DemoCity(seed, _parks(), tuple(firms), tuple(qualifications))
