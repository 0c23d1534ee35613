"""Benchmark: Leontief inverse of a 150-sector table and 1,000 projects' impacts.

Usage::

    .venv/bin/python benchmarks/strategy_io.py [--sectors 150] [--projects 1000] [--repeat 5]

Times, on a random productive table (column sums of A in [0.3, 0.7]):
``calc_leontief_inverse``, ``calc_ghosh_inverse`` + ``calc_linkages``, and
``calc_project_impact`` for 1,000 projects as final-demand shocks (one BLAS product ``L Y``)
and as output shocks (mixed exogenous/endogenous model through L; projects touch 1-3
sectors). Baseline in the same process: ``pymrio.calc_L`` on the same ``A`` and a naive loop
that solves ``(I - A) x = y`` once per project. Not a test.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from chainboard_analytics.strategy.input_output import (
    calc_allocation_coefficients,
    calc_ghosh_inverse,
    calc_leontief_inverse,
    calc_linkages,
    calc_project_impact,
    calc_technical_coefficients,
)


def best(fn: Callable[[], object], repeat: int) -> float:
    t = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sectors", type=int, default=150)
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    n, k = args.sectors, args.projects
    rng = np.random.default_rng(0)
    sectors = [f"s{i:03d}" for i in range(n)]
    raw = rng.lognormal(0, 1.5, (n, n)) * (rng.random((n, n)) < 0.4)
    x = rng.lognormal(10, 1, n)
    a0 = raw / raw.sum(axis=0, keepdims=True) * rng.uniform(0.3, 0.7, n)[None, :]
    z = pd.DataFrame(a0 * x[None, :], index=sectors, columns=sectors)
    xs = pd.Series(x, index=sectors)
    a = calc_technical_coefficients(z, xs)
    shocks = np.zeros((n, k))
    for j in range(k):
        hit = rng.choice(n, size=rng.integers(1, 4), replace=False)
        shocks[hit, j] = rng.lognormal(8, 1, hit.size)
    projects = pd.DataFrame(shocks, index=sectors, columns=[f"p{j:04d}" for j in range(k)])

    t_l = best(lambda: calc_leontief_inverse(a), args.repeat)
    leontief = calc_leontief_inverse(a)
    t_link = best(
        lambda: calc_linkages(leontief, calc_ghosh_inverse(calc_allocation_coefficients(z, xs))),
        args.repeat,
    )
    t_fd = best(lambda: calc_project_impact(a, projects, leontief=leontief), args.repeat)
    t_out = best(lambda: calc_project_impact(a, projects, kind="output"), args.repeat)
    print(f"table: {n} sectors, {k} projects (1-3 sectors each)")
    print(f"Leontief inverse (with productivity check): {t_l * 1e3:.1f} ms")
    print(f"Ghosh inverse + linkages:                   {t_link * 1e3:.1f} ms")
    print(f"{k} projects, final-demand shocks (L Y):     {t_fd * 1e3:.1f} ms")
    print(f"{k} projects, output shocks (mixed model):   {t_out * 1e3:.1f} ms")
    print(f"total (L + final-demand impacts):           {(t_l + t_fd) * 1e3:.1f} ms")

    try:
        import pymrio

        t_ref = best(lambda: pymrio.calc_L(a), args.repeat)
        print(
            f"baseline pymrio.calc_L on the same A:       {t_ref * 1e3:.1f} ms "
            f"(ratio pymrio / ours {t_ref / t_l:.2f})"
        )
    except ImportError:  # pragma: no cover
        print("pymrio not installed: no Leontief baseline")
    eye = np.eye(n) - a.to_numpy()

    def naive() -> None:
        for j in range(k):
            np.linalg.solve(eye, shocks[:, j])

    t_naive = best(naive, max(1, args.repeat // 2))
    print(
        f"baseline: one solve per project ({k}):       {t_naive * 1e3:.1f} ms "
        f"(ratio naive / ours {t_naive / (t_l + t_fd):.1f}x)"
    )


if __name__ == "__main__":
    main()
