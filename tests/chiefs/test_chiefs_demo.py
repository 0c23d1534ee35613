"""The chiefs demo step: 链长制 for every city chain, 攻关清单, calls in different stages, one
创新联合体 per main chain; idempotent."""

from __future__ import annotations

import io

from chainboard.chains.demo import demo_step as chains_step
from chainboard.chains.models import Chain
from chainboard.chiefs.demo import demo_step
from chainboard.chiefs.models import Call, Chokepoint, Consortium, OrgMember
from chainboard.demo.loader import demo_load
from chainboard.demo.steps import DEMO_STEPS


def test_demo_step_fills_the_chief_system(db):  # type: ignore[no-untyped-def]
    # after the chains step it builds on
    steps = list(DEMO_STEPS)
    assert steps.index("chainboard.chiefs.demo.demo_step") > steps.index(
        "chainboard.chains.demo.demo_step"
    )
    demo_load(n_firms=400, seed=7)
    chains_step(stdout=io.StringIO())
    out = io.StringIO()
    demo_step(stdout=out)
    for chain in Chain.objects.filter(region_id="130500"):
        kinds = set(OrgMember.objects.filter(chain=chain).values_list("kind", flat=True))
        assert {"general_chief", "chief", "office", "office_staff", "department"} <= kinds, chain
    cable = Chain.objects.get(region_id="130500", code="wire_cable")
    assert OrgMember.objects.filter(chain=cable, kind="office_staff", user__username="ningjin")
    assert OrgMember.objects.filter(chain=cable, kind="leader_firm").exists()
    assert Chokepoint.objects.filter(chain__code__in=["wire_cable", "glass", "nev"]).count() >= 8
    stages = set(Call.objects.values_list("stage", flat=True))
    assert {"published", "awarded", "accepted"} <= stages
    assert Chokepoint.objects.filter(status="solved").exists()
    assert Consortium.objects.values("chain").distinct().count() == 3
    assert "揭榜挂帅榜单 3 项" in out.getvalue()
    # one work plan of this year per main chain, some tasks overdue; two meetings whose
    # decisions became plan tasks
    from chainboard.chiefs import selectors
    from chainboard.chiefs.models import Decision, Meeting, WorkPlan

    plans = WorkPlan.objects.filter(chain__region_id="130500")
    assert {p.chain.code for p in plans} == {"wire_cable", "glass", "nev"}
    for plan in plans:
        tasks = list(selectors.plan_tasks(plan))
        assert selectors.plan_progress(tasks).overdue >= 1, plan
    assert Meeting.objects.count() == 2 and set(Meeting.objects.values_list("kind", flat=True)) == {
        "chief",
        "topic",
    }
    assert Decision.objects.filter(task__isnull=False).count() == 3
    assert Decision.objects.filter(task__isnull=True).count() == 2
    assert "链长会议 2 次" in out.getvalue()
    n = OrgMember.objects.count(), WorkPlan.objects.count(), Meeting.objects.count()
    demo_step(stdout=io.StringIO())
    assert (OrgMember.objects.count(), WorkPlan.objects.count(), Meeting.objects.count()) == n


def test_demo_pages_render_for_every_role(db):  # type: ignore[no-untyped-def]
    from django.test import Client

    from chainboard.accounts.models import User

    demo_load(n_firms=400, seed=7)
    chains_step(stdout=io.StringIO())
    demo_step(stdout=io.StringIO())
    cable = Chain.objects.get(region_id="130500", code="wire_cable")
    item = Chokepoint.objects.filter(chain=cable).first()
    assert item is not None
    urls = [
        f"/chains/{cable.pk}/org/",
        f"/chains/{cable.pk}/org/{OrgMember.objects.filter(chain=cable).first().pk}/",  # type: ignore[union-attr]
        f"/chains/{cable.pk}/chokepoints/",
        f"/chains/{cable.pk}/chokepoints/{item.pk}/",
        f"/chains/{cable.pk}/consortia/",
        f"/chains/{cable.pk}/plans/",
        f"/chains/{cable.pk}/meetings/",
        *(f"/chains/{cable.pk}/plans/{p.pk}/" for p in cable.work_plans.all()),
        *(f"/chains/{cable.pk}/meetings/{m.pk}/" for m in cable.meetings.all()),
        "/chains/calls/",
        "/chains/calls/report/",
        *(f"/chains/calls/{c.pk}/" for c in Call.objects.all()),
    ]
    for username in ("analyst", "ningjin", "qiye"):
        c = Client()
        c.force_login(User.objects.get(username=username))
        for url in urls:
            assert c.get(url).status_code == 200, (username, url)
        open_call = Call.objects.get(stage="published")
        page = c.get(f"/chains/calls/{open_call.pk}/").content.decode()
        assert ("提交揭榜" in page) is True, username  # the firm applies, the keepers record
