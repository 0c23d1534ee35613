"""The HTML error mapper: an object outside the user's scope is 404 (to read and to write: its
existence is not revealed); a change the user may not make to what they see is 403; both pages are
Chinese and keep the site's layout. The API maps the same errors the same way (``api.py``)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from tests.factories import EnterpriseFactory, ProjectFactory, UserFactory

from chainboard.core.errors import DomainError, NotFound, OutOfScope
from chainboard.core.middleware import DomainErrorMiddleware
from chainboard.projects.models import Project

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two(ningjin, shahe):  # type: ignore[no-untyped-def]
    ours = EnterpriseFactory(region=ningjin, name="宁晋本县电缆有限公司")
    theirs = EnterpriseFactory(region=shahe, name="沙河外县玻璃有限公司", industry_id="3041")
    return {
        "ours": ours,
        "theirs": theirs,
        "nj": ProjectFactory(code="NJ-7", region=ningjin, investor=ours),
        "sh": ProjectFactory(code="SH-7", region=shahe, investor=theirs),
    }


def test_other_county_enterprise_is_404_in_chinese(two, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    c = login(ningjin_user)
    page = c.get(reverse("enterprises:detail", args=[two["theirs"].uscc]))
    assert page.status_code == 404
    text = page.content.decode()
    assert "页面不存在" in text and "企业名录" in text  # the error page keeps the navigation
    assert two["theirs"].name not in text


def test_other_county_project_is_404_to_read_and_to_write(two, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    c = login(ningjin_user)
    assert c.get(reverse("projects:detail", args=["SH-7"])).status_code == 404
    assert c.get(reverse("projects:edit", args=["SH-7"])).status_code == 404
    for name in ("archive", "delete"):
        assert c.post(reverse(f"projects:{name}", args=["SH-7"])).status_code == 404, name
    update = {"week": "2025-03-03", "done_this_week": "x", "investment_period_wan_yuan": "1"}
    assert c.post(reverse("projects:update", args=["SH-7"]), update).status_code == 404
    sh = Project.objects.get(code="SH-7")
    assert not sh.archived and not sh.updates.exists()


def test_visible_project_write_without_the_right_is_403(two) -> None:  # type: ignore[no-untyped-def]
    """The investor's own user sees the project and files updates, but may not archive it."""
    firm_user = UserFactory(username="qiye7", role="enterprise", scope_enterprise=two["ours"])
    c = login(firm_user)
    detail = c.get(reverse("projects:detail", args=["NJ-7"])).content.decode()
    assert 'id="file-update"' in detail
    assert reverse("projects:edit", args=["NJ-7"]) not in detail  # no edit link for it
    assert reverse("projects:archive", args=["NJ-7"]) not in detail
    refused = c.post(reverse("projects:archive", args=["NJ-7"]))
    assert refused.status_code == 403
    assert "无权操作" in refused.content.decode()
    assert not Project.objects.get(code="NJ-7").archived
    assert c.post(reverse("projects:delete", args=["NJ-7"])).status_code == 403
    assert Project.objects.filter(code="NJ-7").exists()


def test_county_user_cannot_compute_the_city_ranking(two, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    c = login(ningjin_user)
    page = c.get(reverse("projects:ranking")).content.decode()
    assert 'id="compute"' not in page
    assert c.post(reverse("projects:ranking"), {"month": "2025-03"}).status_code == 403


def test_county_project_page_offers_edit_to_its_county(two, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    detail = login(ningjin_user).get(reverse("projects:detail", args=["NJ-7"])).content.decode()
    assert reverse("projects:edit", args=["NJ-7"]) in detail
    assert reverse("projects:archive", args=["NJ-7"]) in detail


@pytest.mark.parametrize(
    ("error", "status", "title"),
    [
        (NotFound("批次不存在"), 404, "页面不存在"),
        (OutOfScope("不在您的管辖范围"), 403, "无权操作"),
        (DomainError("年份无效"), 400, "请求无效"),
    ],
)
def test_middleware_maps_domain_errors(error, status, title, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/x/")
    request.user = ningjin_user
    middleware = DomainErrorMiddleware(lambda r: HttpResponse())
    response = middleware.process_exception(request, error)
    assert response is not None and response.status_code == status
    text = response.content.decode()
    assert title in text and error.message in text


def test_middleware_leaves_other_errors_alone(ningjin_user) -> None:  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/x/")
    request.user = ningjin_user
    middleware = DomainErrorMiddleware(lambda r: HttpResponse())
    assert middleware.process_exception(request, ValueError("bug")) is None


def test_enterprise_user_import_of_the_registry_is_403(two) -> None:  # type: ignore[no-untyped-def]
    firm_user = UserFactory(username="qiye8", role="enterprise", scope_enterprise=two["ours"])
    c = login(firm_user)
    assert reverse("imports:upload") not in c.get(reverse("projects:list")).content.decode()
    with open(__file__, "rb") as fh:
        page = c.post(reverse("imports:upload"), {"kind": "enterprises", "file": fh})
    assert page.status_code == 403
    assert "企业用户只能填报本企业的年度指标" in page.content.decode()
