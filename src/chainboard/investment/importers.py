"""Import spec for lead lists 招商线索名单: outside firms a county or a 链长办 courts.

A city's registry holds its own firms, not the nation's, so lists of outside firms (from
investment fairs, chambers of commerce, industry rankings) are how leads come in. Each row names
the firm (企业名称; 统一社会信用代码 when known, checked by its GB 32100 check digit), where it comes
from, its products, the planned investment (万元) and contacts, and the chain (and optionally
the segment) it would fill; the county owning the lead is a column (负责区县: name or code) or,
for a county officer, their own county.

Natural key: (负责区县, 产业链, 企业名称). A known lead is updated with the columns the file has
(never its stage, owner or notes); an unchanged one is counted as such. New leads start at 线索
with source 导入名单. All-or-nothing like every import; a dry run previews the counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chainboard.accounts.models import User
from chainboard.accounts.scope import can_edit_lead, home_region
from chainboard.chains.models import Chain, ChainNode
from chainboard.enterprises.importers import NAME_ALIASES, USCC, USCC_ALIASES
from chainboard.enterprises.qualification_import import parse_optional_uscc
from chainboard.imports.cells import CellError, canon, is_empty, parse_decimal, parse_text
from chainboard.imports.models import ImportBatch
from chainboard.imports.runner import Column, ErrorSink, ParsedRow, WriteCounts
from chainboard.investment import services
from chainboard.investment.models import Lead, LeadSource
from chainboard.investment.selectors import chains_for_leads, counties_for_leads

NAME = "企业名称"
CHAIN = "产业链"
NODE = "环节"
COUNTY = "负责区县"
AMOUNT = "拟投资额(万元)"
#: file column → lead field, for the fields an import may change on a known lead
UPDATABLE = ("uscc", "origin", "products", "amount_wan_yuan", "contacts", "node")


def _limited(limit: int, required: bool = False) -> Any:
    def parse(value: object) -> str:
        text = "" if is_empty(value) else parse_text(value)
        if required and not text:
            raise CellError("必填")
        if len(text) > limit:
            raise CellError(f"超过{limit}个字符")
        return text

    return parse


def parse_amount(value: object) -> Decimal | None:
    if is_empty(value):
        return None
    amount = parse_decimal(value)  # refuses text and negatives with a located error
    if amount is not None and amount >= Decimal("1e12"):
        raise CellError("数额过大（单位为万元）")
    return amount.quantize(Decimal("0.01")) if amount is not None else None


@dataclass
class Plan:
    creates: list[Lead] = field(default_factory=list)
    updates: list[Lead] = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)
    unchanged: int = 0


class LeadImporter:
    kind = "leads"
    label = "招商线索名单"
    columns = [
        Column(NAME, "name", _limited(100, required=True), required=True, aliases=NAME_ALIASES),
        Column(
            USCC, "uscc", parse_optional_uscc, help="已知时填写，校验位须正确", aliases=USCC_ALIASES
        ),
        Column(
            "来源地区",
            "origin",
            _limited(60),
            help="企业所在省市，如 江苏省苏州市",
            aliases=("所在地区", "企业所在地", "地区", "所在地"),
        ),
        Column(
            "主要产品",
            "products",
            _limited(200),
            aliases=("产品", "主营产品", "主营业务", "经营范围"),
        ),
        Column(
            AMOUNT,
            "amount_wan_yuan",
            parse_amount,
            help="拟投资规模，单位万元",
            aliases=("投资额(万元)", "拟投资额", "投资规模(万元)", "规模(万元)", "计划投资(万元)"),
        ),
        Column(
            "联系人及方式",
            "contacts",
            _limited(200),
            aliases=("联系人", "联系方式", "联系人及电话", "联系电话"),
        ),
        Column(
            CHAIN,
            "chain",
            _limited(100, required=True),
            required=True,
            help="产业链名称或模板代码",
            aliases=("所属产业链", "产业链名称", "拟补产业链"),
        ),
        Column(
            NODE,
            "node",
            _limited(60),
            help="该产业链的环节名称（拟补环节）",
            aliases=("拟补环节", "产业链环节", "所属环节"),
        ),
        Column(
            COUNTY,
            "county",
            _limited(60),
            help="县（市、区）名称或代码；县区工作人员可不填（默认本县区）",
            aliases=("县区", "所属县区", "承接县区", "落地县区"),
        ),
    ]

    def plan(self, rows: list[ParsedRow], *, actor: User | None, errors: ErrorSink) -> Plan:
        plan = Plan()
        chains: dict[str, list[Chain]] = defaultdict(list)
        for chain in chains_for_leads(user=actor) if actor is not None else Chain.objects.all():
            chains[canon(chain.name)].append(chain)
            if canon(chain.code) != canon(chain.name):
                chains[canon(chain.code)].append(chain)
        counties = {}
        qs = counties_for_leads(user=actor) if actor is not None else None
        if qs is None:
            from chainboard.geo.models import Region

            qs = Region.objects.filter(level="county")
        for region in qs:
            counties[canon(region.name)] = region
            counties[region.code] = region
        home = home_region(actor) if actor is not None else None
        default_county = home if home is not None and home.level == "county" else None
        nodes: dict[int, dict[str, ChainNode]] = {}
        resolved: list[tuple[ParsedRow, Chain, Any, Any]] = []
        seen: dict[tuple[str, int, str], int] = {}
        for row in rows:
            v, n = row.values, row.number
            if not v.get("name") or not v.get("chain"):
                continue
            if v.get("county"):
                county = counties.get(canon(v["county"])) or counties.get(v["county"])
                if county is None:
                    errors.add(n, COUNTY, v["county"], "没有该县（市、区），或不在您的管辖范围")
                    continue
            elif default_county is not None:
                county = default_county
            else:
                errors.add(n, COUNTY, "", "请填写负责区县（县、市、区名称或代码）")
                continue
            fitting = [
                c
                for c in chains.get(canon(v["chain"]), [])
                if county.path.startswith(c.region.path)
            ]
            if not fitting:
                errors.add(
                    n, CHAIN, v["chain"], f"没有覆盖{county.name}的该产业链，或不在您的管辖范围"
                )
                continue
            chain = max(fitting, key=lambda c: len(c.region.path))
            node = None
            if v.get("node"):
                if chain.pk not in nodes:
                    nodes[chain.pk] = {canon(x.name): x for x in chain.nodes.all()}
                node = nodes[chain.pk].get(canon(v["node"]))
                if node is None:
                    names = "、".join(x.name for x in list(nodes[chain.pk].values())[:12])
                    errors.add(n, NODE, v["node"], f"「{chain.name}」没有该环节（有：{names}）")
                    continue
            if actor is not None and not can_edit_lead(
                actor, Lead(region=county, chain_id=chain.pk)
            ):
                errors.add(n, COUNTY, county.name, "无权为该县区、该产业链录入招商线索")
                continue
            key = (county.pk, chain.pk, canon(v["name"]))
            if key in seen:
                errors.add(
                    n, NAME, v["name"], f"与第{seen[key]}行（同一县区同一产业链同一企业）重复"
                )
                continue
            seen[key] = n
            resolved.append((row, chain, node, county))
        existing = {
            (x.region_id, x.chain_id, canon(x.name)): x
            for x in Lead.objects.filter(
                region_id__in={c.pk for _, _, _, c in resolved},
                chain_id__in={c.pk for _, c, _, _ in resolved},
            )
        }
        for row, chain, node, county in resolved:
            if row.number in errors.rows_with_errors:
                continue
            v = row.values
            given = {f: v[f] for f in UPDATABLE if f in v and f != "node"}
            if "uscc" in given:
                given["uscc"] = given["uscc"] or ""
            if "node" in v:
                given["node"] = node
            lead = existing.get((county.pk, chain.pk, canon(v["name"])))
            if lead is None:
                plan.creates.append(
                    Lead(
                        name=v["name"],
                        chain=chain,
                        region=county,
                        source=LeadSource.IMPORT,
                        **given,
                    )
                )
                continue
            changed = set()
            for name, value in given.items():
                attname = "node_id" if name == "node" else name
                current = getattr(lead, attname)
                new = value.pk if name == "node" and value is not None else value
                if current != new:
                    setattr(lead, attname, new)
                    changed.add(name)
            if changed:
                plan.updates.append(lead)
                plan.update_fields |= changed
            else:
                plan.unchanged += 1
        return plan

    def write(self, plan: Plan, *, actor: User | None, batch: ImportBatch) -> WriteCounts:
        services.leads_bulk_write(
            creates=plan.creates,
            updates=plan.updates,
            update_fields=sorted(plan.update_fields),
            actor=actor,
            reason=batch.change_reason,
        )
        return WriteCounts(len(plan.creates), len(plan.updates), plan.unchanged)
