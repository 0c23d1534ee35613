"""The 企业填报 demo step: one open task with a mix of states, valid rows, idempotent."""

from __future__ import annotations

import io

import pytest

from chainboard.demo.loader import demo_load
from chainboard.enterprises.models import EnterpriseYear
from chainboard.reporting import demo
from chainboard.reporting.models import EntryStatus, ReportEntry, ReportTask

pytestmark = pytest.mark.django_db


def test_demo_step_writes_one_task_with_every_state() -> None:
    demo_load(n_firms=300, seed=11, stdout=io.StringIO())
    ReportTask.objects.all().delete()  # demo_load ran the step already; run it on its own
    out = io.StringIO()
    demo.demo_step(stdout=out)
    assert "填报任务" in out.getvalue()
    task = ReportTask.objects.get()
    assert task.title == "2025年度亩均评价数据填报" and task.status == "open"
    states = set(ReportEntry.objects.values_list("status", flat=True))
    assert states == set(EntryStatus.values)
    for e in ReportEntry.objects.filter(status=EntryStatus.ACCEPTED)[:20]:
        year = EnterpriseYear.objects.get(enterprise=e.enterprise, year=2025)
        assert all(getattr(e, f) == getattr(year, f) for f in task.fields)
    for e in ReportEntry.objects.exclude(status=EntryStatus.PENDING)[:50]:
        e.full_clean()
        assert e.steps.exists()
    assert ReportEntry.objects.filter(status=EntryStatus.RETURNED).exclude(comment="").exists()
    demo.demo_step(stdout=io.StringIO())
    assert ReportTask.objects.count() == 1
