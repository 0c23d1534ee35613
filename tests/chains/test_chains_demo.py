"""The demo step: every template for 邢台市, linked firms, reviewed links, clusters with targets."""

from __future__ import annotations

import io

from chainboard.chains.demo import demo_step
from chainboard.chains.models import Chain, Cluster, ClusterTarget, EnterpriseNode, LinkState
from chainboard.chains.services import template_paths
from chainboard.demo.loader import demo_load
from chainboard.demo.steps import DEMO_STEPS


def test_demo_step_loads_once(db):
    assert "chainboard.chains.demo.demo_step" in DEMO_STEPS
    demo_load(n_firms=400, seed=7)
    out = io.StringIO()
    demo_step(stdout=out)
    city = Chain.objects.filter(region_id="130500")
    assert city.count() == len(template_paths()) >= 8
    assert Chain.objects.filter(region_id__in=["130582", "130528"]).count() == 2
    for chain in city.exclude(code="hardware_fitness_furniture"):
        assert EnterpriseNode.objects.filter(node__chain=chain).exists(), chain.code
    states = set(EnterpriseNode.objects.values_list("state", flat=True))
    assert LinkState.CONFIRMED in states and LinkState.PROPOSED in states
    assert Cluster.objects.count() >= 10 and ClusterTarget.objects.exists()
    assert "产业链" in out.getvalue()
    links = EnterpriseNode.objects.count()
    demo_step(stdout=io.StringIO())
    assert EnterpriseNode.objects.count() == links
