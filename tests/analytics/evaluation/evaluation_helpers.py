"""Small builders for the evaluation tests (no Django)."""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd

from chainboard_analytics.evaluation.methods import MuMethod, load_method

BASE = {
    "name": "测试企业",
    "region_code": "130528",
    "industry_code": "3831",
    "above_scale": True,
    "founded_year": 2010,
    "revenue_wan_yuan": 10000.0,
    "main_business_revenue_wan_yuan": 9000.0,
    "value_added_wan_yuan": 2000.0,
    "tax_paid_wan_yuan": 100.0,
    "land_area_mu": 10.0,
    "energy_tce": 500.0,
    "pollutant_equivalent_t": 1.0,
    "rd_spend_wan_yuan": 300.0,
    "employees": 100,
    "electricity_10k_kwh": 400.0,
}


def firms(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame([{**BASE, "uscc": f"U{i:04d}", **row} for i, row in enumerate(rows)])


def method(yaml_text: str, name: str = "test.yaml") -> MuMethod:
    return load_method(name, text=textwrap.dedent(yaml_text))


RATIO = """\
id: t
version: "1"
title: 测试
source: 手算示例
source_year: 2024
scoring: ratio
total_weight: 100
groups:
  - id: above
    name: 规上
    above_scale: true
    indicators:
      - {id: tax_per_mu, weight: 60, benchmark: 10}
      - {id: tax_per_electricity, weight: 40, benchmark: 0.5}
classes:
  - {code: A, name: 甲, band: [0, 20]}
  - {code: B, name: 乙, band: [20, 60]}
  - {code: C, name: 丙, band: [60, 95]}
  - {code: D, name: 丁, band: [95, 100]}
"""

TAX_ONLY = RATIO.replace(
    """      - {id: tax_per_mu, weight: 60, benchmark: 10}
      - {id: tax_per_electricity, weight: 40, benchmark: 0.5}""",
    "      - {id: tax_per_mu, weight: 100, benchmark: 10}",
)
