"""Writes of the supply app: run the supply-network analysis for a region, publish a run.

``run_supply_analysis`` reads a transactions file (Parquet/CSV) on the analytics engine, takes the
registry's firms and the active firm→node links of the region's chains through
``chainboard.bridge`` (one query each, no row-by-row copying), computes every metric with
``chainboard_analytics.supply`` and stores the results in one ``transaction.atomic`` with bulk
inserts. Bad input raises an :class:`~chainboard.supply.analysis.InputError` before anything is
written. The same inputs and parameters give back the existing run (never overwritten).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chainboard.accounts.models import User
from chainboard.accounts.scope import require_supply_runner
from chainboard.accounts.services import security_event_record
from chainboard.bridge import firm_nodes_frame, firms_frame
from chainboard.chains.models import Chain
from chainboard.core.errors import DomainError
from chainboard.core.history import set_history
from chainboard.enterprises.models import Enterprise
from chainboard.geo.models import Region
from chainboard.supply import analysis, risk
from chainboard.supply.models import (
    RunStatus,
    SupplyBackup,
    SupplyChainResult,
    SupplyFirm,
    SupplyFirmDependence,
    SupplyFirmNode,
    SupplyNodeResult,
    SupplyPair,
    SupplyRiskyDependence,
    SupplyRun,
)
from chainboard_analytics.engine import BACKENDS, connect, register_frame
from chainboard_analytics.engine.uscc import region_prefix
from chainboard_analytics.supply.dependence import DEFAULT_SINGLE_SOURCE_THRESHOLD
from chainboard_analytics.supply.schemas import FIRM_NODES, FIRMS

BATCH = 2000


def region_resolve(region: Region | str) -> Region:
    """A Region from a Region or its code; a located error for an unknown code."""
    if isinstance(region, Region):
        return region
    code = str(region).strip()
    try:
        region_prefix(code)
    except ValueError as exc:
        raise DomainError(
            f"行政区划代码 {code!r} 无效：应为6位数字（GB/T 2260）", fields={"region": code}
        ) from exc
    obj = Region.objects.filter(pk=code).first()
    if obj is None:
        raise DomainError(f"未知的行政区划代码 {code}", fields={"region": code})
    return obj


def _dec(x: Any) -> Decimal:
    return Decimal(f"{float(x):.4f}")


def _dec_or_none(x: Any) -> Decimal | None:
    return None if x is None or pd.isna(x) else _dec(x)


def parameters_check(threshold: float, outside: float, top_k: int) -> None:
    """The analysis parameters are in range (the page checks them before starting a job)."""
    if not 0 < threshold <= 1:
        raise DomainError(
            f"单一来源阈值 {threshold} 无效：应满足 0 < θ ≤ 1",
            fields={"single_source_threshold": str(threshold)},
        )
    if not 0 < outside <= 1:
        raise DomainError(
            f"省外依赖阈值 {outside} 无效：应在 0 到 1 之间",
            fields={"outside_province_threshold": str(outside)},
        )
    if top_k < 1:
        raise DomainError("备份货源数量至少为 1", fields={"top_k": str(top_k)})


def run_supply_analysis(
    *,
    actor: Any,
    region: Region | str,
    transactions_path: str | Path,
    backend: str = "duckdb",
    single_source_threshold: float = DEFAULT_SINGLE_SOURCE_THRESHOLD,
    outside_province_threshold: float = 0.2,
    top_k: int = 5,
    rules: dict[str, float] | None = None,
    publish: bool = True,
    source: str = "",
    threads: int | None = None,
    memory_limit: str | None = None,
    master: str | None = None,
    url: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[SupplyRun, bool]:
    """Analyse ``transactions_path`` for ``region``'s chains and store a run.

    Returns ``(run, created)``; an unchanged file, registry extract and parameters give back the
    existing run (``created=False``). With ``publish`` the run becomes the region's current
    result (the previous one is superseded, both stay). ``progress(done, total, phase)`` hears
    the phases (the background job's progress bar; the CLI passes none).
    """
    t0 = time.perf_counter()
    step = progress or (lambda done, total, phase: None)
    home = region_resolve(region)
    user = require_supply_runner(actor, home)
    parameters_check(single_source_threshold, outside_province_threshold, top_k)
    if backend not in BACKENDS:
        raise DomainError(f"未知的计算后端 {backend!r}：可选 {', '.join(BACKENDS)}")
    chains = list(Chain.objects.filter(region=home).order_by("code"))
    if not chains:
        raise DomainError(
            f"{home.name}（{home.code}）还没有产业链；先载入产业链模板"
            f"（chainboard chains load … --region {home.code}）",
            fields={"region": home.code},
        )
    path = Path(transactions_path)
    step(0, 4, "读取并校验交易记录")
    try:
        con = connect(backend, threads=threads, memory_limit=memory_limit, master=master, url=url)  # type: ignore[arg-type]
    except (ImportError, ValueError) as exc:
        raise DomainError(f"无法连接计算后端 {backend}：{exc}") from exc
    tx = analysis.open_transactions(con, path)
    n_lines = analysis.check_transactions(con, tx, path)

    step(1, 4, "读取企业名录和产业链挂链")
    firms_pa = firms_frame(user=user)
    links_pa = firm_nodes_frame(chains=chains, user=user)
    parameters: dict[str, Any] = {
        "single_source_threshold": single_source_threshold,
        "outside_province_threshold": outside_province_threshold,
        "top_k": top_k,
        "rules": risk.DEFAULT_RULES | (rules or {}),
        "chains": [c.code for c in chains],
    }
    digest = analysis.inputs_hash(
        path, {"firms": firms_pa, "firm_nodes": links_pa}, parameters | {"region": home.code}
    )
    existing = SupplyRun.objects.filter(region=home, inputs_hash=digest).first()
    if existing is not None:
        if publish and existing.status != RunStatus.CURRENT:
            supply_run_publish(actor=actor, run=existing)
        return existing, False

    step(2, 4, f"计算供应网络指标（{n_lines}行交易记录）")
    firms = register_frame(con, firms_pa, schema=FIRMS)
    firm_nodes = register_frame(
        con, links_pa.select(["uscc", "chain_code", "node_code"]), schema=FIRM_NODES
    )
    frames = analysis.compute(
        con,
        tx,
        firms=firms,
        firm_nodes=firm_nodes,
        home_region=home.code,
        single_source_threshold=single_source_threshold,
        outside_province_threshold=outside_province_threshold,
        top_k=top_k,
    )
    step(3, 4, "保存分析结果")
    with transaction.atomic():
        run = _store(
            home=home,
            user=user,
            chains=chains,
            frames=frames,
            firms_pa=firms_pa.to_pandas(),
            links=links_pa.to_pandas(),
            parameters=parameters,
            digest=digest,
            n_lines=n_lines,
            backend=backend,
            source=source or path.name,
        )
        run.seconds = round(time.perf_counter() - t0, 2)
        run.save(update_fields=["seconds"])
        if publish:
            supply_run_publish(actor=actor, run=run)
    return run, True


def _enterprise_ids(usccs: Iterable[str], known: set[str]) -> dict[str, int]:
    """Registry ids of the firms the run may link (``known`` = the firms the actor may see)."""
    wanted = sorted(u for u in set(usccs) if u in known)
    out: dict[str, int] = {}
    for i in range(0, len(wanted), BATCH):
        out.update(
            Enterprise.objects.filter(uscc__in=wanted[i : i + BATCH]).values_list("uscc", "id")
        )
    return out


def _store(
    *,
    home: Region,
    user: User | None,
    chains: list[Chain],
    frames: analysis.SupplyFrames,
    firms_pa: pd.DataFrame,
    links: pd.DataFrame,
    parameters: dict[str, Any],
    digest: str,
    n_lines: int,
    backend: str,
    source: str,
) -> SupplyRun:
    prefix = region_prefix(home.code)
    thr = float(parameters["single_source_threshold"])
    local_dep = frames.firm_dependence[frames.firm_dependence["buyer_is_local"]]
    run = SupplyRun(
        region=home,
        created_by=user,
        source=source[:300],
        inputs_hash=digest,
        backend=backend,
        parameters=parameters,
        n_lines=n_lines,
        n_pairs=len(frames.network),
        n_buyers=len(local_dep),
        n_chains=len(chains),
        n_single_source_buyers=int(local_dep["single_source"].sum()),
        n_risky_dependences=len(frames.risky),
        n_backups=len(frames.backups),
        purchases_wan_yuan=_dec(local_dep["purchases"].sum()),
    )
    set_history(run, user, f"供应链风险分析：{source}"[:200])
    run.full_clean()
    run.save()

    # firms: the network's, the links', the backups' (registry names/regions/revenue when known)
    net = frames.network
    region_of: dict[str, str] = {}
    for col, rcol in (("seller_uscc", "seller_region"), ("buyer_uscc", "buyer_region")):
        region_of.update(zip(net[col], net[rcol].fillna(""), strict=True))
    registry = firms_pa.drop_duplicates("uscc").set_index("uscc")
    usccs = set(region_of) | set(frames.weights["uscc"]) | set(frames.backups["backup_uscc"])
    ids = _enterprise_ids(usccs, set(registry.index))
    codes = {region_of.get(u) or _region_code(u, registry) for u in usccs}
    regions = set(
        Region.objects.filter(code__in=[c for c in codes if c]).values_list("code", flat=True)
    )
    firm_rows = []
    for u in sorted(usccs):
        code = region_of.get(u) or _region_code(u, registry)
        known = u in registry.index
        firm_rows.append(
            SupplyFirm(
                run=run,
                uscc=u,
                enterprise_id=ids.get(u),
                name=str(registry.at[u, "name"] or "") if known else "",
                region_code=code,
                region_id=code if code in regions else None,
                is_local=code.startswith(prefix),
                revenue_wan_yuan=_dec_or_none(registry.at[u, "revenue_wan_yuan"])
                if known
                else None,
            )
        )
    SupplyFirm.objects.bulk_create(firm_rows, batch_size=BATCH)
    fid = dict(SupplyFirm.objects.filter(run=run).values_list("uscc", "id"))
    run.n_firms = len(set(region_of))

    # node links with the analytics weights
    node_of = {
        (c, n): i
        for c, n, i in links[["chain_code", "node_code", "node_id"]].itertuples(index=False)
    }
    chain_of = {c.code: c for c in chains}
    SupplyFirmNode.objects.bulk_create(
        [
            SupplyFirmNode(
                run=run,
                firm_id=fid[r.uscc],
                node_id=node_of[(r.chain_code, r.node_code)],
                weight=r.weight,
            )
            for r in frames.weights.itertuples(index=False)
        ],
        batch_size=BATCH,
    )

    def profile(r: Any) -> dict[str, Any]:
        return {
            "purchases_wan_yuan": _dec(r.purchases),
            "local_purchases_wan_yuan": _dec(r.local_purchases),
            "local_share": float(r.local_share),
            "outside_province_share": float(r.outside_province_share),
            "top_supplier_id": fid[r.top_supplier_uscc],
            "top_supplier_share": float(r.top_supplier_share),
            "hhi": float(r.hhi),
            "single_source": bool(r.single_source),
            "n_suppliers": int(r.n_suppliers),
            "n_buyers": int(r.n_buyers),
            "n_single_source_buyers": int(r.n_single_source_buyers),
            "single_source_purchases_wan_yuan": _dec(r.single_source_purchases),
            "single_source_share": float(r.single_source_share),
        }

    SupplyChainResult.objects.bulk_create(
        [
            SupplyChainResult(run=run, chain=chain_of[r.chain_code], **profile(r))
            for r in frames.chain_dependence.itertuples(index=False)
        ]
    )
    conc = frames.node_concentration.set_index(["chain_code", "node_code"])
    node_rows = []
    rules = parameters["rules"]
    for r in frames.node_dependence.itertuples(index=False):
        c = conc.loc[(r.chain_code, r.node_code)]
        v = risk.node_verdict(
            top_supplier_share=float(r.top_supplier_share),
            hhi=float(r.hhi),
            outside_province_share=float(r.outside_province_share),
            single_source_share=float(r.single_source_share),
            single_source_threshold=thr,
            rules=rules,
        )
        node_rows.append(
            SupplyNodeResult(
                run=run,
                node_id=node_of[(r.chain_code, r.node_code)],
                equivalent_suppliers=float(c["equivalent_suppliers"]),
                concentration=str(c["concentration"]),
                verdict=v.verdict,
                reasons=v.reasons,
                reason=v.text,
                **profile(r),
            )
        )
    SupplyNodeResult.objects.bulk_create(node_rows, batch_size=BATCH)
    run.n_nodes = len(node_rows)
    run.n_risky_nodes = sum(1 for n in node_rows if n.verdict != "ok")

    SupplyFirmDependence.objects.bulk_create(
        [
            SupplyFirmDependence(
                run=run,
                firm_id=fid[r.buyer_uscc],
                purchases_wan_yuan=_dec(r.purchases),
                local_share=float(r.local_share),
                outside_province_share=float(r.outside_province_share),
                top_supplier_id=fid[r.top_supplier_uscc],
                top_supplier_share=float(r.top_supplier_share),
                hhi=float(r.hhi),
                single_source=bool(r.single_source),
                n_suppliers=int(r.n_suppliers),
            )
            for r in local_dep.itertuples(index=False)
        ],
        batch_size=BATCH,
    )
    SupplyRiskyDependence.objects.bulk_create(
        [
            SupplyRiskyDependence(
                run=run,
                buyer_id=fid[r.buyer_uscc],
                supplier_id=fid[r.supplier_uscc],
                amount_wan_yuan=_dec(r.amount),
                share=float(r.share),
                single_source=bool(r.single_source),
                outside_province=bool(r.outside_province),
            )
            for r in frames.risky.itertuples(index=False)
        ],
        batch_size=BATCH,
    )
    dep_id = {
        (b, s): i
        for b, s, i in SupplyRiskyDependence.objects.filter(run=run).values_list(
            "buyer_id", "supplier_id", "id"
        )
    }
    backups = []
    for r in frames.backups.itertuples(index=False):
        match_node = None
        if r.match == "same_node":
            chain_code, _, node_name = str(r.match_detail).partition("/")
            match_node = node_of.get((chain_code, node_name))
        backups.append(
            SupplyBackup(
                run=run,
                dependence_id=dep_id[(fid[r.buyer_uscc], fid[r.supplier_uscc])],
                rank=int(r.rank),
                backup_id=fid[r.backup_uscc],
                match=r.match,
                match_detail=str(r.match_detail)[:200],
                match_node_id=match_node,
                tier=int(r.tier),
                capacity_wan_yuan=_dec(r.capacity_wan_yuan),
                capacity_source=r.capacity_source,
                observed_sales_wan_yuan=_dec(r.observed_sales),
                n_buyers_served=int(r.n_buyers_served),
                already_supplies_buyer=bool(r.already_supplies_buyer),
                reason=str(r.reason)[:300],
            )
        )
    SupplyBackup.objects.bulk_create(backups, batch_size=BATCH)
    SupplyPair.objects.bulk_create(
        [
            SupplyPair(
                run=run,
                seller_id=fid[r.seller_uscc],
                buyer_id=fid[r.buyer_uscc],
                amount_wan_yuan=_dec(r.amount),
                n_lines=int(r.n_lines),
            )
            for r in net.itertuples(index=False)
        ],
        batch_size=BATCH,
    )
    run.save(update_fields=["n_firms", "n_nodes", "n_risky_nodes"])
    return run


def _region_code(uscc: str, registry: pd.DataFrame) -> str:
    """Registry region, else characters 3-8 of the USCC (the analytics' rule for unknown firms)."""
    if uscc in registry.index:
        code = registry.at[uscc, "region_code"]
        if isinstance(code, str) and code:
            return code
    return uscc.strip()[2:8] if len(uscc.strip()) >= 8 else ""


@transaction.atomic
def supply_run_publish(*, actor: Any, run: SupplyRun) -> SupplyRun:
    """Make ``run`` the current result of its region; the current one before it is superseded."""
    user = require_supply_runner(actor, run.region)
    if run.status == RunStatus.CURRENT:
        return run
    for old in SupplyRun.objects.select_for_update().filter(
        Q(region=run.region, status=RunStatus.CURRENT) & ~Q(pk=run.pk)
    ):
        old.status = RunStatus.SUPERSEDED
        old.superseded_by = run
        set_history(old, user, f"被批次#{run.pk}替代")
        old.save()
    run.status = RunStatus.CURRENT
    run.published_at = timezone.now()
    run.superseded_by = None
    set_history(run, user, "发布为当前结果")
    run.save()
    security_event_record(
        "publish", user=user, target=f"供应链风险批次#{run.pk}", detail="发布为当前结果"
    )
    return run
