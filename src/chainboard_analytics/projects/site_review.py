"""季观摩 and 半年考核: the 评分表 of a site review, its aggregation, and the half-year assessment.

Pure functions over plain numbers; the web app (``chainboard.projects.selectors.site_reviews``)
reads the score sheets and the stored monthly ranks and calls these.

**评分表 (score sheet).** A 观摩 event scores each project on its route. Every reviewer fills one
sheet per project: points per criterion, 0 ≤ points ≤ the criterion's weight (its full marks),
the weights summing to 100. Sheet total = Σ points (0–100), rounded half up to 0.01.

Default criteria (``DEFAULT_CRITERIA``; a :class:`RankingMethod` may replace them in its
``review`` setting). **[GAP]** No published source gives a 观摩 score sheet
(shared/research/policy-facts.md §4.3: "No source gives the full 周调度、月评比、季观摩、半年考核
cycle or 观摩 scoring"). The five criteria and their weights are this platform's, each taken
from the nearest published project-assessment table of policy-facts §4.3:

=======================  ======  ===============================================================
criterion                weight  nearest published rule
=======================  ======  ===============================================================
建设进度 progress         40      a city's 2020 重点工程 award table: plan completion 40 of 100;
                                 延安 2017: "进度 = 60 × 完成投资 ÷ 年度计划"
项目质量与效益 quality    25      延安 2017 scores scale (≥10亿 +20 …) and type (产业 +15);
                                 the 2020 table ranks the high-tech share
现场管理 site management  15      the 2020 table: management 15; 漳州: quality and safety items
要素保障 problems solved  10      the platform's 月评比 问题解决率 (weight 10)
观摩组织 presentation     10      our own: the on-site briefing, materials and display
=======================  ======  ===============================================================

**Aggregation (our rule; the method's ``rule`` and ``trim_min_reviewers``).** A project's
score is the aggregate of its reviewers' sheet totals:

- ``rule = "trimmed"`` (default) and n ≥ ``trim_min_reviewers`` (default 5) sheets: drop one
  highest and one lowest total and average the rest (去掉一个最高分和一个最低分, the usual rule of
  Chinese 评审 panels; with fewer than 5 sheets only 1–2 would remain, so the plain mean is used);
- otherwise (``rule = "mean"``, or fewer sheets): the plain mean.

A county's quarter score (季观摩得分) = the mean of its scored route projects' scores (all
closed events of that quarter). A project nobody scored is missing (缺) and left out, never 0;
a county with no scored project gets no quarter score. Rounding: half up to 0.01 at each step.

**半年考核 (half-year assessment, our rule).** Combines the six monthly ranks and the two
quarters' 观摩 scores of a half year:

- rank points of a month = 100 × (n − r) ÷ (n − 1) for rank r among n ranked counties (rank 1 →
  100, last → 0; n = 1 → 100). Ranks, not scores, as the published 2020 table scores "H1
  completion rank 1–3 → 7, 4–6 → 5 …" (policy-facts §4.3); linear points are our choice;
- 月评比 part = mean rank points of the months the county was ranked; 观摩 part = mean of its
  quarter scores;
- score = w_m × 月评比 part + w_r × 观摩 part, default w_m = 0.6, w_r = 0.4
  (``DEFAULT_ASSESSMENT``, the method's ``review["assessment"]``). A part with no data is missing
  (缺) and the other weight is rescaled to 1 (the neutral rule of :mod:`.ranking`).
Ranks: competition ranking (1, 2, 2, 4), as the monthly ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

#: The default 评分表: key → (label, weight = full marks, what the reviewer looks at).
DEFAULT_CRITERIA: list[dict[str, Any]] = [
    {"key": "progress", "label": "建设进度", "weight": 40, "hint": "形象进度、投资完成与年度计划"},
    {"key": "quality", "label": "项目质量与效益", "weight": 25, "hint": "规模、产业层次、科技含量"},
    {"key": "site", "label": "现场管理", "weight": 15, "hint": "质量、安全、文明施工"},
    {"key": "support", "label": "要素保障", "weight": 10, "hint": "用地、资金、审批等问题解决"},
    {"key": "presentation", "label": "观摩组织", "weight": 10, "hint": "现场汇报、展示材料"},
]
RULES: dict[str, str] = {"trimmed": "去掉一个最高分和一个最低分后取平均", "mean": "算术平均"}
DEFAULT_RULE = "trimmed"
DEFAULT_TRIM_MIN = 5
DEFAULT_ASSESSMENT: dict[str, float] = {"monthly_rank": 0.6, "review": 0.4}
ASSESSMENT_LABELS = {"monthly_rank": "月评比名次", "review": "季观摩得分"}


def quantize(value: Decimal) -> Decimal:
    """Round half up to 0.01."""
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class ReviewMethod:
    """The 观摩 part of a ranking method: criteria, aggregation rule, half-year weights."""

    criteria: tuple[dict[str, Any], ...]
    rule: str = DEFAULT_RULE
    trim_min_reviewers: int = DEFAULT_TRIM_MIN
    assessment: tuple[tuple[str, float], ...] = tuple(DEFAULT_ASSESSMENT.items())

    @property
    def weights(self) -> dict[str, float]:
        return dict(self.assessment)

    def rule_text(self) -> str:
        """The rule as the pages state it."""
        if self.rule == "mean":
            return "各评委总分的算术平均"
        return (
            f"评委不少于{self.trim_min_reviewers}人时，去掉一个最高分和一个最低分后取平均；"
            f"少于{self.trim_min_reviewers}人时取算术平均"
        )


def review_method(setting: Mapping[str, Any] | None) -> ReviewMethod:
    """The method from a ``RankingMethod.review`` setting (empty → the defaults); checked."""
    s = dict(setting or {})
    check_review(s)
    return ReviewMethod(
        criteria=tuple(dict(c) for c in (s.get("criteria") or DEFAULT_CRITERIA)),
        rule=str(s.get("rule") or DEFAULT_RULE),
        trim_min_reviewers=int(s.get("trim_min_reviewers") or DEFAULT_TRIM_MIN),
        assessment=tuple((s.get("assessment") or DEFAULT_ASSESSMENT).items()),
    )


def check_review(setting: Mapping[str, Any]) -> None:
    """Refuse a malformed ``review`` setting (``ValueError`` with a Chinese message): criteria
    need a unique key, a label and a positive weight, summing to 100; the rule is one of
    ``RULES``; ``trim_min_reviewers`` ≥ 3; assessment weights are non-negative with a positive
    sum over ``monthly_rank`` / ``review``."""
    criteria = setting.get("criteria")
    if criteria:
        keys = [c.get("key") for c in criteria]
        if len(set(keys)) != len(keys) or not all(isinstance(k, str) and k for k in keys):
            raise ValueError("评分项的 key 应为不重复的文字")
        for c in criteria:
            w = c.get("weight")
            if (
                not c.get("label")
                or isinstance(w, bool)
                or not isinstance(w, int | float)
                or w <= 0
            ):
                raise ValueError(f"评分项 {c.get('key')} 应有名称和正数分值")
        total = sum(float(c["weight"]) for c in criteria)
        if abs(total - 100) > 1e-9:
            raise ValueError(f"评分项分值之和应为100，现为{total:g}")
    rule = setting.get("rule")
    if rule is not None and rule not in RULES:
        raise ValueError(f"汇总规则应为 {'、'.join(RULES)}：{rule}")
    trim = setting.get("trim_min_reviewers")
    if trim is not None and (isinstance(trim, bool) or not isinstance(trim, int) or trim < 3):
        raise ValueError("去高去低的最少评委人数应为不小于3的整数")
    weights = setting.get("assessment")
    if weights is not None:
        if set(weights) - set(DEFAULT_ASSESSMENT):
            raise ValueError(f"半年考核权重只能有 {'、'.join(DEFAULT_ASSESSMENT)}")
        values = list(weights.values())
        if any(isinstance(v, bool) or not isinstance(v, int | float) or v < 0 for v in values):
            raise ValueError("半年考核权重应为非负数")
        if not sum(values):
            raise ValueError("半年考核权重之和应大于0")


def sheet_total(points: Mapping[str, Any], criteria: Sequence[Mapping[str, Any]]) -> Decimal:
    """Σ points of one 评分表 (0–100), rounded half up to 0.01.

    Every criterion must be given, as a number 0 ≤ points ≤ its weight; an unknown key, a
    missing or non-numeric value or one out of range raises ``ValueError`` naming the criterion.
    """
    known = {c["key"] for c in criteria}
    unknown = set(points) - known
    if unknown:
        raise ValueError(f"未知评分项：{'、'.join(sorted(unknown))}")
    total = Decimal(0)
    for c in criteria:
        value = points.get(c["key"])
        if value is None or value == "":
            raise ValueError(f"请填写「{c['label']}」")
        try:
            d = Decimal(str(value))
        except ArithmeticError as exc:
            raise ValueError(f"「{c['label']}」应为数字：{value}") from exc
        if not d.is_finite() or d < 0 or d > Decimal(str(c["weight"])):
            raise ValueError(f"「{c['label']}」应在 0 到 {c['weight']} 分之间：{value}")
        total += d
    return quantize(total)


def aggregate(
    totals: Sequence[Decimal], *, rule: str = DEFAULT_RULE, trim_min: int = 5
) -> Decimal | None:
    """One project's score from its reviewers' sheet totals (module docstring); ``None`` when
    nobody scored it.

    >>> aggregate([Decimal(90), Decimal(80), Decimal(70), Decimal(85), Decimal(60)])
    Decimal('78.33')
    """
    if not totals:
        return None
    values = sorted(totals)
    if rule == "trimmed" and len(values) >= trim_min:
        values = values[1:-1]
    elif rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}")
    return quantize(sum(values, Decimal(0)) / len(values))


def county_scores(
    project_scores: Mapping[Any, Decimal | None], county_of: Mapping[Any, str]
) -> dict[str, Decimal]:
    """A county's quarter score = mean of its scored projects' scores (unscored ones left out);
    counties with no scored project are absent."""
    by_county: dict[str, list[Decimal]] = {}
    for project, score in project_scores.items():
        if score is not None:
            by_county.setdefault(county_of[project], []).append(score)
    return {c: quantize(sum(v, Decimal(0)) / len(v)) for c, v in by_county.items()}


def rank_points(rank: int, n: int) -> Decimal:
    """100 × (n − rank) ÷ (n − 1); 100 when n = 1 (module docstring)."""
    if n < 1 or not 1 <= rank <= n:
        raise ValueError(f"rank {rank} of {n}")
    if n == 1:
        return quantize(HUNDRED)
    return quantize(HUNDRED * (n - rank) / (n - 1))


@dataclass(frozen=True)
class HalfYear:
    """One county's 半年考核: the two parts (``None`` = 缺) and the combined score."""

    monthly_rank: Decimal | None
    review: Decimal | None
    score: Decimal


def half_year_score(
    ranks: Iterable[tuple[int, int]],
    review_scores: Iterable[Decimal],
    weights: Mapping[str, float] | None = None,
) -> HalfYear:
    """The 半年考核 of one county from its monthly ``(rank, n)`` pairs and its quarter 观摩 scores.

    score = (w_m × mean rank points + w_r × mean 观摩) ÷ (w_m + w_r) over the parts present
    (a missing part drops out); 0 when neither is present.
    """
    w = dict(weights or DEFAULT_ASSESSMENT)
    points = [rank_points(r, n) for r, n in ranks]
    reviews = list(review_scores)
    parts = {
        "monthly_rank": quantize(sum(points, Decimal(0)) / len(points)) if points else None,
        "review": quantize(sum(reviews, Decimal(0)) / len(reviews)) if reviews else None,
    }
    used = {k: v for k, v in parts.items() if v is not None and w.get(k)}
    total_w = sum((Decimal(str(w[k])) for k in used), Decimal(0))
    score = (
        quantize(sum((Decimal(str(w[k])) * v for k, v in used.items()), Decimal(0)) / total_w)
        if total_w
        else quantize(Decimal(0))
    )
    return HalfYear(parts["monthly_rank"], parts["review"], score)
