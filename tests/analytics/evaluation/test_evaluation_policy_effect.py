"""The per-firm effect of a class's differentiated policy: hand-worked in 万元 a year."""

from __future__ import annotations

import pytest

from chainboard_analytics.evaluation.policy import M2_PER_MU, net_effect, policy_effects


def test_electricity_surcharge_times_use():
    # 2025 D 类: 电价加价 0.1 元/千瓦时 × 用电量 350 万千瓦时 = 350万 × 0.1 元 = 35 万元
    effects = policy_effects(
        {"electricity_surcharge_yuan_per_kwh": 0.1}, {"electricity_10k_kwh": 350.0}
    )
    assert [(e.item, e.amount_wan_yuan) for e in effects] == [("电价加价", 35.0)]
    assert effects[0].formula == "0.1 元/千瓦时 × 用电量 350.00 万千瓦时"
    assert net_effect(effects) == 35.0


def test_land_tax_relief_is_a_saving():
    # 30 亩 = 20,000 m²; × 6 元/m² = 12 万元 a year; B 类 relief 80% → −9.6 万元
    assert round(30 * M2_PER_MU, 6) == 20000
    effects = policy_effects(
        {"land_tax_relief_pct": 80, "land_tax_yuan_per_m2": 6}, {"land_area_mu": 30.0}
    )
    assert effects[0].item == "城镇土地使用税减免"
    assert effects[0].amount_wan_yuan == pytest.approx(-9.6)


def test_both_add_up_and_unknowns_are_said_not_guessed():
    effects = policy_effects(
        {
            "electricity_surcharge_yuan_per_kwh": 0.05,
            "water_surcharge_yuan_per_m3": 1.0,
            "land_tax_relief_pct": 100,
        },
        {"electricity_10k_kwh": 200.0, "land_area_mu": 10.0},
    )
    by_item = {e.item: e for e in effects}
    assert by_item["电价加价"].amount_wan_yuan == pytest.approx(10.0)
    assert by_item["水价加价"].amount_wan_yuan is None  # no water-use figure
    assert "无用水量" in by_item["水价加价"].formula
    assert by_item["城镇土地使用税减免"].amount_wan_yuan is None  # no 年税额 set
    assert by_item["城镇土地使用税减免"].formula == "未设定年税额"
    assert net_effect(effects) == pytest.approx(10.0)


def test_missing_figure_or_no_policy():
    effects = policy_effects({"electricity_surcharge_yuan_per_kwh": 0.1}, {})
    assert effects[0].amount_wan_yuan is None and effects[0].formula == "缺用电量数据"
    assert net_effect(effects) is None
    assert policy_effects({"electricity_surcharge_yuan_per_kwh": None}, {}) == []
    assert policy_effects({"land_tax_relief_pct": 0}, {"land_area_mu": 5.0}) == []
