"""The shared helpers in core (and Region.lineage_codes): one implementation each, used by every app."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from chainboard.core.charts import pct, yi
from chainboard.core.formatting import format_pct, format_wan_yuan
from chainboard.core.history import set_history
from chainboard.core.versioning import (
    bump_data_version,
    bump_registry_version,
    cached_for_version,
    data_version,
    registry_version,
)


@pytest.mark.parametrize(
    ("value", "kw", "shown"),
    [
        (0.1234, {}, "12.3%"),
        (Decimal("0.5"), {"digits": 0}, "50%"),
        (0.05, {"signed": True}, "+5.0%"),
        (-0.021, {"signed": True}, "-2.1%"),
        (0, {}, "0.0%"),
        (None, {}, "—"),
        ("", {}, "—"),  # a missing template variable
    ],
)
def test_format_pct(value, kw, shown):  # type: ignore[no-untyped-def]
    assert format_pct(value, **kw) == shown


def test_format_pct_refuses_text() -> None:
    with pytest.raises(ValueError):
        format_pct("abc")


def test_template_filters_use_the_shared_formatting() -> None:
    out = Template(
        "{% load chainboard %}{{ a|pct }} {{ a|pct:0 }} {{ b|signed_pct }} {{ c|pct }} {{ m|wan_yuan }}"
    ).render(Context({"a": 0.256, "b": -0.03, "c": None, "m": Decimal("123456")}))
    assert out == "25.6% 26% -3.0% — 12.35 亿元"
    assert format_wan_yuan(Decimal("123456")) == "12.35 亿元"


def test_chart_values() -> None:
    assert yi(Decimal("123456")) == 12.35 and yi(None) == 0.0
    assert pct(0.12345) == 12.3 and pct(Decimal("1")) == 100.0


def test_set_history_marks_the_next_save() -> None:
    class Row:
        pass

    row = Row()
    assert set_history(row, "user", "导入批次#3") is row
    assert (row._history_user, row._change_reason) == ("user", "导入批次#3")  # type: ignore[attr-defined]
    set_history(row, None)
    assert (row._history_user, row._change_reason) == (None, "")  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_data_versions_are_separate_and_key_the_cache() -> None:
    assert data_version("other") == "0" and registry_version() == "0"
    bump_data_version("other")
    bump_data_version("other")
    assert data_version("other") == "2" and registry_version() == "0"
    bump_registry_version()
    assert registry_version() == "1" == data_version()
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cached_for_version("k", compute, version_key="other") == 1
    assert cached_for_version("k", compute, version_key="other") == 1  # cached
    bump_data_version("other")
    assert cached_for_version("k", compute, version_key="other") == 2  # recomputed


def test_lineage_codes(xingtai) -> None:  # type: ignore[no-untyped-def]
    ningjin = xingtai["130528"]
    assert ningjin.lineage_codes() == ["130000", "130500", "130528"]
    assert [r.code for r in ningjin.ancestors()] == ["130000", "130500"]


@pytest.mark.django_db  # the context processors read the site settings
def test_pager_partial_keeps_the_filters_and_links_both_ways() -> None:
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/enterprises/", {"q": "钢", "page": "2"})
    page = Paginator(list(range(25)), 10).get_page(2)
    html = render_to_string("includes/pager.html", {"page": page}, request=request)
    assert '<span class="current" aria-current="page">2</span>' in html and "共 3 页" in html
    assert 'href="?q=%E9%92%A2&amp;page=3">3</a>' in html  # the page numbers link too
    assert 'href="?q=%E9%92%A2&amp;page=1">‹ 上一页' in html
    assert 'href="?q=%E9%92%A2&amp;page=3">下一页 ›' in html
    first = Paginator(list(range(25)), 10).get_page(1)
    html = render_to_string("includes/pager.html", {"page": first}, request=request)
    assert "上一页" not in html and "page=2" in html
