"""Benchmark: the monthly ranking 月评比 and the wall-map data endpoint with 5,000 projects.

Usage:  .venv/bin/python benchmarks/projects_ranking.py [--db sqlite|postgres] [--projects 5000]
        [--counties 20] [--weeks 26] [--repeat 5] [--requests 40]

Synthetic data: ``--counties`` counties (邢台's 18, then 衡水's), ``--projects`` projects spread
over them (15% 谋划, 15% 签约, 60% 在建, 10% 投产), a year plan per project, and ``--weeks``
weekly updates 周调度 for each project under construction (some late, some with problems).

Figures are printed as ratios against baselines run in the same process (machines are noisy):
- ranking: wall time of ``ranking_compute`` for the last month, against one aggregate scan of
  the weekly updates (``SUM`` over the whole table) and against a trivial query (``COUNT`` of
  counties);
- map: server time of ``GET /api/projects/map`` (Django test client, admin user, p50/p95 of
  repeated requests) against ``GET /accounts/login/`` (no database work) as baseline.
Target (issue #5): map endpoint under 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"


def setup(db: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        path = OUT / "projects_bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        base = os.environ.get("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS chainboard_projects_bench")
            conn.execute("CREATE DATABASE chainboard_projects_bench")
        os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/chainboard_projects_bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainboard.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_data(n_projects: int, n_counties: int, weeks: int) -> tuple[dt.date, float]:
    import numpy as np
    from django.utils import timezone

    from chainboard.geo.models import Region
    from chainboard.projects.models import Project, ProjectUpdate, Stage, YearPlan, week_start

    t0 = time.perf_counter()
    rng = np.random.default_rng(5)
    counties = list(
        Region.objects.filter(level="county", code__startswith="1305").order_by("code")
    ) + list(Region.objects.filter(level="county", code__startswith="1311").order_by("code"))
    counties = counties[:n_counties]
    today = dt.date(2025, 6, 30)
    last_week = week_start(today)
    first_week = last_week - dt.timedelta(weeks=weeks - 1)
    stages = rng.choice(
        [Stage.PLANNED, Stage.SIGNED, Stage.STARTED, Stage.PRODUCING],
        size=n_projects,
        p=[0.15, 0.15, 0.6, 0.1],
    )
    projects = []
    for i in range(n_projects):
        stage = str(stages[i])
        signed = (
            None if stage == Stage.PLANNED else today - dt.timedelta(int(rng.integers(60, 500)))
        )
        planned = (signed or today) + dt.timedelta(int(rng.integers(-30, 120)))
        started = (
            max(planned + dt.timedelta(int(rng.integers(-10, 40))), signed + dt.timedelta(1))
            if stage in (Stage.STARTED, Stage.PRODUCING) and signed
            else None
        )
        if started and started > today:
            started = today
        producing = (
            min(started + dt.timedelta(int(rng.integers(30, 200))), today)
            if stage == Stage.PRODUCING and started
            else None
        )
        region = counties[i % len(counties)]
        projects.append(
            Project(
                code=f"B{i:06d}",
                name=f"基准项目{i}",
                investor_name="基准投资有限公司",
                region=region,
                kind="new",
                source="investment",
                total_investment_wan_yuan=Decimal(int(rng.lognormal(9.6, 1.1)) + 500),
                stage=stage,
                planned_start_on=planned,
                signed_on=signed,
                started_on=started,
                producing_on=producing,
                responsible_department=f"部门{i % 6}",
                chain_node_codes=[f"链{i % 25}"],
            )
        )
    Project.objects.bulk_create(projects, batch_size=2000)
    projects = list(Project.objects.all())
    YearPlan.objects.bulk_create(
        [
            YearPlan(project=p, year=2025, planned_wan_yuan=p.total_investment_wan_yuan / 3)
            for p in projects
        ],
        batch_size=2000,
    )
    tz = timezone.get_current_timezone()
    updates = []
    for p in projects:
        if p.started_on is None:
            continue
        for w in range(weeks):
            week = first_week + dt.timedelta(weeks=w)
            if week < week_start(p.started_on) or rng.random() < 0.05:
                continue
            late = rng.random() < 0.1
            day = week + dt.timedelta(days=int(rng.integers(8, 12)) if late else 4)
            problem = rng.random() < 0.05
            updates.append(
                ProjectUpdate(
                    project=p,
                    week=week,
                    done_this_week="施工",
                    investment_period_wan_yuan=Decimal(int(rng.integers(50, 2000))),
                    problems="用地手续" if problem else "",
                    problem_resolved_on=week + dt.timedelta(10)
                    if problem and rng.random() < 0.6
                    else None,
                    submitted_at=dt.datetime.combine(day, dt.time(16), tzinfo=tz),
                )
            )
    ProjectUpdate.objects.bulk_create(updates, batch_size=5000)
    print(
        f"data: {len(counties)} counties, {len(projects)} projects, {len(updates)} weekly "
        f"updates over {weeks} weeks ({time.perf_counter() - t0:.1f} s to create)"
    )
    return today.replace(day=1), time.perf_counter() - t0


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def bench_ranking(month: dt.date, repeat: int) -> None:
    from django.db.models import Sum

    from chainboard.geo.models import Region
    from chainboard.projects.models import ProjectUpdate
    from chainboard.projects.selectors import ranking

    ranking.ranking_method_get()
    rows = ranking.ranking_compute(month)
    assert rows, "no ranking rows"
    run = timed(lambda: ranking.ranking_compute(month), repeat)
    dept = timed(lambda: ranking.ranking_compute(month, scope="department"), repeat)
    scan = timed(
        lambda: ProjectUpdate.objects.aggregate(s=Sum("investment_period_wan_yuan")), repeat
    )
    trivial = timed(lambda: Region.objects.filter(level="county").count(), repeat * 4)
    r, d, s, t = (statistics.median(x) for x in (run, dept, scan, trivial))
    print(
        f"ranking {month:%Y-%m} ({len(rows)} counties): median {r * 1000:.1f} ms "
        f"(min {min(run) * 1000:.1f}); by department {d * 1000:.1f} ms"
    )
    print(f"  baseline SUM over all weekly updates: {s * 1000:.2f} ms → ratio {r / s:.1f}x")
    print(f"  baseline trivial COUNT query:        {t * 1000:.3f} ms → ratio {r / t:.0f}x")


def bench_map(requests: int) -> None:
    from django.test import Client
    from tests.factories import UserFactory

    admin = UserFactory(username="bench", role="admin", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    response = client.get("/api/projects/map")
    assert response.status_code == 200, response.status_code
    n_points = len(response.json()["points"])
    size = len(response.content)
    anon = Client()
    anon.get("/accounts/login/")
    api = timed(lambda: client.get("/api/projects/map"), requests)
    filtered = timed(lambda: client.get("/api/projects/map?stage=started"), requests)
    login = timed(lambda: anon.get("/accounts/login/"), requests)
    for label, values in (("all projects", api), ("stage=started", filtered)):
        p50, p95 = pct(values, 0.5), pct(values, 0.95)
        verdict = "OK" if p95 < 0.2 else "OVER TARGET"
        print(
            f"map data /api/projects/map ({label}): p50 {p50 * 1000:.1f} ms, "
            f"p95 {p95 * 1000:.1f} ms (target < 200 ms: {verdict})"
        )
    b50, b95 = pct(login, 0.5), pct(login, 0.95)
    print(f"  {n_points} points, {size / 1024:.0f} KB JSON")
    print(
        f"  baseline login page: p50 {b50 * 1000:.1f} ms, p95 {b95 * 1000:.1f} ms → "
        f"ratio p50 {pct(api, 0.5) / b50:.1f}x, p95 {pct(api, 0.95) / b95:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--counties", type=int, default=20)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    setup(args.db)
    print(f"database: {args.db}")
    month, _ = make_data(args.projects, args.counties, args.weeks)
    bench_ranking(month, args.repeat)
    bench_map(args.requests)


if __name__ == "__main__":
    main()
