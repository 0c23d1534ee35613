"""Gap analysis 缺链/弱链 and the chain actions 延链 补链 强链 建链.

Input: one :class:`NodeFigures` per chain node (local firms only, i.e. inside the chain's region).
Rules (parameters in :class:`GapRules`, documented in docs/chains.md):

* **missing 缺链** — a leaf node with no local firm.
* **weak 弱链** — a production leaf with a reference share ``s_ref`` (the segment's typical share of
  the chain's revenue, from the template) whose *segment location quotient*

      SLQ = (R_node / R_chain) / s_ref

  is below ``weak_slq`` (default 0.25: the segment holds under a quarter of its reference weight).
  ``R_chain`` is the local revenue of the chain's core: the distinct firms of the leaves that
  have a reference share and of the groups above them (application sectors downstream carry no
  reference share and stay out). The measure is the location
  quotient (Florence 1939; Isard 1960, *Methods of Regional Analysis*, ch. 7) applied to the
  chain's own reference structure instead of a national economy.
* **fragile 脆弱** — a covered leaf served by one local firm, or whose largest firm holds at least
  ``fragile_top_share`` (default 0.8) of the node's revenue.
* **strong 强** — SLQ ≥ ``strong_slq`` (1.0) with at least ``strong_min_firms`` (3) firms; nodes
  without ``s_ref`` are strong with at least ``strong_min_firms_no_ref`` (5) firms.

Actions: a missing node directly upstream or downstream (by ``feeds``) of a strong node → **延链
extend**; any other missing node → **补链 fill**; weak or fragile → **强链 strengthen**; a chain
whose unweighted completeness is below ``build_below`` (0.3) → **建链 build** (chain level).

Completeness = covered leaves / leaves (unweighted) and Σ weight of covered leaves / Σ weight
(weighted, template ``weight``).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

ACTION_LABELS = {"extend": "延链", "fill": "补链", "strengthen": "强链", "build": "建链"}
KIND_LABELS = {"missing": "缺链", "weak": "弱链", "fragile": "脆弱环节"}
STATUS_LABELS = {
    "strong": "强",
    "normal": "一般",
    "weak": "弱",
    "fragile": "脆弱",
    "missing": "缺失",
    "group": "",
}


@dataclass(frozen=True)
class GapRules:
    weak_slq: float = 0.25
    fragile_top_share: float = 0.8
    strong_slq: float = 1.0
    strong_min_firms: int = 3
    strong_min_firms_no_ref: int = 5
    build_below: float = 0.3

    def updated(self, overrides: dict[str, Any] | None) -> GapRules:
        """These rules with the known keys of ``overrides`` replaced (unknown keys ignored)."""
        known = {k: v for k, v in (overrides or {}).items() if k in self.__dataclass_fields__}
        return replace(self, **known)


@dataclass(frozen=True)
class NodeFigures:
    key: Hashable
    name: str
    stage: str
    parent: Hashable | None = None
    weight: float = 1.0
    ref_share: float | None = None
    feeds: tuple[Hashable, ...] = ()
    firms: int = 0
    revenue: float = 0.0  # 万元
    top_revenue: float = 0.0  # the largest firm's revenue, 万元


@dataclass(frozen=True)
class NodeStatus:
    key: Hashable
    status: str  # strong / normal / weak / fragile / missing / group
    slq: float | None
    share: float | None  # R_node / R_chain
    top_share: float | None


@dataclass(frozen=True)
class Gap:
    key: Hashable
    name: str
    kind: str  # missing / weak / fragile
    action: str  # extend / fill / strengthen
    reason: str
    numbers: dict[str, float] = field(default_factory=dict)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class GapReport:
    statuses: dict[Hashable, NodeStatus]
    gaps: tuple[Gap, ...]
    completeness: float
    completeness_weighted: float
    leaves: int
    covered: int
    chain_revenue: float
    build: str  # a 建链 recommendation, or ""


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def calc_chain_gaps(
    nodes: Sequence[NodeFigures],
    rules: GapRules | None = None,
    *,
    chain_revenue: float | None = None,
) -> GapReport:
    """Statuses, gaps with reasons, and completeness of one chain (see module docstring).

    ``chain_revenue`` (``R_chain``) defaults to the sum over leaves with a reference share; pass
    the revenue of the *distinct* firms of those leaves and their parent groups when firms sit in
    several segments or only in a group (a generic 电线电缆 maker of unknown product mix).
    """
    rules = rules or GapRules()
    parents = {n.parent for n in nodes if n.parent is not None}
    leaves = [n for n in nodes if n.key not in parents]
    if chain_revenue is None:
        chain_revenue = sum(n.revenue for n in leaves if n.ref_share and n.stage != "service")
    statuses: dict[Hashable, NodeStatus] = {}
    for n in nodes:
        if n.key in parents:
            statuses[n.key] = NodeStatus(n.key, "group", None, None, None)
            continue
        share = n.revenue / chain_revenue if chain_revenue > 0 and n.stage != "service" else None
        slq = share / n.ref_share if share is not None and n.ref_share else None
        top = n.top_revenue / n.revenue if n.revenue > 0 else None
        if n.firms == 0:
            status = "missing"
        elif slq is not None and slq < rules.weak_slq:
            status = "weak"
        elif n.firms == 1 or (top is not None and top >= rules.fragile_top_share):
            status = "fragile"
        elif (
            slq is not None and slq >= rules.strong_slq and n.firms >= rules.strong_min_firms
        ) or (n.ref_share is None and n.firms >= rules.strong_min_firms_no_ref):
            status = "strong"
        else:
            status = "normal"
        statuses[n.key] = NodeStatus(n.key, status, slq, share, top)

    by_key = {n.key: n for n in nodes}
    upstream_of: dict[Hashable, list[Hashable]] = {}
    for n in nodes:
        for t in n.feeds:
            upstream_of.setdefault(t, []).append(n.key)

    def strong_neighbours(n: NodeFigures) -> list[tuple[str, str]]:
        out = []
        for t in n.feeds:  # n feeds t: n is upstream of t
            if statuses.get(t) and statuses[t].status == "strong":
                out.append((by_key[t].name, "上游"))
        for s in upstream_of.get(n.key, []):
            if statuses[s].status == "strong":
                out.append((by_key[s].name, "下游"))
        return out

    gaps: list[Gap] = []
    for n in leaves:
        st = statuses[n.key]
        if st.status == "missing":
            near = strong_neighbours(n)
            if near:
                what = "、".join(f"强环节“{name}”的{side}" for name, side in near)
                gaps.append(
                    Gap(
                        n.key,
                        n.name,
                        "missing",
                        "extend",
                        f"本地无企业；位于{what}，本地已有基础，宜延伸链条",
                        {"firms": 0},
                    )
                )
            else:
                what = "配套服务" if n.stage == "service" else "本地企业"
                gaps.append(
                    Gap(n.key, n.name, "missing", "fill", f"本地无{what}，需招引补齐", {"firms": 0})
                )
            continue
        if st.status == "weak" and st.slq is not None and st.share is not None:
            gaps.append(
                Gap(
                    n.key,
                    n.name,
                    "weak",
                    "strengthen",
                    f"营业收入占全链 {_pct(st.share)}，参照结构占比 {_pct(n.ref_share or 0)}，"
                    f"区位熵 SLQ = {st.slq:.2f} < {rules.weak_slq}",
                    {
                        "firms": n.firms,
                        "revenue": n.revenue,
                        "share": st.share,
                        "ref_share": n.ref_share or 0.0,
                        "slq": st.slq,
                    },
                )
            )
        if n.firms == 1 or (st.top_share is not None and st.top_share >= rules.fragile_top_share):
            reason = (
                "仅 1 家本地企业，一旦停产即断链"
                if n.firms == 1
                else f"最大企业占本环节营业收入 {_pct(st.top_share or 0)} ≥ "
                f"{_pct(rules.fragile_top_share)}，过度依赖单一企业"
            )
            gaps.append(
                Gap(
                    n.key,
                    n.name,
                    "fragile",
                    "strengthen",
                    reason,
                    {"firms": n.firms, "revenue": n.revenue, "top_share": st.top_share or 1.0},
                )
            )

    covered = [n for n in leaves if n.firms > 0]
    total_w = sum(n.weight for n in leaves)
    completeness = len(covered) / len(leaves) if leaves else 0.0
    weighted = sum(n.weight for n in covered) / total_w if total_w else 0.0
    build = ""
    if leaves and completeness < rules.build_below:
        build = (
            f"本地仅覆盖 {len(covered)}/{len(leaves)} 个环节（{_pct(completeness)} < "
            f"{_pct(rules.build_below)}），链条尚未成形，宜按建链思路整体招引龙头和配套"
        )
    order = {"extend": 0, "fill": 1, "strengthen": 2}
    gaps.sort(key=lambda g: (order[g.action], -by_key[g.key].weight, g.name))
    return GapReport(
        statuses=statuses,
        gaps=tuple(gaps),
        completeness=completeness,
        completeness_weighted=weighted,
        leaves=len(leaves),
        covered=len(covered),
        chain_revenue=chain_revenue,
        build=build,
    )
