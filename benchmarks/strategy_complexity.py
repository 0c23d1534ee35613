"""Benchmark: economic complexity pipeline vs PyPI ``ecomplexity`` on the same input.

Usage::

    .venv/bin/python benchmarks/strategy_complexity.py [--regions 3000] [--industries 1500]
        [--baseline-regions N --baseline-industries M] [--repeat 3]

Times :func:`chainboard_analytics.strategy.complexity.calc_complexity` (RCA, M, ECI, PCI,
proximity, density, COI, COG and the output tables) on a synthetic nested region × industry
matrix, and ``ecomplexity.ecomplexity`` (its full pipeline, log-supermodularity check off,
since that is an extra diagnostic) on the same input in the same process. The ratio is
baseline time / our time. With ``--baseline-*`` the baseline runs on a smaller input (state it
when reporting) and our time on that same smaller input is used for the ratio. Not a test.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from chainboard_analytics.strategy.complexity import ComplexityConventions, calc_complexity


def synthetic(n_regions: int, n_industries: int, seed: int = 0) -> pd.DataFrame:
    """Nested, heavy-tailed region × industry values (wide)."""
    rng = np.random.default_rng(seed)
    capability = rng.beta(2, 2, n_regions)
    level = rng.uniform(0, 1, n_industries)
    p = 1 / (1 + np.exp(8 * (level[None, :] - capability[:, None]) - 0.5))
    present = rng.random((n_regions, n_industries)) < p
    size = rng.lognormal(0, 1, n_regions)[:, None] * rng.lognormal(0, 1, n_industries)[None, :]
    values = np.where(present, size * rng.lognormal(0, 1, (n_regions, n_industries)), 0.0)
    return pd.DataFrame(
        values,
        index=[f"r{i:05d}" for i in range(n_regions)],
        columns=[f"p{j:05d}" for j in range(n_industries)],
    )


def time_ours(wide: pd.DataFrame, repeat: int, conventions: ComplexityConventions) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        calc_complexity(wide, conventions)
        best = min(best, time.perf_counter() - t0)
    return best


def time_ecomplexity(wide: pd.DataFrame) -> float:
    from ecomplexity import ecomplexity

    long = wide.stack().rename("val").reset_index()
    long.columns = ["loc", "prod", "val"]
    long["time"] = 2023
    cols = {"time": "time", "loc": "loc", "prod": "prod", "val": "val"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        ecomplexity(long, cols, verbose=False, check_logsupermodularity=False)
        return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--regions", type=int, default=3000)
    ap.add_argument("--industries", type=int, default=1500)
    ap.add_argument("--baseline-regions", type=int, default=None)
    ap.add_argument("--baseline-industries", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args()

    wide = synthetic(args.regions, args.industries)
    print(
        f"input: {args.regions} regions × {args.industries} industries, "
        f"{(wide.to_numpy() > 0).mean():.0%} non-zero"
    )
    for solver in ("auto", "dense"):
        conv = ComplexityConventions(eigensolver=solver)
        t = time_ours(wide, args.repeat, conv)
        print(
            f"chainboard calc_complexity (eigensolver={solver}): {t:.2f} s (best of {args.repeat})"
        )
    ours = time_ours(wide, args.repeat, ComplexityConventions())
    if args.skip_baseline:
        return
    br = args.baseline_regions or args.regions
    bi = args.baseline_industries or args.industries
    base_wide = wide if (br, bi) == (args.regions, args.industries) else synthetic(br, bi)
    ours_same = (
        ours if base_wide is wide else time_ours(base_wide, args.repeat, ComplexityConventions())
    )
    base = time_ecomplexity(base_wide)
    print(f"ecomplexity 0.5.3 full pipeline on {br} × {bi}: {base:.2f} s (one run)")
    print(f"chainboard on {br} × {bi}: {ours_same:.2f} s")
    print(f"ratio ecomplexity / chainboard: {base / ours_same:.1f}x")


if __name__ == "__main__":
    main()
