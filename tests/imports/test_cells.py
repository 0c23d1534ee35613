from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainboard.imports.cells import (
    CellError,
    canon,
    parse_bool,
    parse_code,
    parse_date,
    parse_decimal,
    parse_int,
    parse_year,
)


def test_full_width_title_equals_half_width() -> None:
    assert canon("营业收入（万元）") == canon(" 营业收入(万元) ") == "营业收入(万元)"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.5", Decimal("1234.5")),
        ("１２３４", Decimal(1234)),
        (" 12 345 ", Decimal(12345)),
        (12.5, Decimal("12.5")),
        (7, Decimal(7)),
        ("", None),
        ("—", None),
        (None, None),
        ("1，000", Decimal(1000)),
    ],
)
def test_parse_decimal_tolerates_real_files(raw: object, expected: Decimal | None) -> None:
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("-3", "不能为负数"), ("abc", "应为数字"), (-0.5, "不能为负数"), ("nan", "有限")],
)
def test_parse_decimal_rejects(raw: object, reason: str) -> None:
    with pytest.raises(CellError, match=reason):
        parse_decimal(raw)


@given(st.decimals(min_value=0, max_value=10**11, places=2, allow_nan=False))
def test_thousands_separated_text_round_trips(value: Decimal) -> None:
    assert parse_decimal(f"{value:,}") == value


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (43466, dt.date(2019, 1, 1)),
        (43466.0, dt.date(2019, 1, 1)),
        ("43466", dt.date(2019, 1, 1)),
        ("2019/3/1", dt.date(2019, 3, 1)),
        ("2019年3月1日", dt.date(2019, 3, 1)),
        ("2019-03-01", dt.date(2019, 3, 1)),
        ("20190301", dt.date(2019, 3, 1)),
        (dt.datetime(2019, 3, 1, 8, 0), dt.date(2019, 3, 1)),
        ("", None),
    ],
)
def test_parse_date_forms(raw: object, expected: dt.date | None) -> None:
    assert parse_date(raw) == expected


def test_parse_date_rejects_impossible_date() -> None:
    with pytest.raises(CellError, match="应为日期"):
        parse_date("2019-13-01")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        (1, True),
        (0.0, False),
        ("TRUE", True),
        ("", None),
    ],
)
def test_parse_bool(raw: object, expected: bool | None) -> None:
    assert parse_bool(raw) is expected


def test_parse_bool_rejects_other_words() -> None:
    with pytest.raises(CellError, match="是"):
        parse_bool("maybe")


def test_codes_from_numeric_cells_lose_the_float_tail() -> None:
    assert parse_code(130528.0) == "130528"
    assert parse_code(" １３０５２８ ") == "130528"


def test_int_and_year() -> None:
    assert parse_int("1,200") == 1200
    with pytest.raises(CellError, match="整数"):
        parse_int("12.5")
    with pytest.raises(CellError, match="1949"):
        parse_year(1800)
