"""The demo step: generated records for the registry's linked firms, one run per region."""

from __future__ import annotations

import io

import pytest

from chainboard.demo.steps import DEMO_STEPS
from chainboard.supply import demo
from chainboard.supply.models import SupplyNodeResult, SupplyRun

pytestmark = pytest.mark.django_db


def test_demo_step_stores_a_run_once(net, monkeypatch):  # type: ignore[no-untyped-def]
    assert "chainboard.supply.demo.demo_step" in DEMO_STEPS
    firms = demo.demo_firms()
    assert list(firms["uscc"]) == sorted(net.uscc[k] for k in "ABCD")
    assert set(firms["node_code"]) == {"铜杆", "电缆"} and firms["revenue_wan_yuan"].notna().all()
    monkeypatch.setattr(demo, "SIZE", 20_000)
    out = io.StringIO()
    demo.demo_step(stdout=out)
    run = SupplyRun.objects.get()
    assert run.region_id == "130500" and run.status == "current" and run.n_lines == 20_000
    assert run.source.startswith(demo.SOURCE) and "supply: 20,000 行合成交易记录" in out.getvalue()
    assert SupplyNodeResult.objects.filter(run=run, node__chain=net.chain).exists()
    demo.demo_step(stdout=out)  # idempotent
    assert SupplyRun.objects.count() == 1
