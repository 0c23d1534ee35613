"""``?year=`` on the tier and coverage pages: a number out of range is a 400 with a message (a
non-number falls back to the default year: test_evaluation_default_year)."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/evaluation/coverage/", "/evaluation/tiers/"])
def test_bad_year_is_400_not_500(client, city_analyst, page) -> None:  # type: ignore[no-untyped-def]
    client.force_login(city_analyst)
    for bad in ("0", "9999", "-1", "1999"):
        r = client.get(page, {"year": bad})
        assert r.status_code == 400, (page, bad)
        assert "年份应为" in r.content.decode()
    assert client.get(page, {"year": "2025"}).status_code == 200
    assert client.get(page).status_code == 200
