"""Writes for chains: load a template, run automatic linking, review links, clusters and targets.

Every write checks the actor's scope (``actor=None`` is the server operator: CLI, demo) and is
recorded in django-simple-history with its actor and reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, cast

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from chainboard.accounts.models import User
from chainboard.accounts.scope import (
    enterprises_visible,
    require_chain_editor,
    require_enterprise_visible,
    require_link_reviewer,
)
from chainboard.chains.models import (
    Chain,
    ChainNode,
    Cluster,
    ClusterTarget,
    EnterpriseNode,
    LinkSource,
    LinkState,
)
from chainboard.core.bulk import insert_with_history
from chainboard.core.errors import DomainError, NotFound
from chainboard.core.history import set_history
from chainboard.core.locking import MISSING, EditConflict, bump_versions, merge_edit, save_edit
from chainboard.enterprises.models import Enterprise, EnterpriseStatus
from chainboard.geo.models import Region
from chainboard.industries.models import IndustryCode
from chainboard_analytics.chains.matching import (
    FirmText,
    Matcher,
    MatchWeights,
    NodeRule,
    Proposal,
)
from chainboard_analytics.chains.template import (
    ChainSpec,
    TemplateError,
    TemplateIssue,
    parse_template,
)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates_data"
MARKET_KINDS = ("parts_market", "raw_material_market", "ecommerce")


def _require_region_writer(actor: User | None, region: Region) -> None:
    if actor is not None:
        require_chain_editor(actor, region)


# --- templates --------------------------------------------------------------------------------


@cache
def _known_codes_cached(version: int) -> frozenset[str]:
    return frozenset(IndustryCode.objects.values_list("code", flat=True))


def known_industry_codes() -> frozenset[str]:
    return _known_codes_cached(IndustryCode.objects.count())


def template_paths() -> dict[str, Path]:
    """Shipped templates by code (file stem)."""
    return {p.stem: p for p in sorted(TEMPLATES_DIR.glob("*.yaml"))}


def template_read(name: str | Path) -> ChainSpec:
    """Parse a shipped template (by code) or a YAML file; :class:`TemplateError` if malformed."""
    path = Path(name)
    if not path.suffix:
        paths = template_paths()
        if str(name) not in paths:
            known = "、".join(paths)
            raise TemplateError([TemplateIssue(str(name), 0, f"没有这个模板；可用：{known}")])
        path = paths[str(name)]
    if not path.exists():
        raise FileNotFoundError(path)
    text = path.read_text(encoding="utf-8")
    return parse_template(text, file=str(path.name), known_codes=set(known_industry_codes()))


def _digest(spec: ChainSpec) -> str:
    return hashlib.sha256(repr(spec.nodes).encode()).hexdigest()[:16]


@transaction.atomic
def chain_load_template(
    *, spec: ChainSpec, region: Region, actor: User | None, reason: str = "载入产业链模板"
) -> Chain:
    """Create or update the chain ``spec.code`` of ``region`` from a validated template.

    Nodes are matched by name: changed nodes are updated, new ones added, removed ones deleted
    (with their links). Firm links of kept nodes, reviewed or not, are untouched. All in one
    transaction: a failure leaves the previous state.
    """
    _require_region_writer(actor, region)
    chain = Chain.objects.filter(region=region, code=spec.code).first()
    if chain is None:
        chain = Chain(region=region, code=spec.code)
    chain.name = spec.name
    chain.category = spec.category
    chain.description = spec.description
    chain.template_version = spec.version
    chain.template_digest = _digest(spec)
    chain.keywords = list(spec.keywords)
    chain.sources = list(spec.sources)
    chain.full_clean()
    set_history(chain, actor, reason)
    chain.version += 1 if chain.pk else 0  # a template reload is an edit others must see
    chain.save()

    existing = {n.name: n for n in chain.nodes.all()}
    wanted = {n.name for n in spec.nodes}
    for name, node in existing.items():
        if name not in wanted:
            set_history(node, actor, reason)
            node.delete()
    saved: dict[str, ChainNode] = {}
    for ns in spec.nodes:  # parents come before their children in template order
        node = existing.get(ns.name) or ChainNode(chain=chain, name=ns.name)
        node.parent = saved[ns.parent] if ns.parent else None
        node.stage = ns.stage
        node.service_kind = ns.service_kind
        node.codes = list(ns.codes)
        node.related_codes = list(ns.related_codes)
        node.keywords = list(ns.keywords)
        node.exclude = list(ns.exclude)
        node.weight = Decimal(str(ns.weight))
        node.ref_share = Decimal(str(ns.ref_share)) if ns.ref_share is not None else None
        node.order = ns.order
        node.description = ns.description
        node.full_clean(exclude=["chain", "parent"])
        set_history(node, actor, reason)
        node.version += 1 if node.pk else 0
        node.save()
        saved[ns.name] = node
    for ns in spec.nodes:
        saved[ns.name].feeds.set([saved[t] for t in ns.feeds])
    return chain


# --- linking ----------------------------------------------------------------------------------


@dataclass
class LinkStats:
    firms: int = 0
    proposals: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept_reviewed: int = 0
    seconds: float = 0.0


def node_rules(chains: Iterable[Chain]) -> list[NodeRule]:
    rules = []
    for chain in chains:
        for n in chain.nodes.all():
            rules.append(
                NodeRule(
                    key=n.pk,
                    chain=chain.pk,
                    name=n.name,
                    stage=n.stage,
                    codes=tuple(n.codes),
                    related_codes=tuple(n.related_codes),
                    keywords=tuple(n.keywords),
                    exclude=tuple(n.exclude),
                    chain_keywords=tuple(chain.keywords),
                    parent=n.parent_id,
                    trade_is_core=n.service_kind in MARKET_KINDS,
                )
            )
    return rules


def _source(value: str) -> str:
    return {"code": LinkSource.CODE, "text": LinkSource.TEXT}.get(value, LinkSource.CODE_TEXT)


@transaction.atomic
def chain_link_run(
    *,
    chains: Sequence[Chain],
    actor: User | None,
    weights: MatchWeights | None = None,
    firms: Iterable[Enterprise] | None = None,
    reason: str = "自动挂链",
) -> LinkStats:
    """Propose firm-segment links for ``chains`` from industry codes and business scopes.

    Firms: every active firm the actor may see (``actor=None``: all), or ``firms``. A proposal
    that already exists is refreshed; stale automatic proposals are removed; links that a person
    decided (confirmed, rejected, or manual) are never touched.
    """
    started = timezone.now()
    for chain in chains:
        _require_region_writer(actor, chain.region)
    if not chains:
        return LinkStats()
    matcher = Matcher(node_rules(chains), weights=weights)
    if firms is None:
        qs = Enterprise.objects.exclude(status=EnterpriseStatus.CLOSED)
        if actor is not None:
            qs = enterprises_visible(actor, qs)
        rows = qs.values_list("pk", "industry_id", "name", "business_scope").iterator(
            chunk_size=5000
        )
    else:
        rows = ((f.pk, f.industry_id, f.name, f.business_scope) for f in firms)
    proposals: dict[tuple[int, int], Proposal] = {}
    firm_ids: list[int] = []
    for pk, code, name, scope in rows:
        firm_ids.append(pk)
        for p in matcher.match(FirmText(pk, code, name, scope)):
            proposals[(pk, cast(int, p.node))] = p
    stats = LinkStats(firms=len(firm_ids), proposals=len(proposals))
    node_ids = [cast(int, k) for k in matcher.nodes]
    # plain tuples: building 10^5 model instances only to compare them costs more than matching
    existing: dict[tuple[int, int], tuple[int, str, str, Decimal, str]] = {}
    firm_set = set(firm_ids)
    for pk, ent, node, state, source, conf, text in EnterpriseNode.objects.filter(
        node_id__in=node_ids
    ).values_list("pk", "enterprise_id", "node_id", "state", "source", "confidence", "explanation"):
        if ent in firm_set:
            existing[(ent, node)] = (pk, state, source, conf, text)
    now = timezone.now()
    creates: list[dict[str, Any]] = []
    changed: dict[int, Any] = {}
    stale: list[int] = []
    for key, (pk, state, source, conf, text) in existing.items():
        if state != LinkState.PROPOSED or source == LinkSource.MANUAL:
            stats.kept_reviewed += 1
            continue
        found = proposals.get(key)
        if found is None:
            stale.append(pk)
            continue
        new_conf = Decimal(str(found.confidence)).quantize(Decimal("0.001"))
        if conf != new_conf or text != found.explanation:
            changed[pk] = (new_conf, found.explanation, _source(found.source))
    updates = list(EnterpriseNode.objects.in_bulk(list(changed)).values()) if changed else []
    for link in updates:
        link.confidence, link.explanation, link.source = changed[link.pk]
        set_history(link, actor, reason)
    for key, p in proposals.items():
        if key in existing:
            continue
        creates.append(
            {
                "enterprise_id": key[0],
                "node_id": key[1],
                "source": _source(p.source),
                "confidence": Decimal(str(p.confidence)).quantize(Decimal("0.001")),
                "explanation": p.explanation,
                "state": LinkState.PROPOSED,
                "reviewed_by_id": None,
                "reviewed_at": None,
                "note": "",
            }
        )
    stats.created = insert_with_history(
        EnterpriseNode,
        creates,
        key=("enterprise_id", "node_id"),
        actor_id=actor.pk if actor else None,
        reason=reason,
        now=now,
    )
    if updates:
        bulk_update_with_history(
            updates,
            EnterpriseNode,
            [
                "confidence",
                "explanation",
                "source",
                *bump_versions(EnterpriseNode, updates),
                "updated_at",
            ],
            batch_size=2000,
            default_user=actor,
            default_change_reason=reason,
        )
    stats.updated = len(updates)
    if stale:
        for i in range(0, len(stale), 2000):
            EnterpriseNode.objects.filter(pk__in=stale[i : i + 2000]).delete()
    stats.removed = len(stale)
    stats.seconds = (timezone.now() - started).total_seconds()
    return stats


def links_bulk_write(
    *,
    creates: Sequence[dict[str, Any]],
    updates: Sequence[EnterpriseNode],
    update_fields: Sequence[str],
    actor: User | None,
    reason: str,
) -> None:
    """Write the links of a 产业链企业名单 import (firms and segments already resolved and
    scope-checked by the importer): new confirmed manual links and re-decided ones."""
    if actor is not None:
        require_link_reviewer(actor)
    now = timezone.now()
    insert_with_history(
        EnterpriseNode,
        creates,
        key=("enterprise_id", "node_id"),
        actor_id=actor.pk if actor else None,
        reason=reason,
        now=now,
    )
    if updates:
        for link in updates:
            link.updated_at = now
        bulk_update_with_history(
            list(updates),
            EnterpriseNode,
            [*update_fields, *bump_versions(EnterpriseNode, updates), "updated_at"],
            batch_size=2000,
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )


def _links_in_scope(actor: User | None, links: Sequence[EnterpriseNode]) -> None:
    if actor is None:
        return
    require_link_reviewer(actor)
    ids = {link.enterprise_id for link in links}
    visible = set(enterprises_visible(actor).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - visible:
        raise NotFound("挂链记录不存在或不在您的管辖范围")


@transaction.atomic
def link_review(
    *,
    links: Sequence[EnterpriseNode],
    state: str,
    actor: User | None,
    note: str = "",
    versions: Mapping[int, int] | None = None,
    reason: str = "挂链审核",
) -> int:
    """Confirm or reject links in bulk; the decision survives later automatic runs.

    ``versions`` maps each link id to the version the reviewer saw (None only for server
    paths). A link another reviewer decided differently since is a conflict: nothing is written
    and :class:`EditConflict` lists those links with their current decision and version.
    """
    if state not in (LinkState.CONFIRMED, LinkState.REJECTED):
        raise DomainError("审核结果应为 已确认 或 已驳回", fields={"state": state})
    _links_in_scope(actor, links)
    locked = list(
        EnterpriseNode.objects.select_for_update(of=("self",))  # the links, not their firms
        .select_related("enterprise", "node")
        .filter(pk__in=[link.pk for link in links])
        .order_by("pk")
    )
    data: dict[str, Any] = {"state": state} | ({"note": note[:200]} if note else {})
    clashes: list[tuple[EnterpriseNode, EditConflict]] = []
    changed: list[EnterpriseNode] = []
    for link in locked:
        expected = None if versions is None else versions.get(link.pk, MISSING)
        label = f"挂链「{link.enterprise.name} → {link.node.name}」"
        try:
            if merge_edit(link, data, expected, label) or link.reviewed_by_id is None:
                changed.append(link)
        except EditConflict as exc:
            clashes.append((link, exc))
    if clashes:
        raise EditConflict(
            "以下挂链在您审核期间已被他人处理，本次未保存任何记录："
            + "；".join(exc.summary() for _, exc in clashes)
            + "。刷新后可按最新状态重新审核",
            fields={"links": "、".join(str(link.pk) for link, _ in clashes)},
            current={
                str(link.pk): {"state": link.state, "note": link.note, "version": link.version}
                for link, _ in clashes
            },
        )
    now = timezone.now()
    for link in changed:
        link.reviewed_by = actor
        link.reviewed_at = link.updated_at = now
        link.version += 1
    bulk_update_with_history(
        changed,
        EnterpriseNode,
        ["state", "reviewed_by", "reviewed_at", "note", "version", "updated_at"],
        batch_size=2000,
        default_user=actor,
        default_change_reason=reason,
    )
    return len(locked)


@transaction.atomic
def link_set(
    *,
    enterprise: Enterprise,
    node: ChainNode,
    actor: User | None,
    state: str = LinkState.CONFIRMED,
    note: str = "",
    reason: str = "人工挂链",
) -> EnterpriseNode:
    """Link a firm to a segment by hand (or re-decide an existing link)."""
    if actor is not None:
        require_link_reviewer(actor)
        require_enterprise_visible(actor, enterprise)
    link = (
        EnterpriseNode.objects.select_for_update().filter(enterprise=enterprise, node=node).first()
    )
    if link is not None:
        link.version += 1  # a manual decision overrides (server/demo path); reviewers get 409
    if link is None:
        link = EnterpriseNode(
            enterprise=enterprise,
            node=node,
            source=LinkSource.MANUAL,
            confidence=Decimal("1"),
            explanation="人工挂链",
        )
    link.state = state
    link.reviewed_by = actor
    link.reviewed_at = timezone.now()
    link.note = note[:200]
    link.full_clean()
    set_history(link, actor, reason)
    link.save()
    return link


# --- clusters ---------------------------------------------------------------------------------


@transaction.atomic
def cluster_save(
    *,
    name: str,
    region: Region,
    chains: Sequence[Chain],
    actor: User | None,
    nodes: Sequence[ChainNode] = (),
    extra_regions: Sequence[Region] = (),
    description: str = "",
    expected_version: int | None = None,
    reason: str = "维护产业集群",
) -> Cluster:
    """Create or update the cluster ``name`` of ``region`` (``expected_version``: see
    :mod:`chainboard.core.locking`)."""
    _require_region_writer(actor, region)
    for r in extra_regions:
        _require_region_writer(actor, r)
    cluster = Cluster.objects.select_for_update().filter(region=region, name=name).first()
    cluster = cluster or Cluster(region=region, name=name)
    changed = merge_edit(cluster, {"description": description}, expected_version, f"集群「{name}」")
    if cluster.pk is None or changed:
        cluster.full_clean()
        save_edit(cluster, changed, actor=actor, reason=reason)
    cluster.chains.set(chains)
    cluster.nodes.set(nodes)
    cluster.extra_regions.set(extra_regions)
    return cluster


@transaction.atomic
def cluster_target_set(
    *,
    cluster: Cluster,
    year: int,
    actor: User | None,
    revenue_target_wan_yuan: Decimal | None = None,
    growth_target: Decimal | None = None,
    note: str = "",
    expected_version: int | None = None,
    reason: str = "设定集群目标",
) -> ClusterTarget:
    _require_region_writer(actor, cluster.region)
    target = ClusterTarget.objects.select_for_update().filter(cluster=cluster, year=year).first()
    target = target or ClusterTarget(cluster=cluster, year=year)
    data = {
        "revenue_target_wan_yuan": revenue_target_wan_yuan,
        "growth_target": growth_target,
        "note": note,
    }
    changed = merge_edit(target, data, expected_version, f"{cluster.name} {year}年目标")
    if target.pk is None or changed:
        target.full_clean()
        save_edit(target, changed, actor=actor, reason=reason)
    return target
