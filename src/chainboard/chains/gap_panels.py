"""What apps above ``chains`` show against each gap of the panorama's gap list, handed down.

An app above ``chains`` (``investment``: the 招商 pipeline) registers a function
``(user, chain, node_ids) -> {node id: [GapItem, …]}`` from its ``AppConfig.ready()``; the
panorama page calls :func:`gap_items` and shows the items in the gap table's last column next to
the registry's 招商目标. ``chains`` never imports the registering app.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from chainboard.chains.models import Chain


@dataclass(frozen=True)
class GapItem:
    label: str  # e.g. the firm's name
    status: str  # e.g. 线索 / 签约 / 落地
    url: str = ""
    note: str = ""  # e.g. 拟投资 2.5亿元 · 宁晋县


GapPanel = Callable[[Any, Chain, Sequence[int]], dict[int, list[GapItem]]]
_PANELS: list[GapPanel] = []


def register_gap_panel(panel: GapPanel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def gap_items(user: Any, chain: Chain, node_ids: Sequence[int]) -> dict[int, list[GapItem]]:
    """Every registered panel's items per gap segment, in registration order."""
    out: dict[int, list[GapItem]] = defaultdict(list)
    for panel in _PANELS:
        for node_id, items in panel(user, chain, node_ids).items():
            out[node_id].extend(items)
    return dict(out)
