"""驾驶舱, 大屏 and 企业画像: scope (a county officer's numbers are the county's), hand-checked
figures against the owning apps' selectors, the cache following writes, and what a firm user
may not open."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.dashboards.world import build_world
from tests.factories import ProjectFactory

from chainboard.dashboards import selectors
from chainboard.projects import selectors as project_selectors
from chainboard.projects.models import Target, Task
from chainboard.projects.selectors import targets as target_selectors

TODAY = dt.date(2025, 6, 18)  # a Wednesday


@pytest.fixture
def world(ningjin, shahe, ningjin_user, city_analyst) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return build_world(ningjin, shahe)


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_county_cockpit_counts_only_the_county(world, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    c = selectors.cockpit(user=ningjin_user, today=TODAY)
    # hand-checked: 3 宁晋 projects, 30,000 + 5,000 + 8,000 万元
    assert c["projects"]["n"] == 3
    assert c["projects"]["total"] == Decimal(43000)
    stages = {s["key"]: s["n"] for s in c["projects"]["stages"]}
    assert stages == {"planned": 1, "signed": 0, "started": 2, "producing": 0, "effective": 0}
    # and equal to the projects app's own selector for that user
    assert c["projects"]["n"] == project_selectors.projects_visible(ningjin_user).count()
    alerts = project_selectors.alerts(user=ningjin_user, today=TODAY)
    assert c["projects"]["alerts"] == len(alerts)
    milestone = next(k for k in c["projects"]["alert_kinds"] if k["key"] == "milestone")
    assert milestone["n"] == 1  # 宁晋甲项目's, not 沙河甲项目's
    assert c["projects"]["new_this_week"] >= 1
    assert all(a["region"] == "宁晋县" for a in c["projects"]["recent"])
    # tasks: 宁晋数字化改造 is overdue (40 % on 31 May), 宁晋绿色工厂创建 is done; 沙河's not seen
    assert c["tasks"]["overdue"] == 1
    assert [t["name"] for t in c["tasks"]["items"]] == ["宁晋数字化改造"]
    assert c["tasks"]["items"][0]["days"] == 18
    assert c["tasks"]["summary"] == target_selectors.task_summary(
        target_selectors.tasks_visible(ningjin_user)
    )
    # targets: the county's own (95 of 100 亿元, a level: projection = value → at risk, amber)
    names = [t["name"] for t in c["targets"]["items"]]
    assert names == ["宁晋县规上工业增加值"]
    assert c["targets"]["items"][0]["light"] == "amber"
    assert c["targets"]["lights"] == {"green": 0, "amber": 1, "red": 0}
    # chains: the county's chain (the city has none here), not 沙河's
    assert [r["name"] for r in c["chains"]["rows"]] == ["宁晋电线电缆链"]
    assert c["chains"]["rows"][0]["firms"] == 1


def test_city_cockpit_counts_both_counties(world, city_analyst) -> None:  # type: ignore[no-untyped-def]
    c = selectors.cockpit(user=city_analyst, today=TODAY)
    assert c["projects"]["n"] == 5
    assert c["projects"]["total"] == Decimal(150000)
    assert c["tasks"]["overdue"] == 2
    assert c["targets"]["lights"] == {"green": 0, "amber": 1, "red": 1}
    assert c["targets"]["items"][0]["name"] == "沙河市规上工业增加值"  # red first


def test_county_pages_name_nothing_of_another_county(world, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    client = _client(ningjin_user)
    for url in (reverse("dashboards:home"), reverse("dashboards:screen")):
        html = client.get(url).content.decode()
        assert "宁晋甲项目" in html or "宁晋数字化改造" in html
        for name in ("沙河甲项目", "沙河技改专项", "沙河市规上工业增加值", "沙河玻璃链"):
            assert name not in html, (url, name)


def test_home_links_every_panel_to_its_page(world, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    html = _client(ningjin_user).get(reverse("dashboards:home")).content.decode()
    for name in ("projects:targets", "projects:home", "projects:alerts", "chains:index"):
        assert f'href="{reverse(name)}' in html, name
    for name in ("evaluation:tiers", "projects:tasks", "dashboards:screen"):
        assert f'href="{reverse(name)}"' in html, name
    assert f'href="{reverse("chains:panorama", args=[world["chain"].pk])}"' in html
    assert 'id="kpi-projects">3 ' in html


def test_screen_is_one_page_with_clock_as_of_and_timers(world, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    html = (
        _client(ningjin_user)
        .get(reverse("dashboards:screen") + "?rotate=5&refresh=60")
        .content.decode()
    )
    assert 'data-rotate="5"' in html and 'data-refresh="60"' in html
    assert 'id="clock"' in html and 'id="as-of"' in html
    assert "vendor/echarts.min.js" in html and "js/screen.js" in html
    options = re.findall(
        r'<script id="(chart-[a-z-]+)" type="application/json">(.*?)</script>', html
    )
    assert {i for i, _ in options} >= {"chart-targets", "chart-stages", "chart-gaps", "chart-tiers"}
    for _, text in options:
        assert json.loads(text)["backgroundColor"] == "transparent"  # the dark theme
    # a bad timer value is ignored, a tiny one floored
    html = (
        _client(ningjin_user)
        .get(reverse("dashboards:screen") + "?rotate=x&refresh=1")
        .content.decode()
    )
    assert 'data-rotate="15"' in html and 'data-refresh="30"' in html


def test_cockpit_follows_writes(world, ningjin_user, ningjin) -> None:  # type: ignore[no-untyped-def]
    first = selectors.cockpit(user=ningjin_user, today=TODAY)
    assert (
        selectors.cockpit(user=ningjin_user, today=TODAY)["projects"]["n"] == first["projects"]["n"]
    )
    ProjectFactory(name="宁晋新项目", region=ningjin)  # its history row moves the fingerprint
    assert selectors.cockpit(user=ningjin_user, today=TODAY)["projects"]["n"] == 4
    task = Task.objects.get(name="宁晋数字化改造")
    task.percent_complete = 100
    task.save()
    assert selectors.cockpit(user=ningjin_user, today=TODAY)["tasks"]["overdue"] == 0


def test_firm_user_lands_on_its_profile(world) -> None:  # type: ignore[no-untyped-def]
    client = _client(world["qiye"])
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:profile", args=[world["firm"].uscc])
    html = client.get(response["Location"]).content.decode()
    assert "企业画像" in html and "宁晋画像电缆有限公司" in html
    assert "宁晋电线电缆链" in html and "铜杆" in html  # its segment
    assert "宁晋甲项目" in html and "3.00 亿元" in html  # its project, in 亿元
    assert "宁晋乙项目" not in html  # not its project
    assert "沙河" not in html


def test_profile_lists_the_firms_own_requests(world) -> None:  # type: ignore[no-untyped-def]
    from chainboard.firmrequests.models import FirmRequest

    for firm in (world["firm"], world["firm_shahe"]):
        FirmRequest.objects.create(
            enterprise=firm,
            region=firm.region,
            category="land",
            title=f"{firm.name[:2]}用地指标诉求",
            description="用地",
        )
    html = (
        _client(world["qiye"])
        .get(reverse("dashboards:profile", args=[world["firm"].uscc]))
        .content.decode()
    )
    assert "政企直通车诉求" in html and "宁晋用地指标诉求" in html
    assert "沙河用地指标诉求" not in html


def test_firm_user_cannot_open_the_territorys_pages(world) -> None:  # type: ignore[no-untyped-def]
    client = _client(world["qiye"])
    refused = [
        reverse("dashboards:screen"),
        reverse("projects:ranking"),
        reverse("projects:ranking_csv"),
        reverse("projects:reviews"),
        reverse("projects:targets"),
        reverse("projects:tasks"),
        reverse("strategy:index"),
        reverse("strategy:region", args=["130528"]),
        "/api/projects/ranking/2025-06",
    ]
    for url in refused:
        response = client.get(url)
        assert response.status_code == 403, url
        if not url.startswith("/api/"):
            assert "企业用户只能查看本企业" in response.content.decode(), url
    target = Target.objects.get(region_id="130528")
    assert client.get(reverse("projects:target", args=[target.pk])).status_code == 403
    # another firm's profile does not exist for it
    assert (
        client.get(reverse("dashboards:profile", args=[world["firm_shahe"].uscc])).status_code
        == 404
    )


def test_county_user_sees_a_firms_profile_in_scope_only(world, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    client = _client(ningjin_user)
    assert client.get(reverse("dashboards:profile", args=[world["firm"].uscc])).status_code == 200
    assert (
        client.get(reverse("dashboards:profile", args=[world["firm_shahe"].uscc])).status_code
        == 404
    )
