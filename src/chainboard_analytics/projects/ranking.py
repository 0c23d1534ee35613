"""月评比: the monthly ranking of counties (or departments) by their key projects.

Pure functions over plain numbers; the web app (``chainboard.projects.selectors.ranking``)
counts the inputs of :class:`MonthInputs` from its tables and calls :func:`score_month`.

For month M of year Y (month number m, last day E, first day of the year J), per county:

==================  ==========================================================  ============
component           value                                                       default
==================  ==========================================================  ============
investment          投资完成率 = Σ 本期完成投资 of weekly updates with J ≤ week ≤ E  w35 b1 c1.2
                    ÷ (Σ 年度计划投资 of year Y × share due by month m)
                    (no plan, or nothing due yet → 缺)
on_time_start       按期开工率 = projects planned to start in [J, E] that started    w20 b1 c1
                    on or before the planned date ÷ projects planned to start then
                    (none due → 缺)
new_signed          新签约项目数 = projects with 签约日期 in month M (count)          w15 b2 c1.5
over_100m           过亿项目数 = projects with 签约日期 in [J, E] and 总投资 ≥ 1亿元    w10 b10 c1.5
                    (count; signed this year to date, not ever)
problems_resolved   问题解决率 = problems raised in weekly updates (J ≤ week ≤ E)    w10 b1 c1
                    resolved by E ÷ problems raised (none raised → 缺)
punctuality         周调度按时率 = weekly updates filed on time for the weeks whose  w10 b1 c1
                    Monday is in M, over projects under construction that week
                    (started, not yet producing) ÷ such project-weeks (none → 缺)
==================  ==========================================================  ============

(w weight, b benchmark, c cap.) Share of the plan due by month m: P_m = Σ_{i≤m} p_i ÷ Σ p_i
over the method's monthly profile p_1..p_12 (``plan_profile``); no profile = even, P_m = m ÷ 12.
A profile with zeros models the winter construction stop. Hebei cities stop 土石方作业, 浇筑,
混凝土搅拌 and other outdoor work on building sites in the heating season, e.g. 廊坊
《2017-2018年秋冬季建筑工程施工现场扬尘治理攻坚行动方案》: 2017-11-15 to 2018-03-15, city-wide,
key projects only by exemption (瞰廊坊 2017-09-28, https://hnt.dcement.com/Print.aspx?id=158945).
``HEBEI_WINTER_PROFILE`` rounds that to whole months: 0 for December, January and February, 1
for each other month (half of November and of March are stopped; our rounding), so P_3 = 1/9,
P_11 = P_12 = 1, and in January or February nothing is due yet (investment → 缺 by the neutral
rule below, not an infinite rate).

Size normalisation (a method option per count component, ``"per"``): a big county signs more
projects simply because it is big, so a count can be divided by the county's size and scaled
to "per 100": ``"per": "projects"`` → count × 100 ÷ the county's projects in the pool (not
archived), ``"per": "firms"`` → count × 100 ÷ its 规上 industrial firms in the registry (企业
above designated size, 主营业务收入 ≥ 2000万元, 国家统计局《统计上大中小微型企业划分办法》 and the
规模以上 threshold of 2011). A size of 0 cannot be divided by: the value is 缺 (neutral). The
benchmark is then per 100 (e.g. 新签约 8 per 100 pool projects). The default method does not
normalise: the published tables score absolute counts (延安 2017: "每新开工一个项目加5分").

component score = weight × min(value ÷ benchmark, cap) × k,
rounded half up to 0.01. Score = Σ component scores, rounded to 0.01. Rank: by score, highest
first; equal scores share a rank (1, 2, 2, 4: "competition" ranking); equal scores are listed
by key.

Neutral rule for a missing value (缺, our rule, not from a published source): a value that
cannot be computed because its denominator is 0 (no plan, nobody due to start, no problem
raised, no project-week under construction) neither rewards nor penalises the county. The
component is dropped for that county (shown as 缺, no score) and its other components are
rescaled to the same total: k = Σ weights of the method ÷ Σ weights of the county's computed
components (k = 1 when nothing is missing; score 0 when nothing can be computed). Before this
rule a county with no problem raised got full marks (rewarding not reporting) and one with
nobody due to start got 0 of 20.

Period result (季 / 半年): quarter = 0.7 × mean of its monthly scores + 0.3 × 季观摩 score;
half year = 0.5 × mean monthly + 0.2 × mean 季观摩 of its two quarters + 0.3 × 半年考核 score.
A missing 季观摩 / 半年考核 score is missing, not 0: it is shown as 缺 and handled by the same
neutral rule (the half-year 季观摩 part is the mean of the quarters scored; a part with no score
drops out and the remaining weights are rescaled to sum to 1).

Source: the weighted "value ÷ benchmark × weight, capped" form and investment progress against
the annual plan follow the published 延安 2017 monthly table for 管委会 ("进度 = 60 × 完成投资 ÷
年度计划", 延安日报 2017-06-19, https://paper.yanews.cn/yarb/20170619/html/content_20170619004006.htm)
and the capped per-item scoring of published 重点工程 award tables; the six components, their
defaults and the period weights are this platform's, editable per ``RankingMethod``. No
published source gives the whole 周调度、月评比、季观摩、半年考核 cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: Component key → Chinese label (the order of the columns everywhere).
COMPONENTS: dict[str, str] = {
    "investment": "投资完成率",
    "on_time_start": "按期开工率",
    "new_signed": "新签约项目数",
    "over_100m": "过亿项目数",
    "problems_resolved": "问题解决率",
    "punctuality": "周调度按时率",
}
#: Column headings of the component values: a rate (比值, 1 = 100%) or a count (个).
VALUE_LABELS: dict[str, str] = {
    "investment": "投资完成率（比值）",
    "on_time_start": "按期开工率（比值）",
    "new_signed": "新签约项目数（个）",
    "over_100m": "过亿项目数（个）",
    "problems_resolved": "问题解决率（比值）",
    "punctuality": "周调度按时率（比值）",
}
#: Column headings of the component scores (分).
SCORE_LABELS: dict[str, str] = {
    "investment": "投资完成得分（分）",
    "on_time_start": "按期开工得分（分）",
    "new_signed": "新签约得分（分）",
    "over_100m": "过亿项目得分（分）",
    "problems_resolved": "问题解决得分（分）",
    "punctuality": "周调度按时得分（分）",
}
#: How a missing value or score is shown (the neutral rule of the module docstring).
MISSING = "缺"
#: The default method: weight (points), benchmark (value scoring the full weight) and cap.
DEFAULT_COMPONENTS: dict[str, dict[str, float]] = {
    "investment": {"weight": 35, "benchmark": 1, "cap": 1.2},
    "on_time_start": {"weight": 20, "benchmark": 1, "cap": 1},
    "new_signed": {"weight": 15, "benchmark": 2, "cap": 1.5},
    "over_100m": {"weight": 10, "benchmark": 10, "cap": 1.5},
    "problems_resolved": {"weight": 10, "benchmark": 1, "cap": 1},
    "punctuality": {"weight": 10, "benchmark": 1, "cap": 1},
}
#: Size bases a count may be normalised by (the ``"per"`` option): key → Chinese label.
PER_LABELS: dict[str, str] = {"projects": "每百个在库项目", "firms": "每百家规上工业企业"}
#: Components that are counts (the only ones ``"per"`` applies to).
COUNT_COMPONENTS = ("new_signed", "over_100m")
#: Hebei's winter construction stop (December–February get no share of the annual plan).
HEBEI_WINTER_PROFILE: list[float] = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]
#: Weights of the parts of a period result (see the module docstring).
DEFAULT_PERIOD: dict[str, dict[str, float]] = {
    "quarter": {"monthly": 0.7, "quarter": 0.3},
    "half": {"monthly": 0.5, "quarter": 0.2, "half": 0.3},
}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class MonthInputs:
    """What one county (or department) did up to the end of month M (module docstring).

    Money in 万元; the rest are counts.
    """

    done_wan_yuan: float = 0.0  # Σ 本期完成投资, weeks J..E
    plan_wan_yuan: float = 0.0  # Σ 年度计划投资 of year Y
    starts_due: int = 0  # planned to start in [J, E]
    starts_on_time: int = 0  # … and started on or before the planned date
    signed: int = 0  # signed in month M
    over_100m: int = 0  # signed in [J, E], 总投资 ≥ 1亿元
    problems_raised: int = 0
    problems_resolved: int = 0
    weeks_expected: int = 0  # project-weeks under construction in M
    weeks_on_time: int = 0  # … with the update filed on time
    pool_projects: int = 0  # the county's projects in the pool (size for "per": "projects")
    above_scale_firms: int | None = None  # its 规上 firms (size for "per": "firms"; None: n/a)


def quantize(value: Decimal) -> Decimal:
    """Round half up to 0.01 (how every score is shown and stored)."""
    return value.quantize(CENT, ROUND_HALF_UP)


def ratio(num: float, den: float) -> float | None:
    """``num ÷ den``; ``None`` when ``den`` is 0 (the value cannot be computed)."""
    return num / den if den else None


def check_profile(profile: Sequence[float]) -> None:
    """Refuse a monthly profile that is not empty nor 12 non-negative numbers with a positive
    sum (``ValueError`` with a Chinese message)."""
    if not profile:
        return
    if len(profile) != 12:
        raise ValueError(f"分月比例应为12个数（1–12月），现有{len(profile)}个")
    if any(isinstance(p, bool) or not isinstance(p, int | float) or p < 0 for p in profile):
        raise ValueError("分月比例应为非负数")
    if not sum(profile):
        raise ValueError("分月比例之和应大于0")


def check_method(components: Mapping[str, Mapping[str, object]]) -> None:
    """Refuse unknown components, a non-positive benchmark, a negative weight or cap, or a
    ``per`` on a rate or with an unknown base (``ValueError`` with a Chinese message)."""
    for key, c in components.items():
        label = COMPONENTS.get(key)
        if label is None:
            raise ValueError(f"未知评分项 {key}，可选：{'、'.join(COMPONENTS)}")
        for name in ("weight", "benchmark", "cap"):
            v = c.get(name)
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ValueError(f"{label}的 {name} 应为数字")
            if v < 0 or (name == "benchmark" and v == 0):
                raise ValueError(
                    f"{label}的 {name} 应为{'正数' if name == 'benchmark' else '非负数'}"
                )
        per = c.get("per")
        if per is not None and (key not in COUNT_COMPONENTS or per not in PER_LABELS):
            raise ValueError(
                f"{label}不能按规模折算（per 只用于计数项，可选 projects、firms）：{per}"
            )


def plan_to_date(
    annual_plan_wan_yuan: float, month: int, profile: Sequence[float] | None = None
) -> float:
    """The part of the annual plan due by the end of month ``month`` (1–12): plan × P_m, with
    P_m = Σ_{i≤m} p_i ÷ Σ p_i over ``profile`` (12 shares), or m ÷ 12 without one."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    if not profile:
        return annual_plan_wan_yuan * month / 12
    check_profile(profile)
    return annual_plan_wan_yuan * sum(profile[:month]) / sum(profile)


def per_hundred(count: float, size: float | None) -> float | None:
    """count × 100 ÷ size (a count per 100 projects or firms); ``None`` (缺) when the size is
    0 or unknown."""
    return count * 100 / size if size else None


def component_values(
    inputs: MonthInputs,
    month: int,
    *,
    profile: Sequence[float] | None = None,
    per: Mapping[str, str] | None = None,
) -> dict[str, float | None]:
    """The six component values of the module docstring (``None``: cannot be computed).

    ``profile``: the monthly shares of the annual plan; ``per``: count component → size base
    (``"projects"`` / ``"firms"``) it is normalised by.
    """
    sizes = {"projects": inputs.pool_projects, "firms": inputs.above_scale_firms}
    counts = {"new_signed": float(inputs.signed), "over_100m": float(inputs.over_100m)}
    normalised: dict[str, float | None] = dict(counts)
    for key, base in (per or {}).items():
        if base not in sizes:
            raise ValueError(f"unknown size base {base!r}")
        normalised[key] = per_hundred(counts[key], sizes[base])
    return {
        "investment": ratio(
            inputs.done_wan_yuan, plan_to_date(inputs.plan_wan_yuan, month, profile)
        ),
        "on_time_start": ratio(inputs.starts_on_time, inputs.starts_due),
        "new_signed": normalised["new_signed"],
        "over_100m": normalised["over_100m"],
        "problems_resolved": ratio(inputs.problems_resolved, inputs.problems_raised),
        "punctuality": ratio(inputs.weeks_on_time, inputs.weeks_expected),
    }


def component_score(
    value: float, *, weight: float, benchmark: float, cap: float, scale: float = 1.0
) -> Decimal:
    """weight × min(value ÷ benchmark, cap) × scale, rounded half up to 0.01."""
    if benchmark <= 0:
        raise ValueError(f"benchmark must be positive, got {benchmark}")
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    return quantize(Decimal(str(weight * min(value / benchmark, cap) * scale)))


def score_components(
    values: Mapping[str, float | None], method: Mapping[str, Mapping[str, float]]
) -> tuple[dict[str, Decimal], Decimal]:
    """Score each value with its component of ``method`` (weight, benchmark, cap).

    Components the method leaves out, or weighs 0, get no score. A ``None`` value (缺) gets no
    score either and the others are rescaled by k = Σ weights ÷ Σ weights of the computed
    components (the neutral rule of the module docstring). Returns the scores and their total
    (rounded to 0.01); no computed component → no scores, total 0.
    """
    weighed = {
        name: method[name] for name in values if method.get(name) and method[name].get("weight")
    }
    total_w = sum(float(c["weight"]) for c in weighed.values())
    present_w = sum(float(c["weight"]) for n, c in weighed.items() if values[n] is not None)
    scores: dict[str, Decimal] = {}
    for name, c in weighed.items():
        value = values[name]
        if value is None:
            continue
        scores[name] = component_score(
            value,
            weight=float(c["weight"]),
            benchmark=float(c["benchmark"]),
            cap=float(c["cap"]),
            scale=total_w / present_w,
        )
    return scores, quantize(sum(scores.values(), Decimal(0)))


def competition_ranks(scores: Iterable[tuple[str, Decimal]]) -> list[tuple[str, Decimal, int]]:
    """Order ``(key, score)`` pairs by score (highest first, then key) and rank them.

    Equal scores share a rank and the next rank skips: scores 5, 5, 1 rank 1, 1, 3.
    """
    ordered = sorted(scores, key=lambda ks: (-ks[1], ks[0]))
    out: list[tuple[str, Decimal, int]] = []
    for i, (key, score) in enumerate(ordered):
        rank = out[-1][2] if out and out[-1][1] == score else i + 1
        out.append((key, score, rank))
    return out


def mondays(first: dt.date, last: dt.date) -> list[dt.date]:
    """The Mondays from ``first`` to ``last`` inclusive (the weeks "in" a month)."""
    start = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    return [start + dt.timedelta(days=7 * k) for k in range(max(0, (last - start).days // 7 + 1))]


def under_construction(
    week: dt.date, started_on: dt.date | None, producing_on: dt.date | None
) -> bool:
    """A project is under construction in the week of Monday ``week`` when it started on or
    before that Monday and was not yet producing on it."""
    return (
        started_on is not None
        and started_on <= week
        and (producing_on is None or producing_on > week)
    )


def filed_on_time(submitted_on: dt.date, week: dt.date, grace_days: int) -> bool:
    """The update of the week of Monday ``week`` is on time if filed by Monday + ``grace_days``."""
    return submitted_on <= week + dt.timedelta(days=grace_days)


def mean_score(values: Sequence[Decimal] | None) -> Decimal | None:
    """The mean of ``values`` rounded to 0.01; ``None`` for none."""
    if not values:
        return None
    return quantize(sum(values, Decimal(0)) / len(values))


def period_score(parts: Mapping[str, Decimal | None], weights: Mapping[str, float]) -> Decimal:
    """Σ weight × part over the parts present, ÷ the sum of their weights; 0 if none present.

    ``parts`` maps ``monthly`` / ``quarter`` / ``half`` to a score or ``None`` (missing).
    """
    used = {k: v for k, v in parts.items() if v is not None and weights.get(k)}
    total_w = sum((Decimal(str(weights[k])) for k in used), Decimal(0))
    if not total_w:
        return quantize(Decimal(0))
    return quantize(
        sum((Decimal(str(weights[k])) * v for k, v in used.items()), Decimal(0)) / total_w
    )
