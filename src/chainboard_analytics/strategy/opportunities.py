"""Opportunity ranking for 建链/延链: which industries can a region build next.

Follows the Growth Lab's use of the product space (Hausmann, Hidalgo et al. 2014, *The Atlas of
Economic Complexity*, ch. 5; Hausmann & Chauvin 2015, "Moving to the adjacent possible",
CID Working Paper 307): candidates are industries the region does not have (``M_cp = 0``);
**feasibility** is relatedness density ``d_cp`` (share of the proximity mass already present),
**value** is the industry's complexity PCI and its complexity outlook gain COG. Scores are
percentile ranks among the region's candidates, combined with configurable weights (default
0.5 feasibility, 0.25 PCI, 0.25 COG, as in the Atlas' "balanced" strategy). Each candidate
carries its reasons as text with numbers.

Mapping to chain templates takes a plain ``{industry_code: [(chain, node), ...]}``; a
candidate whose chain already has a present industry in the region is 延链 (extend the
chain), otherwise 建链 (build a new chain).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from chainboard_analytics.strategy.complexity import ComplexityResult

__all__ = ["OpportunityWeights", "rank_opportunities"]


@dataclass(frozen=True)
class OpportunityWeights:
    """Weights of the percentile-ranked criteria (normalised to sum 1)."""

    density: float = 0.5
    pci: float = 0.25
    cog: float = 0.25


def _pct(s: pd.Series) -> pd.Series:
    return s.rank(pct=True, method="average") if len(s) else s


def rank_opportunities(
    result: ComplexityResult,
    region: str,
    *,
    chain_nodes: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    industry_names: Mapping[str, str] | None = None,
    weights: OpportunityWeights = OpportunityWeights(),
    top: int | None = None,
    n_related: int = 3,
) -> pd.DataFrame:
    """Rank the industries a region does not have by feasibility (density) and value (PCI, COG).

    ``score = (w_d * rank(d) + w_p * rank(PCI) + w_g * rank(COG)) / (w_d + w_p + w_g)`` with
    ``rank`` the percentile rank (0-1] among the region's candidates.

    Parameters
    ----------
    result : ComplexityResult
        From :func:`~chainboard_analytics.strategy.complexity.calc_complexity`.
    region : str
        Region label as in ``result.regions``.
    chain_nodes : mapping, optional
        ``{industry_code: [(chain, node), ...]}``; candidates are repeated per node.
    industry_names : mapping, optional
        Code -> display name used in the reasons.
    top : int, optional
        Keep the best ``top`` industries (before exploding to chain nodes).
    n_related : int
        How many present related industries (highest proximity) to name in the reasons.

    Returns
    -------
    DataFrame
        ``rank, industry, density, pci, cog, score, feasibility, value, related, chain, node,
        action, reasons``; sorted by score.
    """
    cells = result.cells[result.cells["region"] == region]
    if cells.empty:
        raise ValueError(f"region {region!r} is not in the complexity result")
    names = industry_names or {}
    pci = result.industries.set_index("industry")["pci"]
    eci = float(result.regions.set_index("region").loc[region, "eci"])
    present = cells.loc[cells["m"] == 1, "industry"].tolist()
    cand = cells[cells["m"] == 0].copy()
    cand["pci"] = cand["industry"].map(pci)
    cand = cand.dropna(subset=["pci"])
    total = weights.density + weights.pci + weights.cog
    if total <= 0:
        raise ValueError("weights must sum to a positive number")
    cand["feasibility"] = _pct(cand["density"])
    value = (weights.pci * _pct(cand["pci"]) + weights.cog * _pct(cand["cog"])) / max(
        weights.pci + weights.cog, 1e-12
    )
    cand["value"] = value
    cand["score"] = (
        weights.density * cand["feasibility"]
        + weights.pci * _pct(cand["pci"])
        + weights.cog * _pct(cand["cog"])
    ) / total
    cand = cand.sort_values(["score", "density"], ascending=False).reset_index(drop=True)
    if top is not None:
        cand = cand.head(top)
    cand.insert(0, "rank", np.arange(1, len(cand) + 1))

    prox = result.proximity
    n = len(cells[cells["m"] == 0])

    def label(code: object) -> str:
        name = names.get(str(code))
        return f"{code} {name}" if name else str(code)

    related_col, reasons_col = [], []
    for row in cand.itertuples(index=False):
        near = (
            prox.loc[present, row.industry].sort_values(ascending=False).head(n_related)
            if present
            else pd.Series(dtype=float)
        )
        near = near[near > 0]
        related = ", ".join(f"{label(k)} (φ={v:.2f})" for k, v in near.items())
        related_col.append(related)
        top_share = 100.0 * (1.0 - row.feasibility) if n else 0.0
        parts = [
            f"density {row.density:.3f} (top {max(top_share, 100.0 / max(n, 1)):.0f}% of {n} "
            f"candidates)" + (f"; related industries present: {related}" if related else ""),
            f"PCI {row.pci:+.2f} ({'above' if row.pci > eci else 'below'} the region's "
            f"ECI {eci:+.2f})",
            f"COG {row.cog:+.3f}",
            f"score {row.score:.2f}",
        ]
        reasons_col.append("; ".join(parts))
    cand["related"] = related_col
    cand["reasons"] = reasons_col

    chains_present: set[str] = set()
    if chain_nodes:
        for code in present:
            for chain, _node in chain_nodes.get(str(code), ()):
                chains_present.add(chain)
    rows = []
    for rec in cand.to_dict("records"):
        nodes = list(chain_nodes.get(str(rec["industry"]), ())) if chain_nodes else []
        if not nodes:
            rows.append(rec | {"chain": None, "node": None, "action": None})
            continue
        for chain, node in nodes:
            action = "延链" if chain in chains_present else "建链"
            why = f"{action}: chain {chain} node {node}" + (
                " (the chain already has an industry here)" if action == "延链" else ""
            )
            rows.append(
                rec
                | {
                    "chain": chain,
                    "node": node,
                    "action": action,
                    "reasons": f"{why}; {rec['reasons']}",
                }
            )
    cols = [
        "rank",
        "industry",
        "density",
        "pci",
        "cog",
        "score",
        "feasibility",
        "value",
        "related",
        "chain",
        "node",
        "action",
        "reasons",
    ]
    return pd.DataFrame(rows, columns=cols)
