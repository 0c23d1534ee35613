"""The wall map 挂图's option: tooltips, county labels above the bubbles, the framed area."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from tests.factories import ParkFactory, ProjectFactory, UserFactory

from chainboard.geo.boundaries import load_boundaries
from chainboard.projects.wallmap import focus_box

pytestmark = pytest.mark.django_db


def option_for(user: Any) -> dict[str, Any]:
    client = Client()
    client.force_login(user)
    response = client.get("/projects/map/")
    assert response.status_code == 200
    return response.context["option"]


def bubbles(option: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for s in option["series"][1:] if s["name"] != "区县名称" for d in s["data"]]


def ningjin_box() -> tuple[float, float, float, float]:
    fc = load_boundaries("130500")
    assert fc is not None
    (feature,) = [f for f in fc["features"] if f["properties"]["code"] == "130528"]
    polygons = feature["geometry"]["coordinates"]
    if feature["geometry"]["type"] == "Polygon":
        polygons = [polygons]
    xs = [x for p in polygons for ring in p for x, _ in ring]
    ys = [y for p in polygons for ring in p for _, y in ring]
    return min(xs), max(xs), min(ys), max(ys)


def test_tooltip_names_the_project_its_investment_and_stage(xingtai) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="ningjin", role="region_staff", scope_region_id="130528")
    ProjectFactory(
        code="NJ-1", name="宁晋光伏组件项目", total_investment_wan_yuan=Decimal("350000")
    )
    ProjectFactory(code="NJ-2", name="宁晋<b>电缆</b>{a}项目", total_investment_wan_yuan=800)
    points = {p["code"]: p for p in bubbles(option_for(user))}
    tip = points["NJ-1"]["tooltip"]["formatter"]
    assert "宁晋光伏组件项目" in tip and "35.00 亿元" in tip and "开工" in tip and "宁晋县" in tip
    assert "37." not in tip  # not a latitude
    small = points["NJ-2"]["tooltip"]["formatter"]
    assert "800.00 万元" in small
    assert "<b>电缆</b>" not in small and "&lt;b&gt;电缆" in small and "{a}" not in small
    # what the click card shows
    assert points["NJ-1"]["url"] == "/projects/p/NJ-1/"
    assert points["NJ-1"]["investment"] == "35.00 亿元" and points["NJ-1"]["stage"] == "开工"


def test_county_names_are_a_layer_above_the_bubbles(xingtai) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="analyst", role="analyst", scope_region_id="130500")
    for i in range(9):
        ProjectFactory(code=f"NJ-{i}", name=f"宁晋项目{i}")
    option = option_for(user)
    (labels,) = [s for s in option["series"] if s["name"] == "区县名称"]
    assert labels["zlevel"] > max(s.get("zlevel", 0) for s in option["series"] if s is not labels)
    assert labels["label"]["show"] and not option["geo"]["label"]["show"]
    names = {d["name"]: d["value"] for d in labels["data"]}
    assert len(names) == 18 and "宁晋县" in names and "沙河市" in names
    # 宁晋's label sits north of its nine bubbles
    ningjin = [d["value"] for d in bubbles(option)]
    assert names["宁晋县"][1] > max(v[1] for v in ningjin)
    assert "boundingCoords" not in option["geo"]  # a city analyst sees the whole city


def test_a_county_user_sees_their_county(xingtai) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="ningjin", role="region_staff", scope_region_id="130528")
    ProjectFactory(code="NJ-1", name="宁晋光伏组件项目")
    (west, north), (east, south) = option_for(user)["geo"]["boundingCoords"]
    x0, x1, y0, y1 = ningjin_box()
    assert west < x0 < x1 < east and south < y0 < y1 < north
    assert east - west < (x1 - x0) * 1.5  # the county, not the city


def test_a_park_user_sees_their_parks_projects(xingtai) -> None:  # type: ignore[no-untyped-def]
    park = ParkFactory(name="宁晋经济开发区")
    user = UserFactory(username="park", role="park_staff", scope_park=park)
    for i, (lon, lat) in enumerate([(114.95, 37.62), (114.99, 37.64)]):
        ProjectFactory(
            code=f"P-{i}",
            name=f"园区项目{i}",
            park=park,
            longitude=Decimal(str(lon)),
            latitude=Decimal(str(lat)),
        )
    ProjectFactory(code="NJ-OUT", name="园区外项目", longitude=Decimal("115.2"))
    option = option_for(user)
    assert [p["code"] for p in bubbles(option)] == ["P-0", "P-1"]
    (west, north), (east, south) = option["geo"]["boundingCoords"]
    assert west < 114.95 < 114.99 < east and south < 37.62 < 37.64 < north
    assert east - west < 0.2  # the park, not the county


def test_focus_box_without_anything_to_frame_is_none() -> None:
    fc = {"features": []}
    assert focus_box(fc, county=None) is None
    assert focus_box(fc, county="130528", points=[{"lon": None, "lat": None}]) is None
