"""The engine's only I/O: files and in-memory frames in, result files out.

Readers return Ibis tables bound to the given connection, so expressions built on them run on
that backend. Writers take small, finished results (pandas/Arrow) and write Parquet, CSV and
xlsx. Analytics functions never call this module; the CLI and the Django bridge do.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

from chainboard_analytics.exports import Workbook, frame_columns, frame_rows
from chainboard_analytics.exports import write_csv as write_table_csv

_FRAME_COUNTER = 0


def _gen_name(prefix: str) -> str:
    global _FRAME_COUNTER
    _FRAME_COUNTER += 1
    return f"cb_{prefix}_{_FRAME_COUNTER}"


def register_frame(
    con: BaseBackend,
    data: pd.DataFrame | pa.Table,
    name: str | None = None,
    *,
    schema: ibis.Schema | Mapping[str, Any] | None = None,
) -> ibis.Table:
    """Make a pandas/Arrow frame a table on ``con`` (a temporary view; nothing is persisted).

    Parameters
    ----------
    con
        The engine connection.
    data
        The frame.
    name
        View name; generated when omitted.
    schema
        Optional Ibis schema to cast the frame to (e.g. ``schemas.TRANSACTIONS``); columns of
        the frame missing from the schema are kept, schema columns missing from the frame are
        ignored.
    """
    if schema is not None:
        schema = ibis.schema(schema)
        cols = data.columns if isinstance(data, pd.DataFrame) else data.column_names
        present = {k: v for k, v in schema.items() if k in cols}
        frame = ibis.memtable(data)
        mem = frame.cast(present) if present else frame
    else:
        mem = ibis.memtable(data)
    return con.create_view(name or _gen_name("frame"), mem, overwrite=True)


def read_table(
    con: BaseBackend,
    path: str | Path,
    *,
    name: str | None = None,
    string_columns: tuple[str, ...] = (),
) -> ibis.Table:
    """Read a Parquet file/directory or a CSV file into a table on ``con``.

    The format follows the suffix (``.parquet``/``.pq`` or a directory → Parquet, anything else
    → CSV with a header row). ``string_columns`` are read as text, never inferred (USCCs made
    only of digits must not become integers).

    Raises
    ------
    FileNotFoundError
        The path does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    table_name = name or _gen_name(path.stem.replace("-", "_").replace(".", "_"))
    is_parquet = path.is_dir() or path.suffix.lower() in {".parquet", ".pq"}
    if is_parquet:
        src = str(path / "*.parquet") if path.is_dir() and con.name == "duckdb" else str(path)
        return con.read_parquet(src, table_name=table_name)
    if con.name == "pyspark":
        # Read everything as text and cast in Ibis: no type inference pass over the file.
        t = con.read_csv(str(path), table_name=table_name, inferSchema=False, header=True)
        return t
    with path.open(encoding="utf-8-sig") as fh:
        header = {h.strip().strip('"') for h in fh.readline().rstrip("\r\n").split(",")}
    string_columns = tuple(c for c in string_columns if c in header)
    if con.name == "duckdb":
        return con.read_csv(
            str(path),
            table_name=table_name,
            types={c: "VARCHAR" for c in string_columns} or None,
        )
    # Other backends (PostgreSQL): load through Arrow.
    frame = pd.read_csv(path, dtype={c: str for c in string_columns})
    return register_frame(con, frame, table_name)


def cast_columns(table: ibis.Table, types: Mapping[str, str | dt.DataType]) -> ibis.Table:
    """Cast the listed columns that are present and differ in type (others untouched)."""
    casts = {
        col: dt.dtype(typ)
        for col, typ in types.items()
        if col in table.columns and table[col].type() != dt.dtype(typ)
    }
    return table.cast(casts) if casts else table


def collect(con: BaseBackend, expr: ibis.Table) -> pd.DataFrame:
    """Execute ``expr`` on ``con`` and return a pandas frame (index reset)."""
    return con.execute(expr).reset_index(drop=True)


def write_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a finished result frame to Parquet (pyarrow, zstd); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, compression="zstd")
    return path


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a finished result frame to UTF-8 CSV without index through the shared safe writer
    (:mod:`chainboard_analytics.exports`: text cells that look like formulas are neutralised,
    numbers keep full precision); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as out:
        write_table_csv(out, frame_columns(frame), frame_rows(frame))
    return path


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    max_rows: int = 100_000,
    headers: Mapping[str, str] | None = None,
) -> Path:
    """Write several frames as sheets of one xlsx workbook (the shared safe writer).

    Sheets are cut at ``max_rows`` rows (the full tables are in the Parquet files). ``headers``
    maps column names to display headers (e.g. Chinese labels).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with Workbook(path, constant_memory=True) as book:
        for sheet, frame in sheets.items():
            out = frame.head(max_rows)
            if headers:
                out = out.rename(columns={c: headers.get(c, c) for c in out.columns})
            book.sheet(sheet[:31], frame_columns(out)).rows(frame_rows(out))
    return path
