"""Bad query parameters on the project pages and API are a 400 naming the parameter, never a
500 nor a silently ignored filter; good ones filter (django-filter sets in projects/filters.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from tests.factories import ProjectFactory

from chainboard.projects import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(city_analyst):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(city_analyst)
    return c


@pytest.mark.parametrize(
    "url",
    [
        "/api/projects/map?batch=abc",
        "/api/projects/map?stage=demolished",
        "/api/projects/ranking/2025-13",
        "/api/projects/ranking/abc",
        "/api/projects/ranking/2025-03?scope=province",
        "/api/projects/?pool=everything",
        "/api/projects/?stage=x",
        "/api/projects/?region=abc",
    ],
)
def test_api_refuses_bad_parameters(client, url) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 400, url
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/projects/reports/weekly.xlsx?week=2025-02-30", "周格式应为 YYYY-MM-DD"),
        ("/projects/reviews/?year=0", "年份应为"),
        ("/projects/reviews/?year=abcd", "年份应为"),
        ("/projects/reviews/?p=q9", "未知期次"),
        ("/projects/reports/chains.xlsx?year=99999", "年份应为"),
        ("/projects/ranking/?month=0-1", "月份格式应为 YYYY-MM"),
        ("/projects/ranking/?scope=province", "评比对象应为"),
        ("/projects/ranking.csv?month=x", "月份格式应为 YYYY-MM"),
        ("/projects/list/?batch=abc", "参数 batch"),
        ("/projects/list/?stage=x&big=huge", "参数 big"),
        ("/projects/export.xlsx?kind=x", "参数 kind"),
        ("/projects/list/?region=999999", "参数 region"),
        ("/projects/map/?batch=abc", "参数 batch"),
        ("/projects/tasks/?band=soon", "参数 band"),
        ("/projects/alerts/?kind=x", "参数 kind"),
        ("/projects/alerts/?region=13';--", "参数 region"),
    ],
)
def test_pages_refuse_bad_parameters(client, url, message) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 400, url
    assert message in response.content.decode()


def test_good_parameters_filter(client, xingtai) -> None:  # type: ignore[no-untyped-def]
    batch = services.batch_create(
        actor=None, name="2025年春季集中开工", held_on=dt.date(2025, 3, 1)
    )
    ProjectFactory(code="NJ-1", region=xingtai["130528"], batch=batch, stage="started")
    ProjectFactory(code="SH-1", region=xingtai["130582"], stage="signed")
    points = client.get(f"/api/projects/map?batch={batch.pk}").json()["points"]
    assert [p["code"] for p in points] == ["NJ-1"]
    assert [p["code"] for p in client.get("/api/projects/map?stage=signed").json()["points"]] == [
        "SH-1"
    ]
    api = client.get("/api/projects/?region=130582").json()
    assert [p["code"] for p in api] == ["SH-1"]
    api = client.get("/api/projects/?region=130500&pool=building&stage=started").json()
    assert [p["code"] for p in api] == ["NJ-1"]  # a city takes its counties
    page = client.get("/projects/list/?region=130582").content.decode()
    assert "SH-1" in page and "NJ-1" not in page
    page = client.get(f"/projects/list/?batch={batch.pk}&stage=started").content.decode()
    assert "NJ-1" in page and "SH-1" not in page
    assert client.get("/projects/reviews/?year=2025&p=h2").status_code == 200
    week = client.get("/projects/reports/weekly.xlsx?week=2025-03-05")
    assert week.status_code == 200
    assert "2025-03-03" in week["Content-Disposition"]  # the Monday of that week
