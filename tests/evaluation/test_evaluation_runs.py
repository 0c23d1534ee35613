"""Stored runs: computed once per method and inputs, published, never silently overwritten."""

from __future__ import annotations

import pytest
from tests.factories import UserFactory

from chainboard.core.errors import OutOfScope
from chainboard.enterprises.models import EnterpriseYear
from chainboard.evaluation import services
from chainboard.evaluation.models import EvaluationResult, EvaluationRun
from chainboard_analytics.evaluation import load_method

pytestmark = pytest.mark.django_db
ZJ = load_method("zhejiang")


def test_run_stores_every_evaluated_firm(small_city, city_analyst):
    run, created = services.evaluation_run_create(actor=city_analyst, year=2025, method=ZJ)
    assert created and not run.published
    assert run.method_id == "zhejiang" and run.method_digest == ZJ.digest
    assert run.method_text == ZJ.text and len(run.inputs_hash) == 64
    assert run.n_firms == 22 == run.results.count()
    assert run.scope_region_id == "130500" and run.created_by == city_analyst
    above = run.results.filter(group="above").order_by("rank")
    assert above.first().enterprise == small_city[19]  # the highest tax
    assert above.first().klass == "A" and above.last().klass == "D"  # 20 firms: bottom 5 % = 1
    below = run.results.filter(group="below")
    assert below.count() == 2 and below.first().n_group == 2
    missing = run.results.get(enterprise=small_city[3])
    assert missing.flags == ["value_added_per_pollutant"]
    assert "按组内平均得分计" in missing.explanation
    assert run.history.count() == 1


def test_same_inputs_give_back_the_same_run_changed_inputs_a_new_one(small_city, city_analyst):
    first, _ = services.evaluation_run_create(actor=city_analyst, year=2025, method=ZJ)
    again, created = services.evaluation_run_create(actor=city_analyst, year=2025, method=ZJ)
    assert again.pk == first.pk and not created
    before = list(first.results.order_by("enterprise_id").values_list("total", flat=True))
    EnterpriseYear.objects.filter(enterprise=small_city[0], year=2025).update(tax_paid_wan_yuan=999)
    changed, created = services.evaluation_run_create(actor=city_analyst, year=2025, method=ZJ)
    assert created and changed.pk != first.pk and changed.inputs_hash != first.inputs_hash
    after = list(first.results.order_by("enterprise_id").values_list("total", flat=True))
    assert after == before  # the old run is untouched
    assert EvaluationRun.objects.count() == 2


def test_publish_supersedes_the_previous_publication(small_city, city_analyst):
    first, _ = services.evaluation_run_create(actor=city_analyst, year=2025, method=ZJ)
    services.evaluation_run_publish(actor=city_analyst, run=first, direct_reason="测试：直接发布")
    EnterpriseYear.objects.filter(enterprise=small_city[0], year=2025).update(tax_paid_wan_yuan=1)
    second, _ = services.evaluation_run_create(actor=city_analyst, year=2025, method=ZJ)
    services.evaluation_run_publish(actor=city_analyst, run=second, direct_reason="测试：直接发布")
    first.refresh_from_db()
    assert second.published and not first.published and first.superseded_by == second
    assert first.history.first().history_change_reason == f"被批次#{second.pk}替代"
    assert EvaluationResult.objects.filter(run=first).count() == 22


def test_previous_year_class_and_move(small_city, city_analyst):
    old, _ = services.evaluation_run_create(actor=city_analyst, year=2024, method=ZJ)
    services.evaluation_run_publish(actor=city_analyst, run=old, direct_reason="测试：直接发布")
    EnterpriseYear.objects.filter(enterprise=small_city[0], year=2025).update(
        tax_paid_wan_yuan=5000
    )
    new, _ = services.evaluation_run_create(actor=city_analyst, year=2025, method=ZJ)
    top = new.results.get(enterprise=small_city[0])
    assert top.prev_klass in {"C", "D"} and top.klass == "A" and top.move == "up"


def test_only_analysts_run_and_publish(small_city, ningjin_user, firm_user, city_analyst):
    for user in (ningjin_user, firm_user):
        with pytest.raises(OutOfScope):
            services.evaluation_run_create(actor=user, year=2025, method=ZJ)
    run, _ = services.evaluation_run_create(actor=city_analyst, year=2025, method=ZJ)
    with pytest.raises(OutOfScope):
        services.evaluation_run_publish(actor=ningjin_user, run=run, direct_reason="测试：直接发布")
    other_city = UserFactory(username="hs", role="analyst", scope_region_id="131100")
    with pytest.raises(OutOfScope):
        services.evaluation_run_publish(actor=other_city, run=run, direct_reason="测试：直接发布")


def test_tier_targets_are_set_in_scope_with_history(city_analyst, ningjin_user, xingtai):
    from chainboard.evaluation.models import TierTarget

    target = services.tier_target_set(
        actor=city_analyst, region=xingtai["130528"], year=2025, kind="high_tech", target=30
    )
    again = services.tier_target_set(
        actor=city_analyst, region=xingtai["130528"], year=2025, kind="high_tech", target=31
    )
    assert again.pk == target.pk and TierTarget.objects.get().target == 31
    assert target.history.count() == 2
    with pytest.raises(OutOfScope):
        services.tier_target_set(
            actor=ningjin_user, region=xingtai["130528"], year=2025, kind="srdi", target=1
        )
    other = UserFactory(username="hd", role="analyst", scope_region_id="130400")
    with pytest.raises(OutOfScope):
        services.tier_target_set(
            actor=other, region=xingtai["130528"], year=2025, kind="srdi", target=1
        )


def test_admin_lists_runs_read_only(published, admin_user):
    from django.test import Client

    c = Client()
    c.force_login(admin_user)
    assert c.get("/admin/evaluation/evaluationrun/").status_code == 200
    assert c.get("/admin/evaluation/tiertarget/").status_code == 200
    assert c.get(f"/admin/evaluation/evaluationrun/{published.pk}/change/").status_code == 200
