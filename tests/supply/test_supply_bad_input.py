"""Bad input: a located message (file, column, reason) and nothing written."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from chainboard.core.errors import DomainError
from chainboard.supply.models import SupplyFirm, SupplyRun
from chainboard.supply.services import run_supply_analysis
from tests.supply.conftest import write_csv

pytestmark = pytest.mark.django_db


def _fails(path, match, region="130500", **kw):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match=match) as info:
        run_supply_analysis(actor=None, region=region, transactions_path=path, **kw)
    assert not SupplyRun.objects.exists() and not SupplyFirm.objects.exists()
    return info.value


def test_missing_column_names_file_and_column(net, tmp_path):  # type: ignore[no-untyped-def]
    path = write_csv(
        tmp_path / "no_amount.csv",
        [(net.uscc["C"], net.uscc["A"], "5")],
        "seller_uscc,buyer_uscc,qty",
    )
    err = _fails(
        path,
        r"no_amount\.csv：缺少列 amount（金额\(万元\)）；文件中的列为 seller_uscc, buyer_uscc, qty",
    )
    assert err.fields == {"amount": "missing"}


def test_amount_that_is_not_a_number(net, tmp_path):  # type: ignore[no-untyped-def]
    rows = [(net.uscc["C"], net.uscc["A"], "12.5"), (net.uscc["D"], net.uscc["B"], "十二")]
    path = write_csv(tmp_path / "bad.csv", rows, "seller_uscc,buyer_uscc,amount")
    err = _fails(path, r"bad\.csv：列 amount（金额，万元）有 1 行不是数字，例如 '十二'")
    assert err.fields == {"amount": "not a number"}
    ragged = [(net.uscc["C"], net.uscc["A"], "1", "2", "3")]
    path = write_csv(tmp_path / "ragged.csv", ragged, "seller_uscc,buyer_uscc,amount")
    _fails(path, r"ragged\.csv：无法读取文件")


def test_date_that_is_not_a_date(net, tmp_path):  # type: ignore[no-untyped-def]
    rows = [(net.uscc["C"], net.uscc["A"], "2025-13-01", "5")]
    path = write_csv(tmp_path / "d.csv", rows, "seller_uscc,buyer_uscc,date,amount")
    _fails(path, r"d\.csv：列 date（开票日期）有 1 行不是 YYYY-MM-DD 日期，例如 '2025-13-01'")


def test_unknown_or_invalid_region(net):  # type: ignore[no-untyped-def]
    _fails(net.path, "未知的行政区划代码 139999", region="139999")
    _fails(net.path, "行政区划代码 '13050' 无效", region="13050")


def test_region_without_chains(net):  # type: ignore[no-untyped-def]
    _fails(net.path, r"沙河市（130582）还没有产业链", region="130582")


def test_missing_malformed_empty_and_unsupported_files(net, tmp_path):  # type: ignore[no-untyped-def]
    _fails(tmp_path / "nope.parquet", "nope.parquet：文件不存在")
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not parquet")
    _fails(broken, r"broken\.parquet：无法读取文件")
    empty = write_csv(tmp_path / "empty.csv", [], "seller_uscc,buyer_uscc,amount")
    _fails(empty, r"empty\.csv：文件没有交易记录")
    xlsx = tmp_path / "tx.xlsx"
    xlsx.write_bytes(b"PK\x03\x04")
    _fails(xlsx, r"tx\.xlsx：不支持的文件格式 \.xlsx")


def test_bad_parameters(net):  # type: ignore[no-untyped-def]
    _fails(net.path, "单一来源阈值 0 无效", single_source_threshold=0)
    _fails(net.path, "备份货源数量至少为 1", top_k=0)


def test_command_reports_the_error(net, tmp_path):  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "x.csv", [("a", "b")], "seller_uscc,buyer_uscc")
    with pytest.raises(CommandError, match=r"x\.csv：缺少列 amount"):
        call_command("supplyrisk", "run", "--transactions", str(path), "--region", "130500")
    with pytest.raises(CommandError, match="未知用户 nobody"):
        call_command(
            "supplyrisk",
            "run",
            "--transactions",
            str(net.path),
            "--region",
            "130500",
            "--user",
            "nobody",
        )
    assert not SupplyRun.objects.exists()
