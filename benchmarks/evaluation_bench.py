"""Benchmark: 亩均 scoring of 1,000,000 synthetic firm-years on DuckDB, and tier checks of
100,000 firms.

Usage:  .venv/bin/python benchmarks/evaluation_bench.py [--firms 1000000] [--tier-firms 100000]

The scoring is the Ibis expression of ``calc_mu_scores`` (both shipped methods) executed on
DuckDB. Its wall time is compared with a plain DuckDB SQL scan of the same table producing the
same number of rows (``CREATE TABLE … AS SELECT *``), both materialised inside DuckDB, and also
when fetched into pandas. Machines are noisy, so the ratio is the figure to read.
Target (issue #4): scoring ≤ 3x the plain scan.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from chainboard_analytics.engine.backends import connect
from chainboard_analytics.evaluation import calc_mu_scores, check_tiers, load_criteria, load_method
from chainboard_analytics.evaluation.tiers import TIER_FIELDS


def firms(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    revenue = rng.lognormal(8.5, 1.3, n)
    land = rng.lognormal(3.0, 1.0, n)
    land[rng.random(n) < 0.03] = np.nan
    pollutant = rng.lognormal(0.0, 1.0, n)
    pollutant[rng.random(n) < 0.1] = np.nan
    counties = np.array([f"13{i:04d}" for i in range(200)])
    divisions = np.array(["13", "17", "26", "30", "33", "34", "38", "39", "44", "45"])
    return pd.DataFrame(
        {
            "uscc": [f"U{i:017d}" for i in range(n)],
            "name": "synthetic",
            "region_code": counties[rng.integers(0, len(counties), n)],
            "industry_code": pd.Series(divisions[rng.integers(0, len(divisions), n)]) + "11",
            "above_scale": revenue > 2000,
            "founded_year": rng.integers(1990, 2025, n),
            "revenue_wan_yuan": revenue,
            "value_added_wan_yuan": revenue * rng.uniform(0.15, 0.35, n),
            "tax_paid_wan_yuan": revenue * rng.uniform(0.01, 0.06, n),
            "land_area_mu": land,
            "energy_tce": revenue * rng.uniform(0.02, 0.3, n),
            "pollutant_equivalent_t": pollutant,
            "rd_spend_wan_yuan": revenue * rng.uniform(0.0, 0.06, n),
            "employees": rng.integers(3, 3000, n),
            "electricity_10k_kwh": revenue * rng.uniform(0.01, 0.2, n),
        }
    )


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--tier-firms", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    t = time.perf_counter()
    frame = firms(args.firms)
    print(f"generated {len(frame):,} firm-years in {time.perf_counter() - t:.1f} s")
    con = connect("duckdb")
    raw = con.con  # the duckdb connection under Ibis
    raw.register("firms_df", frame)
    raw.execute("CREATE TABLE firms AS SELECT * FROM firms_df")
    raw.unregister("firms_df")
    table = con.table("firms")

    def scan() -> None:
        raw.execute("CREATE OR REPLACE TEMP TABLE out_scan AS SELECT * FROM firms")

    def scan_fetch() -> None:
        raw.execute("SELECT * FROM firms").df()

    base = statistics.median(timed(scan, args.repeat))
    base_fetch = statistics.median(timed(scan_fetch, args.repeat))
    print(
        f"plain scan (materialised in DuckDB): {base:.2f} s; fetched to pandas: {base_fetch:.2f} s"
    )
    for name in ("zhejiang", "anhui"):
        method = load_method(name)
        t = time.perf_counter()
        expr = calc_mu_scores(table, method, year=2025)
        sql = con.compile(expr)
        compile_s = time.perf_counter() - t

        def score(sql: str = str(sql)) -> None:
            raw.execute(f"CREATE OR REPLACE TEMP TABLE out_score AS {sql}")

        def score_fetch(expr=expr) -> None:  # type: ignore[no-untyped-def]
            con.execute(expr)

        s = statistics.median(timed(score, args.repeat))
        f = statistics.median(timed(score_fetch, args.repeat))
        n = raw.execute("SELECT count(*) FROM out_score").fetchone()[0]
        print(
            f"{name}: compile {compile_s:.2f} s; score {n:,} rows {s:.2f} s "
            f"= {s / base:.2f}x plain scan; fetched to pandas {f:.2f} s = {f / base_fetch:.2f}x"
        )

    crit = load_criteria()
    rng = np.random.default_rng(3)
    m = args.tier_firms
    tiers = pd.DataFrame({"uscc": [f"T{i:08d}" for i in range(m)]})
    for field in TIER_FIELDS:
        tiers[field] = rng.lognormal(3, 1.5, m)
    tiers.loc[rng.random(m) < 0.05, "sci_tech_staff"] = np.nan
    t = time.perf_counter()
    out = check_tiers(tiers, crit)
    print(
        f"tier checks: {m:,} firms × {len(crit.tiers)} tiers = {len(out):,} rows in "
        f"{time.perf_counter() - t:.2f} s"
    )


if __name__ == "__main__":
    main()
