"""Benchmark: the 政企直通车 pages at the demo's size (issue 17: requests page under 300 ms).

Usage:  .venv/bin/python benchmarks/requests_page.py [--firms 3000] [--extra 0] [--requests 30]

Loads the sample city (``demo_load``, ``--firms`` firms) and the 政企直通车 demo step (360
requests over a year, with steps, overdue and escalated ones; ``--extra N`` adds N more
generated the same way, for a larger instance), then times, through the Django test client on SQLite, p50/p95 of:

- ``GET /requests/`` (the officer's queue, first page of 50) as the city analyst, as the 宁晋
  county officer, and with filters (``?overdue=true``, ``?category=land&q=用地``);
- ``GET /requests/<id>/`` (a request with its timeline), ``GET /requests/dashboard/`` and
  ``GET /api/requests/`` as the analyst;

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

    from chainboard.demo.loader import demo_load
    from chainboard.enterprises.models import Enterprise
    from chainboard.firmrequests import demo
    from chainboard.firmrequests.models import FirmRequest
    from chainboard.geo.models import Region

    demo_load(n_firms=firms, stdout=io.StringIO())
    demo.demo_step(stdout=sys.stdout)
    if extra:
        ids = Enterprise.objects.filter(region__path__contains="130500/").order_by("pk")
        with transaction.atomic():
            demo._load(
                Region.objects.get(pk="130500"),
                list(ids.values_list("pk", "region_id")),
                np.random.default_rng(1),
                n=extra,
            )
    return FirmRequest.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=3000)
    parser.add_argument("--extra", type=int, default=0, help="more synthetic requests")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    fresh_django("requests_bench")
    t0 = time.perf_counter()
    n = load(args.firms, args.extra)
    print(f"loaded {n} requests ({args.firms} firms) in {time.perf_counter() - t0:.1f} s")

    from django.test import Client

    from chainboard.accounts.models import User
    from chainboard.firmrequests.models import FirmRequest

    clients = {}
    for name in ("analyst", "ningjin"):
        c = Client()
        c.force_login(User.objects.get(username=name))
        c.get("/requests/")  # warm
        clients[name] = c
    anon = Client()
    anon.get("/accounts/login/")
    one = FirmRequest.objects.order_by("-pk").values_list("pk", flat=True).first()
    cases = [
        ("GET /requests/ (市级分析员)", clients["analyst"], "/requests/"),
        ("GET /requests/ (宁晋县)", clients["ningjin"], "/requests/"),
        ("GET /requests/?overdue=true", clients["analyst"], "/requests/?overdue=true"),
        (
            "GET /requests/?category=land&q=用地",
            clients["analyst"],
            "/requests/?category=land&q=用地",
        ),
        ("GET /requests/<id>/", clients["analyst"], f"/requests/{one}/"),
        ("GET /requests/dashboard/", clients["analyst"], "/requests/dashboard/"),
        ("GET /api/requests/", clients["analyst"], "/api/requests/"),
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
