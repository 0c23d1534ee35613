"""Bad method and criteria files are rejected with file, line and reason."""

from __future__ import annotations

import pytest
from evaluation_helpers import RATIO, method

from chainboard_analytics.evaluation import SpecError, builtin_methods, load_criteria, load_method


def test_shipped_methods_load_and_cite_their_source():
    assert {"zhejiang", "anhui"} <= set(builtin_methods())
    zj = load_method("zhejiang")
    assert "黄岩" in zj.source and zj.source_year == 2023
    weights = {i.id: (i.weight, i.benchmark.value) for i in zj.groups[0].indicators}
    assert weights["tax_per_mu"] == (30, 24.097)
    # 黄岩 and 浙政发〔2018〕5号 divide R&D by 主营业务收入
    assert weights["rd_intensity_main"] == (10, 0.0302)
    rd = next(i for i in zj.groups[0].indicators if i.id == "rd_intensity_main")
    assert rd.formula.fields == ("rd_spend_wan_yuan", "main_business_revenue_wan_yuan")
    below = {i.id: (i.weight, i.benchmark.value) for i in zj.groups[1].indicators}
    assert below == {"tax_per_mu": (50, 11.5932), "tax_per_electricity": (50, 0.2352)}
    # caps: 2× the weight on every indicator, total at most 200 (platform choice, said so)
    assert all(i.cap == 2 * i.weight for g in zj.groups for i in g.indicators)
    assert zj.max_total == 200
    assert "本平台设定" in zj.provenance["单项封顶与总分上限"]
    assert "淮安" in zj.provenance["分档比例与T类"] and "淮安" in zj.provenance["规下用地下限3亩"]
    assert zj.groups[1].min_land_mu == 3
    anhui = load_method("anhui")
    assert anhui.scoring == "minmax" and anhui.max_total == 100
    # 铜陵 2021: 20/45/30/5; no young-firm exclusion (it had no Anhui source)
    assert [(c.start, c.end) for c in anhui.classes] == [(0, 20), (20, 65), (65, 95), (95, 100)]
    assert anhui.special is not None and anhui.special.min_years_in_production == 0
    assert "铜陵" in anhui.provenance["分档比例"]
    assert len(zj.digest) == 64


def bad(old: str, new: str) -> SpecError:
    assert old in RATIO
    with pytest.raises(SpecError) as info:
        method(RATIO.replace(old, new), name="bad.yaml")
    return info.value


def test_unknown_indicator_is_rejected_with_line():
    err = bad("{id: tax_per_mu,", "{id: tax_per_hectare,")
    assert err.file == "bad.yaml" and err.line == 13
    assert "unknown indicator 'tax_per_hectare'" in err.reason


def test_formula_with_missing_field_is_rejected():
    err = bad(
        "{id: tax_per_mu,", "{id: custom, name: 自定义, formula: tax_paid_wan_yuan / floor_area,"
    )
    assert err.line == 13 and "unknown field 'floor_area'" in err.reason


def test_weights_must_sum_as_declared():
    err = bad("weight: 40", "weight: 30")
    assert err.line == 12 and "sum to 90, declared total_weight 100" in err.reason


def test_overlapping_class_bands_are_rejected():
    err = bad("band: [20, 60]", "band: [15, 60]")
    assert err.line == 17 and "overlaps" in err.reason
    gap = bad("band: [60, 95]", "band: [65, 95]")
    assert gap.line == 18 and "gap" in gap.reason
    short = bad("band: [95, 100]", "band: [95, 99]")
    assert "must reach 100%" in short.reason


def test_other_bad_values():
    assert "unknown scoring rule" in bad("scoring: ratio", "scoring: magic").reason
    assert "unknown key 'wieght'" in bad("weight: 40", "wieght: 40").reason
    assert "not valid YAML" in bad("classes:", "classes: [").reason
    assert "needs a benchmark" in bad(", benchmark: 0.5}", "}").reason
    assert (
        "only + - * /"
        in bad("{id: tax_per_mu,", "{id: c, name: c, formula: tax_paid_wan_yuan ** 2,").reason
    )


def test_bad_criteria_file_is_located(tmp_path):
    path = tmp_path / "tiers.yaml"
    path.write_text(
        "id: t\nversion: '1'\ntiers:\n  - id: x\n    name: X\n    qualification: srdi\n"
        "    source: s\n    conditions:\n      - {label: 研发, value: rd_budget, min: 3}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError) as info:
        load_criteria(path)
    assert info.value.line == 9 and "unknown field 'rd_budget'" in info.value.reason
    assert str(path) in str(info.value)
    path.write_text(
        "id: t\nversion: '1'\ntiers:\n  - id: x\n    name: X\n    qualification: srdi\n"
        "    source: s\n    conditions:\n      - label: 研发\n        value: rd_spend_wan_yuan\n"
        "        min_by:\n          by: revenue_wan_yuan\n"
        "          bands: [{upto: 5000, min: 5}, {upto: 4000, min: 4}, {min: 3}]\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match="bands overlap") as info:
        load_criteria(path)
    assert info.value.line == 13
