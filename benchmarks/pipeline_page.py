"""Benchmark: the 招商 pipeline pages at the demo's size (issue 17: pipeline under 300 ms).

Usage:  .venv/bin/python benchmarks/pipeline_page.py [--firms 3000] [--extra 0] [--requests 30]

Loads the sample city (``demo_load``, ``--firms`` firms), the chains and projects demo steps and
the 招商 demo step (25 leads per chain of the city with their timelines, the landed ones as 引进
projects; ``--extra N`` adds N more rounds of the same, for a larger instance), then times,
through the Django test client on SQLite, p50/p95 of:

- ``GET /investment/`` (the pipeline, first page of 50) as the city analyst and as the 宁晋
  county officer, and with filters (``?stage=negotiation``, ``?q=苏州``);
- ``GET /investment/<id>/`` (a lead with its timeline), ``GET /investment/funnel/``,
  ``GET /api/investment/leads`` as the analyst;
- ``GET /chains/<id>/`` (the panorama, whose gap list shows the leads) as the analyst;

and, as the baseline in the same process (machines are noisy), ``GET /accounts/login/`` (no
database work). Figures are printed as ms and as ratios to the baseline.
"""

from __future__ import annotations

import argparse
import io
import sys
import time

from _pagebench import fresh_django, pct, timed


def load(firms: int, extra: int) -> int:
    import numpy as np
    from django.db import transaction

    from chainboard.chains.demo import demo_step as chains_step
    from chainboard.chains.models import Chain
    from chainboard.demo.loader import demo_load
    from chainboard.geo.models import Region
    from chainboard.investment import demo
    from chainboard.investment.models import Lead
    from chainboard.projects.demo import demo_step as projects_step

    quiet = io.StringIO()
    demo_load(n_firms=firms, stdout=quiet)
    chains_step(stdout=quiet)
    projects_step(stdout=quiet)
    demo.demo_step(stdout=sys.stdout)
    for i in range(extra):
        chains = list(Chain.objects.filter(region_id=demo.CITY).order_by("code"))
        counties = list(Region.objects.filter(level="county", path__contains="/130500/"))
        used = set(Lead.objects.values_list("name", flat=True))
        rng = np.random.default_rng(1000 + i)
        with transaction.atomic():
            for chain in chains:
                leaves = demo._leaves(chain)
                for final, n in demo.PLAN:
                    for _ in range(n):
                        demo._one(
                            chain, leaves, counties, {}, final, demo.timezone.localdate(), rng, used
                        )
    return Lead.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=3000)
    parser.add_argument("--extra", type=int, default=0, help="more rounds of synthetic leads")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    fresh_django("pipeline_bench")
    t0 = time.perf_counter()
    n = load(args.firms, args.extra)
    print(f"loaded {n} leads ({args.firms} firms) in {time.perf_counter() - t0:.1f} s")

    from django.test import Client

    from chainboard.accounts.models import User
    from chainboard.investment.models import Lead

    clients = {}
    for name in ("analyst", "ningjin"):
        c = Client()
        c.force_login(User.objects.get(username=name))
        c.get("/investment/")  # warm
        clients[name] = c
    anon = Client()
    anon.get("/accounts/login/")
    one = Lead.objects.order_by("-pk").first()
    assert one is not None
    cases = [
        ("GET /investment/ (市级分析员)", clients["analyst"], "/investment/"),
        ("GET /investment/ (宁晋县)", clients["ningjin"], "/investment/"),
        (
            "GET /investment/?stage=negotiation",
            clients["analyst"],
            "/investment/?stage=negotiation",
        ),
        ("GET /investment/?q=苏州", clients["analyst"], "/investment/?q=苏州"),
        ("GET /investment/<id>/", clients["analyst"], f"/investment/{one.pk}/"),
        ("GET /investment/funnel/", clients["analyst"], "/investment/funnel/"),
        ("GET /api/investment/leads", clients["analyst"], "/api/investment/leads"),
        ("GET /chains/<id>/ (gap list with leads)", clients["analyst"], f"/chains/{one.chain_id}/"),
    ]
    base = timed(lambda: anon.get("/accounts/login/"), args.requests)
    b50 = pct(base, 0.5)
    print(
        f"baseline GET /accounts/login/: p50 {b50 * 1000:.1f} ms, p95 {pct(base, 0.95) * 1000:.1f} ms"
    )
    for label, client, url in cases:
        values = timed(lambda c=client, u=url: c.get(u), args.requests)
        p50, p95 = pct(values, 0.5), pct(values, 0.95)
        verdict = "OK" if p95 < 0.3 else "OVER TARGET"
        print(
            f"{label}: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms "
            f"(ratio p50 {p50 / b50:.1f}x; target < 300 ms: {verdict})"
        )


if __name__ == "__main__":
    main()
