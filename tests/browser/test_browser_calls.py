"""揭榜挂帅 in a real chromium: the officer drafts a call from a list item and publishes it, a firm
user applies from the call's page, the officer closes 揭榜, records two expert reviews (one
abstains for a conflict of interest), awards, adds a paid milestone, a mid-term check and
accepts against the indicators; the list item shows 已突破."""

from __future__ import annotations

from typing import Any

import pytest
from tests.browser.helpers import js_errors, login, table_rows
from tests.factories import EnterpriseFactory, UserFactory
from tests.supply.factories import ChainFactory, ChainNodeFactory

from chainboard.chiefs import services
from chainboard.chiefs.models import Application, Call
from chainboard.geo.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_call_from_publication_to_acceptance(live_server: Any, page: Any, screenshot: Any) -> None:
    city, ningjin = Region.objects.get(pk="130500"), Region.objects.get(pk="130528")
    analyst = UserFactory(username="analyst", role="analyst", scope_region=city)
    firm = EnterpriseFactory(region=ningjin, name="宁晋揭榜电缆有限公司")
    UserFactory(username="qiye", role="enterprise", scope_enterprise=firm)
    chain = ChainFactory(region=city, code="cable", name="电线电缆产业链")
    node = ChainNodeFactory(chain=chain, name="绝缘与护套材料", stage="upstream")
    item = services.chokepoint_save(
        chain=chain,
        actor=analyst,
        data={"technology": "500kV绝缘料", "reason": "import", "target": "国产化"},
        nodes=[node],
    )
    errors = js_errors(page)
    url = live_server.url

    # --- the officer drafts the call from the list item and publishes it
    login(page, url, "analyst")
    page.goto(f"{url}/chains/{chain.pk}/chokepoints/{item.pk}/")
    form = "#call-form"
    page.fill(f"{form} [name=title]", "500kV绝缘料揭榜挂帅")
    page.fill(f"{form} [name=indicators]", "击穿场强≥40kV/mm\n杂质≤10个/kg")
    page.fill(f"{form} [name=budget_wan_yuan]", "800")
    page.fill(f"{form} [name=period_months]", "24")
    page.click(f"{form} button")
    assert page.inner_text("#call-stage") == "草稿"
    page.click("#btn-publish")
    assert page.inner_text("#call-stage") == "已发布（揭榜中）"
    call = Call.objects.get()
    page.context.clear_cookies()

    # --- the firm applies from its pages (揭榜挂帅 in the menu → the call)
    login(page, url, "qiye")
    page.click("nav >> text=揭榜挂帅")
    page.click("#call-table >> text=500kV绝缘料揭榜挂帅")
    assert "以 宁晋揭榜电缆有限公司 名义揭榜" in page.inner_text("#apply-form")
    page.fill("#apply-form [name=team_lead]", "张工")
    page.fill("#apply-form [name=team]", "张工、李工")
    page.fill("#apply-form [name=plan]", "超净生产线改造")
    page.fill("#apply-form [name=budget_wan_yuan]", "-5")
    page.click("#btn-apply")
    assert "申请经费不能为负数" in page.content()  # the 400 page, nothing written
    assert not Application.objects.exists()
    page.go_back()
    page.fill("#apply-form [name=budget_wan_yuan]", "700")
    page.click("#btn-apply")
    assert table_rows(page, "#application-table")[0][:2] == ["宁晋揭榜电缆有限公司", "企业"]
    assert page.locator("#review-form").count() == 0  # a firm user never reviews
    page.context.clear_cookies()

    # --- the officer: close, review (one expert abstains), award, milestone, mid-term, accept
    login(page, url, "analyst")
    page.goto(f"{url}/chains/calls/{call.pk}/")
    page.click("#btn-close")
    assert page.inner_text("#call-stage") == "专家评审"
    page.fill("#review-form [name=expert]", "专家甲")
    page.fill("#review-form [name=score]", "88")
    page.click("#btn-review")
    page.fill("#review-form [name=expert]", "专家乙")
    page.check("#review-form [name=conflict]")
    page.fill("#review-form [name=conflict_note]", "曾任该企业顾问")
    page.click("#btn-review")
    assert "回避（曾任该企业顾问）" in page.inner_text("#application-table")
    page.click("#btn-award")
    assert page.inner_text("#call-stage") == "已挂帅（实施中）"
    assert "挂帅 张工" in page.inner_text("#call-winner")
    page.fill("#milestone-form [name=title]", "中试线建成")
    page.fill("#milestone-form [name=due_on]", "2026-06-30")
    page.fill("#milestone-form [name=payment_wan_yuan]", "300")
    page.click("#btn-milestone")
    page.click("#milestone-table >> text=确认完成并拨付")
    page.fill("#midterm-form [name=checked_on]", "2026-07-01")
    page.click("#btn-midterm")
    page.check("#accept-form [name=ind0][value='1']")
    page.check("#accept-form [name=ind1][value='1']")
    page.fill("#accept-form [name=note]", "两项指标均达成")
    page.click("#btn-accept")
    assert page.inner_text("#call-stage") == "已验收"
    assert page.inner_text("#item-status") == "已突破"
    screenshot("chiefs-call-accepted")
    page.goto(f"{url}/chains/{chain.pk}/chokepoints/{item.pk}/")
    assert "验收通过" in page.inner_text("#item-result")
    assert not errors
