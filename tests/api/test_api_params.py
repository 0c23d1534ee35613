"""Malformed API parameters: 400 with a Chinese message naming the field; filters that work."""

from __future__ import annotations

import pytest

from tests.factories import EnterpriseFactory


@pytest.mark.django_db
def test_malformed_parameter_is_400_in_chinese(client, admin_user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin_user)
    r = client.get("/api/enterprises/", {"page_size": "abc"})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid"
    assert body["message"].startswith("请求参数格式不正确")
    assert body["fields"] == {"page_size": "格式不正确"}
    assert client.get("/api/evaluation/tiers", {"year": "0"}).status_code == 400


@pytest.mark.django_db
def test_enterprise_industry_filter_by_code_prefix(client, admin_user) -> None:  # type: ignore[no-untyped-def]
    """``?industry=`` filtered on the foreign key with ``startswith`` (a 500 for every value)."""
    cable = EnterpriseFactory(industry_id="3831")
    EnterpriseFactory(industry_id="1713")
    client.force_login(admin_user)
    for prefix in ("38", "383", "3831"):
        r = client.get("/api/enterprises/", {"industry": prefix})
        assert r.status_code == 200
        assert [row["uscc"] for row in r.json()["items"]] == [cable.uscc]
