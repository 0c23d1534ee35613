"""Bridge benchmark: registry firms → the engine's FIRMS table (figures in docs/analytics/supply.md).

    DATABASE_URL=sqlite:////tmp/registry.sqlite3 .venv/bin/python benchmarks/supply_bridge.py

Needs a migrated registry with firms (e.g. the one benchmarks/registry_import_and_pages.py
builds). Times, best of 3: the Arrow path (one ``values_list`` → pyarrow → DuckDB view,
then a count in DuckDB), against building model instances row by row into pandas.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainboard.settings.dev")

import django

django.setup()

import pandas as pd  # noqa: E402

from chainboard.bridge.registry import (  # noqa: E402
    duckdb_extension_available,
    firms_frame,
    firms_table,
)
from chainboard.enterprises.models import Enterprise  # noqa: E402
from chainboard_analytics.engine import connect  # noqa: E402


def best(label: str, fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    print(f"{label:<58s} {min(times):7.3f} s", flush=True)
    return min(times), out


def row_by_row() -> pd.DataFrame:
    rows = []
    for firm in Enterprise.objects.prefetch_related("years"):
        years = [y for y in firm.years.all() if y.revenue_wan_yuan is not None]
        latest = max(years, key=lambda y: y.year) if years else None
        rows.append(
            {
                "uscc": firm.uscc,
                "name": firm.name,
                "region_code": firm.region_id,
                "revenue_wan_yuan": float(latest.revenue_wan_yuan) if latest else None,
            }
        )
    return pd.DataFrame(rows)


def main() -> int:
    n = Enterprise.objects.count()
    print(f"firms: {n:,}   sqlite/postgres scanners offline: "
          f"{duckdb_extension_available('sqlite')}/{duckdb_extension_available('postgres')}")  # fmt: skip
    con = connect("duckdb", threads=2)
    best("one values_list -> pyarrow (firms_frame)", firms_frame)
    t_view, _ = best(
        "firms_table: Arrow path + DuckDB count",
        lambda: con.execute(firms_table(con).count()),
    )
    t_rows, _ = best("row by row: model instances -> pandas", row_by_row, repeat=1)
    print(f"  row-by-row / Arrow path: {t_rows / t_view:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
