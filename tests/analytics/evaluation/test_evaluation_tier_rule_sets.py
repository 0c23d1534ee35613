"""梯度培育 rule sets by effective date: the 2022 暂行办法 and the 2026 revised 办法."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from chainboard_analytics.evaluation import (
    SpecError,
    check_tiers,
    criteria_in_force,
    criteria_sets,
    load_criteria,
)
from chainboard_analytics.evaluation.tiers import CRITERIA_DIR


def test_shipped_sets_are_ordered_by_effective_date_and_cite_their_text():
    sets = criteria_sets()
    assert [c.id for c in sets] == ["tiers-2022", "tiers-2026"]
    old, new = sets
    assert old.title == "《优质中小企业梯度培育管理暂行办法》"
    assert old.document_no == "工信部企业〔2022〕63号"
    assert old.effective_from == dt.date(2022, 6, 1)
    assert old.label == "《优质中小企业梯度培育管理暂行办法》（工信部企业〔2022〕63号）"
    assert new.title == "《优质中小企业梯度培育管理办法》"
    assert new.effective_from == dt.date(2026, 4, 1)
    assert new.issued_on == dt.date(2026, 1, 17)
    # the 文号 of the revision was not found: the label says so instead of inventing one
    assert new.document_no == "" and new.label.endswith("（文号未检索到）")


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(2026, 3, 31), "tiers-2022"),  # the day before 施行
        (dt.date(2026, 4, 1), "tiers-2026"),  # "自2026年4月1日起施行": the day itself counts
        (dt.date(2026, 12, 31), "tiers-2026"),
        (dt.date(2022, 6, 1), "tiers-2022"),
        (dt.date(2021, 12, 31), "tiers-2022"),  # before every set: the first (the page names it)
    ],
)
def test_the_set_in_force_on_the_evaluation_date(on, expected):
    assert criteria_in_force(on).id == expected


def test_revision_keeps_untouched_tiers_and_marks_rewritten_ones_pending():
    old, new = criteria_sets()
    assert [t.id for t in new.tiers] == [t.id for t in old.tiers]
    by_id = {t.id: t for t in new.tiers}
    for tid in ("tech_sme", "high_tech", "single_champion"):
        # their own texts did not change: same source and the same rules
        assert by_id[tid].source == old.tier(tid).source
        assert [c.label for c in by_id[tid].conditions] == [
            c.label for c in old.tier(tid).conditions
        ]
    for tid in ("innovative_sme", "srdi", "little_giant"):
        assert by_id[tid].pending and not by_id[tid].conditions
    assert by_id["innovative_sme"].name == "科技和创新型中小企业"


def test_pending_tier_reports_missing_with_the_reason_never_qualifies():
    new = criteria_in_force(dt.date(2026, 6, 1))
    firms = pd.DataFrame([{"uscc": "A", "revenue_wan_yuan": 9000.0}, {"uscc": "B"}])
    out = check_tiers(firms, new).set_index(["uscc", "tier"])
    for uscc in "AB":
        row = out.loc[(uscc, "srdi")]
        assert row["status"] == "missing" and row["gaps"] == []
        assert row["missing"] == ["2026年修订标准原文未收录（专精特新中小企业认定标准）"]


def test_extends_replaces_tiers_by_id(tmp_path):
    (tmp_path / "base.yaml").write_text(
        (CRITERIA_DIR / "tiers.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "next.yaml").write_text(
        """
id: next
version: "1"
extends: base.yaml
effective_from: "2030-01-01"
tiers:
  - {id: high_tech, name: 高企, qualification: high_tech, source: s, conditions: [{label: x, value: employees, min: 5}]}
  - {id: extra, name: 新, qualification: extra, source: s, pending: 未收录}
""",
        encoding="utf-8",
    )
    c = load_criteria(tmp_path / "next.yaml")
    ids = [t.id for t in c.tiers]
    assert ids[1] == "high_tech" and ids[-1] == "extra" and len(ids) == 7
    assert c.tier("high_tech").conditions[0].threshold == 5
    assert c.effective_from == dt.date(2030, 1, 1)


@pytest.mark.parametrize(
    ("tier", "message"),
    [
        ("{id: a, name: A, qualification: a, source: s}", "at least one condition"),
        (
            "{id: a, name: A, qualification: a, source: s, pending: x, "
            "conditions: [{label: x, value: employees, min: 1}]}",
            "no conditions",
        ),
    ],
)
def test_bad_pending_tiers_are_rejected(tier, message):
    with pytest.raises(SpecError, match=message):
        load_criteria(text=f'id: t\nversion: "1"\ntiers:\n  - {tier}\n')


def test_bad_effective_date_is_located():
    text = 'id: t\nversion: "1"\neffective_from: "2026-13-01"\ntiers:\n  - {id: a, name: A, qualification: a, source: s, pending: x}\n'
    with pytest.raises(SpecError, match=r":3: 'effective_from' must be a date"):
        load_criteria(text=text)
