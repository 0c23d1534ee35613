"""Every route × every role: the generated access test (docs/access.md, "The route table").

The test walks ``django.urls.get_resolver()`` (every URL pattern of the site) and the OpenAPI
document of the API (every operation), and requests each one as six users — an administrator,
a city analyst, a 宁晋县 county officer, a staff member of a 宁晋 park, the user of one 宁晋 firm
and an anonymous visitor — once with the objects of their scope in the URL (宁晋, the park, the
firm) and once with the objects of another county (沙河市). The expected status of each request
is written in ``PAGES`` and ``OPERATIONS`` below, one line per route; a route missing from the
table, or a table line whose route no longer exists, fails ``test_table_matches_the_routes``.

Writes (every POST route and every API operation that changes data) are sent only for the
(role, object) pairs that must be refused: the answer must be the 403/404 of the table, never
2xx, and the database must be exactly as before the request (every table compared).

Adding a route: add one line to ``PAGES`` (``"namespace:name"``) or ``OPERATIONS``
(``"METHOD /api/path"``), with how its URL arguments are filled (``ARGS``, or a new entry there)
and the status per role. The status strings list admin, analyst, county, park, enterprise in
that order; anonymous visitors are checked by rule (login redirect for pages, 401 for the API)
unless the route is public. ``-`` in a write string marks a role allowed to write (not sent).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from tests.factories import (
    EnterpriseFactory,
    EnterpriseYearFactory,
    ParkFactory,
    ProjectFactory,
    UserFactory,
)
from tests.supply.factories import (
    ChainFactory,
    ChainNodeFactory,
    EnterpriseNodeFactory,
    SupplyRunFactory,
)

pytestmark = pytest.mark.django_db

#: The roles with a login, in the order of the status strings.
ROLES = ("admin", "analyst", "county", "park", "enterprise")
SIDES = ("in", "out")


# --- the world: one object of each kind in 宁晋 (in scope) and in 沙河 (out of scope) ----------


@dataclass
class World:
    users: dict[str, Any]
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind → side → object

    def get(self, kind: str, side: str, role: str) -> Any:
        value = self.objects[kind][side]
        return value[role] if isinstance(value, dict) else value


def build_world(xingtai: dict[str, Any], jobs_dir: Path) -> World:
    from django.core.files.base import ContentFile

    from chainboard.chains.models import Cluster
    from chainboard.evaluation import services as evaluation
    from chainboard.evaluation.models import Objection, ObjectionAttachment
    from chainboard.imports.models import ImportBatch
    from chainboard.imports.runner import RowError
    from chainboard.jobs.models import Job
    from chainboard.projects.models import ProjectUpdate, Target, Task
    from chainboard_analytics.evaluation import load_method

    city, ningjin, shahe = xingtai["130500"], xingtai["130528"], xingtai["130582"]
    park = ParkFactory(region=ningjin, name="宁晋路由测试园区")
    firm = EnterpriseFactory(region=ningjin, park=park, name="宁晋路由测试电缆有限公司")
    firm_shahe = EnterpriseFactory(
        region=shahe, name="沙河路由测试玻璃有限公司", industry_id="3041"
    )
    # 宁晋 but outside the park: the county sees it, the park and the firm's user do not
    firm_county = EnterpriseFactory(region=ningjin, name="宁晋路由测试县内铜业有限公司")
    for f in (firm, firm_shahe, firm_county):
        for year in (2024, 2025):
            EnterpriseYearFactory(enterprise=f, year=year)
    users = {
        "admin": UserFactory(username="root", role="admin", is_superuser=True, is_staff=True),
        "analyst": UserFactory(username="analyst", role="analyst", scope_region=city),
        "county": UserFactory(username="ningjin", role="region_staff", scope_region=ningjin),
        "park": UserFactory(username="park", role="park_staff", scope_park=park),
        "enterprise": UserFactory(username="qiye", role="enterprise", scope_enterprise=firm),
    }
    other = UserFactory(username="shahe", role="region_staff", scope_region=shahe)
    shahe_analyst = UserFactory(username="shahe_analyst", role="analyst", scope_region=shahe)

    chain_in = ChainFactory(region=ningjin, code="route-nj", name="宁晋路由测试链")
    chain_out = ChainFactory(region=shahe, code="route-sh", name="沙河路由测试链")
    node_in = ChainNodeFactory(chain=chain_in, name="电缆")
    node_out = ChainNodeFactory(chain=chain_out, name="玻璃")
    EnterpriseNodeFactory(enterprise=firm, node=node_in)
    EnterpriseNodeFactory(enterprise=firm_shahe, node=node_out)
    cluster_in = Cluster.objects.create(name="宁晋路由测试集群", region=ningjin)
    cluster_in.chains.add(chain_in)
    cluster_out = Cluster.objects.create(name="沙河路由测试集群", region=shahe)
    cluster_out.chains.add(chain_out)
    supply_in = SupplyRunFactory(region=ningjin, status="current")
    supply_out = SupplyRunFactory(region=shahe, status="draft", created_by=other)

    method = load_method("zhejiang")
    run_in, _ = evaluation.evaluation_run_create(actor=users["analyst"], year=2025, method=method)
    run_in = evaluation.evaluation_run_publish(
        actor=users["analyst"], run=run_in, direct_reason="路由测试"
    )
    run_out, _ = evaluation.evaluation_run_create(actor=shahe_analyst, year=2025, method=method)
    # 异议 (with an attachment) of the 宁晋 firm and of the 沙河 firm on the published run
    objections, attachments = {}, {}
    for side, f in (("in", firm), ("out", firm_shahe)):
        objections[side] = Objection.objects.create(
            run=run_in, enterprise=f, reason=f"{f.name}税金少计", klass_filed="A"
        )
        attachments[side] = ObjectionAttachment(
            objection=objections[side], name="证明.pdf", kind="pdf", size=9, sha256="0" * 64
        )
        attachments[side].file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        attachments[side].save()

    project_in = ProjectFactory(
        code="NJ-ROUTE", name="宁晋路由测试项目", region=ningjin, park=park, investor=firm
    )
    project_out = ProjectFactory(
        code="SH-ROUTE", name="沙河路由测试项目", region=shahe, investor=firm_shahe
    )
    now = dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC)
    updates = {
        side: ProjectUpdate.objects.create(
            project=p,
            week=dt.date(2025, 6, 2),
            done_this_week="完成设备安装",
            investment_cumulative_wan_yuan=Decimal("1000"),
            problems="用地手续待办",
            submitted_at=now,
        )
        for side, p in (("in", project_in), ("out", project_out))
    }
    targets = {
        side: Target.objects.create(
            name=f"{region.name}规上工业增加值",
            owner="工信局",
            region=region,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
            formula="manual",
            target_value=Decimal("100"),
            manual_value=Decimal("50"),
        )
        for side, region in (("in", ningjin), ("out", shahe))
    }
    tasks = {
        side: Task.objects.create(
            programme="12项赋能行动",
            name=f"{region.name}数字化改造",
            owner_department="工信局",
            region=region,
            due_on=dt.date(2025, 12, 31),
        )
        for side, region in (("in", ningjin), ("out", shahe))
    }

    def batch(actor: Any) -> Any:
        return ImportBatch.objects.create(
            kind="figures",
            filename="指标.xlsx",
            actor=actor,
            status="failed",
            error_count=1,
            errors=[RowError("指标.xlsx", "Sheet1", 2, "营业收入", "abc", "不是数字").as_dict()],
        )

    # 链长制 / 攻关清单 / 揭榜挂帅 / 创新联合体 of the 宁晋 and the 沙河 chain
    from chainboard.chiefs import services as chiefs

    org_members, chokepoints, calls = {}, {}, {}
    plans: dict[str, Any] = {}
    plan_tasks: dict[str, Any] = {}
    meetings: dict[str, Any] = {}
    for side, chain, node, f in (
        ("in", chain_in, node_in, firm),
        ("out", chain_out, node_out, firm_shahe),
    ):
        org_members[side] = chiefs.org_member_save(
            chain=chain, actor=None, data={"kind": "department", "name": "工信局", "duties": "牵头"}
        )
        chokepoints[side] = chiefs.chokepoint_save(
            chain=chain,
            actor=None,
            data={"technology": f"{chain.name}关键材料", "reason": "import", "target": "国产化"},
            nodes=[node],
            needing_firms=[f],
        )
        calls[side] = chiefs.call_publish(
            call=chiefs.call_save(
                chokepoint=chokepoints[side],
                actor=None,
                data={
                    "title": f"{chain.name}揭榜",
                    "goal": "国产化",
                    "indicators": "指标一",
                    "budget_wan_yuan": "100",
                    "period_months": 12,
                },
            ),
            actor=None,
        )
        chiefs.application_submit(
            call=calls[side],
            actor=None,
            applicant_kind="firm",
            enterprise=f,
            team_lead="张工",
            team="团队",
            plan="方案",
            budget_wan_yuan="50",
        )
        chiefs.consortium_save(
            chain=chain, actor=None, name=f"{chain.name}联合体", lead=f, node=node
        )
        # 链长 work plan with a task, a meeting with a decision
        plans[side] = chiefs.work_plan_save(chain=chain, actor=None, data={"year": 2025})
        plan_tasks[side] = chiefs.plan_task_save(
            plan=plans[side],
            actor=None,
            data={
                "name": f"{chain.name}招商",
                "owner_department": "商务局",
                "due_on": dt.date(2025, 6, 30),
            },
        )
        meetings[side] = chiefs.meeting_save(
            chain=chain,
            actor=None,
            data={
                "kind": "chief",
                "held_on": dt.date(2025, 3, 1),
                "title": f"{chain.name}链长会议",
                "agenda": "议程",
            },
            officials=[org_members[side]],
        )
        chiefs.decision_save(meeting=meetings[side], actor=None, data={"text": "补链招商"})

    jobs_dir.mkdir(parents=True, exist_ok=True)

    def job(actor: Any) -> Any:
        name = f"route-{actor.username}.txt"
        (jobs_dir / name).write_text("评价简报", encoding="utf-8")
        return Job.objects.create(
            kind="bulletin",
            title="评价简报",
            started_by=actor,
            task_path="x.y",
            status="done",
            result_file=name,
            result_name="评价简报.txt",
        )

    # 政企直通车: a request (with an attachment) of the 宁晋 firm and of the 沙河 firm; a
    # notification of each user (another user's is out of scope)
    from chainboard.firmrequests.models import Department, FirmRequest, RequestAttachment
    from chainboard.notifications.models import Notification

    firm_requests, request_attachments = {}, {}
    for side, f in (("in", firm), ("out", firm_shahe)):
        dept = Department.objects.create(region=f.region, name=f"{f.region.name}路由测试局")
        firm_requests[side] = FirmRequest.objects.create(
            enterprise=f,
            region=f.region,
            category="land",
            title=f"{f.name}用地诉求",
            description="用地",
            department=dept,
            due_on=dt.date(2030, 1, 1),
        )
        request_attachments[side] = RequestAttachment(
            request=firm_requests[side], name="规划.pdf", kind="pdf", size=9, sha256="0" * 64
        )
        request_attachments[side].file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        request_attachments[side].save()

    # 招商线索 of the 宁晋 chain (owned by 宁晋) and of the 沙河 chain (owned by 沙河)
    from chainboard.investment.models import Lead

    leads = {
        side: Lead.objects.create(
            name=f"{region.name}路由测试外地企业", chain=chain, node=node, region=region
        )
        for side, region, chain, node in (
            ("in", ningjin, chain_in, node_in),
            ("out", shahe, chain_out, node_out),
        )
    }

    def note(u: Any) -> Any:
        return Notification.objects.create(user=u, kind="other", title="路由测试通知")

    # 季观摩: an open event over the 宁晋 project (the county user its reviewer) and one over the
    # 沙河 project (the 沙河 user its reviewer); a photo on each sheet
    from chainboard.projects.models import ReviewPhoto, ReviewSheet, SiteReview, SiteReviewStop

    site_reviews, review_photos = {}, {}
    for side, p, reviewer in (("in", project_in, users["county"]), ("out", project_out, other)):
        site_reviews[side] = SiteReview.objects.create(
            title=f"{p.region.name}路由测试观摩",
            held_on=dt.date(2025, 6, 20),
            year=2025,
            quarter=2,
            criteria=[{"key": "progress", "label": "建设进度", "weight": 100, "hint": ""}],
        )
        site_reviews[side].reviewers.set([reviewer])
        SiteReviewStop.objects.create(review=site_reviews[side], project=p, position=1)
        sheet = ReviewSheet.objects.create(
            review=site_reviews[side],
            project=p,
            reviewer=reviewer,
            points={"progress": "80"},
            total=Decimal(80),
        )
        review_photos[side] = ReviewPhoto(
            sheet=sheet, name="现场.png", kind="png", size=9, sha256="0" * 64
        )
        review_photos[side].file.save("x.png", ContentFile(b"\x89PNG\r\n\x1a\n0"), save=False)
        review_photos[side].save()

    # 企业填报: a task of the city (an entry for every firm); the 宁晋 firm's and the 沙河 firm's
    from chainboard.reporting import services as reporting
    from chainboard.reporting.models import ReportEntry

    report_task = reporting.task_create(
        actor=users["analyst"],
        title="路由测试填报",
        year=2025,
        fields=["land_area_mu", "revenue_wan_yuan"],
        deadline=timezone.localdate() + dt.timedelta(days=10),
    )
    report_entries = {
        side: ReportEntry.objects.get(task=report_task, enterprise=f)
        for side, f in (("in", firm), ("out", firm_shahe))
    }
    shahe_task = reporting.task_create(
        actor=other,
        title="沙河路由测试填报",
        year=2025,
        fields=["land_area_mu"],
        deadline=timezone.localdate() + dt.timedelta(days=10),
    )

    own_batches = {role: batch(u) for role, u in users.items()}
    own_jobs = {role: job(u) for role, u in users.items()}
    world = World(users=users)
    world.objects = {
        "firm": {"in": firm, "out": firm_shahe},
        "firm_county": {"in": firm_county, "out": firm_county},
        "region": {"in": ningjin, "out": shahe},
        "chain": {"in": chain_in, "out": chain_out},
        "node": {"in": node_in, "out": node_out},
        "cluster": {"in": cluster_in, "out": cluster_out},
        "supply_run": {"in": supply_in, "out": supply_out},
        "evaluation_run": {"in": run_in, "out": run_out},
        "objection": objections,
        "attachment": attachments,
        "project": {"in": project_in, "out": project_out},
        "update": updates,
        "target": targets,
        "task": tasks,
        "org_member": org_members,
        "chokepoint": chokepoints,
        "call": calls,
        "plan": plans,
        "plan_task": plan_tasks,
        "meeting": meetings,
        "batch": {"in": own_batches, "out": batch(other)},
        "job": {"in": own_jobs, "out": job(other)},
        "firm_request": firm_requests,
        "lead": leads,
        "request_attachment": request_attachments,
        "notification": {"in": {role: note(u) for role, u in users.items()}, "out": note(other)},
        "site_review": site_reviews,
        "review_photo": review_photos,
        "report_task": {"in": report_task, "out": shahe_task},
        "report_entry": report_entries,
    }
    return world


# --- how URL arguments are filled -------------------------------------------------------------

Args = Callable[[World, str, str], dict[str, Any]]


def obj(kind: str, attr: str = "pk", name: str = "pk") -> Args:
    return lambda w, side, role: {name: getattr(w.get(kind, side, role), attr)}


def const(**values: Any) -> Args:
    return lambda w, side, role: dict(values)


def both(*fillers: Args) -> Args:
    def fill(w: World, side: str, role: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fillers:
            out.update(f(w, side, role))
        return out

    return fill


ARGS: dict[str, Args] = {
    "uscc": obj("firm", "uscc", "uscc"),
    "chain": obj("chain"),
    "chain_node": both(obj("chain"), obj("node", name="node")),
    "cluster": obj("cluster"),
    "chain_member": both(obj("chain"), obj("org_member", name="member")),
    "chain_item": both(obj("chain"), obj("chokepoint", name="item")),
    "call": obj("call", name="call"),
    "chain_plan": both(obj("chain"), obj("plan", name="plan")),
    "chain_plan_task": both(obj("chain"), obj("plan", name="plan"), obj("plan_task", name="task")),
    "chain_meeting": both(obj("chain"), obj("meeting", name="meeting")),
    "call_action": both(obj("call", name="call"), const(action="review")),
    "evaluation_run": obj("evaluation_run"),
    "evaluation_card": both(obj("evaluation_run"), obj("firm", "uscc", "uscc")),
    "objection": obj("objection"),
    "attachment": both(obj("objection"), obj("attachment", name="att")),
    "project": obj("project", "code", "code"),
    "update": obj("update"),
    "target": obj("target"),
    "task": obj("task"),
    "region": obj("region", "code", "code"),
    "batch": obj("batch", name="batch_id"),
    "job": obj("job"),
    "firm_request": obj("firm_request"),
    "lead": obj("lead"),
    "request_attachment": both(obj("firm_request"), obj("request_attachment", name="att")),
    "notification": obj("notification"),
    "site_review": obj("site_review"),
    "review_photo": obj("review_photo"),
    "report_task": obj("report_task"),
    "report_entry": obj("report_entry"),
    "kind": const(kind="figures"),
    "weekly": const(fmt="xlsx"),
    "monthly": const(fmt="xlsx"),
    # API path parameters
    "api_uscc": obj("firm", "uscc", "uscc"),
    "api_figures": both(obj("firm", "uscc", "uscc"), const(year=2025)),
    "api_kind": const(kind="figures"),
    "api_batch": obj("batch", name="batch_id"),
    "api_chain": obj("chain", name="chain_id"),
    "api_chain_node": both(obj("chain", name="chain_id"), obj("node", name="node_id")),
    "api_evaluation_run": obj("evaluation_run", name="run_id"),
    "api_call": obj("call", name="call_id"),
    "api_chain_item": both(obj("chain", name="chain_id"), obj("chokepoint", name="item_id")),
    "api_chain_year": both(obj("chain", name="chain_id"), const(year=2025)),
    "api_chain_task": both(obj("chain", name="chain_id"), obj("plan_task", name="task_id")),
    "api_objection": obj("objection", name="objection_id"),
    "api_supply_run": obj("supply_run", name="run_id"),
    "api_project": obj("project", "code", "code"),
    "api_month": const(month="2025-06"),
    "api_firm_request": obj("firm_request", name="request_id"),
    "api_lead": obj("lead", name="lead_id"),
}


# --- the table --------------------------------------------------------------------------------
# Status strings: admin analyst county park enterprise anonymous. ``get_out``/``post_out`` are the
# same requests with the 沙河 objects (another county; the enterprise user: another firm; import
# batches and jobs: another user's). A 302 for a logged-in user is a redirect inside the app (the
# enterprise user's overview → its firm); for the anonymous visitor it must go to the login page.
# ``-`` (writes only): the role may do it; not sent, it would change the shared world.


@dataclass(frozen=True)
class Route:
    get: str
    args: str | None = None  # key of ARGS
    get_out: str | None = None
    post: str | None = None  # a write route: the refused roles are sent ``body``
    post_out: str | None = None
    body: dict[str, Any] | Callable[[World, str], dict[str, Any]] | None = None
    method: str = "post"  # API operations: the write method
    public: bool = False  # anonymous visitors are not sent to the login page

    def expected(self, verb: str, side: str) -> str | None:
        return {
            ("get", "in"): self.get,
            ("get", "out"): self.get_out,
            ("write", "in"): self.post,
            ("write", "out"): self.post_out,
        }[verb, side]


def project_form(w: World, side: str) -> dict[str, Any]:
    """The project edit form as its page fills it, with a changed name (a valid edit)."""
    from chainboard.projects.forms import ProjectForm

    project = w.objects["project"][side]
    form = ProjectForm(instance=project, user=w.users["admin"])
    data = {n: form[n].value() for n in form.fields if form[n].value() is not None}
    return {**data, "name": "被篡改的项目", "version": project.version}


def enterprise_upload(w: World, side: str) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = "统一社会信用代码,企业名称\n".encode()
    return {"kind": "enterprises", "file": SimpleUploadedFile("企业名录.csv", content)}


ALL = "200 200 200 200 200 302"
SCOPED = "200 200 404 404 404 302"  # visible to the city level only
OWN = "200 404 404 404 404 302"  # another user's batch or job: only the superuser
CITY_WRITE = "- - 403 403 403 302"  # city officers only (rankings, scores, targets, evaluation)
SCOPED_WRITE = "- - 404 404 404 302"
# the territory's pages (ranking, reviews, targets, tasks, strategy, 驾驶舱/大屏): not a firm's
TERRITORY = "200 200 200 200 403 302"
TERRITORY_SCOPED = "200 200 404 404 403 302"
TERRITORY_HOME = "200 200 200 200 302 302"  # the firm user lands on its 企业画像

CHAIN_KEEPERS = "- - - 403 403 302"  # 链长制 records: chain editors of the region + 链长办 staff
ORG_BODY = {"kind": "department", "name": "越权部门"}
ITEM_BODY = {"technology": "越权技术", "reason": "import", "target": "x"}

PAGES: dict[str, Route] = {
    "dashboards:home": Route(TERRITORY_HOME),
    "dashboards:screen": Route(TERRITORY),
    "dashboards:profile": Route(ALL, "uscc", SCOPED),
    "accounts:login": Route("200 200 200 200 200 200", public=True),
    "accounts:logout": Route("405 405 405 405 405 405", public=True),
    "accounts:password_change": Route(ALL, post="- - - - - 302"),
    "enterprises:list": Route(ALL),
    "enterprises:export": Route(ALL),
    "enterprises:detail": Route(ALL, "uscc", SCOPED),
    # 一个指标多个来源: conflicts for the registry writers of the firms they see; 核定 by
    # analysts/administrators; the precedence changed by instance-wide ones (admin here)
    "enterprises:figure_conflicts": Route("200 200 200 200 404 302"),
    "enterprises:figure_decide": Route(
        "405 405 405 405 405 302",
        post="- - 403 403 403 302",
        body=lambda w, side: {
            "uscc": w.objects["firm"]["in"].uscc,
            "year": "2025",
            "field": "tax_paid_wan_yuan",
            "source": "manual",
            "reason": "越权核定",
        },
    ),
    "enterprises:figure_precedence": Route(
        "200 200 200 200 404 302",
        post="- 403 403 403 404 302",
        body={
            "field": "tax_paid_wan_yuan",
            **{
                f"rank{i}": s
                for i, s in enumerate(["firm", "tax", "power", "statistics", "manual"], 1)
            },
            "tolerance_pct": "1",
        },
    ),
    "imports:upload": Route(ALL, post="- - - - 403 302", body=enterprise_upload),
    "imports:template": Route(ALL, "kind"),
    "imports:batch": Route(ALL, "batch", OWN),
    "imports:commit": Route(
        "405 405 405 405 405 302",
        "batch",
        "405 405 405 405 405 302",
        post="- - - - - 302",
        post_out="- 404 404 404 404 302",
    ),
    "imports:errors": Route(ALL, "batch", OWN),
    "imports:reread": Route(
        "405 405 405 405 405 302",
        "batch",
        "405 405 405 405 405 302",
        post="- - - - - 302",
        post_out="- 404 404 404 404 302",
    ),
    "imports:mapping": Route(
        "405 405 405 405 405 302",
        "batch",
        "405 405 405 405 405 302",
        post="- - - - - 302",
        post_out="- 404 404 404 404 302",
    ),
    "imports:names": Route(
        "405 405 405 405 405 302",
        "batch",
        "405 405 405 405 405 302",
        post="- - - - - 302",
        post_out="- 404 404 404 404 302",
    ),
    "chains:index": Route(ALL),
    "chains:clusters": Route(ALL),
    "chains:cluster": Route(ALL, "cluster", SCOPED),
    "chains:panorama": Route(ALL, "chain", SCOPED),
    "chains:node_firms": Route(ALL, "chain_node", SCOPED),
    "chains:services": Route(ALL, "chain", SCOPED),
    "chains:review": Route(
        ALL,
        "chain",
        SCOPED,
        post="- - - - 403 302",
        post_out=SCOPED_WRITE,
        body={"link": "1", "decision": "confirmed"},
    ),
    "chains:export_xlsx": Route(ALL, "chain", SCOPED),
    "chains:export_svg": Route(ALL, "chain", SCOPED),
    "chains:export_yaml": Route(ALL, "chain", SCOPED),
    "chains:node_edit": Route(  # a segment's page; its keepers edit it (name, codes, keywords)
        ALL,
        "chain_node",
        SCOPED,
        post=CHAIN_KEEPERS,
        post_out=SCOPED_WRITE,
        body=lambda w, side: {"name": "越权改名", "version": w.objects["node"][side].version},
    ),
    "chains:brief": Route(  # POST starts the PDF job (anyone who sees the chain)
        "405 405 405 405 405 302",
        "chain",
        "405 405 405 405 405 302",
        post="- - - - - 302",
        post_out=SCOPED_WRITE,
    ),
    "supply:chain": Route(ALL, "chain", SCOPED),
    # 链长制 / 攻关清单 / 创新联合体 pages: everyone who sees the chain reads them; the chain's
    # keepers (chain editors of its region, its 链长办 staff) write
    "chiefs:org": Route(
        ALL, "chain", SCOPED, post=CHAIN_KEEPERS, post_out=SCOPED_WRITE, body=ORG_BODY
    ),
    "chiefs:org_member": Route(
        ALL, "chain_member", SCOPED, post=CHAIN_KEEPERS, post_out=SCOPED_WRITE, body=ORG_BODY
    ),
    "chiefs:chokepoints": Route(
        ALL, "chain", SCOPED, post=CHAIN_KEEPERS, post_out=SCOPED_WRITE, body=ITEM_BODY
    ),
    "chiefs:chokepoint": Route(
        ALL, "chain_item", SCOPED, post=CHAIN_KEEPERS, post_out=SCOPED_WRITE, body=ITEM_BODY
    ),
    "chiefs:consortia": Route(
        ALL, "chain", SCOPED, post=CHAIN_KEEPERS, post_out=SCOPED_WRITE, body={"name": "越权联合体"}
    ),
    # 链长工作计划 and 链长会议: read by whoever sees the chain, written by its keepers
    "chiefs:plans": Route(
        ALL, "chain", SCOPED, post=CHAIN_KEEPERS, post_out=SCOPED_WRITE, body={"year": "2031"}
    ),
    "chiefs:plan": Route(
        ALL,
        "chain_plan",
        SCOPED,
        post=CHAIN_KEEPERS,
        post_out=SCOPED_WRITE,
        body={"form": "task", "name": "越权任务", "owner_department": "x", "due_on": "2030-01-01"},
    ),
    "chiefs:plan_task": Route(
        ALL,
        "chain_plan_task",
        SCOPED,
        post=CHAIN_KEEPERS,
        post_out=SCOPED_WRITE,
        body=lambda w, side: {
            "name": "越权改名",
            "owner_department": "x",
            "due_on": "2030-01-01",
            "percent_complete": "100",
            "version": w.objects["plan_task"][side].version,
        },
    ),
    "chiefs:meetings": Route(
        ALL,
        "chain",
        SCOPED,
        post=CHAIN_KEEPERS,
        post_out=SCOPED_WRITE,
        body={"kind": "chief", "held_on": "2025-05-01", "title": "越权会议", "agenda": "x"},
    ),
    "chiefs:meeting": Route(
        ALL,
        "chain_meeting",
        SCOPED,
        post=CHAIN_KEEPERS,
        post_out=SCOPED_WRITE,
        body={"form": "decision", "text": "越权决定"},
    ),
    "chiefs:chokepoints_export": Route(ALL, "chain", SCOPED),
    "chiefs:calls": Route(ALL),
    "chiefs:calls_export": Route(ALL),
    "chiefs:report": Route(ALL),
    "chiefs:call": Route(ALL, "call", SCOPED),
    "chiefs:call_action": Route(  # a stage step (here: an expert's review) by a non-keeper
        "405 405 405 405 405 302",
        "call_action",
        "405 405 405 405 405 302",
        post=CHAIN_KEEPERS,
        post_out=SCOPED_WRITE,
        body={"application": 1, "expert": "越权专家", "score": "100"},
    ),
    "supply:run_start": Route(  # POST starts the analysis job: runners of the chain's region
        "405 405 405 405 405 302",
        "chain",
        "405 405 405 405 405 302",
        post="- - - 403 403 302",
        post_out=SCOPED_WRITE,
    ),
    "supply:shock": Route(
        "405 405 405 405 405 302",
        "chain",
        "405 405 405 405 405 302",
        post="- - - - - 302",
        post_out=SCOPED_WRITE,
    ),
    "evaluation:index": Route("200 200 200 200 302 302"),
    "evaluation:policies": Route("200 200 200 200 403 302"),
    "evaluation:run_create": Route(
        "405 405 405 405 405 302", post=CITY_WRITE, body={"year": "2025", "method": "zhejiang"}
    ),
    "evaluation:run": Route(ALL, "evaluation_run", SCOPED),
    "evaluation:publish": Route(
        "405 405 405 405 405 302",
        "evaluation_run",
        "405 405 405 405 405 302",
        post=CITY_WRITE,
        post_out="- - 404 404 404 302",
    ),
    "evaluation:league": Route(ALL, "evaluation_run", SCOPED),
    "evaluation:export": Route(ALL, "evaluation_run", SCOPED),
    "evaluation:bulletin": Route(
        "405 405 405 405 405 302",
        "evaluation_run",
        "405 405 405 405 405 302",
        post="- - - - - 302",
        post_out=SCOPED_WRITE,
    ),
    "evaluation:card": Route(ALL, "evaluation_card", SCOPED),
    "evaluation:publicity": Route(
        "405 405 405 405 405 302",
        "evaluation_run",
        "405 405 405 405 405 302",
        post=CITY_WRITE,
        post_out="- - 404 404 404 302",
        body={"end": "2030-01-01"},
    ),
    "evaluation:review": Route(
        "405 405 405 405 405 302",
        "evaluation_run",
        "405 405 405 405 405 302",
        post=CITY_WRITE,
        post_out="- - 404 404 404 302",
    ),
    "evaluation:objections": Route(ALL, "evaluation_run", SCOPED),
    # only the firm's own user files (it has one already: redirected to it); everyone else 404
    "evaluation:objection_new": Route(
        "404 404 404 404 302 302",
        "evaluation_card",
        "404 404 404 404 404 302",
        post="404 404 404 404 - 302",
        post_out="404 404 404 404 404 302",
        body={"reason": "数据有误"},
    ),
    "evaluation:objection": Route(
        ALL,
        "objection",
        SCOPED,
        post="- - 403 403 403 302",
        post_out=SCOPED_WRITE,
        body={"outcome": "upheld", "answer": "维持"},
    ),
    "evaluation:attachment": Route(ALL, "attachment", SCOPED),
    "evaluation:firm": Route(ALL, "uscc", SCOPED),
    "evaluation:tiers": Route(ALL),
    "evaluation:coverage": Route(ALL),
    "projects:home": Route(ALL),
    "projects:list": Route(ALL),
    "projects:export": Route(ALL),
    "projects:detail": Route(ALL, "project", SCOPED),
    "projects:update": Route(ALL, "project", SCOPED, post="- - - - - 302", post_out=SCOPED_WRITE),
    "projects:edit": Route(
        ALL,
        "project",
        SCOPED,
        post="- - - - 403 302",
        post_out=SCOPED_WRITE,
        body=project_form,
    ),
    "projects:archive": Route(
        "405 405 405 405 405 302",
        "project",
        "405 405 405 405 405 302",
        post="- - - - 403 302",
        post_out=SCOPED_WRITE,
    ),
    "projects:delete": Route(
        "405 405 405 405 405 302",
        "project",
        "405 405 405 405 405 302",
        post="- - - - 403 302",
        post_out=SCOPED_WRITE,
    ),
    "projects:milestone": Route(
        "405 405 405 405 405 302",
        "project",
        "405 405 405 405 405 302",
        post="- - - - 403 302",
        post_out=SCOPED_WRITE,
        body={"name": "竣工验收", "due_on": "2025-12-01"},
    ),
    "projects:resolve": Route(
        "405 405 405 405 405 302",
        "update",
        "405 405 405 405 405 302",
        post="- - - - 403 302",
        post_out=SCOPED_WRITE,
    ),
    "projects:ranking": Route(TERRITORY, post=CITY_WRITE, body={"month": "2025-06"}),
    "projects:ranking_csv": Route(TERRITORY),
    "projects:reviews": Route(TERRITORY, post=CITY_WRITE, body={"score-130528": "90"}),
    # 季观摩: every official reads the events (a county user only its projects on the route and
    # their scores); city officers organise; only the assigned reviewer (the county user of the
    # 宁晋 event) opens the scoring page
    "projects:site_reviews": Route(
        TERRITORY,
        post=CITY_WRITE,
        body={"title": "越权观摩", "held_on": "2025-06-01", "quarter": "2"},
    ),
    "projects:site_review": Route(
        TERRITORY,
        "site_review",
        TERRITORY,
        post=CITY_WRITE,
        body=lambda w, side: {
            "action": "close",
            "version": w.objects["site_review"][side].version,
        },
    ),
    "projects:site_review_score": Route(
        "403 403 200 403 403 302",
        "site_review",
        "403 403 403 403 403 302",
        post="403 403 - 403 403 302",
        body={"stop": "1", "version": "1", "c-progress": "10"},
    ),
    "projects:site_review_photo": Route(TERRITORY, "review_photo", TERRITORY_SCOPED),
    "projects:assessment": Route(TERRITORY),
    "projects:assessment_pdf": Route(
        "405 405 405 405 403 302", post="- - - - 403 302", body={"year": "2025", "h": "1"}
    ),
    "projects:alerts": Route(ALL),
    "projects:alerts_export": Route(ALL),
    "projects:map": Route(ALL),
    "projects:targets": Route(TERRITORY, post=CITY_WRITE),
    "projects:target": Route(TERRITORY, "target", TERRITORY_SCOPED),
    "projects:tasks": Route(TERRITORY),
    "projects:task_progress": Route(
        "405 405 405 405 405 302",
        "task",
        "405 405 405 405 405 302",
        post=CITY_WRITE,
        post_out=SCOPED_WRITE,
        body={"percent_complete": "50"},
    ),
    "projects:reports": Route(ALL),
    "projects:report_chains": Route(ALL),
    "projects:report_weekly": Route(ALL, "weekly"),
    "projects:report_monthly": Route(ALL, "monthly"),
    "strategy:index": Route(TERRITORY),
    "strategy:region": Route(TERRITORY, "region", TERRITORY_SCOPED),
    "jobs:list": Route(ALL),
    "jobs:detail": Route(ALL, "job", OWN),
    "jobs:download": Route(ALL, "job", OWN),
    # 政企直通车: everyone raises (a firm for itself, officers on a firm's behalf); 受理 by the
    # county and the city level, the firm confirms; rules changed by administrators/analysts
    "firmrequests:list": Route(ALL),
    "firmrequests:new": Route(ALL, post="- - - - - 302", body={"category": "land"}),
    "firmrequests:dashboard": Route("200 200 200 200 302 302"),
    "firmrequests:rules": Route(
        "200 200 200 200 404 302",
        post="- - 403 403 404 302",
        body={"category": "land", "department": "1", "deadline_days": "5"},
    ),
    "firmrequests:detail": Route(
        ALL,
        "firm_request",
        SCOPED,
        post="- - - 403 403 302",
        post_out=SCOPED_WRITE,
        body={"action": "accept"},
    ),
    "firmrequests:attachment": Route(ALL, "request_attachment", SCOPED),
    # 招商: the territory's pages (not a firm's); leads kept by the county and the city level
    # (park staff read their county's), an out-of-scope lead is 404
    "investment:list": Route(TERRITORY),
    "investment:funnel": Route(TERRITORY),
    "investment:export": Route(TERRITORY),
    "investment:new": Route(
        "200 200 200 403 403 302",
        post="- - - 403 403 302",
        body={"name": "越权线索", "chain": "1", "region": "130528"},
    ),
    "investment:detail": Route(
        "200 200 200 200 404 302",
        "lead",
        SCOPED,
        post="- - - 403 404 302",
        post_out=SCOPED_WRITE,
        body={"action": "move", "stage": "contact", "version": "1"},
    ),
    "investment:edit": Route(
        "200 200 200 403 404 302",
        "lead",
        SCOPED,
        post="- - - 403 404 302",
        post_out=SCOPED_WRITE,
        body={"name": "被篡改的线索", "version": "1"},
    ),
    # 企业填报: offices open tasks and remind; the firm fills its own entry, officers who see
    # the firm review it (the firm user's task page sends it to its entry)
    "reporting:list": Route(ALL),
    "reporting:new": Route(
        "200 200 200 200 403 302",
        post="- - - - 403 302",
        body={"title": "越权填报", "year": "2025", "deadline": "2099-01-01"},
    ),
    "reporting:task": Route(
        "200 200 200 200 302 302",
        "report_task",
        "200 200 404 404 404 302",
        post="- - - - 403 302",
        post_out="- - 404 404 404 302",
        body={"action": "remind"},
    ),
    "reporting:entry": Route(
        ALL,
        "report_entry",
        SCOPED,
        post="- - - - 403 302",
        post_out=SCOPED_WRITE,
        body={"action": "accept"},
    ),
    "reporting:template": Route(ALL, "report_entry", SCOPED),
    "notifications:list": Route(ALL),
    "notifications:read": Route(
        "405 405 405 405 405 302",
        "notification",
        "405 405 405 405 405 302",
        post="- - - - - 302",
        post_out="404 404 404 404 404 302",
    ),
    "notifications:read_all": Route("405 405 405 405 405 302", post="- - - - - 302"),
    "set_language": Route("302 302 302 302 302 302", public=True),
    "healthz": Route("200 200 200 200 200 200", public=True),
    "favicon": Route("302 302 302 302 302 302", public=True),
    "api:api-root": Route("404 404 404 404 404 404", public=True),
    "api:openapi-json": Route("200 200 200 200 200 200", public=True),
    "api:openapi-view": Route("200 200 200 200 200 200", public=True),
}

API_ALL = "200 200 200 200 200 401"
API_SCOPED = "200 200 404 404 404 401"
API_OWN = "200 404 404 404 404 401"
API_CITY_WRITE = "- - 403 403 403 401"
API_SCOPED_WRITE = "- - 404 404 404 401"

OPERATIONS: dict[str, Route] = {
    "GET /api/enterprises/": Route(API_ALL),
    "GET /api/enterprises/{uscc}": Route(API_ALL, "api_uscc", API_SCOPED),
    "PATCH /api/enterprises/{uscc}": Route(
        "",
        "api_uscc",
        method="patch",
        post="- - - - 403 401",
        post_out=API_SCOPED_WRITE,
        body={"name": "被篡改的企业", "version": 1},
    ),
    "GET /api/enterprises/{uscc}/figures": Route(API_ALL, "api_uscc", API_SCOPED),
    "PUT /api/enterprises/{uscc}/figures/{year}": Route(
        "",
        "api_figures",
        method="put",
        post="- - - - - 401",
        post_out=API_SCOPED_WRITE,
        body={"revenue_wan_yuan": "1", "version": 1},
    ),
    "GET /api/regions/": Route(API_ALL),
    "POST /api/imports/{kind}": Route("", "api_kind", post="- - - - - 401"),
    "GET /api/imports/batches/{batch_id}": Route(API_ALL, "api_batch", API_OWN),
    "GET /api/chains/": Route(API_ALL),
    "GET /api/chains/clusters/": Route(API_ALL),
    "GET /api/chains/{chain_id}": Route(API_ALL, "api_chain", API_SCOPED),
    "GET /api/chains/{chain_id}/nodes/{node_id}/firms": Route(
        API_ALL, "api_chain_node", API_SCOPED
    ),
    "POST /api/chains/{chain_id}/review": Route(
        "",
        "api_chain",
        post="- - - - 403 401",
        post_out=API_SCOPED_WRITE,
        body={"links": [1], "state": "confirmed"},
    ),
    "GET /api/evaluation/runs": Route(API_ALL),
    "POST /api/evaluation/runs": Route(
        "", post=API_CITY_WRITE, body={"year": 2025, "method": "zhejiang"}
    ),
    "POST /api/evaluation/runs/{run_id}/publish": Route(
        "", "api_evaluation_run", post=API_CITY_WRITE, post_out=API_SCOPED_WRITE
    ),
    "GET /api/evaluation/runs/{run_id}/results": Route(API_ALL, "api_evaluation_run", API_SCOPED),
    "POST /api/evaluation/runs/{run_id}/publicity": Route(
        "",
        "api_evaluation_run",
        post=API_CITY_WRITE,
        post_out=API_SCOPED_WRITE,
        body={"end": "2030-01-01"},
    ),
    "POST /api/evaluation/runs/{run_id}/review": Route(
        "", "api_evaluation_run", post=API_CITY_WRITE, post_out=API_SCOPED_WRITE
    ),
    "GET /api/evaluation/runs/{run_id}/objections": Route(
        API_ALL, "api_evaluation_run", API_SCOPED
    ),
    # only the firm's own user files (refused here as the run is published: 400, not sent)
    "POST /api/evaluation/runs/{run_id}/objections": Route(
        "",
        "api_evaluation_run",
        post="403 403 403 403 - 401",
        post_out="403 403 404 404 404 401",
        body=lambda w, side: {"uscc": w.objects["firm"][side].uscc, "reason": "数据有误"},
    ),
    "GET /api/evaluation/objections/{objection_id}": Route(API_ALL, "api_objection", API_SCOPED),
    "POST /api/evaluation/objections/{objection_id}/answer": Route(
        "",
        "api_objection",
        post=API_CITY_WRITE,
        post_out=API_SCOPED_WRITE,
        body={"outcome": "upheld", "answer": "维持"},
    ),
    "GET /api/evaluation/firms/{uscc}": Route(API_ALL, "api_uscc", API_SCOPED),
    "GET /api/evaluation/tiers": Route(API_ALL),
    "GET /api/projects/": Route(API_ALL),
    "GET /api/projects/map": Route(API_ALL),
    "GET /api/projects/ranking/{month}": Route("200 200 200 200 403 401", "api_month"),
    "GET /api/projects/{code}": Route(API_ALL, "api_project", API_SCOPED),
    "PATCH /api/projects/{code}": Route(
        "",
        "api_project",
        method="patch",
        post="- - - - 403 401",
        post_out=API_SCOPED_WRITE,
        body={"name": "被篡改的项目", "version": 1},
    ),
    "POST /api/projects/{code}/updates": Route(
        "",
        "api_project",
        post="- - - - - 401",
        post_out=API_SCOPED_WRITE,
        body={"week": "2025-06-09", "done_this_week": "越权填报"},
    ),
    "GET /api/chiefs/chains/{chain_id}/org": Route(API_ALL, "api_chain", API_SCOPED),
    "GET /api/chiefs/chains/{chain_id}/chokepoints": Route(API_ALL, "api_chain", API_SCOPED),
    "GET /api/chiefs/chains/{chain_id}/consortia": Route(API_ALL, "api_chain", API_SCOPED),
    "GET /api/chiefs/chains/{chain_id}/plans": Route(API_ALL, "api_chain", API_SCOPED),
    # writes of 攻关清单 items and plan tasks: the chain's keepers (out of scope: 404)
    "POST /api/chiefs/chains/{chain_id}/chokepoints": Route(
        "",
        "api_chain",
        post="- - - 403 403 401",
        post_out=API_SCOPED_WRITE,
        body=lambda w, side: {
            "technology": "越权技术",
            "reason": "import",
            "target": "x",
            "nodes": [w.objects["node"][side].pk],
        },
    ),
    "PATCH /api/chiefs/chains/{chain_id}/chokepoints/{item_id}": Route(
        "",
        "api_chain_item",
        method="patch",
        post="- - - 403 403 401",
        post_out=API_SCOPED_WRITE,
        body={"target": "越权目标", "version": 1},
    ),
    "POST /api/chiefs/chains/{chain_id}/plans/{year}/tasks": Route(
        "",
        "api_chain_year",
        post="- - - 403 403 401",
        post_out=API_SCOPED_WRITE,
        body={"name": "越权任务", "owner_department": "x", "due_on": "2025-12-31"},
    ),
    "PATCH /api/chiefs/chains/{chain_id}/plans/tasks/{task_id}": Route(
        "",
        "api_chain_task",
        method="patch",
        post="- - - 403 403 401",
        post_out=API_SCOPED_WRITE,
        body={"percent_complete": 100, "version": 1},
    ),
    "GET /api/chiefs/calls": Route(API_ALL),
    "GET /api/chiefs/calls/{call_id}": Route(API_ALL, "api_call", API_SCOPED),
    "GET /api/chiefs/report": Route(API_ALL),
    "GET /api/supply/runs": Route(API_ALL),
    "GET /api/supply/chains/{chain_id}/nodes": Route(API_ALL, "api_chain", API_SCOPED),
    "GET /api/supply/chains/{chain_id}/dependences": Route(API_ALL, "api_chain", API_SCOPED),
    "GET /api/supply/runs/{run_id}/pairs": Route(API_ALL, "api_supply_run", API_SCOPED),
    "GET /api/requests/": Route(API_ALL),
    "GET /api/requests/stats": Route(API_ALL),
    "GET /api/requests/{request_id}": Route(API_ALL, "api_firm_request", API_SCOPED),
    "GET /api/investment/leads": Route(API_ALL),
    "GET /api/investment/funnel": Route(API_ALL),
    "GET /api/investment/leads/{lead_id}": Route("200 200 200 200 404 401", "api_lead", API_SCOPED),
    "POST /api/investment/leads": Route(
        "",
        post="- - - 403 403 401",
        body={"name": "越权线索", "chain_id": 1, "region": "130528"},
    ),
    "POST /api/investment/leads/{lead_id}/stage": Route(
        "",
        "api_lead",
        post="- - - 403 404 401",
        post_out=API_SCOPED_WRITE,
        body={"stage": "contact", "version": 1},
    ),
    "GET /api/notifications/": Route(API_ALL),
}

# --- enumeration ------------------------------------------------------------------------------


def url_patterns() -> Iterator[tuple[str, str]]:
    """(``namespace:name``, route) of every URL pattern of the site."""

    def walk(resolver: URLResolver, prefix: str, ns: str) -> Iterator[tuple[str, str]]:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                sub = f"{ns}:{p.namespace}".strip(":") if p.namespace else ns
                yield from walk(p, prefix + str(p.pattern), sub)
            elif isinstance(p, URLPattern):
                yield (f"{ns}:{p.name}" if ns else str(p.name)), prefix + str(p.pattern)

    yield from walk(get_resolver(), "", "")


def api_operations() -> Iterator[tuple[str, str, str]]:
    """(``METHOD /api/path``, method, path) of every operation in the OpenAPI document."""
    from chainboard.api import api

    for path, ops in api.get_openapi_schema()["paths"].items():
        for method in ops:
            yield f"{method.upper()} {path}", method, path


def pages() -> dict[str, str]:
    """Every page route by name (``namespace:name`` → route), without /admin/ and the API's
    operations (those are the OpenAPI document's)."""
    out: dict[str, str] = {}
    for name, route in url_patterns():
        if route.startswith("admin/") or (route.startswith("api/") and name not in API_PAGES):
            continue
        out[name] = route
    return out


#: The API's own pages (not operations): the root, the OpenAPI document and Swagger UI.
API_PAGES = ("api:api-root", "api:openapi-json", "api:openapi-view")
ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")


def test_table_matches_the_routes() -> None:
    """Every URL pattern and API operation has a line in the table, and every line a route."""
    have_pages, have_ops = pages(), {key for key, _, _ in api_operations()}
    missing = [f"{n} ({r})" for n, r in have_pages.items() if n not in PAGES]
    missing += [key for key in sorted(have_ops) if key not in OPERATIONS]
    stale = sorted(set(PAGES) - set(have_pages)) + sorted(set(OPERATIONS) - have_ops)
    assert not missing, (
        "Routes without a line in tests/web/test_route_access.py (PAGES / OPERATIONS): "
        + ", ".join(missing)
        + " — add the expected status per role (see the module docstring and docs/access.md)"
    )
    assert not stale, "Table lines whose route no longer exists: " + ", ".join(stale)
    for key, entry in {**PAGES, **OPERATIONS}.items():
        route = have_pages.get(key) or key
        params = [a or b for a, b in ROUTE_PARAM.findall(route)]
        assert bool(params) == (entry.args is not None), f"{key}: `args` must fill {params}"
        assert entry.args is None or entry.args in ARGS, f"{key}: unknown ARGS key {entry.args}"
        for spec in (entry.get, entry.get_out, entry.post, entry.post_out):
            assert spec is None or spec == "" or len(spec.split()) == len(ROLES) + 1, key


# --- the requests -----------------------------------------------------------------------------

#: Tables a refused request may legitimately write: the security audit log (denials are
#: recorded), sessions and login bookkeeping, the worker heartbeat; and the reference data.
UNCOMPARED = {
    "accounts.securityevent",
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "jobs.workerheartbeat",
    "geo.region",
    "industries.industrycode",
}


def fingerprint() -> dict[str, str]:
    """A digest of every row of every table (but ``UNCOMPARED``), per model."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label_lower in UNCOMPARED or not model._meta.managed:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        out[model._meta.label_lower] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def body_text(response: Any) -> str:
    """The text of a response (xlsx: its cells; PDF and other binaries: nothing)."""
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        return " ".join(
            str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
        )
    if kind.startswith(("text/", "application/json", "image/svg")):
        return raw.decode("utf-8", "replace")
    return ""


def hidden_markers(w: World) -> dict[str, list[str]]:
    """Names and ids each scoped role must never read anywhere (the 沙河 objects; for the park
    and the firm's users also the 宁晋 firm outside the park)."""
    shahe = [
        w.objects["firm"]["out"].name,
        w.objects["firm"]["out"].uscc,
        w.objects["project"]["out"].code,
        w.objects["project"]["out"].name,
        w.objects["chain"]["out"].name,
        w.objects["cluster"]["out"].name,
    ]
    county_firm = [w.objects["firm_county"]["in"].name, w.objects["firm_county"]["in"].uscc]
    return {"county": shahe, "park": shahe + county_firm, "enterprise": shahe + county_firm}


@dataclass
class Tally:
    requests: int = 0
    reads_refused: int = 0
    writes_refused: int = 0
    content_checked: int = 0
    problems: list[str] = field(default_factory=list)


def test_every_route_for_every_role(xingtai, settings, tmp_path, request) -> None:  # type: ignore[no-untyped-def]
    from chainboard.jobs.models import WorkerHeartbeat

    settings.JOBS_DIR = tmp_path / "jobs"
    settings.HEALTH_MIN_FREE_MB = 0  # /healthz: the machine's free space is not tested here
    settings.JOBS_STALE_SECONDS = 3600  # and the heartbeat below stays fresh for the whole run
    w = build_world(xingtai, settings.JOBS_DIR)
    WorkerHeartbeat.objects.create(
        worker_id="route-test", hostname="h", pid=1, seen_at=timezone.now()
    )
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role in ROLES:
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(w.users[role])
    markers = hidden_markers(w)
    login_url = reverse("accounts:login")
    tally = Tally()
    routes = pages()
    ops = {key: (method, path) for key, method, path in api_operations()}
    targets: list[tuple[str, Route, str, str]] = []  # (key, entry, method, url template)
    for name in routes:
        targets.append((name, PAGES[name], "get", name))
        if PAGES[name].post is not None:
            targets.append((name, PAGES[name], "post", name))
    for key, (method, path) in ops.items():
        targets.append((key, OPERATIONS[key], method, path))

    def url(key: str, entry: Route, template: str, side: str, role: str) -> str:
        kwargs = ARGS[entry.args](w, side, role) if entry.args else {}
        if key in routes:
            return reverse(template, kwargs=kwargs)
        return template.format(**kwargs)

    def body(entry: Route, side: str) -> dict[str, Any]:
        return entry.body(w, side) if callable(entry.body) else dict(entry.body or {})

    seconds: dict[str, float] = {}
    before = fingerprint()
    for key, entry, method, template in targets:
        verb = "get" if method == "get" else "write"
        is_api = key not in routes or routes[key].startswith("api/")
        for side in SIDES:
            spec = entry.expected(verb, side)
            if spec is None:
                continue
            for role, want in zip((*ROLES, "anonymous"), spec.split(), strict=True):
                if want == "-":
                    continue
                if (
                    role == "anonymous"
                    and not entry.public
                    and want != ("401" if is_api else "302")
                ):
                    tally.problems.append(f"{key}: anonymous must log in (or mark it public)")
                address = url(key, entry, template, side, "county" if role == "anonymous" else role)
                client = clients[role]
                t0 = time.perf_counter()
                if method == "get":
                    response = client.get(address)
                elif is_api:
                    response = getattr(client, method)(
                        address, json.dumps(body(entry, side)), content_type="application/json"
                    )
                else:
                    response = client.post(address, body(entry, side))
                tally.requests += 1
                seconds[key] = seconds.get(key, 0) + time.perf_counter() - t0
                got = response.status_code
                where = f"{method.upper()} {address} as {role} ({key}, {side} scope)"
                if str(got) != want:
                    tally.problems.append(f"{where}: {got}, the table says {want}")
                if got >= 500:
                    tally.problems.append(f"{where}: server error {got}")
                to_login = response.get("Location", "").startswith(login_url)
                if role == "anonymous" and not entry.public and not is_api and not to_login:
                    tally.problems.append(f"{where}: redirected to {response['Location']}")
                if verb == "get":
                    if got in (401, 403, 404) or (got == 302 and role == "anonymous"):
                        tally.reads_refused += 1
                    if got == 200 and role in markers:
                        text = body_text(response)
                        tally.content_checked += bool(text)
                        leaked = [m for m in markers[role] if m in text]
                        if leaked:
                            tally.problems.append(f"{where}: shows {', '.join(leaked)}")
                else:
                    if 200 <= got < 300 or (got == 302 and role != "anonymous"):
                        tally.problems.append(f"{where}: a refused write answered {got}")
                    else:
                        tally.writes_refused += 1
        if verb == "write":  # compared once per route: a change names the route and the tables
            after = fingerprint()
            changed = sorted(k for k in after if after[k] != before.get(k))
            if changed:
                tally.problems.append(f"{method.upper()} {key}: a refused write changed {changed}")
                before = after
    # /admin/ by one rule: superusers only (accounts.adminsite); everyone else to its login page
    admin_login = reverse("admin:login")
    admin_urls = [reverse("admin:index")] + [
        reverse(name) for name, route in url_patterns() if name.endswith("_changelist")
    ]
    for role in ("admin", "analyst", "county", "anonymous"):
        for address in admin_urls if role != "admin" else admin_urls[:1]:
            response = clients[role].get(address)
            tally.requests += 1
            where = f"GET {address} as {role}"
            if role == "admin" and response.status_code != 200:
                tally.problems.append(f"{where}: {response.status_code}, expected 200")
            elif role != "admin":
                if response.status_code != 302 or not response["Location"].startswith(admin_login):
                    tally.problems.append(f"{where}: {response.status_code}, not the admin login")
                else:
                    tally.reads_refused += 1
    figures = (
        f"{len(routes)} page routes, {len(admin_urls)} admin pages, {len(ops)} API operations, {tally.requests} requests, "
        f"{tally.reads_refused} reads refused, {tally.writes_refused} writes refused, "
        f"{tally.content_checked} responses searched for out-of-scope names"
    )
    slowest = sorted(seconds.items(), key=lambda kv: -kv[1])[:5]
    figures += "; slowest: " + ", ".join(f"{k} {v:.1f} s" for k, v in slowest)
    print(figures)
    request.node.add_report_section("call", "route table figures", figures)
    assert not tally.problems, "\n".join(tally.problems)
