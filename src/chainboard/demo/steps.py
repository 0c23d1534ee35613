"""Further demo data, loaded after the base city by ``chainboard demo`` (chains, evaluations,
projects, strategy panels …).

Each entry is the dotted path of a function ``step(*, stdout) -> None``. A step must be
idempotent: ``make demo`` runs every step on each start (``--if-empty`` included), so a step
checks whether its data is already there and returns quietly if so. Steps run in this order,
each in its own transaction, after the base city exists.
"""

from __future__ import annotations

import importlib
from typing import Any

DEMO_STEPS: list[str] = [
    "chainboard.evaluation.demo.demo_step",
    "chainboard.chains.demo.demo_step",
    "chainboard.strategy.demo.demo_step",
    "chainboard.projects.demo.demo_step",
    "chainboard.supply.demo.demo_step",
    "chainboard.chiefs.demo.demo_step",
    "chainboard.firmrequests.demo.demo_step",
    "chainboard.enterprises.demo_sources.demo_step",
    "chainboard.reporting.demo.demo_step",
    "chainboard.investment.demo.demo_step",
]


def run_demo_steps(*, stdout: Any) -> None:
    for dotted in DEMO_STEPS:
        module, _, name = dotted.rpartition(".")
        getattr(importlib.import_module(module), name)(stdout=stdout)
