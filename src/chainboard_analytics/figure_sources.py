"""Several sources for one figure (一个指标多个来源): which value counts, and when sources disagree.

A yearly figure of a firm (税收, 用电量, 营业收入 …) may be reported by several sources: the tax
bureau 税务, the power company 供电, the statistics bureau 统计, the firm itself 企业填报, or typed
by an office 手工. :func:`resolve_figure` decides the value every analysis uses (the *resolved*
value) from the values of each source, the field's precedence 优先级 and its tolerance, and says
whether the sources conflict 冲突.

Pure Python over plain numbers: no Django, no I/O. Amounts are ``Decimal`` (exact, as stored).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Resolution", "relative_difference", "resolve_figure"]


@dataclass(frozen=True)
class Resolution:
    """The value used for one figure and how it was chosen.

    ``source`` is the source whose value is used (``None`` when no source reported one);
    ``decided`` is true when an analyst's decision 核定 picked it rather than the precedence;
    ``difference`` is the largest relative difference of another source's value from the used
    one (``None`` with fewer than two values); ``conflict`` is ``difference > tolerance``.
    """

    value: Decimal | None
    source: str | None
    difference: Decimal | None
    conflict: bool
    decided: bool = False


def relative_difference(value: Decimal, other: Decimal) -> Decimal | None:
    """``|other - value| / |value|``; ``None`` (infinitely far) when ``value`` is 0 and
    ``other`` is not; 0 when both are equal."""
    if other == value:
        return Decimal(0)
    if value == 0:
        return None
    return abs(other - value) / abs(value)


def resolve_figure(
    values: Mapping[str, Decimal | int | None],
    precedence: Sequence[str],
    tolerance: Decimal,
    decision: tuple[str, Decimal | int] | None = None,
) -> Resolution:
    """Resolve one figure of one firm-year from the values its sources reported.

    Parameters
    ----------
    values
        source code → the value that source reported (``None`` or absent: not reported).
    precedence
        source codes, most trusted first (税收: ``["tax", "statistics", "manual", "firm"]``);
        a source not listed ranks after all listed ones, in the order of ``values``.
    tolerance
        the largest relative difference ``|v - used| / |used|`` of another source's value that
        is not a conflict (0.05 = 5 %).
    decision
        an analyst's choice ``(source, value)``: used while that source still reports exactly
        ``value``; once the source's value changed, the precedence applies again.

    Returns
    -------
    Resolution
        the used value = the decision's (when still current), else the value of the first
        source in ``precedence`` that reported one; ``difference = max_s |v_s - used| / |used|``
        over the other sources (``None`` when it is infinite: used 0, another not 0, which is a
        conflict); ``conflict = difference > tolerance``. A decided figure is never a conflict.
    """
    present = {s: Decimal(v) for s, v in values.items() if v is not None}
    if not present:
        return Resolution(None, None, None, False)
    decided = False
    chosen: str | None = None
    if decision is not None:
        source, value = decision
        if source in present and present[source] == Decimal(value):
            chosen, decided = source, True
    if chosen is None:
        ranked = [s for s in precedence if s in present]
        chosen = ranked[0] if ranked else next(iter(present))
    used = present[chosen]
    if len(present) == 1:
        return Resolution(used, chosen, None, False, decided)
    difference: Decimal | None = Decimal(0)
    for source, value in present.items():
        if source == chosen:
            continue
        d = relative_difference(used, value)
        if d is None:
            difference = None
            break
        assert difference is not None
        difference = max(difference, d)
    conflict = difference is None or difference > tolerance
    return Resolution(used, chosen, difference, conflict and not decided, decided)
