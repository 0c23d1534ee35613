"""亩均 scoring rules in plain Python: bounded sub-scores, the ratio rule, the total's maximum.

These are the reference definitions; :mod:`chainboard_analytics.evaluation.mu` builds the same
rules as one Ibis expression per group, and the tests check that both agree.

Sources
-------
Ratio rule ``s = x ÷ benchmark × weight``
    台州市黄岩区《2022年度工业企业综合评价得分计算说明》 (黄岩区深化“亩均论英雄”改革工作领导小组
    办公室, 2023-09-25; https://www.chacewang.com/newsdetail/news430850.html) and the 2021 one
    (2022-09-20; https://chacewang.com/newsdetail/news169062.html); 临海 2014–2016 (same form);
    《淮安市工业企业资源集约利用综合评价办法》政策解读 (淮安市工信局, 2024-05-31;
    http://at2000.net/col/16801_148235/art/17171712/1717377730245iH6Bz1NN.html).
Benchmark modes
    a fixed published value (黄岩: 亩均税收 24.097 万元/亩 …); a multiple of the mean of the
    current group; a multiple of last year's mean per county (淮安: "各项评价指标的基准值均参照各
    县(区)企业上年度该项指标平均值2倍左右设定", 2024-05-31).
Cap, floor and maximum total
    None of the published texts found (黄岩 2022-09-20 and 2023-09-25, 临海, 淮安 2024-05-31)
    states a cap per indicator or a maximum total: without one a single indicator can dominate
    the total (a firm using little electricity scores 30× the weight). The cap and floor are
    method options of this platform; a method file that sets them must say where its values
    come from (the shipped ``zhejiang`` method marks them as the platform's choice).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


class BenchmarkError(ValueError):
    """A benchmark (the ratio rule's divisor) is missing, zero or negative for a scored firm."""


@dataclass(frozen=True)
class Bound:
    """A cap or floor of a sub-score: ``points`` absolute, or ``times_weight`` × the weight."""

    points: float | None = None
    times_weight: float | None = None

    def resolve(self, weight: float) -> float:
        """The bound in points for an indicator of ``weight``."""
        if self.times_weight is not None:
            return self.times_weight * weight
        assert self.points is not None
        return self.points

    def describe(self, weight: float) -> str:
        """Chinese label for pages and docs, e.g. ``权重的2倍（60分）``."""
        pts = self.resolve(weight)
        if self.times_weight is not None:
            return f"权重的{self.times_weight:g}倍（{pts:g}分）"
        return f"{pts:g}分"


def bounded(score: float | None, *, cap: float | None, floor: float | None) -> float | None:
    """``min(max(score, floor), cap)``; a missing score stays missing (the missing rule applies).

    >>> bounded(75.0, cap=60.0, floor=None)
    60.0
    >>> bounded(3.0, cap=60.0, floor=6.0)
    6.0
    """
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    out = score
    if floor is not None and out < floor:
        out = floor
    if cap is not None and out > cap:
        out = cap
    return out


def ratio_score(
    value: float | None,
    benchmark: float,
    weight: float,
    *,
    cap: float | None = None,
    floor: float | None = None,
) -> float | None:
    """Sub-score of the ratio rule: ``bounded(value ÷ benchmark × weight)``.

    Raises :class:`BenchmarkError` for a benchmark that is not a positive number: a zero
    benchmark would divide by zero and a negative one would turn the ranking upside down.
    """
    if benchmark is None or math.isnan(benchmark) or benchmark <= 0:
        raise BenchmarkError(f"基准值必须为正数，实际为 {benchmark!r}")
    if value is None or math.isnan(value):
        return None
    return bounded(value / benchmark * weight, cap=cap, floor=floor)


def mean_benchmark(values: Iterable[float | None], multiple: float = 1.0) -> float:
    """``multiple × mean`` of the known values: the benchmark of the group- or county-mean mode.

    With one firm the benchmark is that firm's own value × ``multiple`` (its sub-score is then
    ``weight ÷ multiple``). No known value, or a mean that is not positive, is an error.
    """
    known = [float(v) for v in values if v is not None and not math.isnan(float(v))]
    if not known:
        raise BenchmarkError("没有可计算基准值的企业（全部缺数据）")
    b = multiple * sum(known) / len(known)
    if b <= 0:
        raise BenchmarkError(f"平均值算得的基准值为 {b:g}，必须为正数")
    return b


def total_score(scores: Iterable[float | None], max_total: float | None = None) -> float:
    """Σ sub-scores (missing counts 0) rounded to 6 decimals, at most ``max_total``."""
    s = round(sum(0.0 if x is None or math.isnan(x) else float(x) for x in scores), 6)
    # clamp after rounding: rounding must not lift a total over the maximum
    return max_total if max_total is not None and s > max_total else s


__all__ = [
    "BenchmarkError",
    "Bound",
    "bounded",
    "mean_benchmark",
    "ratio_score",
    "total_score",
]
