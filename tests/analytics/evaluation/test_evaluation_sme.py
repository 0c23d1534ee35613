"""SME size per 《中小企业划型标准规定》(工信部联企业〔2011〕300号), hand-worked at every edge.

Ceiling "X以下" includes X (an SME when any ceiling figure is ≤ its limit); a class's lower
limit "X及以上" includes X and the class below takes the values under X.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainboard_analytics.evaluation.sme import SECTORS, sector_of, sme_flags, sme_size

E, R, A = "employees", "revenue_wan_yuan", "total_assets_wan_yuan"

# 第四条 as written, in 人 / 万元: (sector, ceiling any-of, 中型 all-of, 小型 all-of)
TEXT = [
    ("agriculture", {R: 20000}, {R: 500}, {R: 50}),
    ("industry", {E: 1000, R: 40000}, {E: 300, R: 2000}, {E: 20, R: 300}),
    ("construction", {R: 80000, A: 80000}, {R: 6000, A: 5000}, {R: 300, A: 300}),
    ("wholesale", {E: 200, R: 40000}, {E: 20, R: 5000}, {E: 5, R: 1000}),
    ("retail", {E: 300, R: 20000}, {E: 50, R: 500}, {E: 10, R: 100}),
    ("transport", {E: 1000, R: 30000}, {E: 300, R: 3000}, {E: 20, R: 200}),
    ("warehousing", {E: 200, R: 30000}, {E: 100, R: 1000}, {E: 20, R: 100}),
    ("postal", {E: 1000, R: 30000}, {E: 300, R: 2000}, {E: 20, R: 100}),
    ("accommodation", {E: 300, R: 10000}, {E: 100, R: 2000}, {E: 10, R: 100}),
    ("catering", {E: 300, R: 10000}, {E: 100, R: 2000}, {E: 10, R: 100}),
    ("telecom", {E: 2000, R: 100000}, {E: 100, R: 1000}, {E: 10, R: 100}),
    ("software", {E: 300, R: 10000}, {E: 100, R: 1000}, {E: 10, R: 50}),
    ("real_estate", {R: 200000, A: 10000}, {R: 1000, A: 5000}, {R: 100, A: 2000}),
    ("property", {E: 1000, R: 5000}, {E: 300, R: 1000}, {E: 100, R: 500}),
    ("leasing", {E: 300, A: 120000}, {E: 100, A: 8000}, {E: 10, A: 100}),
    ("other", {E: 300}, {E: 100}, {E: 10}),
]


def test_the_table_is_the_text():
    assert list(SECTORS) == [t[0] for t in TEXT]
    for key, ceiling, medium, small in TEXT:
        rule = SECTORS[key]
        assert dict(rule.ceiling) == ceiling
        assert dict(rule.medium) == medium
        assert dict(rule.small) == small


CEILING_CASES = [
    pytest.param(key, field, limit, ceiling, id=f"{key}-{field}-{limit}")
    for key, ceiling, _, _ in TEXT
    for field, limit in ceiling.items()
]


@pytest.mark.parametrize(("key", "field", "limit", "ceiling"), CEILING_CASES)
def test_ceiling_edge_is_included(key, field, limit, ceiling):
    # every other ceiling figure far above its limit: this figure alone decides
    others = {f: lim * 10 for f, lim in ceiling.items() if f != field}
    at = sme_size(key, **others, **{field: limit})
    above = sme_size(key, **others, **{field: limit + 0.01})
    assert at in {"medium", "small", "micro"}  # "X以下" includes X
    assert above == "large"


CLASS_CASES = [
    pytest.param(key, cls, limits, lower, id=f"{key}-{cls}-{field}")
    for key, ceiling, medium, small in TEXT
    for cls, limits, lower in (("medium", medium, "small"), ("small", small, "micro"))
    for field in limits
]


@pytest.mark.parametrize(("key", "cls", "limits", "lower"), CLASS_CASES)
def test_class_lower_limits_are_included(key, cls, limits, lower):
    ceiling = dict(SECTORS[key].ceiling)
    figures = {f: float(limits.get(f, 0)) for f in (E, R, A)}
    # stay under the ceiling on its first figure (the firm must be an SME)
    first = next(iter(ceiling))
    figures[first] = min(figures[first], ceiling[first]) if figures[first] else 0.0
    args = {f: v for f, v in figures.items() if f in limits or f in ceiling}
    assert sme_size(key, **args) == cls  # exactly at every lower limit: "X及以上"
    for field in limits:
        below = {**args, field: limits[field] - 0.01}
        assert sme_size(key, **below) == lower  # one limit missed: one class down


def test_industrial_examples_worked_by_hand():
    # 1,000 staff and 5亿 revenue: 1000人以下 holds → SME; ≥300 and ≥2000万 → 中型
    assert sme_size("industry", employees=1000, revenue_wan_yuan=50000) == "medium"
    assert sme_size("industry", employees=1001, revenue_wan_yuan=40000.01) == "large"
    assert sme_size("industry", employees=1200, revenue_wan_yuan=40000) == "medium"
    assert sme_size("industry", employees=299, revenue_wan_yuan=30000) == "small"
    assert sme_size("industry", employees=20, revenue_wan_yuan=300) == "small"
    assert sme_size("industry", employees=19, revenue_wan_yuan=30000) == "micro"


def test_missing_figures():
    # one ceiling figure known and at/below its limit is enough to be an SME …
    assert sme_size("industry", employees=50) is None  # … but the class needs revenue
    assert sme_flags(pd.DataFrame([{"industry_code": "3831", "employees": 50}])).iloc[0] == 1.0
    # above on the known figure, the other unknown: cannot tell
    assert sme_size("industry", employees=5000) is None
    assert math.isnan(
        sme_flags(pd.DataFrame([{"industry_code": "3831", "employees": 5000}])).iloc[0]
    )
    assert math.isnan(sme_flags(pd.DataFrame([{"industry_code": None, "employees": 5}])).iloc[0])


@pytest.mark.parametrize(
    ("code", "sector"),
    [
        ("0111", "agriculture"),
        ("0610", "industry"),  # 采矿业
        ("3831", "industry"),  # 制造业
        ("4411", "industry"),  # 电力
        ("4620", "industry"),  # 水
        ("4710", "construction"),
        ("5110", "wholesale"),
        ("5211", "retail"),
        ("5810", "transport"),
        ("5910", "warehousing"),
        ("6010", "postal"),
        ("6110", "accommodation"),
        ("6210", "catering"),
        ("6311", "telecom"),
        ("6410", "telecom"),
        ("6510", "software"),
        ("7010", "real_estate"),
        ("7020", "property"),
        ("7040", "other"),  # 房地产中介服务: 其他未列明行业
        ("7111", "leasing"),
        ("7211", "leasing"),
        ("7310", "other"),
        ("C", "industry"),
        ("C38", "industry"),
        ("", None),
    ],
)
def test_sector_of_gb4754_codes(code, sector):
    assert sector_of(code) == sector


_size = st.one_of(st.none(), st.floats(0, 300000, allow_nan=False))


@given(
    code=st.sampled_from(["0111", "3831", "4710", "5110", "5211", "6510", "7010", "7211", "9011"]),
    e=_size,
    r=_size,
    a=_size,
)
def test_vectorised_flags_agree_with_the_scalar_rule(code, e, r, a):
    frame = pd.DataFrame([{"industry_code": code, E: e, R: r, A: a}]).astype(
        {E: "float64", R: "float64", A: "float64"}
    )
    flag = sme_flags(frame).iloc[0]
    size = sme_size(sector_of(code), employees=e, revenue_wan_yuan=r, total_assets_wan_yuan=a)
    if size == "large":
        assert flag == 0.0
    elif size is not None:
        assert flag == 1.0
    else:  # class unknown: the flag may still be known (an SME by one ceiling figure)
        assert np.isnan(flag) or flag == 1.0
