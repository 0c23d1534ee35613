"""One filter set for the 企业名录 page, its xlsx export and ``GET /api/enterprises/``: the same
firms for the same filters, and a bad value is a 400 naming the parameter everywhere."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import EnterpriseFactory, ParkFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city() -> dict[str, object]:
    park = ParkFactory(region_id="130528")
    return {
        "cable": EnterpriseFactory(name="宁晋电缆有限公司", industry_id="3831", park=park),
        "small": EnterpriseFactory(name="宁晋服装有限公司", industry_id="1811", above_scale=False),
        "glass": EnterpriseFactory(
            region_id="130582", name="沙河玻璃有限公司", industry_id="3041", status="suspended"
        ),
        "park": park,
    }


def _client(**user: object) -> Client:
    client = Client()
    client.force_login(UserFactory(**user))
    return client


def _page_names(client: Client, params: dict[str, object]) -> list[str]:
    html = client.get(reverse("enterprises:list"), params).content.decode()
    return sorted(
        n for n in ("宁晋电缆有限公司", "宁晋服装有限公司", "沙河玻璃有限公司") if n in html
    )


def _export_names(client: Client, params: dict[str, object]) -> list[str]:
    response = client.get(reverse("enterprises:export"), params)
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return sorted(row[1] for row in book.active.iter_rows(min_row=2, values_only=True))


def _api_names(client: Client, params: dict[str, object]) -> list[str]:
    response = client.get("/api/enterprises/", params)
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["items"])


def test_page_export_and_api_list_the_same_firms(city) -> None:  # type: ignore[no-untyped-def]
    client = _client(role="analyst")
    park = city["park"].pk
    cases = [
        ({}, ["宁晋服装有限公司", "宁晋电缆有限公司", "沙河玻璃有限公司"]),
        ({"q": "电缆"}, ["宁晋电缆有限公司"]),
        ({"q": city["glass"].uscc[:17].lower()}, ["沙河玻璃有限公司"]),  # USCC prefix, any case
        ({"region": "130528"}, ["宁晋服装有限公司", "宁晋电缆有限公司"]),
        ({"region": "130582"}, ["沙河玻璃有限公司"]),
        ({"division": "38"}, ["宁晋电缆有限公司"]),
        ({"park": park}, ["宁晋电缆有限公司"]),
        ({"above_scale": "false"}, ["宁晋服装有限公司"]),
        ({"status": "suspended"}, ["沙河玻璃有限公司"]),
        ({"region": "130528", "above_scale": "true"}, ["宁晋电缆有限公司"]),
    ]
    for params, expected in cases:
        assert _page_names(client, params) == expected, params
        assert _export_names(client, params) == expected, params
        assert _api_names(client, params) == expected, params


def test_api_region_and_industry_prefixes(city) -> None:  # type: ignore[no-untyped-def]
    client = _client(role="analyst")
    # a city or province code takes every firm below it
    assert _api_names(client, {"region": "130500"}) == _api_names(client, {})
    assert _api_names(client, {"region": "130000"}) == _api_names(client, {})
    assert _api_names(client, {"industry": "3"}) == ["宁晋电缆有限公司", "沙河玻璃有限公司"]
    assert _api_names(client, {"industry": "181"}) == ["宁晋服装有限公司"]
    # a county user asking for another county gets an empty, scoped list (not a 400 that would
    # differ from a county of their own without firms)
    county = _client(role="region_staff", scope_region_id="130528")
    assert _api_names(county, {"region": "130582"}) == []
    assert _api_names(county, {}) == ["宁晋服装有限公司", "宁晋电缆有限公司"]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("region", "999999"),
        ("industry", "C38"),
        ("industry", "38311"),
        ("division", "99"),
        ("park", "987654"),
        ("status", "gone"),
        ("above_scale", "maybe"),
        ("page", "x"),
    ],
)
def test_api_bad_filter_value_is_400_naming_it(city, param: str, value: str) -> None:  # type: ignore[no-untyped-def]
    response = _client(role="analyst").get("/api/enterprises/", {param: value})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == [param]
    assert param in body["message"]


def test_page_and_export_refuse_a_bad_filter_value(city) -> None:  # type: ignore[no-untyped-def]
    client = _client(role="region_staff", scope_region_id="130528")
    for url in (reverse("enterprises:list"), reverse("enterprises:export")):
        for params in ({"division": "99"}, {"status": "gone"}, {"region": "130582"}):
            response = client.get(url, params)
            assert response.status_code == 400, (url, params)
            html = response.content.decode()
            assert "查询条件有误" in html and f"参数 {next(iter(params))}" in html
            assert "沙河玻璃有限公司" not in html
