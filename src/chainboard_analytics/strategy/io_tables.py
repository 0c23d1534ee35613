"""Reading an input-output table 投入产出表 from the documented CSV/xlsx layout.

Layout (one sheet or one CSV, UTF-8, first row = header; see docs/analytics/strategy.md)::

    sector,sector_name,01,02,...,NN,fd_consumption,fd_investment,fd_export,...,total_output
    01,农业,150,500,...,...
    ...
    va_compensation,劳动者报酬,...            (optional value-added rows)

- ``sector``: the sector code of the row (the same codes, in the same order, head the
  intermediate-use columns); ``sector_name`` is optional.
- intermediate columns: flows ``z_ij`` from row sector i to column sector j (万元, >= 0).
- final-demand columns: every header starting with ``fd_`` (may be negative, e.g. ``fd_import``).
- ``total_output`` (optional): gross output ``x``; if absent ``x = rowsum(Z) + rowsum(FD)``.
  If present it must match that sum within 0.1 % (else a located error; put the statistical
  discrepancy in an ``fd_other`` column).
- rows whose ``sector`` starts with ``va_`` are value-added rows (intermediate columns only).

All problems are collected as located errors (``row N column X value V: reason``) and the table
is returned only if there are none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from chainboard_analytics.strategy.long_table import LocatedError, TableValidationError

__all__ = ["IOTable", "parse_io_table", "read_io_table"]

_TOLERANCE = 1e-3


@dataclass
class IOTable:
    """A validated input-output table (all money in the file's unit, e.g. 万元)."""

    z: pd.DataFrame
    final_demand: pd.DataFrame
    x: pd.Series
    value_added: pd.DataFrame
    names: pd.Series


def _number(text: object) -> float:
    s = str(text).replace(",", "").strip()
    if s == "":
        return 0.0
    v = float(s)
    if not math.isfinite(v):
        raise ValueError
    return v


def parse_io_table(raw: pd.DataFrame, *, source: str | None = None) -> IOTable:
    """Validate a table already read as text cells (header row = column labels).

    Raises
    ------
    TableValidationError
        Every located error at once.
    """
    errors: list[LocatedError] = []
    cols = [str(c).strip() for c in raw.columns]
    raw = raw.copy()
    raw.columns = cols
    if not cols or cols[0] != "sector":
        raise TableValidationError(
            [LocatedError(1, cols[0] if cols else "", None, "first column must be 'sector'")],
            source,
        )
    codes_col = raw["sector"].astype(str).str.strip()
    is_va = codes_col.str.startswith("va_")
    sector_rows = raw[~is_va]
    va_rows = raw[is_va]
    codes = sector_rows["sector"].astype(str).str.strip().tolist()
    fd_cols = [c for c in cols if c.startswith("fd_")]
    other = {"sector", "sector_name", "total_output", *fd_cols}
    inter_cols = [c for c in cols if c not in other]
    if len(set(codes)) != len(codes):
        for pos in sector_rows.index[pd.Series(codes).duplicated().to_numpy()]:
            errors.append(
                LocatedError(int(pos) + 2, "sector", raw.at[pos, "sector"], "duplicate code")
            )
    if inter_cols != codes:
        missing = [c for c in codes if c not in inter_cols]
        extra = [c for c in inter_cols if c not in codes]
        reason = "intermediate-use columns must be the row sector codes in the same order"
        if missing or extra:
            reason += f" (missing columns {missing[:10]}, unknown columns {extra[:10]})"
        errors.append(LocatedError(1, "header", ",".join(inter_cols[:10]), reason))
    if not fd_cols:
        errors.append(LocatedError(1, "fd_*", None, "at least one final-demand column fd_..."))
    if not codes:
        errors.append(LocatedError(2, "sector", None, "no sector rows"))
    if errors:
        raise TableValidationError(errors, source)

    n = len(codes)
    z = np.zeros((n, n))
    fd = np.zeros((n, len(fd_cols)))
    x_given = np.full(n, np.nan)
    for k, (pos, row) in enumerate(sector_rows.iterrows()):
        rown = int(pos) + 2
        for j, c in enumerate(inter_cols):
            try:
                v = _number(row[c])
            except ValueError:
                errors.append(LocatedError(rown, c, row[c], "must be a number"))
                continue
            if v < 0:
                errors.append(LocatedError(rown, c, row[c], "intermediate flow must be >= 0"))
            z[k, j] = v
        for j, c in enumerate(fd_cols):
            try:
                fd[k, j] = _number(row[c])
            except ValueError:
                errors.append(LocatedError(rown, c, row[c], "must be a number"))
        if "total_output" in cols:
            try:
                x_given[k] = _number(row["total_output"])
            except ValueError:
                errors.append(
                    LocatedError(rown, "total_output", row["total_output"], "not a number")
                )
                continue
            if x_given[k] < 0:
                errors.append(
                    LocatedError(rown, "total_output", row["total_output"], "must be >= 0")
                )
    va = np.zeros((len(va_rows), n))
    for k, (pos, row) in enumerate(va_rows.iterrows()):
        for j, c in enumerate(inter_cols):
            try:
                va[k, j] = _number(row[c])
            except ValueError:
                errors.append(LocatedError(int(pos) + 2, c, row[c], "must be a number"))
    x_sum = z.sum(axis=1) + fd.sum(axis=1)
    if "total_output" in cols and not errors:
        for k, (pos, _) in enumerate(sector_rows.iterrows()):
            scale = max(abs(x_given[k]), abs(x_sum[k]), 1.0)
            if abs(x_given[k] - x_sum[k]) > _TOLERANCE * scale:
                errors.append(
                    LocatedError(
                        int(pos) + 2,
                        "total_output",
                        raw.at[pos, "total_output"],
                        f"differs from intermediate + final demand = {x_sum[k]:.6g}",
                    )
                )
    if errors:
        raise TableValidationError(errors, source)
    x = x_given if "total_output" in cols else x_sum
    idx = pd.Index(codes, name="sector")
    names = (
        sector_rows["sector_name"].astype(str).set_axis(idx)
        if "sector_name" in cols
        else pd.Series(codes, index=idx)
    )
    return IOTable(
        z=pd.DataFrame(z, index=idx, columns=idx),
        final_demand=pd.DataFrame(fd, index=idx, columns=fd_cols),
        x=pd.Series(x, index=idx, name="x"),
        value_added=pd.DataFrame(
            va, index=va_rows["sector"].astype(str).str.strip().tolist(), columns=idx
        ),
        names=names.rename("sector_name"),
    )


def read_io_table(path: str | Path) -> IOTable:
    """Read ``.csv`` or ``.xlsx`` (first sheet) in the documented layout; see the module doc."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elif suffix in (".xlsx", ".xls"):
        raw = pd.read_excel(p, dtype=str, keep_default_na=False)
    else:
        raise ValueError(f"{p}: unsupported file type {suffix!r} (use .csv or .xlsx)")
    return parse_io_table(raw, source=str(p))
