"""The figures a 填报任务 may ask for: the registry's yearly figures (``EnterpriseYear``) with
their units, how a typed value is read, and the plausibility checks shown as warnings.

Reading reuses the import's cell parser (``imports.cells.parse_decimal``: ``1,234.5``, full-width
digits, spaces), so a value typed in the form and one in the uploaded sheet are read alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chainboard.enterprises.models import FIGURE_TITLES
from chainboard.imports.cells import CellError, canon, parse_decimal

#: The largest number the columns hold (16 digits, 4 after the point).
MAX_VALUE = Decimal("999999999999")


@dataclass(frozen=True)
class Figure:
    field: str
    title: str  # with the unit, as the import's column: 营业收入(万元)
    label: str  # 营业收入
    unit: str  # 万元
    integer: bool
    plausible_max: Decimal  # above: a warning, not an error
    aliases: tuple[str, ...] = ()


def _split(title: str) -> tuple[str, str]:
    m = re.fullmatch(r"(.+)\((.+)\)", title)
    return (m.group(1), m.group(2)) if m else (title, "")


#: Upper plausibility bounds for one firm's year (a value above is probably a unit slip:
#: 元 for 万元, 千瓦时 for 万千瓦时, 平方米 for 亩).
_BOUNDS: dict[str, str] = {
    "revenue_wan_yuan": "5000000",  # 500亿元
    "main_business_revenue_wan_yuan": "5000000",
    "value_added_wan_yuan": "2000000",
    "tax_paid_wan_yuan": "500000",
    "land_area_mu": "10000",
    "energy_tce": "3000000",
    "pollutant_equivalent_t": "100000",
    "rd_spend_wan_yuan": "500000",
    "employees": "50000",
    "electricity_10k_kwh": "500000",
}
_ALIASES: dict[str, tuple[str, ...]] = {
    "tax_paid_wan_yuan": ("税收", "实缴税金", "税金"),
    "energy_tce": ("能耗", "综合能耗"),
    "rd_spend_wan_yuan": ("研发经费", "研发费用", "R&D经费"),
    "employees": ("从业人员", "职工人数", "年平均职工人数"),
    "land_area_mu": ("用地面积", "占地面积"),
    "electricity_10k_kwh": ("用电量",),
}

FIGURES: dict[str, Figure] = {
    field: Figure(
        field=field,
        title=title,
        label=_split(title)[0],
        unit=_split(title)[1],
        integer=field == "employees",
        plausible_max=Decimal(_BOUNDS[field]),
        aliases=_ALIASES.get(field, ()),
    )
    for field, title in FIGURE_TITLES.items()
}
#: The fields a new task asks for unless the office chooses: the 亩均 evaluation's inputs.
DEFAULT_FIELDS = (
    "land_area_mu",
    "revenue_wan_yuan",
    "tax_paid_wan_yuan",
    "electricity_10k_kwh",
    "energy_tce",
    "rd_spend_wan_yuan",
    "employees",
)


def shown(value: Any) -> str:
    """A figure as text: thousands separators, no trailing zeros (36,800; 120.5)."""
    if value is None:
        return "—"
    text = f"{Decimal(value):,.4f}".rstrip("0").rstrip(".")
    return text


def figure_for(name: object) -> Figure | None:
    """The figure an indicator cell names (title with unit, label or alias; NFKC, no spaces)."""
    key = canon(name)
    for fig in FIGURES.values():
        if key in {canon(fig.title), canon(fig.label), *(canon(a) for a in fig.aliases)}:
            return fig
    return None


def parse_figure(fig: Figure, raw: object) -> Decimal | int | None:
    """One value as the column stores it; :class:`CellError` with a Chinese reason."""
    if isinstance(raw, str):
        raw = raw.strip()
    try:
        number = parse_decimal(raw, minimum=None)
    except CellError:
        raise CellError(f"{fig.label}“{raw}”不是数字") from None
    if number is None:
        return None
    if number < 0:
        raise CellError(f"{fig.label}不能为负数（填了 {number}{fig.unit}）")
    if number > MAX_VALUE:
        raise CellError(f"{fig.label}数值过大（{number}{fig.unit}），请检查单位")
    if fig.integer:
        if number != number.to_integral_value():
            raise CellError(f"{fig.label}应为整数（填了 {number}）")
        return int(number)
    return number.quantize(Decimal("0.0001"))


def parse_values(
    fields: list[str], raw: Mapping[str, object], where: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """``(values, errors)`` for the task's ``fields`` present in ``raw`` (others ignored);
    ``where`` prefixes a field's message with its place (an uploaded sheet's row)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in fields:
        if name not in raw:
            continue
        try:
            values[name] = parse_figure(FIGURES[name], raw[name])
        except CellError as exc:
            place = (where or {}).get(name, "")
            errors[name] = f"{place}{exc}" if place else str(exc)
    return values, errors


def warnings(
    fields: list[str], values: Mapping[str, Any], previous: Mapping[str, Any] | None = None
) -> list[str]:
    """Plausibility warnings (never errors): above the bound, a part larger than the whole, a
    five-fold change against the registry's previous year."""
    out: list[str] = []
    for name in fields:
        fig, value = FIGURES[name], values.get(name)
        if value is None:
            continue
        if Decimal(value) > fig.plausible_max:
            out.append(
                f"{fig.label} {shown(value)}{fig.unit} 超过常见上限 {shown(fig.plausible_max)}"
                f"{fig.unit}，"
                "请核对单位（万元/元、亩/平方米、万千瓦时/千瓦时）"
            )
        before = (previous or {}).get(name)
        if before and value and (Decimal(value) > 5 * before or Decimal(value) * 5 < before):
            out.append(
                f"{fig.label} {shown(value)}{fig.unit} 与上年 {shown(before)}{fig.unit} 相差五倍以上"
            )
    revenue = values.get("revenue_wan_yuan")
    for part in ("tax_paid_wan_yuan", "rd_spend_wan_yuan", "value_added_wan_yuan"):
        value = values.get(part)
        if part in fields and value is not None and revenue and value > revenue:
            out.append(f"{FIGURES[part].label}大于营业收入，请核对")
    return out
