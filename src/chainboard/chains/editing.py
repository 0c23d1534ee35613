"""Editing a chain's segments on the web: the change, a preview of what it does to the firm
links, and the chain exported back to the template YAML (docs/chains.md, "Editing on the web").

Who may: ``accounts.scope.can_edit_chain_records`` (chain editors of the region and the
chain's 链长办 staff). Every save is versioned (``core.locking``) and recorded in the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from django.db import transaction

from chainboard.accounts.models import User
from chainboard.accounts.scope import enterprises_visible, require_chain_records_editor
from chainboard.chains.models import Chain, ChainNode, EnterpriseNode, LinkState
from chainboard.chains.services import known_industry_codes, node_rules
from chainboard.core.errors import DomainError
from chainboard.core.locking import lock, merge_edit, save_edit
from chainboard.enterprises.models import Enterprise, EnterpriseStatus
from chainboard_analytics.chains.matching import FirmText, Matcher

LIST_FIELDS = ("codes", "related_codes", "keywords", "exclude")


def _words(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.replace("，", ",").replace("、", ",").replace("\n", ",").split(",")
    return [str(v).strip() for v in value or [] if str(v).strip()]


def node_data(node: ChainNode, data: Mapping[str, Any]) -> dict[str, Any]:
    """Clean an edit of ``node`` (name, lists as comma/、/newline separated text, description);
    unknown industry codes and an empty name are refused with their value named."""
    out: dict[str, Any] = {}
    if "name" in data:
        name = str(data["name"]).strip()
        if not name:
            raise DomainError("环节名称不能为空", fields={"name": "必填"})
        if ChainNode.objects.filter(chain_id=node.chain_id, name=name).exclude(pk=node.pk).exists():
            raise DomainError(f"同一产业链内已有环节「{name}」", fields={"name": "重复"})
        out["name"] = name
    known = known_industry_codes()
    for f in LIST_FIELDS:
        if f in data:
            out[f] = _words(data[f])
            if f in ("codes", "related_codes"):
                bad = [c for c in out[f] if c not in known]
                if bad:
                    raise DomainError(
                        f"行业代码不在 GB/T 4754-2017 中：{'、'.join(bad)}", fields={f: "未知代码"}
                    )
    if "description" in data:
        out["description"] = str(data["description"]).strip()
    return out


@transaction.atomic
def node_edit(
    *,
    node: ChainNode,
    actor: User | None,
    data: Mapping[str, Any],
    expected_version: int | None,
) -> ChainNode:
    """Rename a segment or change its codes, keywords and exclusions (links change at the next
    automatic linking run; the preview shows by how much)."""
    if actor is not None:
        require_chain_records_editor(actor, node.chain)
    node = lock(ChainNode.objects.select_related("chain"), node.pk)
    cleaned = node_data(node, data)
    changed = merge_edit(node, cleaned, expected_version, f"环节「{node.name}」")
    if changed:
        node.full_clean()
        save_edit(node, changed, actor=actor, reason="网页编辑环节")
    return node


@dataclass
class Preview:
    before: int = 0
    after: int = 0
    gained: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    kept_reviewed: int = 0

    @property
    def status_hint(self) -> str:
        if self.before and not self.after:
            return "改动后该环节将没有自动挂链企业（可能变为缺链）"
        if not self.before and self.after:
            return "改动后该环节将有企业挂链（缺链可能消除）"
        return ""


def node_edit_preview(*, node: ChainNode, user: Any, data: Mapping[str, Any]) -> Preview:
    """What the edit would do to the automatic links of ``node``: the firms (of the chain's
    region the user sees) the matcher proposes now and after the change; links people decided
    (confirmed, rejected, manual) stay as they are."""
    chain = node.chain
    cleaned = node_data(node, data)
    rules = node_rules([chain])
    old = next(r for r in rules if r.key == node.pk)
    new = replace(
        old,
        name=cleaned.get("name", old.name),
        codes=tuple(cleaned.get("codes", old.codes)),
        related_codes=tuple(cleaned.get("related_codes", old.related_codes)),
        keywords=tuple(cleaned.get("keywords", old.keywords)),
        exclude=tuple(cleaned.get("exclude", old.exclude)),
    )
    before_m = Matcher(rules)
    after_m = Matcher([new if r.key == node.pk else r for r in rules])
    firms = enterprises_visible(
        user,
        Enterprise.objects.filter(region__path__startswith=chain.region.path).exclude(
            status=EnterpriseStatus.CLOSED
        ),
    ).values_list("pk", "industry_id", "name", "business_scope")
    before: dict[int, str] = {}
    after: dict[int, str] = {}
    for pk, code, name, scope in firms.iterator(chunk_size=5000):
        text = FirmText(pk, code, name, scope)
        if any(p.node == node.pk for p in before_m.match(text)):
            before[pk] = name
        if any(p.node == node.pk for p in after_m.match(text)):
            after[pk] = name
    reviewed = EnterpriseNode.objects.filter(node=node).exclude(state=LinkState.PROPOSED).count()
    return Preview(
        before=len(before),
        after=len(after),
        gained=sorted(after[k] for k in set(after) - set(before))[:20],
        lost=sorted(before[k] for k in set(before) - set(after))[:20],
        kept_reviewed=reviewed,
    )


CATEGORY_LABELS = {
    "traditional": "传统优势",
    "emerging": "新兴",
    "converged": "融合",
    "future": "未来",
}


def chain_template_yaml(chain: Chain) -> str:
    """The chain as a template YAML (``chainboard chains load`` reads it back), with the
    current segments, codes and keywords and the version raised by one."""
    nodes = list(chain.nodes.order_by("order", "pk").prefetch_related("feeds"))
    by_parent: dict[int | None, list[ChainNode]] = {}
    for n in nodes:
        by_parent.setdefault(n.parent_id, []).append(n)

    def spec(n: ChainNode, top: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"name": n.name}
        if top:
            out["stage"] = n.stage
        if n.service_kind:
            out["service_kind"] = n.service_kind
        for f in LIST_FIELDS:
            if getattr(n, f):
                out[f] = list(getattr(n, f))
        feeds = [f.name for f in n.feeds.all()]
        if feeds:
            out["feeds"] = feeds
        if n.weight != 1:
            out["weight"] = float(n.weight)
        if n.ref_share is not None:
            out["ref_share"] = float(n.ref_share)
        if n.description:
            out["description"] = n.description
        if n.pk in by_parent:
            out["children"] = [spec(c, False) for c in by_parent[n.pk]]
        return out

    data = {
        "code": chain.code,
        "version": chain.template_version + 1,
        "name": chain.name,
        "category": CATEGORY_LABELS.get(chain.category, chain.category),
        "description": chain.description,
        "keywords": list(chain.keywords),
        "sources": list(chain.sources),
        "nodes": [spec(n, True) for n in by_parent.get(None, [])],
    }
    head = f"# {chain.region.name}{chain.name}：从平台导出的产业链模板\n"
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
