"""The long ``region, industry, year, value`` input table: validation, reading, pivoting.

Every strategy metric starts from one long table (one row per region × industry × year, a
non-negative additive value: employment, revenue in 万元 or value added). Validation is
all-or-nothing: every problem is collected as a located error ("row N column X value V:
reason", N = the spreadsheet row number, header = row 1) and nothing is returned unless the
whole table is valid.

Accepted headers (case-insensitive, Chinese aliases): ``region``/地区/行政区划代码,
``industry``/行业/行业代码, ``year``/年份, ``value``/数值/值. Region and industry stay strings
(GB/T 2260 and GB/T 4754 codes keep their leading zeros).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = [
    "COLUMNS",
    "LocatedError",
    "TableValidationError",
    "pivot_long_table",
    "read_long_table",
    "validate_long_table",
]

COLUMNS = ("region", "industry", "year", "value")

_ALIASES = {
    "region": "region",
    "地区": "region",
    "区域": "region",
    "行政区划代码": "region",
    "region_code": "region",
    "industry": "industry",
    "行业": "industry",
    "行业代码": "industry",
    "industry_code": "industry",
    "year": "year",
    "年份": "year",
    "年度": "year",
    "value": "value",
    "数值": "value",
    "值": "value",
}

_MAX_IN_MESSAGE = 20


@dataclass(frozen=True)
class LocatedError:
    """One problem in an input table: file row number (header = 1), column, value, reason."""

    row: int
    column: str
    value: object
    reason: str

    def __str__(self) -> str:
        return f"row {self.row} column {self.column} value {self.value!r}: {self.reason}"


class TableValidationError(ValueError):
    """An input table is invalid; ``errors`` lists every located problem (nothing was used)."""

    def __init__(self, errors: list[LocatedError], source: str | None = None) -> None:
        self.errors = errors
        self.source = source
        head = "\n".join(str(e) for e in errors[:_MAX_IN_MESSAGE])
        more = len(errors) - _MAX_IN_MESSAGE
        tail = f"\n... and {more} more" if more > 0 else ""
        where = f"{source}: " if source else ""
        super().__init__(f"{where}{len(errors)} error(s)\n{head}{tail}")


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == ""


def validate_long_table(df: pd.DataFrame, *, source: str | None = None) -> pd.DataFrame:
    """Validate and normalise a long region × industry × year × value table.

    Rules: the four columns exist (aliases above); region and industry are non-blank; year is an
    integer in 1900-2100; value is a finite number >= 0 (blank value = error, not zero); each
    (region, industry, year) appears once. Row N in messages is ``index position + 2``.

    Returns
    -------
    DataFrame
        Columns ``region`` (str), ``industry`` (str), ``year`` (int), ``value`` (float).

    Raises
    ------
    TableValidationError
        With every located error; nothing is returned in that case.
    """
    renamed = {c: _ALIASES.get(str(c).strip().lower(), str(c).strip()) for c in df.columns}
    table = df.rename(columns=renamed)
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise TableValidationError(
            [LocatedError(1, c, None, "required column is missing") for c in missing], source
        )
    errors: list[LocatedError] = []
    regions, industries, years, values = [], [], [], []
    seen: dict[tuple[str, str, int], int] = {}
    for pos, (region, industry, year, value) in enumerate(
        table[list(COLUMNS)].itertuples(index=False, name=None)
    ):
        row = pos + 2
        ok = True
        for col, v in (("region", region), ("industry", industry)):
            if _blank(v):
                errors.append(LocatedError(row, col, v, "must not be blank"))
                ok = False
        r = str(region).strip()
        i = str(industry).strip()
        if isinstance(industry, float) and not _blank(industry) and industry.is_integer():
            i = str(int(industry))
        y_int = 0
        try:
            y_float = float(str(year).strip())
            if not y_float.is_integer() or not 1900 <= y_float <= 2100:
                raise ValueError
            y_int = int(y_float)
        except ValueError:
            errors.append(LocatedError(row, "year", year, "must be a whole year 1900-2100"))
            ok = False
        try:
            if _blank(value):
                raise ValueError
            val = float(str(value).replace(",", "").strip())
            if not math.isfinite(val):
                errors.append(LocatedError(row, "value", value, "must be finite"))
                ok = False
            elif val < 0:
                errors.append(LocatedError(row, "value", value, "must be >= 0"))
                ok = False
        except ValueError:
            errors.append(LocatedError(row, "value", value, "must be a number"))
            ok = False
            val = math.nan
        if ok:
            key = (r, i, y_int)
            if key in seen:
                errors.append(
                    LocatedError(
                        row,
                        "industry",
                        industry,
                        f"duplicate of row {seen[key]} (same region, industry and year)",
                    )
                )
                continue
            seen[key] = row
            regions.append(r)
            industries.append(i)
            years.append(y_int)
            values.append(val)
    if errors:
        raise TableValidationError(errors, source)
    if not regions:
        raise TableValidationError([LocatedError(2, "region", None, "the table is empty")], source)
    return pd.DataFrame(
        {
            "region": pd.Series(regions, dtype=object),
            "industry": pd.Series(industries, dtype=object),
            "year": pd.Series(years, dtype="int64"),
            "value": pd.Series(values, dtype="float64"),
        }
    )


def read_long_table(path: str | Path) -> pd.DataFrame:
    """Read and validate a long table from ``.csv`` (UTF-8, BOM allowed) or ``.xlsx`` (first sheet).

    All cells are read as text so codes keep their leading zeros; then
    :func:`validate_long_table`. Raises :class:`TableValidationError` (with the file name).
    """
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such file")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    elif suffix in (".xlsx", ".xls"):
        df = pd.read_excel(p, dtype=str, keep_default_na=False)
    else:
        raise ValueError(f"{p}: unsupported file type {suffix!r} (use .csv or .xlsx)")
    return validate_long_table(df, source=str(p))


def pivot_long_table(long: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """One year of a validated long table as a wide region × industry table (missing = 0).

    ``year=None`` takes the latest year present. Raises ``ValueError`` if ``year`` is absent.
    """
    if year is None:
        year = int(long["year"].max())
    one = long[long["year"] == year]
    if one.empty:
        years = sorted(long["year"].unique().tolist())
        raise ValueError(f"year {year} is not in the table (years present: {years})")
    wide = one.pivot_table(
        index="region", columns="industry", values="value", aggfunc="sum", fill_value=0.0
    )
    wide.index.name = "region"
    wide.columns.name = "industry"
    return wide.astype(float)
