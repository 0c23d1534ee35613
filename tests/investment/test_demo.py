"""The 招商 demo step: a pipeline per main chain with leads at every stage, landed ones as 引进
projects on their segment, deterministic; the 引进过亿元 target counts those only."""

from __future__ import annotations

import io

import pytest

from chainboard.demo.loader import demo_load
from chainboard.investment import demo
from chainboard.investment.models import Lead, LeadActivity, LeadStage
from chainboard.projects.models import Project, Target

pytestmark = pytest.mark.django_db


def test_demo_step_writes_a_pipeline_per_chain() -> None:
    from chainboard.chains.demo import demo_step as chains_step
    from chainboard.projects.demo import demo_step as projects_step

    out = io.StringIO()
    demo_load(n_firms=300, seed=11, stdout=out)
    chains_step(stdout=out)
    projects_step(stdout=out)
    demo.demo_step(stdout=out)
    assert "investment: 招商线索" in out.getvalue()
    n_chains = Lead.objects.values("chain").distinct().count()
    assert n_chains >= 5
    per_chain = sum(n for _, n in demo.PLAN)
    assert Lead.objects.count() == per_chain * n_chains
    stages = set(Lead.objects.values_list("stage", flat=True))
    assert stages == set(LeadStage.values)
    landed = Lead.objects.filter(stage="landed").select_related("project")
    assert landed.count() == 3 * n_chains
    for lead in landed:
        assert lead.project.introduced and lead.project.sample
        assert list(lead.project.chain_nodes.all()) == [lead.node]
    for lead in Lead.objects.all()[:60]:
        lead.full_clean()
    assert LeadActivity.objects.count() > Lead.objects.count() * 2
    assert Lead.objects.filter(sample=False).count() == 0
    target = Target.objects.get(name__startswith="引进过亿元项目")
    assert target.params.get("introduced") is True
    expected = Project.objects.filter(
        introduced=True,
        total_investment_wan_yuan__gte=10000,
        archived=False,
        signed_on__gte=target.period_start,
        signed_on__lte=target.period_end,
    ).count()
    reading = target.readings.order_by("-on").first()
    assert reading is None or reading.value <= expected
    names = sorted(Lead.objects.values_list("name", flat=True))
    Lead.objects.all().delete()
    demo.demo_step(stdout=io.StringIO())
    assert sorted(Lead.objects.values_list("name", flat=True)) == names  # seeded
    demo.demo_step(stdout=io.StringIO())  # idempotent
    assert len(names) == Lead.objects.count()
