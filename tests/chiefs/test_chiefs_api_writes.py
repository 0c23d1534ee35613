"""API writes of 攻关清单 items and work-plan tasks: scoped (404 out of scope, 403 for a visible
chain the user does not keep), bad input 400 naming the field, version required, 409 on a clash."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chainboard.chiefs import services
from chainboard.chiefs.models import Chokepoint
from chainboard.projects.models import Task

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def api(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def send(c: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(c, method)(url, json.dumps(body), content_type="application/json")


def test_create_and_update_a_chokepoint_item(city) -> None:  # type: ignore[no-untyped-def]
    a = api(city.users["analyst"])
    url = f"/api/chiefs/chains/{city.chain.pk}/chokepoints"
    body = {
        "technology": "超净屏蔽料",
        "reason": "single_foreign",
        "import_share": "0.6",
        "target": "国产化",
        "nodes": [city.node.pk],
        "needing_firms": [city.firm.uscc],
    }
    r = send(a, "post", url, body)
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["technology"] == "超净屏蔽料" and out["needing_firms"] == [city.firm.uscc]
    item = Chokepoint.objects.get(pk=out["id"])
    assert item.history.first().history_user == city.users["analyst"]
    listed = a.get(url).json()
    assert {x["technology"]: x["version"] for x in listed}["超净屏蔽料"] == out["version"]
    # update with the version read; the firms stay when not sent
    r = send(a, "patch", f"{url}/{item.pk}", {"target": "批量应用", "version": out["version"]})
    assert r.status_code == 200, r.content
    assert r.json()["target"] == "批量应用" and r.json()["needing_firms"] == [city.firm.uscc]
    # stale version on the same field: 409 with the current value and version
    r = send(a, "patch", f"{url}/{item.pk}", {"target": "别的目标", "version": out["version"]})
    assert r.status_code == 409
    assert (
        r.json()["current"] == {"target": "批量应用"} and r.json()["version"] == out["version"] + 1
    )
    # no version: 400
    r = send(a, "patch", f"{url}/{item.pk}", {"target": "x"})
    assert r.status_code == 400 and r.json()["code"] == "version_required"


def test_bad_input_is_400_and_writes_nothing(city) -> None:  # type: ignore[no-untyped-def]
    a = api(city.users["analyst"])
    url = f"/api/chiefs/chains/{city.chain.pk}/chokepoints"
    n = Chokepoint.objects.count() + Chokepoint.history.count()
    base = {"technology": "x", "reason": "import", "target": "t", "nodes": [city.node.pk]}
    for bad in (
        {**base, "reason": "unknown"},
        {**base, "import_share": "1.5"},
        {**base, "nodes": [city.other_node.pk]},  # another chain's segment
        {**base, "nodes": []},
        {**base, "needing_firms": ["91130528MA0000000X"]},
        {k: v for k, v in base.items() if k != "target"},
    ):
        r = send(a, "post", url, bad)
        assert r.status_code == 400, (bad, r.content)
        assert r.json()["message"]
    assert Chokepoint.objects.count() + Chokepoint.history.count() == n


def test_scope_of_the_writes(city) -> None:  # type: ignore[no-untyped-def]
    item_url = f"/api/chiefs/chains/{city.chain.pk}/chokepoints/{city.item.pk}"
    body = {"target": "越权", "version": city.item.version}
    # a firm user sees the city chain: 403; the 沙河 officer also sees it (city level): 403
    for who in ("firm", "shahe"):
        assert send(api(city.users[who]), "patch", item_url, body).status_code == 403
    # the 沙河 chain is not visible to the 宁晋 officer: 404 on read and write
    county = api(city.users["county"])
    other = f"/api/chiefs/chains/{city.other_chain.pk}"
    assert county.get(f"{other}/plans").status_code == 404
    r = send(
        county,
        "post",
        f"{other}/chokepoints",
        {"technology": "x", "reason": "import", "target": "t", "nodes": [city.other_node.pk]},
    )
    assert r.status_code == 404
    city.item.refresh_from_db()
    assert city.item.target != "越权"


def test_plan_tasks_through_the_api(city) -> None:  # type: ignore[no-untyped-def]
    analyst = city.users["analyst"]
    a = api(analyst)
    base = f"/api/chiefs/chains/{city.chain.pk}/plans"
    body = {"name": "引进项目", "owner_department": "商务局", "due_on": str(TODAY)}
    assert send(a, "post", f"{base}/{TODAY.year}/tasks", body).status_code == 404  # no plan yet
    services.work_plan_save(chain=city.chain, actor=analyst, data={"year": TODAY.year})
    r = send(a, "post", f"{base}/{TODAY.year}/tasks", body)
    assert r.status_code == 201, r.content
    task = r.json()
    assert task["percent_complete"] == 0 and task["overdue"] is False
    assert (
        send(a, "post", f"{base}/{TODAY.year}/tasks", {**body, "percent_complete": 101}).status_code
        == 400
    )
    plans = a.get(base).json()
    assert plans[0]["tasks"][0]["id"] == task["id"]
    url = f"{base}/tasks/{task['id']}"
    r = send(a, "patch", url, {"percent_complete": 80, "version": task["version"]})
    assert r.status_code == 200 and r.json()["percent_complete"] == 80
    assert (
        send(a, "patch", url, {"percent_complete": 90, "version": task["version"]}).status_code
        == 409
    )
    assert send(a, "patch", url, {"percent_complete": 90}).status_code == 400
    # non-keepers: 403, nothing written; another task id (not a plan task): 404
    assert (
        send(
            api(city.users["firm"]), "patch", url, {"percent_complete": 1, "version": 2}
        ).status_code
        == 403
    )
    other = Task.objects.create(
        programme="p", name="n", owner_department="o", region=city.chain.region, due_on=TODAY
    )
    assert (
        send(
            a, "patch", f"{base}/tasks/{other.pk}", {"percent_complete": 1, "version": 1}
        ).status_code
        == 404
    )
    assert Task.objects.get(pk=task["id"]).percent_complete == 80
