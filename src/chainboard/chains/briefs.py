"""Sections other apps add to the chain's one-page brief (链长简报), handed down to ``chains``.

An app above ``chains`` registers a function ``(user, chain) -> list[BriefSection]`` from its
``AppConfig.ready()``; ``exports.chain_brief_pdf`` renders each section as a titled table on
the brief's second page (``chiefs``: 攻关清单, 揭榜挂帅, overdue tasks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chainboard.chains.models import Chain


@dataclass
class BriefSection:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""


SectionMaker = Callable[[Any, Chain], list[BriefSection]]
_SECTIONS: list[SectionMaker] = []


def register_brief_section(maker: SectionMaker) -> None:
    if maker not in _SECTIONS:
        _SECTIONS.append(maker)


def brief_sections(user: Any, chain: Chain) -> list[BriefSection]:
    out: list[BriefSection] = []
    for maker in _SECTIONS:
        out.extend(maker(user, chain))
    return out
