"""The strategy page per region: real numbers, scope, caching."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def chart(html: str, chart_id: str) -> dict:  # type: ignore[type-arg]
    match = re.search(
        rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, chart_id
    return json.loads(match.group(1))


def login(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def hand_lq(frame, region: str, industry: str, year: int) -> float:  # type: ignore[no-untyped-def]
    f = frame[frame["year"] == year]
    e_ri = f[(f.region == region) & (f.industry == industry)]["value"].sum()
    e_r = f[f.region == region]["value"].sum()
    e_i = f[f.industry == industry]["value"].sum()
    return float((e_ri / e_r) / (e_i / f["value"].sum()))


def test_page_shows_the_numbers_of_the_county(admin_user, panel) -> None:  # type: ignore[no-untyped-def]
    html = login(admin_user).get(reverse("strategy:region", args=["130528"])).content.decode()
    assert "宁晋县" in html and "示例数据" in html
    # the cable cluster of 宁晋县 leads its specialisation table, LQ as computed by hand
    lq = hand_lq(panel, "130528", "3831", 2023)
    first_row = re.search(r'<table id="lq-table">.*?<tbody>\s*<tr><td>(.*?)</td>', html, re.S)
    assert first_row and first_row.group(1).startswith("3831")
    assert f"<strong>{lq:,.2f}</strong>" in html
    lq_chart = chart(html, "chart-lq")
    assert lq_chart["series"][0]["data"][-1]["value"] == pytest.approx(lq, abs=1e-3)
    # shift-share: components add up to the change, and the chart has the three components
    shift = chart(html, "chart-shift")
    assert [s["name"][-2:] for s in shift["series"][:3]] == ["NS", "IM", "RS"]
    ns, im, rs, change = (s["data"][0] for s in shift["series"])
    assert ns + im + rs == pytest.approx(change, abs=0.02)
    # product space: one node per industry, coloured by presence; opportunities and IO table
    space = chart(html, "chart-space")["series"][0]
    assert len(space["data"]) == panel["industry"].nunique()
    present = {n["id"] for n in space["data"] if n["category"] == 0}
    assert "3831" in present
    opportunities = re.findall(r"<tr><td>(\d+)</td><td>(\d{4}) ", html)
    assert len(opportunities) == 15 and not {code for _, code in opportunities} & present
    assert html.count('class="cls-') == 15 and "关键部门" in html
    assert "LQ = (e_ri / e_r) / (E_i / E)" in html  # formulas are on the page


def test_scope_county_user_sees_only_their_county(ningjin_user, panel) -> None:  # type: ignore[no-untyped-def]
    c = login(ningjin_user)
    assert c.get(reverse("strategy:region", args=["130528"])).status_code == 200
    assert c.get(reverse("strategy:region", args=["130582"])).status_code == 404
    assert c.get(reverse("strategy:region", args=["130102"])).status_code == 404
    assert c.get(reverse("strategy:index")).url == reverse("strategy:region", args=["130528"])


def test_scope_city_analyst_lists_the_city_counties(city_analyst, panel) -> None:  # type: ignore[no-untyped-def]
    c = login(city_analyst)
    html = c.get(reverse("strategy:index")).content.decode()
    assert "宁晋县" in html and "沙河市" in html and "长安区" not in html
    assert c.get(reverse("strategy:region", args=["130582"])).status_code == 200
    assert c.get(reverse("strategy:region", args=["130102"])).status_code == 404


def test_anonymous_is_sent_to_login(client, panel) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("strategy:region", args=["130528"]))
    assert response.status_code == 302 and "login" in response.url


def test_page_is_cached_per_data_version(admin_user, panel, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    from chainboard.strategy.models import PanelValue
    from chainboard.strategy.services import panel_bulk_write

    c = login(admin_user)
    url = reverse("strategy:region", args=["130528"])
    c.get(url)
    # session, user, region, panel choices, panel version, demo flag, and the session save of
    # the idle timeout (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release), the header's
    # unread-notification count; no analysis
    with django_assert_max_num_queries(10):
        html = c.get(url).content.decode()
    before = re.search(r'id="kpi-total">(.*?)<', html).group(1)  # type: ignore[union-attr]
    cell = PanelValue.objects.get(region_id="130528", industry_id="3831", year=2023)
    cell.value *= 2
    panel_bulk_write(creates=[], updates=[cell], actor=admin_user, reason="test")
    after = re.search(r'id="kpi-total">(.*?)<', c.get(url).content.decode()).group(1)  # type: ignore[union-attr]
    assert after != before


def test_year_and_measure_choice(admin_user, panel) -> None:  # type: ignore[no-untyped-def]
    html = (
        login(admin_user)
        .get(reverse("strategy:region", args=["130528"]) + "?year=2021")
        .content.decode()
    )
    assert '<option value="2021" selected>' in html
    # with a single year there is no shift-share, but the rest renders
    assert 'id="chart-shift"' not in html and 'id="chart-lq"' in html


def test_region_without_data_says_so(admin_user, db) -> None:  # type: ignore[no-untyped-def]
    html = login(admin_user).get(reverse("strategy:region", args=["130528"])).content.decode()
    assert "没有区县×行业面板数据" in html
