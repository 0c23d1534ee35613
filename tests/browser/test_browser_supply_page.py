"""The supply-risk page of a chain in a real chromium: figures, the ECharts chart (CJK labels), the
HTMX shock simulation, and a county user's masked view. Screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from tests.factories import UserFactory
from tests.supply.conftest import build_net, store

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STILL = """document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) return;
  var init = echarts.init;
  echarts.init = function () {
    var c = init.apply(this, arguments), set = c.setOption;
    c.setOption = function (o) { return set.call(this, Object.assign({}, o, {animation: false})); };
    return c;
  };
});"""


@pytest.fixture
def net(xingtai, tmp_path):  # type: ignore[no-untyped-def]
    return build_net(xingtai, tmp_path)


@pytest.fixture
def stored(net):  # type: ignore[no-untyped-def]
    return store(net)


def _login(page: Any, url: str, username: str) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.add_init_script(STILL)
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    return errors


def test_supply_page_chart_and_shock(live_server, page, screenshot, net, stored):  # type: ignore[no-untyped-def]
    UserFactory(username="boss", role="admin", is_superuser=True)
    errors = _login(page, live_server.url, "boss")
    page.goto(f"{live_server.url}/chains/{net.chain.pk}/")
    page.click("nav.chain-tabs >> text=供应链风险")
    page.wait_for_url(f"{live_server.url}/chains/{net.chain.pk}/supply/")
    assert page.inner_text("#kpi-purchases") == "250.00 万元"
    assert page.inner_text("#kpi-local") == "64.0%"
    assert page.inner_text("#kpi-risky") == "2"
    page.wait_for_selector("#supply-chart canvas")
    option = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('supply-chart')).getOption()"
    )
    assert option["xAxis"][0]["data"] == ["铜杆", "电缆"]
    page.fill("#shock-form textarea[name=suppliers]", net.uscc["E"])
    page.click("#shock-form button[type=submit]")
    page.wait_for_selector("#shock-summary")
    assert "1,850.00 万元" in page.inner_text("#shock-summary")
    assert "宁晋测试电缆有限公司" in page.inner_text("#shock-firms")
    path = screenshot("supply-page-admin")
    assert path.stat().st_size > 50_000
    assert errors == []


def test_supply_page_county_view(live_server, page, screenshot, net, stored):  # type: ignore[no-untyped-def]
    from chainboard.geo.models import Region

    UserFactory(username="nj", role="region_staff", scope_region=Region.objects.get(pk="130528"))
    errors = _login(page, live_server.url, "nj")
    page.goto(f"{live_server.url}/chains/{net.chain.pk}/supply/")
    body = page.inner_text("#dependences")
    assert "宁晋测试电缆有限公司" in body and "沙河测试电缆有限公司" not in body
    assert "沙河市企业" in body
    screenshot("supply-page-county")
    assert errors == []
