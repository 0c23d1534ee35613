"""Runs of methods whose benchmark is a mean: last year's figures are read, bad means refused."""

from __future__ import annotations

import textwrap

import pytest

from chainboard.core.errors import DomainError
from chainboard.enterprises.models import EnterpriseYear
from chainboard.evaluation import services
from chainboard_analytics.evaluation import load_method

pytestmark = pytest.mark.django_db

HUAIAN_LIKE = textwrap.dedent(
    """\
    id: lastyear
    version: "1"
    title: 上年度区县平均值×2为基准
    source: 《淮安市工业企业资源集约利用综合评价办法》政策解读（2024-05-31）
    source_year: 2024
    scoring: ratio
    total_weight: 100
    max_total: 200
    groups:
      - id: above
        name: 规上
        above_scale: true
        indicators:
          - {id: tax_per_mu, weight: 100, benchmark: {mean_multiple: 2, of: reference, by: county}, cap: {times_weight: 2}}
    classes:
      - {code: A, name: 甲, band: [0, 20]}
      - {code: B, name: 乙, band: [20, 60]}
      - {code: C, name: 丙, band: [60, 95]}
      - {code: D, name: 丁, band: [95, 100]}
    """
)


def test_last_year_county_mean_benchmark_in_a_run(small_city, city_analyst):
    m = load_method("lastyear.yaml", text=HUAIAN_LIKE)
    assert m.needs_reference
    run, created = services.evaluation_run_create(actor=city_analyst, year=2025, method=m)
    assert created
    # 宁晋 规上 firms 0..11 in 2024: tax 20 + 10 i on 10 亩 → mean 7.5 万元/亩 → benchmark 15
    first = run.results.get(enterprise=small_city[0])
    ind = first.indicators[0]
    assert ind["benchmark"] == pytest.approx(15.0)
    assert ind["score"] == pytest.approx(2.5 / 15 * 100)  # 2025: (20 + 5) / 10 = 2.5 万元/亩
    # changing only last year's figures gives a new run (the fingerprint covers both years)
    EnterpriseYear.objects.filter(year=2024, enterprise=small_city[1]).update(tax_paid_wan_yuan=999)
    again, created_again = services.evaluation_run_create(actor=city_analyst, year=2025, method=m)
    assert created_again and again.pk != run.pk


def test_no_last_year_figures_is_refused(small_city, city_analyst):
    m = load_method("lastyear.yaml", text=HUAIAN_LIKE)
    with pytest.raises(DomainError, match="2023年度没有企业年度指标"):
        services.evaluation_run_create(actor=city_analyst, year=2024, method=m)


def test_zero_mean_benchmark_stops_the_run_with_the_reason(small_city, city_analyst):
    text = HUAIAN_LIKE.replace("of: reference, by: county", "of: current")
    EnterpriseYear.objects.filter(year=2025).update(tax_paid_wan_yuan=0)
    with pytest.raises(DomainError, match="规上「亩均税收」的基准值（本年度本组平均值×2）为0"):
        services.evaluation_run_create(
            actor=city_analyst, year=2025, method=load_method("z.yaml", text=text)
        )
