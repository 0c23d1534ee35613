"""Several sources for one figure: the rules (which source may report which figure, the
precedence 优先级 and tolerance 容差 per figure) and the resolution of a firm-year's figures.

Defaults are in ``figure_sources.yaml`` next to this module; analysts override a field's
precedence and tolerance on the 指标来源优先级 page (:class:`FigurePrecedence`). The decision
itself is :func:`chainboard_analytics.figure_sources.resolve_figure` (pure).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from chainboard.accounts.models import DataSource
from chainboard.enterprises.models import FIGURE_TITLES, FigurePrecedence
from chainboard_analytics.figure_sources import Resolution, resolve_figure

SOURCES: tuple[str, ...] = tuple(DataSource.values)
FIGURE_FIELDS: tuple[str, ...] = tuple(FIGURE_TITLES)
#: an import with no 数据来源 chosen records its values as this source (docs/imports.md)
DEFAULT_SOURCE = DataSource.MANUAL.value


@dataclass(frozen=True)
class FieldRule:
    precedence: tuple[str, ...]  # every source once, most trusted first
    tolerance: Decimal


@cache
def _defaults() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (Path(__file__).with_name("figure_sources.yaml")).read_text(encoding="utf-8")
    )
    return data


def source_fields(source: str) -> frozenset[str]:
    """The figures ``source`` may report (税务: 实缴税金, 营业收入, 主营业务收入; 供电: 用电量 …)."""
    listed = _defaults()["sources"].get(source)
    if listed is None:
        return frozenset()
    if listed == "all":
        return frozenset(FIGURE_FIELDS)
    return frozenset(listed)


def complete_order(order: Iterable[str]) -> tuple[str, ...]:
    """``order`` without unknown or repeated codes, followed by the missing sources."""
    seen: list[str] = []
    for code in order:
        if code in SOURCES and code not in seen:
            seen.append(code)
    return (*seen, *(s for s in SOURCES if s not in seen))


def default_rules() -> dict[str, FieldRule]:
    data = _defaults()
    tolerance = Decimal(str(data["default_tolerance"]))
    rules = {}
    for name in FIGURE_FIELDS:
        spec = data["fields"].get(name, {})
        rules[name] = FieldRule(
            complete_order(spec.get("precedence", ())),
            Decimal(str(spec.get("tolerance", tolerance))),
        )
    return rules


def field_rules() -> dict[str, FieldRule]:
    """Every figure's rule: the analysts' overrides over the defaults (one query)."""
    rules = default_rules()
    for field, order, tolerance in FigurePrecedence.objects.values_list(
        "field", "order", "tolerance"
    ):
        if field in rules:
            rules[field] = FieldRule(complete_order(order.split(",")), Decimal(tolerance))
    return rules


def resolve_year(
    by_source: Mapping[str, Mapping[str, Any]],
    rules: Mapping[str, FieldRule],
    fields: Iterable[str],
    decisions: Mapping[str, tuple[str, Decimal]] | None = None,
) -> dict[str, Resolution]:
    """Resolve ``fields`` of one firm-year. ``by_source``: source → {field: value or None};
    ``decisions``: field → (source, value) of its 核定. A field no source reported is left out
    (the firm-year keeps what it has)."""
    decisions = decisions or {}
    out: dict[str, Resolution] = {}
    for name in fields:
        values = {s: row.get(name) for s, row in by_source.items() if row.get(name) is not None}
        if not values:
            continue
        rule = rules[name]
        out[name] = resolve_figure(values, rule.precedence, rule.tolerance, decisions.get(name))
    return out
