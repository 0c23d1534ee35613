"""Import spec for chain/cluster firm lists 产业链企业名单: link firms to chain segments.

A 链长办 list names a firm (统一社会信用代码, or 企业名称 + 所在县区 matched within the user's
scope, see :mod:`chainboard.enterprises.name_match`), its chain (name or template code, among
the chains the user sees: their own region's and those above it) and the segment 环节 (a node
name of that chain). Each row becomes a confirmed manual link 企业挂链 (source 人工, reviewed by
the importing user), which later automatic linking never changes.

Natural key: (firm, segment). A known link that is already confirmed with the same 备注 is
unchanged; a proposed or rejected one becomes confirmed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from chainboard.accounts.models import User
from chainboard.accounts.scope import region_or_above_q
from chainboard.chains import services
from chainboard.chains.models import Chain, ChainNode, EnterpriseNode, LinkSource, LinkState
from chainboard.enterprises.importers import NAME_ALIASES, USCC, USCC_ALIASES
from chainboard.enterprises.models import Enterprise
from chainboard.enterprises.name_match import firms_resolve
from chainboard.enterprises.qualification_import import parse_name, parse_optional_uscc
from chainboard.imports.cells import CellError, canon, is_empty, parse_text
from chainboard.imports.models import ImportBatch
from chainboard.imports.runner import Column, ErrorSink, ParsedRow, WriteCounts

NAME = "企业名称"
CHAIN = "产业链"
NODE = "环节"


def parse_required_text(value: object) -> str:
    text = parse_text(value)
    if len(text) > 100:
        raise CellError("超过100个字符")
    return text


def parse_note(value: object) -> str:
    text = parse_text(value) if not is_empty(value) else ""
    if len(text) > 200:
        raise CellError("超过200个字符")
    return text


@dataclass
class Plan:
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[EnterpriseNode] = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)
    unchanged: int = 0
    name_matches: list[dict[str, Any]] = field(default_factory=list)


class ChainFirmsImporter:
    kind = "chain_firms"
    label = "产业链企业名单"
    columns = [
        Column(
            USCC, "uscc", parse_optional_uscc, help="与企业名称至少填一项", aliases=USCC_ALIASES
        ),
        Column(
            NAME,
            "name",
            parse_name,
            help="无统一社会信用代码时按名称匹配本辖区企业",
            aliases=NAME_ALIASES,
        ),
        Column(
            "所在地",
            "place",
            parse_text,
            help="县（市、区），用于区分同名企业",
            aliases=("所在县区", "县(市、区)", "所在地区", "地区", "所属地区"),
        ),
        Column(
            CHAIN,
            "chain",
            parse_required_text,
            required=True,
            help="产业链名称或模板代码（本地区或上级地区的产业链）",
            aliases=("所属产业链", "产业链名称", "产业集群", "所属集群"),
        ),
        Column(
            NODE,
            "node",
            parse_required_text,
            required=True,
            help="该产业链的环节名称",
            aliases=("产业链环节", "所属环节", "环节名称", "链条环节"),
        ),
        Column("备注", "note", parse_note),
    ]

    def plan(self, rows: list[ParsedRow], *, actor: User | None, errors: ErrorSink) -> Plan:
        plan = Plan()
        refs = firms_resolve(rows, actor=actor, errors=errors, uscc_title=USCC, name_title=NAME)
        plan.name_matches = refs.name_matches
        chains = Chain.objects.select_related("region")
        if actor is not None:
            chains = chains.filter(region_or_above_q(actor))
        by_label: dict[str, list[Chain]] = defaultdict(list)
        for chain in chains:
            by_label[canon(chain.name)].append(chain)
            if canon(chain.code) != canon(chain.name):
                by_label[canon(chain.code)].append(chain)
        firm_paths = dict(
            Enterprise.objects.filter(pk__in=set(refs.firms.values())).values_list(
                "pk", "region__path"
            )
        )
        nodes: dict[int, dict[str, ChainNode]] = {}
        wanted: set[tuple[int, int]] = set()
        resolved: list[tuple[ParsedRow, int, ChainNode]] = []
        seen: dict[tuple[int, int], int] = {}
        for row in rows:
            v, n = row.values, row.number
            if "chain" not in v or "node" not in v:
                continue
            firm = refs.firms.get(n)
            candidates = by_label.get(canon(v["chain"]), [])
            if not candidates:
                errors.add(n, CHAIN, v["chain"], "没有该产业链，或不在您的管辖范围")
                continue
            if firm is None:
                continue
            # the chain of the firm's own region first (a county copy before the city's)
            path = firm_paths[firm]
            fitting = [c for c in candidates if path.startswith(c.region.path)]
            if not fitting:
                errors.add(n, CHAIN, v["chain"], "该产业链不覆盖企业所在地区")
                continue
            chain = max(fitting, key=lambda c: len(c.region.path))
            if chain.pk not in nodes:
                nodes[chain.pk] = {canon(x.name): x for x in chain.nodes.all()}
            node = nodes[chain.pk].get(canon(v["node"]))
            if node is None:
                names = "、".join(x.name for x in list(nodes[chain.pk].values())[:12])
                errors.add(n, NODE, v["node"], f"「{chain.name}」没有该环节（有：{names}）")
                continue
            key = (firm, node.pk)
            if key in seen:
                errors.add(n, NODE, v["node"], f"与第{seen[key]}行（同一企业同一环节）重复")
                continue
            seen[key] = n
            wanted.add(key)
            resolved.append((row, firm, node))
        existing = {
            (link.enterprise_id, link.node_id): link
            for link in EnterpriseNode.objects.filter(
                enterprise_id__in={f for f, _ in wanted}, node_id__in={x for _, x in wanted}
            )
        }
        now = timezone.now()
        for row, firm, node in resolved:
            if row.number in errors.rows_with_errors:
                continue
            note = row.values.get("note", "")
            link = existing.get((firm, node.pk))
            if link is None:
                plan.creates.append(
                    {
                        "enterprise_id": firm,
                        "node_id": node.pk,
                        "source": LinkSource.MANUAL,
                        "confidence": Decimal("1.000"),
                        "explanation": "产业链企业名单导入",
                        "state": LinkState.CONFIRMED,
                        "reviewed_by_id": actor.pk if actor else None,
                        "reviewed_at": now,
                        "note": note,
                    }
                )
                continue
            changed = set()
            if link.state != LinkState.CONFIRMED:
                link.state = LinkState.CONFIRMED
                link.reviewed_by_id = actor.pk if actor else None
                link.reviewed_at = now
                changed |= {"state", "reviewed_by", "reviewed_at"}
            if "note" in row.values and link.note != note:
                link.note = note
                changed.add("note")
            if changed:
                plan.updates.append(link)
                plan.update_fields |= changed
            else:
                plan.unchanged += 1
        return plan

    def write(self, plan: Plan, *, actor: User | None, batch: ImportBatch) -> WriteCounts:
        services.links_bulk_write(
            creates=plan.creates,
            updates=plan.updates,
            update_fields=sorted(plan.update_fields),
            actor=actor,
            reason=batch.change_reason,
        )
        return WriteCounts(len(plan.creates), len(plan.updates), plan.unchanged)
