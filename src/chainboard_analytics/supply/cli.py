"""``chainboard supply ...`` commands (argv excludes the word ``supply``).

analyze   read transactions (+ firm nodes, firms), compute every supply metric on the chosen
          backend, write Parquet files, ``firm_dependence.csv`` and ``supply_summary.xlsx``.
generate  write demo transaction records (chunked Parquet) for a firms file.

The heavy pass over the transactions runs once: lines are reduced to (seller, buyer,
category) on the backend and cached there; every metric starts from that reduction.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from chainboard_analytics.engine import (
    BACKENDS,
    cast_columns,
    collect,
    connect,
    read_table,
    region_prefix,
    write_csv,
    write_parquet,
    write_xlsx,
)
from chainboard_analytics.supply.backups import calc_risky_dependences, find_backup_suppliers
from chainboard_analytics.supply.dependence import (
    calc_firm_dependence,
    calc_node_dependence,
    calc_region_supply,
)
from chainboard_analytics.supply.flows import calc_node_flows
from chainboard_analytics.supply.network import calc_firm_network, prepare_transactions
from chainboard_analytics.supply.schemas import SchemaError
from chainboard_analytics.supply.shock import simulate_shock

FIRM_DEPENDENCE_COLUMNS = [
    "buyer_uscc",
    "purchases",
    "local_share",
    "outside_province_share",
    "top_supplier_uscc",
    "top_supplier_share",
    "hhi",
    "single_source",
]

HEADERS_ZH = {
    "buyer_uscc": "采购方统一社会信用代码",
    "purchases": "采购额(万元)",
    "local_share": "本地采购占比",
    "outside_province_share": "省外采购占比",
    "top_supplier_uscc": "第一大供应商",
    "top_supplier_share": "第一大供应商占比",
    "hhi": "供应集中度HHI",
    "single_source": "单一来源",
    "chain_code": "产业链",
    "node_code": "环节",
    "local_purchases": "本地采购额(万元)",
    "n_suppliers": "供应商数",
    "n_buyers": "采购企业数",
    "supplier_uscc": "供应商",
    "backup_uscc": "备份供应商",
    "reason": "理由",
    "rank": "排序",
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chainboard supply", description="供应链韧性分析")
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("analyze", help="compute supply-network metrics")
    a.add_argument("--transactions", required=True, type=Path, help="Parquet/CSV lines")
    a.add_argument("--region", required=True, help="home region code (6 digits)")
    a.add_argument("--backend", choices=BACKENDS, default="duckdb")
    a.add_argument("--master", help="Spark master URL (default local[2])")
    a.add_argument("--url", help="PostgreSQL URL for --backend postgres")
    a.add_argument("--out", required=True, type=Path, help="output directory")
    a.add_argument("--firm-nodes", type=Path, help="firm→chain node links (Parquet/CSV)")
    a.add_argument("--firms", type=Path, help="registry firms (Parquet/CSV)")
    a.add_argument("--single-source-threshold", type=float, default=0.5)
    a.add_argument("--outside-province-threshold", type=float, default=0.2)
    a.add_argument("--top-k", type=int, default=5, help="backup suppliers per dependence")
    a.add_argument("--shock-supplier", action="append", default=[], help="USCC (repeatable)")
    a.add_argument("--shock-region", help="region code whose firms stop supplying")
    a.add_argument("--memory-limit", help="DuckDB memory limit, e.g. 6GB")
    a.add_argument("--threads", type=int, help="DuckDB threads")
    g = sub.add_parser("generate", help="write demo transaction records")
    g.add_argument("--firms", type=Path, help="firms file (Parquet/CSV); synthetic if omitted")
    g.add_argument("--size", required=True, type=int, help="number of lines")
    g.add_argument("--out", required=True, type=Path, help="Parquet file to write")
    g.add_argument("--region", default="130500", help="home region code")
    g.add_argument("--seed", type=int, default=20261101)
    g.add_argument("--chunk-rows", type=int, default=2_000_000)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 2 bad input)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "generate":
            return _generate(args)
        return _analyze(args)
    except (FileNotFoundError, SchemaError, ValueError) as exc:
        print(f"chainboard supply {args.command}: error: {exc}", file=sys.stderr)
        return 2


def _generate(args: argparse.Namespace) -> int:
    from chainboard_analytics.supply.demo_transactions import generate_transactions

    firms = None
    if args.firms is not None:
        if not args.firms.exists():
            raise FileNotFoundError(f"{args.firms}: no such file")
        suffix = args.firms.suffix.lower()
        firms = (
            pd.read_parquet(args.firms)
            if suffix in {".parquet", ".pq"}
            else pd.read_csv(args.firms, dtype=str)
        )
    t0 = time.perf_counter()
    path = generate_transactions(
        args.out,
        size=args.size,
        firms=firms,
        home_region=args.region,
        seed=args.seed,
        chunk_rows=args.chunk_rows,
    )
    print(f"wrote {args.size} lines to {path} in {time.perf_counter() - t0:.1f} s")
    return 0


def _analyze(args: argparse.Namespace) -> int:
    home = args.region.strip()
    region_prefix(home)
    t0 = time.perf_counter()
    con = connect(
        args.backend,
        master=args.master,
        url=args.url,
        memory_limit=args.memory_limit,
        threads=args.threads,
    )
    ids = ("seller_uscc", "buyer_uscc", "category", "uscc", "region_code")
    tx = read_table(con, args.transactions, string_columns=ids)
    fn = read_table(con, args.firm_nodes, string_columns=ids) if args.firm_nodes else None
    firms = read_table(con, args.firms, string_columns=ids) if args.firms else None
    if fn is not None:
        fn = cast_columns(fn, {"weight": "float64", "capacity_wan_yuan": "float64"})
    if firms is not None:
        firms = cast_columns(firms, {"revenue_wan_yuan": "float64"})

    # the one heavy pass: lines -> (seller, buyer, category), cached on the backend
    lines = prepare_transactions(tx)
    by_cat = (
        lines.group_by(["seller_uscc", "buyer_uscc", "category"])
        .aggregate(amount=lines.amount.sum(), n_lines=lines.count())
        .cache()
    )
    net = calc_firm_network(by_cat, firms=firms).cache()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    results: dict[str, pd.DataFrame] = {}
    thr = args.single_source_threshold

    results["firm_network"] = collect(con, net.order_by(["seller_uscc", "buyer_uscc"]))
    dep = collect(
        con, calc_firm_dependence(net, home_region=home, firms=firms, single_source_threshold=thr)
    )
    results["firm_dependence"] = dep
    results["region_supply"] = collect(con, calc_region_supply(net, home_region=home, firms=firms))
    risky = calc_risky_dependences(
        net,
        home_region=home,
        firms=firms,
        single_source_threshold=thr,
        outside_province_threshold=args.outside_province_threshold,
    )
    results["risky_dependences"] = collect(con, risky)
    if fn is not None:
        kw = {"home_region": home, "firms": firms, "single_source_threshold": thr}
        results["node_dependence"] = collect(con, calc_node_dependence(net, fn, **kw))
        results["chain_dependence"] = collect(
            con, calc_node_dependence(net, fn, level="chain", **kw)
        )
        results["node_flows"] = collect(
            con, calc_node_flows(net, fn, firms=firms, home_region=home)
        )
        results["backup_suppliers"] = collect(
            con,
            find_backup_suppliers(
                risky, fn, transactions=by_cat, home_region=home, firms=firms, top_k=args.top_k
            ),
        )
    if args.shock_supplier or args.shock_region:
        shock = simulate_shock(
            net,
            remove_sellers=args.shock_supplier,
            remove_region=args.shock_region,
            firms=firms,
            firm_nodes=fn,
            home_region=home,
            con=con,
        )
        results["shock_firms"] = shock.firms
        results["shock_nodes"] = shock.nodes
        results["shock_regions"] = shock.regions
        results["shock_summary"] = shock.summary

    for name, frame in results.items():
        write_parquet(frame, out / f"{name}.parquet")
    write_csv(dep[FIRM_DEPENDENCE_COLUMNS], out / "firm_dependence.csv")
    overview = _overview(results, home, args, time.perf_counter() - t0)
    sheets = {"概览": overview}
    for key, sheet in (
        ("chain_dependence", "产业链"),
        ("node_dependence", "环节"),
        ("risky_dependences", "风险依赖"),
        ("backup_suppliers", "备份货源"),
        ("region_supply", "区县"),
        ("shock_summary", "冲击模拟"),
        ("shock_nodes", "冲击-环节"),
    ):
        if key in results:
            sheets[sheet] = results[key]
    sheets["企业依赖"] = dep.sort_values("purchases", ascending=False)[FIRM_DEPENDENCE_COLUMNS]
    write_xlsx(sheets, out / "supply_summary.xlsx", headers=HEADERS_ZH)
    meta = {r.metric: r.value for r in overview.itertuples()}
    (out / "summary.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    print(f"supply analyze: {len(dep)} buyers, wrote {len(results)} tables to {out}")
    return 0


def _overview(
    results: dict[str, pd.DataFrame], home: str, args: argparse.Namespace, seconds: float
) -> pd.DataFrame:
    dep = results["firm_dependence"]
    local = dep[dep["buyer_is_local"]]
    total = float(local["purchases"].sum())
    local_amt = float((local["purchases"] * local["local_share"]).sum())
    outp = float((local["purchases"] * local["outside_province_share"]).sum())
    rows = [
        ("home_region 本地区域", home),
        ("backend 计算后端", args.backend),
        ("firm pairs 企业间交易对", len(results["firm_network"])),
        ("local buyers 本地采购企业", len(local)),
        ("purchases 本地企业采购额(万元)", round(total, 4)),
        ("local supply ratio 本地配套率", round(local_amt / total, 6) if total else None),
        ("outside-province share 省外采购占比", round(outp / total, 6) if total else None),
        ("single-source buyers 单一来源企业", int(local["single_source"].sum())),
        ("single-source threshold 单一来源阈值", args.single_source_threshold),
        ("risky dependences 风险依赖", len(results["risky_dependences"])),
        ("seconds 用时(秒)", round(seconds, 1)),
    ]
    return pd.DataFrame(rows, columns=["metric", "value"]).astype({"value": str})


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
