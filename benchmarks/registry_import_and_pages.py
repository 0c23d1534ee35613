"""Benchmark: import of 100,000 figure rows, and the list/dashboard pages with 100,000 firms.

Usage:  .venv/bin/python benchmarks/registry_import_and_pages.py [--db sqlite|postgres] [--rows N]

Figures are printed as ratios against baselines run in the same process (machines are noisy):
- import: validated + committed rows/s (with change history), against the raw ``bulk_create`` of
  the same rows (no parsing, no validation, no history);
- pages: server time per request (Django test client, p50/p95 of repeated requests) against the
  login page (no database work) as baseline.
Targets (issue #2): import ≥ 20,000 rows/s and within 3x of the raw insert; pages p95 < 200 ms.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
COUNTIES = [
    "130502",
    "130503",
    "130505",
    "130506",
    "130522",
    "130523",
    "130524",
    "130525",
    "130528",
    "130529",
    "130530",
    "130531",
    "130532",
    "130533",
    "130534",
    "130535",
    "130581",
    "130582",
]


def setup(db: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        path = OUT / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        base = os.environ.get("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS chainboard_bench")
            conn.execute("CREATE DATABASE chainboard_bench")
        os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/chainboard_bench"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainboard.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_firms(n: int) -> list[str]:
    from tests.factories import make_uscc

    from chainboard.enterprises.models import Enterprise

    firms = []
    for i in range(n):
        region = COUNTIES[i % len(COUNTIES)]
        firms.append(
            Enterprise(
                uscc=make_uscc(region, 10_000 + i),
                name=f"基准测试企业{i:06d}有限公司",
                region_id=region,
                industry_id="3831",
                above_scale=i % 4 == 0,
            )
        )
    Enterprise.objects.bulk_create(firms, batch_size=5000)
    return [f.uscc for f in firms]


def figure_row(i: int) -> list[object]:
    revenue = 500 + (i * 7919) % 90_000
    return [
        f"{revenue:,}.5",
        revenue // 20,
        revenue // 40,
        10 + i % 300,
        revenue // 10,
        i % 50,
        revenue // 30,
        20 + i % 900,
    ]


HEADERS = [
    "统一社会信用代码",
    "年份",
    "营业收入(万元)",
    "工业增加值(万元)",
    "实缴税金(万元)",
    "用地面积(亩)",
    "综合能耗(吨标准煤)",
    "主要污染物排放当量(吨)",
    "研发费用(万元)",
    "年平均职工人数(人)",
]


def write_files(usccs: list[str], year: int) -> tuple[Path, Path]:
    import xlsxwriter

    csv_path = OUT / "figures.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i, u in enumerate(usccs):
            w.writerow([u, year, *figure_row(i)])
    xlsx_path = OUT / "figures.xlsx"
    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for i, u in enumerate(usccs, start=1):
        sheet.write_row(i, 0, [u, year, *figure_row(i - 1)])
    book.close()
    return csv_path, xlsx_path


PEOPLE_HEADERS = [
    "序号",
    "统一社会信用代码",
    "年份",
    "营业收入（亿元）",
    "工业增加值(万元)",
    "实缴税金（亿元）",
    "用地面积（平方米）",
    "综合能耗(吨标准煤)",
    "主要污染物排放当量(吨)",
    "研发费用(万元)",
    "年平均职工人数(人)",
    "联系电话",
]


def write_people_file(usccs: list[str], year: int) -> Path:
    """The same figures as a county office sends them: a title row, a 填报单位 line, a 序号
    column, 亿元 and 平方米 columns (converted on import), an extra column and a 合计 row."""
    import xlsxwriter

    path = OUT / "figures-as-sent.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("指标")
    sheet.write_row(0, 0, [f"{year}年度工业企业主要经济指标"])
    sheet.write_row(1, 0, ["填报单位：县统计局", None, None, "填报日期：2026年1月15日"])
    sheet.write_row(2, 0, PEOPLE_HEADERS)
    for i, u in enumerate(usccs):
        r = figure_row(i)
        revenue = float(str(r[0]).replace(",", ""))
        row = [i + 1, u, year, revenue / 10_000, r[1], r[2] / 10_000, r[3] * 10_000 / 15, *r[4:]]
        sheet.write_row(i + 3, 0, [*row, "0319-5123456"])
    sheet.write_row(len(usccs) + 3, 0, ["合计"])
    book.close()
    return path


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def bench_import(rows: int) -> None:
    from django.utils import timezone

    from chainboard.enterprises.importers import FiguresImporter
    from chainboard.enterprises.models import Enterprise, EnterpriseYear
    from chainboard.imports.readers import read_table
    from chainboard.imports.runner import run_import

    t_firms, usccs = timed(make_firms, rows)
    print(f"setup: {rows:,} firms bulk-created in {t_firms:.1f} s")
    csv_path, xlsx_path = write_files(usccs, 2025)
    t_read_csv, _ = timed(read_table, csv_path)
    t_read_xlsx, _ = timed(read_table, xlsx_path)

    # baseline: raw bulk insert of the same rows (year 2024 so keys do not collide): one
    # executemany of ready-made tuples, no parsing, no validation, no history
    from django.db import connection, transaction

    ids = dict(Enterprise.objects.values_list("uscc", "pk"))
    columns = [
        "enterprise_id",
        "year",
        "revenue_wan_yuan",
        "value_added_wan_yuan",
        "tax_paid_wan_yuan",
        "land_area_mu",
        "energy_tce",
        "pollutant_equivalent_t",
        "rd_spend_wan_yuan",
        "employees",
        "created_at",
        "updated_at",
        "version",
    ]
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    tuples = []
    for i, u in enumerate(usccs):
        r = figure_row(i)
        tuples.append((ids[u], 2024, str(r[0]).replace(",", ""), *r[1:], stamp, stamp, 1))
    sql = (
        f"INSERT INTO {EnterpriseYear._meta.db_table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )

    def raw_insert() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # the fastest raw path there is COPY
                with cursor.cursor.copy(
                    f"COPY {EnterpriseYear._meta.db_table} ({', '.join(columns)}) FROM STDIN"
                ) as copy:
                    for row in tuples:
                        copy.write_row(row)
            else:
                cursor.executemany(sql, tuples)

    t_raw, _ = timed(raw_insert)

    # second baseline: Django's bulk_create of ready-made model instances (year 2023)
    objs = [
        EnterpriseYear(
            enterprise_id=t[0],
            year=2023,
            revenue_wan_yuan=t[2],
            value_added_wan_yuan=t[3],
            tax_paid_wan_yuan=t[4],
            land_area_mu=t[5],
            energy_tce=t[6],
            pollutant_equivalent_t=t[7],
            rd_spend_wan_yuan=t[8],
            employees=t[9],
        )
        for t in tuples
    ]
    t_orm, _ = timed(EnterpriseYear.objects.bulk_create, objs, batch_size=2000)

    t_import, outcome = timed(run_import, FiguresImporter(), xlsx_path, actor=None)
    assert outcome.ok and outcome.counts.created == rows, outcome.errors[:3]
    t_reimport, again = timed(run_import, FiguresImporter(), csv_path, actor=None)
    assert again.counts.unchanged == rows

    print(f"read {rows:,} rows: xlsx {t_read_xlsx:.2f} s, csv {t_read_csv:.2f} s")
    print(f"raw insert, executemany/COPY (baseline): {t_raw:.2f} s = {rows / t_raw:,.0f} rows/s")
    print(
        f"Django bulk_create of ready instances (baseline 2): {t_orm:.2f} s = {rows / t_orm:,.0f} rows/s"
    )
    print(
        f"import xlsx (read+validate+commit+history): {t_import:.2f} s = {rows / t_import:,.0f} rows/s"
        f" = {t_import / t_raw:.2f}x the raw insert, {t_import / t_orm:.2f}x bulk_create"
    )
    print("  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in outcome.seconds.items()))
    print(
        f"re-import csv, all unchanged: {t_reimport:.2f} s = {rows / t_reimport:,.0f} rows/s"
        f" = {t_reimport / t_raw:.2f}x the raw insert"
    )
    print("  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in again.seconds.items()))

    people = write_people_file(usccs, 2022)
    t_people, sent = timed(run_import, FiguresImporter(), people, actor=None)
    assert sent.ok and sent.counts.created == rows, sent.errors[:3]
    print(
        f"import xlsx as sent (title rows, 序号, 亿元/平方米 converted, 合计 row): {t_people:.2f} s"
        f" = {rows / t_people:,.0f} rows/s = {t_people / t_import:.2f}x the template file"
    )
    print("  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in sent.seconds.items()))


def bench_pages(repeats: int) -> None:
    from django.test import Client

    from chainboard.accounts.models import User

    admin = User.objects.create_superuser("bench-admin", password="x", role="admin")
    county = User.objects.create_user(
        "bench-county", password="x", role="region_staff", scope_region_id="130528"
    )

    def measure(
        client: Client, url: str, params: dict[str, str] | None = None, cold: bool = False
    ) -> list[float]:
        client.get(url, params or {})  # warm
        samples = []
        for _ in range(repeats):
            if cold:
                bump_registry_version()  # as after any registry write: cached figures expire
            start = time.perf_counter()
            response = client.get(url, params or {})
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        return samples

    from chainboard.core.versioning import bump_registry_version

    anon = Client()
    baseline = statistics.median(measure(anon, "/accounts/login/"))
    print(f"baseline (login page, no DB): p50 {baseline * 1000:.1f} ms")
    for who, user in (("admin (all 100k)", admin), ("county user", county)):
        client = Client()
        client.force_login(user)
        for label, url, params in (
            ("dashboard cold (after a write)", "/", None),
            ("dashboard (cached)", "/", None),
            ("enterprise list p1", "/enterprises/", None),
            ("enterprise list p500", "/enterprises/", {"page": "500"}),
            ("list search 'q=00123'", "/enterprises/", {"q": "00123"}),
            (
                "list filter county+规上",
                "/enterprises/",
                {"region": "130528", "above_scale": "true"},
            ),
            ("API list", "/api/enterprises/", None),
        ):
            s = sorted(measure(client, url, params, cold=label.startswith("dashboard cold")))
            p50, p95 = statistics.median(s), s[int(0.95 * (len(s) - 1))]
            print(
                f"{who:18s} {label:26s} p50 {p50 * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms"
                f"  ({p95 / baseline:.1f}x baseline)"
            )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--import-only", action="store_true", help="skip the page timings")
    args = parser.parse_args()
    print(f"== {args.db}")
    setup(args.db)
    bench_import(args.rows)
    if not args.import_only:
        bench_pages(args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
