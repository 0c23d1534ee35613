"""The sample city generator: deterministic, valid codes, realistic shape (no database)."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

import chainboard.industries
from chainboard.demo.generator import (
    above_scale_threshold,
    demo_generate,
    org_code_check_char,
)
from chainboard.demo.profiles import ANCHORS, BACKGROUND, COUNTIES, INDUSTRIES, YEARS
from chainboard.enterprises.uscc import uscc_region_code, validate_uscc

XINGTAI_COUNTIES = {
    "130502": "襄都区", "130503": "信都区", "130505": "任泽区", "130506": "南和区",
    "130522": "临城县", "130523": "内丘县", "130524": "柏乡县", "130525": "隆尧县",
    "130528": "宁晋县", "130529": "巨鹿县", "130530": "新河县", "130531": "广宗县",
    "130532": "平乡县", "130533": "威县", "130534": "清河县", "130535": "临西县",
    "130581": "南宫市", "130582": "沙河市",
}  # fmt: skip


@pytest.fixture(scope="module")
def city():
    return demo_generate(n_firms=3000, seed=2025)


@pytest.fixture(scope="module")
def class_codes() -> set[str]:
    path = Path(chainboard.industries.__file__).parent / "data" / "gbt4754-2017.csv"
    with path.open(encoding="utf-8") as fh:
        return {row["code"] for row in csv.DictReader(fh) if row["level"] == "4"}


def latest_revenue(firm) -> float:
    return float(firm.years[-1].revenue_wan_yuan or 0) if firm.years else 0.0


def test_same_seed_gives_the_same_city():
    first = demo_generate(n_firms=300, seed=7)
    again = demo_generate(n_firms=300, seed=7)
    assert first == again
    other = demo_generate(n_firms=300, seed=8)
    assert [f.uscc for f in other.firms] != [f.uscc for f in first.firms]


def test_firm_count_follows_the_parameter(city):
    assert len(city.firms) == 3000
    assert len(demo_generate(n_firms=400).firms) == 400
    assert len(demo_generate(n_firms=5).firms) == 5


def test_every_uscc_is_valid_and_registered_in_the_firms_county(city):
    for firm in city.firms:
        assert validate_uscc(firm.uscc) == firm.uscc
        assert firm.uscc.startswith("91")
        assert uscc_region_code(firm.uscc) == firm.region_code
        body = firm.uscc[8:16]
        assert firm.uscc[16] == org_code_check_char(body)  # GB 11714 check digit
    assert len({f.uscc for f in city.firms}) == len(city.firms)


def test_org_code_check_char_matches_a_published_example():
    # the textbook example D2143569-X: 13·3 + 2·7 + 1·9 + 4·10 + 3·5 + 5·8 + 6·4 + 9·2 = 199,
    # 199 mod 11 = 1, 11 − 1 = 10 → "X"
    assert org_code_check_char("D2143569") == "X"
    assert org_code_check_char("00000002") == "7"  # 2·2 = 4, 11 − 4 = 7


def test_post_2015_firms_carry_ma_codes(city):
    for firm in city.firms:
        if firm.founded_on.year >= 2016:
            assert firm.uscc[8:10] == "MA"


def test_names_are_unique_and_look_like_chinese_companies(city):
    names = [f.name for f in city.firms]
    assert len(set(names)) == len(names)
    assert all(n.endswith("公司") for n in names)
    assert {a.name for a in ANCHORS} <= set(names)


def test_every_industry_code_is_a_gbt4754_class(city, class_codes):
    used = {f.industry_code for f in city.firms}
    profiled = set(INDUSTRIES) | set(BACKGROUND) | {a.code for a in ANCHORS}
    profiled |= {code for county in COUNTIES for c in county.clusters for code in c.codes}
    assert used <= class_codes
    assert profiled <= class_codes
    assert set(BACKGROUND) <= set(INDUSTRIES)


def test_counties_are_the_real_eighteen(city):
    assert {c.code: c.name for c in COUNTIES} == XINGTAI_COUNTIES
    per_county = Counter(f.region_code for f in city.firms)
    assert set(per_county) == set(XINGTAI_COUNTIES)
    assert per_county.most_common(1)[0][0] == "130528"  # 宁晋 is the biggest industrial county


def test_clusters_from_the_seeds_are_present(city):
    def count(region: str, prefixes: tuple[str, ...]) -> int:
        return sum(
            1
            for f in city.firms
            if f.region_code == region and f.industry_code.startswith(prefixes)
        )

    assert count("130528", ("383",)) >= 100  # 宁晋电线电缆
    assert count("130528", ("3985", "3825")) >= 10  # 宁晋 单晶硅/光伏
    assert count("130582", ("304", "305", "306")) >= 100  # 沙河玻璃
    assert count("130534", ("172", "1763")) >= 60  # 清河羊绒
    assert count("130532", ("3761", "2456", "3770")) >= 80  # 平乡自行车/童车
    assert count("130535", ("345",)) >= 60  # 临西轴承
    assert count("130525", ("13", "14")) >= 40  # 隆尧食品
    assert count("130506", ("1321",)) >= 25  # 南和宠物食品
    assert count("130533", ("367", "361")) >= 25  # 威县汽车及零部件
    assert count("130581", ("193",)) >= 20  # 南宫羊剪绒
    clusters = Counter(f.cluster for f in city.firms)
    for name in ("沙河玻璃", "清河羊绒", "宁晋电线电缆", "平乡自行车", "临西轴承", "隆尧食品"):
        assert clusters[name] >= 50, name


def test_revenue_is_heavy_tailed_and_about_a_quarter_above_scale(city):
    revenue = sorted((latest_revenue(f) for f in city.firms), reverse=True)
    top_decile = sum(revenue[: len(revenue) // 10])
    assert top_decile / sum(revenue) > 0.5
    share = sum(f.above_scale for f in city.firms) / len(city.firms)
    assert 0.20 <= share <= 0.35
    assert revenue[0] > 100 * revenue[len(revenue) // 2]


def test_above_scale_matches_the_latest_reported_revenue(city):
    for firm in city.firms:
        if firm.status not in ("active", "suspended") or not firm.years:
            assert not firm.above_scale
            continue
        revenue = firm.years[-1].revenue_wan_yuan
        if revenue is not None:
            threshold = above_scale_threshold(firm.industry_code)
            assert firm.above_scale == (float(revenue) >= threshold), firm.name


def test_figures_are_non_negative_with_a_few_gaps(city):
    rows = [y for f in city.firms for y in f.years]
    assert len(rows) > 2.8 * len(city.firms)
    missing = 0
    for row in rows:
        for value in row.figures().values():
            if value is None:
                missing += 1
            else:
                assert value >= 0
    assert 0 < missing < 0.02 * len(rows) * 9


def test_years_are_the_three_reporting_years_after_founding(city):
    for firm in city.firms:
        years = [y.year for y in firm.years]
        assert years == sorted(years)
        assert set(years) <= set(YEARS)
        assert all(y >= firm.founded_on.year for y in years)
        if firm.status in ("closed", "moved_out"):
            assert YEARS[-1] not in years


def test_ratios_are_industry_typical(city):
    def median_ratio(codes: tuple[str, ...], num: str, den: str) -> float:
        values = sorted(
            float(getattr(y, num)) / float(getattr(y, den))
            for f in city.firms
            if f.industry_code in codes
            for y in f.years
            if getattr(y, num) is not None and getattr(y, den)
        )
        return values[len(values) // 2]

    glass_energy = median_ratio(("3041",), "energy_tce", "revenue_wan_yuan")
    cable_energy = median_ratio(("3831",), "energy_tce", "revenue_wan_yuan")
    assert glass_energy > 10 * cable_energy
    assert median_ratio(("3041",), "revenue_wan_yuan", "land_area_mu") < median_ratio(
        ("3831",), "revenue_wan_yuan", "land_area_mu"
    )
    all_codes = tuple(INDUSTRIES)
    assert 0.15 <= median_ratio(all_codes, "value_added_wan_yuan", "revenue_wan_yuan") <= 0.35
    assert 0.015 <= median_ratio(all_codes, "tax_paid_wan_yuan", "revenue_wan_yuan") <= 0.06
    silicon = median_ratio(("3985",), "electricity_10k_kwh", "revenue_wan_yuan")
    assert silicon > 5 * median_ratio(("3831",), "electricity_10k_kwh", "revenue_wan_yuan")


def test_parks_are_in_their_county_and_hold_most_firms(city):
    parks = {(p.region_code, p.name) for p in city.parks}
    assert 20 <= len(parks) <= 50
    assert len({p.name for p in city.parks}) == len(city.parks)
    assert ("130502", "邢台经济开发区") in parks
    for county in COUNTIES:
        for cluster in county.clusters:
            assert cluster.park is None or (county.code, cluster.park) in parks
    in_park = [f for f in city.firms if f.park_name]
    assert all((f.region_code, f.park_name) in parks for f in in_park)
    assert len(in_park) > len(city.firms) / 2


def test_business_scope_uses_the_registration_wording(city):
    cables = [f for f in city.firms if f.industry_code == "3831"]
    assert all("电线、电缆制造" in f.business_scope for f in cables)
    for firm in city.firms:
        assert firm.business_scope.endswith("开展经营活动）")
        if firm.founded_on.year >= 2021:
            assert firm.business_scope.startswith("一般项目：")


def test_qualification_counts_are_those_of_a_city_of_this_size(city):
    holders: dict[str, set[str]] = {}
    for q in city.qualifications:
        holders.setdefault(q.kind, set()).add(q.uscc)
    count = {kind: len(firms) for kind, firms in holders.items()}
    assert 300 <= count["tech_sme"] <= 700
    assert 150 <= count["high_tech"] <= 250
    assert 20 <= count["srdi"] <= 100
    assert 2 <= count["little_giant"] <= 15
    assert 1 <= count["single_champion"] <= 3
    for kind in ("innovative_sme", "green_factory", "cloud", "smart_factory", "tech_center",
                 "design_docked"):  # fmt: skip
        assert count[kind] > 0, kind
    known = {f.uscc for f in city.firms}
    assert {q.uscc for q in city.qualifications} <= known


def test_qualifications_follow_the_ladder_and_validity(city):
    first: dict[tuple[str, str], object] = {}
    for q in sorted(city.qualifications, key=lambda q: q.granted_on):
        first.setdefault((q.uscc, q.kind), q.granted_on)
        assert q.expires_on is None or q.expires_on >= q.granted_on
        if q.kind == "high_tech":
            span = (q.expires_on - q.granted_on).days
            assert 3 * 365 - 2 <= span <= 3 * 366
    for (uscc, kind), granted in first.items():
        if kind == "srdi":
            assert first[(uscc, "innovative_sme")] < granted
        if kind == "little_giant":
            assert first[(uscc, "srdi")] < granted


def test_titled_firms_meet_the_rd_floor(city):
    firms = {f.uscc: f for f in city.firms}
    for q in city.qualifications:
        if q.kind not in ("high_tech", "srdi", "little_giant"):
            continue
        latest = firms[q.uscc].years[-1]
        if latest.rd_spend_wan_yuan is None or not latest.revenue_wan_yuan:
            continue
        intensity = float(latest.rd_spend_wan_yuan) / float(latest.revenue_wan_yuan)
        assert intensity >= 0.029, (firms[q.uscc].name, q.kind, intensity)
