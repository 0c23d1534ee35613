"""The effect of a 亩均 class's differentiated policy on one firm, in 万元 a year.

Sources
-------
电价加价
    Zhejiang counties may set a differentiated power price by class (浙政发〔2018〕5号, 2018-01;
    Ningbo/慈溪 差别化电价, 慈亩均办〔2024〕40号). No surcharge amount was found in any public text
    [GAP]: the amounts live in the editable policy table with their source.
    Effect = 加价 (元/千瓦时) × 用电量 (万千瓦时) = 万元, since 1 万千瓦时 × 1 元/千瓦时 = 1 万元.
城镇土地使用税减免
    浙政办发〔2019〕62号: A 类 100%, B 类 80%, C/D none, in force to 2021-12-31. The yearly tax is
    用地面积 (亩) × 666.67 m²/亩 × 年税额 (元/m²), the 年税额 being the local amount within the
    ranges of 《中华人民共和国城镇土地使用税暂行条例》(国务院令第483号, 2006-12-31 revision).
    Effect = − 税额 × 减免% ÷ 10000 万元 (a saving).
水价加价
    Needs the firm's water use, which the yearly figures do not hold: the effect is stated as not
    computable rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

M2_PER_MU = 10000 / 15  # 1 亩 = 666.67 m²


@dataclass(frozen=True)
class PolicyEffect:
    """One line of the effect: ``amount_wan_yuan`` > 0 is an extra cost, < 0 a saving."""

    item: str
    rule: str
    formula: str
    amount_wan_yuan: float | None


def _f(x: Any) -> float | None:
    return None if x is None else float(x)


def policy_effects(policy: dict[str, Any], figures: dict[str, Any]) -> list[PolicyEffect]:
    """The yearly effect of ``policy`` (a policy-table row as a dict) on a firm's ``figures``.

    ``policy`` keys: ``electricity_surcharge_yuan_per_kwh``, ``water_surcharge_yuan_per_m3``,
    ``land_tax_relief_pct``, ``land_tax_yuan_per_m2`` (missing or None = not set).
    ``figures`` keys: ``electricity_10k_kwh``, ``land_area_mu``.

    >>> [e.amount_wan_yuan for e in policy_effects(
    ...     {"electricity_surcharge_yuan_per_kwh": 0.1}, {"electricity_10k_kwh": 350.0})]
    [35.0]
    """
    out: list[PolicyEffect] = []
    surcharge = _f(policy.get("electricity_surcharge_yuan_per_kwh"))
    if surcharge:
        kwh = _f(figures.get("electricity_10k_kwh"))
        out.append(
            PolicyEffect(
                "电价加价",
                f"{surcharge:g} 元/千瓦时",
                f"{surcharge:g} 元/千瓦时 × 用电量 {kwh:,.2f} 万千瓦时"
                if kwh is not None
                else "缺用电量数据",
                None if kwh is None else round(surcharge * kwh, 4),
            )
        )
    water = _f(policy.get("water_surcharge_yuan_per_m3"))
    if water:
        out.append(
            PolicyEffect("水价加价", f"{water:g} 元/立方米", "年度指标无用水量，无法计算", None)
        )
    relief = _f(policy.get("land_tax_relief_pct"))
    if relief:
        rate = _f(policy.get("land_tax_yuan_per_m2"))
        land = _f(figures.get("land_area_mu"))
        if rate is None or land is None:
            why = "未设定年税额" if rate is None else "缺用地面积数据"
            out.append(PolicyEffect("城镇土地使用税减免", f"减免 {relief:g}%", why, None))
        else:
            tax = land * M2_PER_MU * rate / 10000
            out.append(
                PolicyEffect(
                    "城镇土地使用税减免",
                    f"减免 {relief:g}%",
                    f"用地 {land:,.2f} 亩 × 666.67 平方米/亩 × {rate:g} 元/平方米 × {relief:g}%",
                    round(-tax * relief / 100, 4),
                )
            )
    return out


def net_effect(effects: list[PolicyEffect]) -> float | None:
    """Σ of the computable effects (万元; > 0 extra cost), None when none is computable."""
    known = [e.amount_wan_yuan for e in effects if e.amount_wan_yuan is not None]
    return round(sum(known), 4) if known else None


__all__ = ["M2_PER_MU", "PolicyEffect", "net_effect", "policy_effects"]
