"""The parameters of each target formula 目标计算口径: which keys it takes, their validation and
their Chinese description (the target pages show the description, never the stored dict).

A formula's parameters are a list of :class:`Param`; ``FORMULA_PARAMS`` maps the formula to
them. To open a formula to a new filter (e.g. 新认定 vs 复审 for qualification targets) add a
``Param`` to its list: validation, the description and the selector's ``params`` dict follow.

Project filters (the formulas counting or summing projects; docs/projects.md "Targets"):

========================  ============================================================
key                       meaning
========================  ============================================================
``threshold_wan_yuan``    总投资 ≥ this many 万元 (10000 = 1亿元)
``sources``               项目来源 in the list (招商引资, 京津冀对接, 技改, 专项债券, 其他)
``kinds``                 建设性质 in the list (新建, 技改, 扩建)
``investor``              ``"new"``: 新引进 (the investor is not a registered local firm);
                          ``"existing"``: 本地现有企业 (it is)
``county_key``            ``true``: 县级重点项目 only
``introduced``            ``true``: 引进 projects only — converted from a 招商 lead at 落地
                          (``Project.introduced``, set by the investment app)
========================  ============================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from chainboard.core.formatting import format_wan_yuan
from chainboard.enterprises.models import QualificationKind
from chainboard.projects.models import ProjectKind, ProjectSource, TargetFormula

INVESTOR_CHOICES = {"new": "新引进企业（非本地已登记企业）", "existing": "本地现有企业"}
FIRMS_CHOICES = {"all": "全部企业", "clusters": "产业集群企业"}
QUALIFICATIONS = dict(QualificationKind.choices)


@dataclass(frozen=True)
class Param:
    """One parameter: ``parse`` returns the clean value or raises ``ValueError`` with a Chinese
    message; ``describe`` turns the clean value into Chinese."""

    key: str
    label: str
    parse: Callable[[Any], Any]
    describe: Callable[[Any], str]


def _number(minimum: Decimal) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool):
            raise ValueError("应为数字")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"应为数字：{value!r}") from None
        if not number.is_finite() or number < minimum:
            raise ValueError(f"应为不小于 {minimum} 的数字：{value}")
        return float(number)

    return parse


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"应为年份：{value!r}")
    try:
        year = int(value)
    except ValueError:
        raise ValueError(f"应为年份：{value!r}") from None
    if not 2000 <= year <= 2100:
        raise ValueError(f"年份应在 2000–2100：{value}")
    return year


def _choices(choices: dict[str, str]) -> Callable[[Any], list[str]]:
    def parse(value: Any) -> list[str]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            raise ValueError("应为非空列表")
        bad = [v for v in items if v not in choices]
        if bad:
            raise ValueError(f"未知取值 {bad}，可选：{'、'.join(choices)}")
        return sorted(set(items), key=list(choices).index)

    return parse


def _one_of(choices: dict[str, str]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if value not in choices:
            raise ValueError(f"未知取值 {value!r}，可选：{'、'.join(choices)}")
        return str(value)

    return parse


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"应为 true 或 false：{value!r}")
    return value


def _ids(value: Any) -> list[int]:
    if not isinstance(value, list) or not value:
        raise ValueError("应为非空的编号列表")
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in value):
        raise ValueError(f"应为正整数编号：{value}")
    return sorted(set(value))


def _text_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ValueError("应为非空的文字列表")
    return [v.strip() for v in value if v.strip()]


def _money(value: float) -> str:
    amount = Decimal(str(value))
    return format_wan_yuan(amount, digits=0 if amount % 10000 == 0 else 2).replace(" ", "")


def _money_text(value: float) -> str:
    return f"总投资≥{_money(value)}"


SOURCES = dict(ProjectSource.choices)
KINDS = dict(ProjectKind.choices)

PROJECT_FILTERS = [
    Param("threshold_wan_yuan", "总投资门槛(万元)", _number(Decimal(0)), _money_text),
    Param(
        "sources",
        "项目来源",
        _choices(SOURCES),
        lambda v: "来源：" + "、".join(SOURCES[s] for s in v),
    ),
    Param(
        "kinds",
        "建设性质",
        _choices(KINDS),
        lambda v: "建设性质：" + "、".join(KINDS[k] for k in v),
    ),
    Param(
        "investor",
        "投资主体",
        _one_of(INVESTOR_CHOICES),
        lambda v: f"投资主体：{INVESTOR_CHOICES[v]}",
    ),
    Param("county_key", "县级重点", _flag, lambda v: "县级重点项目" if v else "非县级重点项目"),
    Param(
        "introduced",
        "引进项目",
        _flag,
        lambda v: "仅招商落地的引进项目" if v else "非招商引进项目",
    ),
]
REVENUE_PARAMS = [
    Param("year", "数据年度", _year, lambda v: f"{v}年数据"),
    Param(
        "industry_prefixes",
        "行业代码前缀",
        _text_list,
        lambda v: "行业代码以 " + "、".join(v) + " 开头",
    ),
    Param("firms", "统计范围", _one_of(FIRMS_CHOICES), lambda v: FIRMS_CHOICES[v]),
    Param("clusters", "产业集群编号", _ids, lambda v: f"指定{len(v)}个产业集群"),
]
FORMULA_PARAMS: dict[str, list[Param]] = {
    TargetFormula.PROJECTS_OVER: PROJECT_FILTERS,
    TargetFormula.PROJECTS_LISTED: PROJECT_FILTERS,
    TargetFormula.PROJECTS_ACTIVE: PROJECT_FILTERS,
    TargetFormula.INVESTMENT_DONE: PROJECT_FILTERS,
    TargetFormula.TECH_INVESTMENT_GROWTH: [],
    TargetFormula.QUALIFICATIONS_NEW: [
        Param(
            "kind",
            "资质类型",
            _one_of(QUALIFICATIONS),
            lambda v: f"资质：{QUALIFICATIONS[v]}（只计新认定，不含复审/重新认定）",
        ),
    ],
    TargetFormula.REVENUE: REVENUE_PARAMS,
    TargetFormula.REVENUE_GROWTH: REVENUE_PARAMS,
    TargetFormula.CLUSTERS_NEW_BIG: [
        Param("year", "数据年度", _year, lambda v: f"{v}年数据"),
        Param(
            "threshold_wan_yuan",
            "门槛(万元)",
            _number(Decimal(1)),
            lambda v: f"营业收入跨过{_money(v)}",
        ),
    ],
    TargetFormula.MANUAL: [],
}


def validate_params(formula: str, params: Any) -> dict[str, Any]:
    """The clean ``params`` of ``formula``; ``ValidationError`` on ``params`` naming every bad
    or unknown key (in Chinese)."""
    if params in (None, ""):
        params = {}
    if not isinstance(params, dict):
        raise ValidationError({"params": '公式参数应为 JSON 对象，如 {"sources": ["investment"]}'})
    spec = {p.key: p for p in FORMULA_PARAMS.get(formula, [])}
    errors, clean = [], {}
    for key, value in params.items():
        param = spec.get(key)
        if param is None:
            allowed = "、".join(spec) or "无"
            errors.append(f"该公式不接受参数 {key}（可用：{allowed}）")
            continue
        try:
            clean[key] = param.parse(value)
        except ValueError as exc:
            errors.append(f"{param.label}（{key}）{exc}")
    if clean.get("clusters") and clean.get("firms", "clusters") != "clusters":
        errors.append("指定产业集群时统计范围应为产业集群企业（firms: clusters）")
    if errors:
        raise ValidationError({"params": errors})
    return clean


def describe_params(formula: str, params: dict[str, Any] | None) -> str:
    """The Chinese description of clean ``params`` ("来源：招商引资；总投资≥1.00亿元"); an unknown
    key (stored before it was validated) is shown as ``key=value``."""
    spec = {p.key: p for p in FORMULA_PARAMS.get(formula, [])}
    parts = []
    for key, value in (params or {}).items():
        param = spec.get(key)
        try:
            parts.append(param.describe(value) if param else f"{key}={value}")
        except (KeyError, TypeError, ValueError):
            parts.append(f"{key}={value}")
    return "；".join(parts)
