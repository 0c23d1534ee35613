"""Import of a chain's 关键核心技术攻关清单 (卡脖子 list) from the xlsx the 链长办 keeps.

One row per item: the chain (name or template code, among the chains the user sees), the
technology, the segments 涉及环节 (names of that chain's nodes, separated by 、 or ;), the reason,
the import share, the supplier, the domestic state, the firms that need it (统一社会信用代码 of
firms the user sees), the target and its year. Natural key: (chain, technology): a known item
is updated (only when something differs), else created. The user must be one of the chain's
keepers (``accounts.scope.can_edit_chain_records``); every refusal is a located error and the
file writes nothing (all-or-nothing, the runner's dry run is the preview). The column titles are
those of the export (``chiefs.exports``), so an exported list imports back unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import DatabaseError
from django.db.models import Q

from chainboard.accounts.models import User
from chainboard.accounts.scope import can_edit_chain_records, chain_q, enterprises_visible
from chainboard.chains.models import Chain, ChainNode
from chainboard.chiefs import services
from chainboard.chiefs.models import Chokepoint, ChokepointReason
from chainboard.core.errors import DomainError
from chainboard.enterprises.importers import parse_uscc
from chainboard.imports.cells import CellError, canon, is_empty, parse_decimal, parse_text
from chainboard.imports.models import ImportBatch
from chainboard.imports.runner import Column, ErrorSink, ParsedRow, WriteCounts

CHAIN = "产业链"
TECH = "关键核心技术"
NODES = "涉及环节"
REASON = "卡脖子原因"
FIRMS = "需求企业（统一社会信用代码）"
SEPARATORS = re.compile(r"[、，,;；/\n]+")
#: the scalar fields an import sets (M2M: nodes, needing firms)
FIELDS = (
    "reason",
    "reason_detail",
    "import_share",
    "foreign_supplier",
    "domestic_state",
    "target",
    "target_year",
)


def _text(limit: int) -> Any:
    def parse(value: object) -> str:
        text = "" if is_empty(value) else parse_text(value)
        if len(text) > limit:
            raise CellError(f"超过{limit}个字符")
        return text

    return parse


def parse_required(limit: int) -> Any:
    inner = _text(limit)

    def parse(value: object) -> str:
        text = inner(value)
        if not text:
            raise CellError("必填项为空")
        return text

    return parse


def parse_reason(value: object) -> str:
    word = canon(value)
    for code, label in ChokepointReason.choices:
        if word in (canon(code), canon(label)):
            return str(code)
    raise CellError("应为：" + "、".join(str(label) for _, label in ChokepointReason.choices))


def parse_share(value: object) -> Decimal | None:
    """进口依赖度: 0–1 (0.85) or a percent (85%)."""
    if is_empty(value):
        return None
    text = parse_text(value)
    percent = text.endswith(("%", "％"))
    number = parse_decimal(text.rstrip("%％") if percent else value)
    if number is None:
        return None
    if percent:
        number = number / 100
    if not 0 <= number <= 1:
        raise CellError("应在 0 到 1 之间（或写成百分数，如 85%）")
    return number.quantize(Decimal("0.0001"))


def parse_year(value: object) -> int | None:
    if is_empty(value):
        return None
    number = parse_decimal(value)
    if number is None or number != number.to_integral_value() or not 2000 <= number <= 2100:
        raise CellError("应为 2000–2100 之间的年份")
    return int(number)


def parse_names(value: object) -> list[str]:
    names = [n.strip() for n in SEPARATORS.split(parse_text(value)) if n.strip()]
    if not names:
        raise CellError("必填项为空")
    return names


def parse_usccs(value: object) -> list[str]:
    if is_empty(value):
        return []
    return [parse_uscc(code) for code in SEPARATORS.split(parse_text(value)) if code.strip()]


@dataclass
class Row:
    number: int
    chain: Chain
    item: Chokepoint | None
    data: dict[str, Any]
    nodes: list[ChainNode]
    firms: list[Any]


@dataclass
class Plan:
    creates: list[Row] = field(default_factory=list)
    updates: list[Row] = field(default_factory=list)
    unchanged: int = 0


class ChokepointImporter:
    kind = "chokepoints"
    label = "关键核心技术攻关清单"
    columns = [
        Column(
            CHAIN,
            "chain",
            parse_required(100),
            required=True,
            help="产业链名称或模板代码",
            aliases=("所属产业链", "产业链名称"),
        ),
        Column(
            TECH,
            "technology",
            parse_required(120),
            required=True,
            aliases=("技术名称", "卡脖子技术", "关键技术"),
        ),
        Column(
            NODES,
            "nodes",
            parse_names,
            required=True,
            help="该产业链的环节名称，多个用顿号分隔",
            aliases=("环节", "所属环节"),
        ),
        Column(
            REASON,
            "reason",
            parse_reason,
            required=True,
            help="、".join(str(label) for _, label in ChokepointReason.choices),
        ),
        Column("原因说明", "reason_detail", _text(2000)),
        Column("进口依赖度", "import_share", parse_share, help="0–1 或百分数，如 85%"),
        Column("主要境外供应商", "foreign_supplier", _text(120)),
        Column("国内现状", "domestic_state", _text(2000)),
        Column(FIRMS, "firms", parse_usccs, help="多个用顿号分隔", aliases=("需求企业",)),
        Column("攻关目标", "target", parse_required(2000), required=True),
        Column("目标年份", "target_year", parse_year),
    ]

    def plan(self, rows: list[ParsedRow], *, actor: User | None, errors: ErrorSink) -> Plan:
        plan = Plan()
        chains = Chain.objects.select_related("region")
        if actor is not None:
            chains = chains.filter(chain_q(actor))
        by_label: dict[str, list[Chain]] = {}
        for chain in chains:
            for label in {canon(chain.name), canon(chain.code)}:
                by_label.setdefault(label, []).append(chain)
        usccs = {c for r in rows for c in r.values.get("firms", [])}
        visible = enterprises_visible(actor) if actor is not None else None
        firms_qs = (visible if visible is not None else _all_firms()).filter(uscc__in=usccs)
        firms = {f.uscc: f for f in firms_qs}
        nodes: dict[int, dict[str, ChainNode]] = {}
        allowed: dict[int, bool] = {}
        seen: dict[tuple[int, str], int] = {}
        resolved: list[tuple[ParsedRow, Chain, list[ChainNode], list[Any]]] = []
        for row in rows:
            v, n = row.values, row.number
            if "chain" not in v:
                continue
            candidates = by_label.get(canon(v["chain"]), [])
            if not candidates:
                errors.add(n, CHAIN, v["chain"], "没有该产业链，或不在您的管辖范围")
                continue
            if len(candidates) > 1:
                where = "、".join(c.region.name for c in candidates)
                errors.add(n, CHAIN, v["chain"], f"多个地区有同名产业链（{where}），请填写模板代码")
                continue
            chain = candidates[0]
            if chain.pk not in allowed:
                allowed[chain.pk] = actor is None or can_edit_chain_records(actor, chain)
            if not allowed[chain.pk]:
                errors.add(
                    n,
                    CHAIN,
                    v["chain"],
                    f"只有{chain.name}的链长办或产业链维护人员可以导入其攻关清单",
                )
                continue
            if "technology" not in v:
                continue
            key = (chain.pk, canon(v["technology"]))
            if key in seen:
                errors.add(n, TECH, v["technology"], f"与第{seen[key]}行（同一产业链同一技术）重复")
                continue
            seen[key] = n
            if chain.pk not in nodes:
                nodes[chain.pk] = {canon(x.name): x for x in chain.nodes.all()}
            row_nodes: list[ChainNode] = []
            for name in v.get("nodes", []):
                node = nodes[chain.pk].get(canon(name))
                if node is None:
                    known = "、".join(x.name for x in list(nodes[chain.pk].values())[:12])
                    errors.add(n, NODES, name, f"「{chain.name}」没有该环节（有：{known}）")
                else:
                    row_nodes.append(node)
            row_firms = []
            for code in v.get("firms", []):
                if code not in firms:
                    errors.add(n, FIRMS, code, "不在企业名录中或不在您的管辖范围")
                else:
                    row_firms.append(firms[code])
            resolved.append((row, chain, row_nodes, row_firms))
        existing = {
            (c.chain_id, canon(c.technology)): c
            for c in Chokepoint.objects.filter(
                chain_id__in={c.pk for _, c, _, _ in resolved}
            ).prefetch_related("nodes", "needing_firms")
        }
        for row, chain, row_nodes, row_firms in resolved:
            if row.number in errors.rows_with_errors:
                continue
            v = row.values
            item = existing.get((chain.pk, canon(v["technology"])))
            data = {"technology": v["technology"]} | {f: v[f] for f in FIELDS if f in v}
            entry = Row(row.number, chain, item, data, row_nodes, row_firms)
            if item is None:
                plan.creates.append(entry)
                continue
            if "firms" not in v:  # the file does not carry the firms: keep them
                entry.firms = list(item.needing_firms.all())
            same = (
                all(getattr(item, f) == v[f] for f in FIELDS if f in v)
                and {x.pk for x in item.nodes.all()} == {x.pk for x in row_nodes}
                and {f.pk for f in item.needing_firms.all()} == {f.pk for f in entry.firms}
            )
            if same:
                plan.unchanged += 1
            else:
                plan.updates.append(entry)
        return plan

    def write(self, plan: Plan, *, actor: User | None, batch: ImportBatch) -> WriteCounts:
        for row in [*plan.creates, *plan.updates]:
            try:
                services.chokepoint_save(
                    chain=row.chain,
                    actor=actor,
                    data=row.data,
                    nodes=row.nodes,
                    needing_firms=row.firms,
                    chokepoint=row.item,
                    reason=batch.change_reason,
                )
            except DomainError as exc:  # the runner rolls the whole file back and reports it
                raise DatabaseError(f"第{row.number}行：{exc.message}") from exc
        return WriteCounts(len(plan.creates), len(plan.updates), plan.unchanged)


def _all_firms() -> Any:
    from chainboard.enterprises.models import Enterprise

    return Enterprise.objects.filter(~Q(pk=None))
