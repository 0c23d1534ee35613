"""django-ninja schemas of the project API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class ProjectOut(Schema):
    code: str
    name: str
    investor_name: str
    region_id: str
    park_id: int | None
    kind: str
    source: str
    stage: str
    total_investment_wan_yuan: Decimal
    investment_done_wan_yuan: Decimal
    listed_on: dt.date | None
    county_key: bool
    planned_start_on: dt.date | None
    signed_on: dt.date | None
    started_on: dt.date | None
    producing_on: dt.date | None
    responsible_department: str
    chain_node_codes: list[str]
    archived: bool
    version: int


class ProjectPatch(Schema):
    version: int | None = None  # required (400 without it): the version read by GET
    name: str | None = None
    responsible_official: str | None = None
    responsible_department: str | None = None
    total_investment_wan_yuan: Decimal | None = None
    planned_start_on: dt.date | None = None
    listed_on: dt.date | None = None
    county_key: bool | None = None


class UpdateIn(Schema):
    week: dt.date
    done_this_week: str
    investment_period_wan_yuan: Decimal = Decimal(0)
    next_steps: str = ""
    problems: str = ""
    help_department: str = ""
    stage: str | None = None
    version: int | None = None  # required (400 without it): the week's version, 0 if none yet


class UpdateOut(Schema):
    week: dt.date
    done_this_week: str
    investment_period_wan_yuan: Decimal
    investment_cumulative_wan_yuan: Decimal
    problems: str
    late: bool
    version: int


class RankingOut(Schema):
    key: str
    label: str
    score: Decimal
    rank: int
    move: int | None
    scores: dict[str, Decimal]  # component sub-scores (分); a component missing here is 缺
    values: dict[str, float | None]  # rates (1 = 100%), counts, or counts per 100 (method "per")
    counts: dict[str, int]  # the raw counts of 新签约 / 过亿
