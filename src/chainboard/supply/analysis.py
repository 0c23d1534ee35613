"""Run the supply analytics on the engine for one home region: read, check, compute.

Everything numeric is a ``chainboard_analytics.supply`` function executed on the engine
connection (DuckDB by default); this module reads the transactions file, checks it (a located
:class:`~chainboard.core.errors.DomainError` naming file, column and reason), hands the registry
over through ``chainboard.bridge`` and collects the small result frames the service stores.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from chainboard.core.errors import DomainError
from chainboard_analytics.engine import collect, read_table
from chainboard_analytics.supply import (
    calc_firm_dependence,
    calc_firm_network,
    calc_node_concentration,
    calc_node_dependence,
    calc_risky_dependences,
    find_backup_suppliers,
    node_weights,
    prepare_transactions,
)
from chainboard_analytics.supply.schemas import TRANSACTIONS_REQUIRED

ID_COLUMNS = ("seller_uscc", "buyer_uscc", "category", "uscc", "region_code")
SUFFIXES = {".parquet", ".pq", ".csv"}
COLUMN_NAMES = {
    "seller_uscc": "销售方统一社会信用代码",
    "buyer_uscc": "采购方统一社会信用代码",
    "amount": "金额(万元)",
    "date": "开票日期",
}


class InputError(DomainError):
    """The transactions file cannot be analysed; the message names file, column and reason."""


def _engine_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [pa.ArrowException, OSError, RuntimeError]
    try:
        import duckdb

        errors.append(duckdb.Error)
    except ImportError:  # pragma: no cover - duckdb is a dependency
        pass
    return tuple(errors)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def open_transactions(con: Any, path: Path) -> ir.Table:
    """The transactions file as an engine table, or an :class:`InputError` naming the file."""
    if not path.exists():
        raise InputError(f"{path}：文件不存在", fields={"transactions": "not found"})
    if not path.is_dir() and path.suffix.lower() not in SUFFIXES:
        raise InputError(
            f"{path.name}：不支持的文件格式 {path.suffix or '（无扩展名）'}，"
            "请提供 Parquet（.parquet）或 CSV（.csv，UTF-8，首行为列名）",
            fields={"transactions": "format"},
        )
    try:
        return read_table(con, path, string_columns=ID_COLUMNS)
    except _engine_errors() as exc:
        raise InputError(
            f"{path.name}：无法读取文件（{_first_line(exc)}）",
            fields={"transactions": "unreadable"},
        ) from exc


def check_transactions(con: Any, tx: ir.Table, path: Path) -> int:
    """Required columns present, amounts and dates parse; returns the number of lines."""
    cols = set(tx.columns)
    amount = "amount" if "amount" in cols else "amount_wan_yuan"
    missing = [c for c in TRANSACTIONS_REQUIRED if (amount if c == "amount" else c) not in cols]
    if missing:
        names = "、".join(f"{c}（{COLUMN_NAMES.get(c, c)}）" for c in missing)
        raise InputError(
            f"{path.name}：缺少列 {names}；文件中的列为 {', '.join(tx.columns)}",
            fields={c: "missing" for c in missing},
        )
    checks: dict[str, ir.Value] = {"n": tx.count()}
    bad_amount = tx[amount].notnull() & tx[amount].try_cast("float64").isnull()
    checks["bad_amount"] = bad_amount.sum()
    checks["bad_amount_value"] = tx[amount].cast("string").min(where=bad_amount)
    if "date" in cols:
        bad_date = tx.date.notnull() & tx.date.try_cast("date").isnull()
        checks["bad_date"] = bad_date.sum()
        checks["bad_date_value"] = tx.date.cast("string").min(where=bad_date)
    try:
        row = con.execute(tx.aggregate(**checks)).iloc[0]
    except _engine_errors() as exc:
        raise InputError(
            f"{path.name}：无法读取文件（{_first_line(exc)}）",
            fields={"transactions": "unreadable"},
        ) from exc
    if int(row["bad_amount"] or 0):
        raise InputError(
            f"{path.name}：列 {amount}（金额，万元）有 {int(row['bad_amount'])} 行不是数字，"
            f"例如 {row['bad_amount_value']!r}",
            fields={amount: "not a number"},
        )
    if "date" in cols and int(row["bad_date"] or 0):
        raise InputError(
            f"{path.name}：列 date（开票日期）有 {int(row['bad_date'])} 行不是 YYYY-MM-DD 日期，"
            f"例如 {row['bad_date_value']!r}",
            fields={"date": "not a date"},
        )
    n = int(row["n"])
    if n == 0:
        raise InputError(f"{path.name}：文件没有交易记录", fields={"transactions": "empty"})
    return n


@dataclass
class SupplyFrames:
    """The collected results of one analysis (pandas, small)."""

    network: pd.DataFrame
    firm_dependence: pd.DataFrame
    node_dependence: pd.DataFrame
    chain_dependence: pd.DataFrame
    node_concentration: pd.DataFrame
    risky: pd.DataFrame
    backups: pd.DataFrame
    weights: pd.DataFrame


def compute(
    con: Any,
    tx: ir.Table,
    *,
    firms: ir.Table,
    firm_nodes: ir.Table,
    home_region: str,
    single_source_threshold: float,
    outside_province_threshold: float,
    top_k: int,
) -> SupplyFrames:
    """Every metric the page needs, on ``con``; the line pass runs once (cached pairs)."""
    lines = prepare_transactions(tx)
    # one pass over the lines: (seller, buyer, category) sums, cached on the backend; every metric
    # starts from it (the category is kept for the same-category backup match)
    by_cat = (
        lines.group_by(["seller_uscc", "buyer_uscc", "category"])
        .aggregate(amount=lines.amount.sum(), n_lines=lines.count())
        .cache()
    )
    net = calc_firm_network(by_cat, firms=firms).cache()
    thr = single_source_threshold
    kw: dict[str, Any] = {"home_region": home_region, "firms": firms}
    risky = calc_risky_dependences(
        net,
        single_source_threshold=thr,
        outside_province_threshold=outside_province_threshold,
        **kw,
    )
    try:
        return SupplyFrames(
            network=collect(con, net.order_by(["seller_uscc", "buyer_uscc"])),
            firm_dependence=collect(
                con, calc_firm_dependence(net, single_source_threshold=thr, **kw)
            ),
            node_dependence=collect(
                con, calc_node_dependence(net, firm_nodes, single_source_threshold=thr, **kw)
            ),
            chain_dependence=collect(
                con,
                calc_node_dependence(
                    net, firm_nodes, level="chain", single_source_threshold=thr, **kw
                ),
            ),
            node_concentration=collect(con, calc_node_concentration(net, firm_nodes, **kw)),
            risky=collect(con, risky),
            backups=collect(
                con,
                find_backup_suppliers(risky, firm_nodes, transactions=by_cat, top_k=top_k, **kw),
            ),
            weights=collect(con, node_weights(firm_nodes)),
        )
    except _engine_errors() as exc:
        raise InputError(
            f"交易数据无法计算（{_first_line(exc)}）", fields={"transactions": "engine"}
        ) from exc


def file_digest(path: Path) -> hashlib._Hash:
    """SHA-256 over the file's bytes (a directory: its files in name order)."""
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(f.name.encode())
        with f.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    return h


def inputs_hash(
    path: Path, frames: dict[str, pd.DataFrame | pa.Table], parameters: dict[str, Any]
) -> str:
    """SHA-256 of the transactions file, the registry extracts (order-free) and the parameters."""
    h = file_digest(path)
    for name, frame in sorted(frames.items()):
        df = frame.to_pandas() if isinstance(frame, pa.Table) else frame
        df = df.sort_values(list(df.columns)).reset_index(drop=True)
        h.update(name.encode())
        h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    h.update(json.dumps(parameters, sort_keys=True).encode())
    return h.hexdigest()


__all__ = [
    "InputError",
    "SupplyFrames",
    "check_transactions",
    "compute",
    "inputs_hash",
    "open_transactions",
]
