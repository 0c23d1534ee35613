"""Benchmarks for issue #3 (chains).

1. Linking: 100,000 firms against the 10 demo chains (8 templates for 邢台市 + 2 county copies,
   271 nodes), industry codes and jieba-segmented business scopes — firms per second of the pure
   matcher (``chainboard_analytics.chains.matching``), and of the full service
   (``chain_link_run``: read firms, match, write proposals with history) on SQLite.
2. Panorama: a 40-node chain with 5,000 linked firms, the whole page rendered server-side
   (selector + gap rules + ECharts option + template, through the Django test client) and the
   server-side SVG. Target: under 300 ms.

Usage:  .venv/bin/python benchmarks/chains_bench.py [--firms 100000] [--db-firms 20000]
Firms come from the demo generator (synthetic 邢台市 firms, seeds varied), so business scopes
are realistic 经营范围 phrases.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def firms_from_demo(n: int) -> list:
    from chainboard.demo.generator import demo_generate

    out: list = []
    seed = 1
    while len(out) < n:
        out += demo_generate(n_firms=min(20_000, n - len(out)), seed=seed).firms
        seed += 1
    return out[:n]


def bench_matcher(n: int) -> None:
    from chainboard_analytics.chains.matching import FirmText, Matcher, NodeRule
    from chainboard_analytics.chains.template import parse_template

    specs = [
        parse_template(p.read_text(encoding="utf-8"), file=p.name)
        for p in sorted((ROOT / "src/chainboard/chains/templates_data").glob("*.yaml"))
    ]
    specs += [s for s in specs if s.code in ("glass", "wire_cable")]  # the two county copies
    rules = [
        NodeRule(
            key=(i, n_.name),
            chain=i,
            name=n_.name,
            stage=n_.stage,
            codes=n_.codes,
            related_codes=n_.related_codes,
            keywords=n_.keywords,
            exclude=n_.exclude,
            chain_keywords=s.keywords,
            parent=(i, n_.parent) if n_.parent else None,
            trade_is_core=n_.service_kind in ("parts_market", "raw_material_market", "ecommerce"),
        )
        for i, s in enumerate(specs)
        for n_ in s.nodes
    ]
    t = time.perf_counter()
    firms = [
        FirmText(f.uscc, f.industry_code, f.name, f.business_scope) for f in firms_from_demo(n)
    ]
    print(f"generated {len(firms):,} demo firms in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    matcher = Matcher(rules)
    build = time.perf_counter() - t
    t = time.perf_counter()
    proposals = sum(len(matcher.match(f)) for f in firms)
    secs = time.perf_counter() - t
    print(
        f"matcher: {len(specs)} chains / {len(rules)} nodes, build {build:.2f} s (jieba dictionary), "
        f"{len(firms):,} firms in {secs:.2f} s = {len(firms) / secs:,.0f} firms/s, "
        f"{proposals:,} proposals, {len(matcher._phrases):,} distinct phrases segmented"
    )
    # worst case for the phrase cache: one never-seen phrase per firm (real registries repeat
    # the standard 经营范围 phrases, the demo extremely so)
    cold = [
        FirmText(f.key, f.code, f.name, f"{f.scope}；{f.name}配套产品研发") for f in firms[:20_000]
    ]
    t = time.perf_counter()
    sum(len(matcher.match(f)) for f in cold)
    secs = time.perf_counter() - t
    print(
        f"matcher, one new phrase per firm: {len(cold):,} firms in {secs:.2f} s = {len(cold) / secs:,.0f} firms/s"
    )


def _django(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainboard.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_db(n_db: int) -> None:
    from chainboard.chains import services
    from chainboard.chains.models import Chain, ChainNode, EnterpriseNode
    from chainboard.demo.loader import demo_load

    t = time.perf_counter()
    demo_load(n_firms=n_db, seed=3)
    print(f"demo city of {n_db:,} firms loaded in {time.perf_counter() - t:.1f} s")
    from chainboard.geo.models import Region

    city = Region.objects.get(pk="130500")
    chains = [
        services.chain_load_template(spec=services.template_read(c), region=city, actor=None)
        for c in services.template_paths()
    ]
    for county, code in (("130582", "glass"), ("130528", "wire_cable")):
        chains.append(
            services.chain_load_template(
                spec=services.template_read(code), region=Region.objects.get(pk=county), actor=None
            )
        )
    t = time.perf_counter()
    stats = services.chain_link_run(chains=chains, actor=None)
    first = time.perf_counter() - t
    t = time.perf_counter()
    again = services.chain_link_run(chains=chains, actor=None)
    second = time.perf_counter() - t
    print(
        f"chain_link_run (SQLite): {len(chains)} chains / {ChainNode.objects.count()} nodes, "
        f"{stats.firms:,} firms, first run {first:.1f} s = {stats.firms / first:,.0f} firms/s "
        f"({stats.created:,} links written with history); re-run {second:.1f} s = "
        f"{again.firms / second:,.0f} firms/s ({again.updated} updated)"
    )
    Chain.objects.all().delete()
    assert not EnterpriseNode.objects.exists()


def bench_panorama(n_links: int = 5000, n_nodes: int = 40) -> None:
    from decimal import Decimal

    from django.test import Client
    from django.utils import timezone

    from chainboard.accounts.models import User
    from chainboard.chains import charts, selectors, services
    from chainboard.chains.models import EnterpriseNode
    from chainboard.core.bulk import insert_with_history
    from chainboard.enterprises.models import Enterprise
    from chainboard.geo.models import Region
    from chainboard_analytics.chains.template import parse_template

    stages = ["upstream"] * 10 + ["midstream"] * 14 + ["downstream"] * 8 + ["service"] * 8
    lines = [
        "code: bench40",
        "version: 1",
        "name: 基准产业链",
        "category: 新兴",
        "sources: [bench]",
        "nodes:",
    ]
    for i, st in enumerate(stages[:n_nodes]):
        lines += [f"  - name: 环节{i:02d}", f"    stage: {st}", f"    weight: {1 + i % 3}"]
        if st == "service":
            lines.append("    service_kind: logistics")
        else:
            lines.append("    ref_share: 0.02")
        if i + 1 < n_nodes and stages[i + 1] != "service" and st != "service":
            lines.append(f"    feeds: [环节{i + 1:02d}]")
    spec = parse_template("\n".join(lines) + "\n", file="bench40.yaml")
    city = Region.objects.get(pk="130500")
    chain = services.chain_load_template(spec=spec, region=city, actor=None)
    nodes = list(chain.nodes.order_by("order"))
    firm_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True)[:n_links])
    rows = [
        {
            "enterprise_id": e,
            "node_id": nodes[(i * 7) % len(nodes)].pk,
            "source": "code",
            "confidence": Decimal("0.65"),
            "explanation": "基准",
            "state": "proposed",
            "reviewed_by_id": None,
            "reviewed_at": None,
            "note": "",
        }
        for i, e in enumerate(firm_ids)
    ]
    insert_with_history(
        EnterpriseNode,
        rows,
        key=("enterprise_id", "node_id"),
        actor_id=None,
        reason="bench",
        now=timezone.now(),
    )
    user = User.objects.filter(username="analyst").first()
    client = Client()
    client.force_login(user)
    url = f"/chains/{chain.pk}/"
    client.get(url)  # warm templates and caches
    page, sel, svg = [], [], []
    for _ in range(15):
        t = time.perf_counter()
        r = client.get(url)
        page.append(time.perf_counter() - t)
        assert r.status_code == 200
        t = time.perf_counter()
        p = selectors.chain_panorama(user=user, chain=chain)
        charts.panorama_option(p)
        sel.append(time.perf_counter() - t)
        t = time.perf_counter()
        charts.panorama_svg(p)
        svg.append(time.perf_counter() - t)
    print(
        f"panorama: {len(nodes)} nodes, {p.firms:,} linked firms — page GET median "
        f"{statistics.median(page) * 1000:.0f} ms (max {max(page) * 1000:.0f}); selector+gaps+option "
        f"{statistics.median(sel) * 1000:.0f} ms; server-side SVG {statistics.median(svg) * 1000:.1f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=100_000)
    ap.add_argument("--db-firms", type=int, default=20_000)
    args = ap.parse_args()
    bench_matcher(args.firms)
    with tempfile.TemporaryDirectory() as tmp:
        _django(Path(tmp) / "bench.sqlite3")
        bench_db(args.db_firms)
        bench_panorama()


if __name__ == "__main__":
    main()
