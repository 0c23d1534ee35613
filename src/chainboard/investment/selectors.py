"""Every read of the 招商 pipeline, starting from ``accounts.scope.lead_q`` (county and 链长办
scope): the lead list and one lead with its timeline, the funnel per chain and county, the
leads and projects against a chain's gaps (the panorama's gap list, through
``chains.gap_panels``), the choices of the forms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from chainboard.accounts.models import Role, User
from chainboard.accounts.scope import (
    can_edit_lead,
    chain_q,
    lead_q,
    office_chain_ids,
    project_q,
    region_q,
)
from chainboard.chains.gap_panels import GapItem
from chainboard.chains.models import Chain, ChainNode
from chainboard.core.errors import NotFound
from chainboard.core.formatting import format_wan_yuan
from chainboard.geo.models import Region
from chainboard.investment.models import (
    HOLD_STAGES,
    PIPELINE,
    Lead,
    LeadActivity,
    LeadStage,
)
from chainboard.projects.models import Project


def lead_list(*, user: Any) -> QuerySet[Lead]:
    return Lead.objects.filter(lead_q(user)).select_related(
        "chain", "node", "region", "owner", "project"
    )


def lead_get(*, user: Any, pk: int) -> Lead:
    lead = lead_list(user=user).select_related("chain__region").filter(pk=pk).first()
    if lead is None:
        raise NotFound("招商线索不存在或不在您的管辖范围")
    return lead


def lead_timeline(lead: Lead) -> QuerySet[LeadActivity]:
    return lead.activities.select_related("actor").order_by("-on", "-pk")


# --- choices of the forms and filters ----------------------------------------------------------


def chains_for_leads(*, user: Any) -> QuerySet[Chain]:
    """Chains a user may file leads under: those they see (their region's, those above, their
    链长办's)."""
    return (
        Chain.objects.filter(chain_q(user)).select_related("region").order_by("region_id", "name")
    )


def nodes_for(chain: Chain) -> QuerySet[ChainNode]:
    return chain.nodes.order_by("order", "pk")


def nodes_by_chain(chain_ids: Sequence[int]) -> dict[int, list[ChainNode]]:
    out: dict[int, list[ChainNode]] = defaultdict(list)
    for node in ChainNode.objects.filter(chain_id__in=chain_ids).order_by(
        "chain_id", "order", "pk"
    ):
        out[node.chain_id].append(node)
    return dict(out)


def counties_for_leads(*, user: Any) -> QuerySet[Region]:
    """The counties a user may own leads in: those of their region subtree; for 链长办 staff also
    the counties of their chains' regions."""
    q = region_q(user) & Q(level="county")
    ids = office_chain_ids(user)
    if ids:
        for path in Chain.objects.filter(pk__in=ids).values_list("region__path", flat=True):
            q |= Q(level="county", path__startswith=path)
    return Region.objects.filter(q).order_by("code")


def owners_for(*, user: Any) -> QuerySet[User]:
    """Officers a lead may be assigned to: active non-firm users of the counties the user sees."""
    regions = counties_for_leads(user=user)
    return (
        User.objects.filter(is_active=True)
        .exclude(role=Role.ENTERPRISE)
        .filter(Q(scope_region__in=regions) | Q(pk=getattr(user, "pk", None)))
        .order_by("username")
    )


def projects_to_link(*, user: Any, lead: Lead) -> QuerySet[Project]:
    """Projects a landing lead may link to: visible, in the lead's county, not linked yet."""
    return (
        Project.objects.filter(project_q(user), region=lead.region, archived=False)
        .exclude(leads__isnull=False)
        .order_by("-signed_on", "code")
    )


# --- the funnel --------------------------------------------------------------------------------


def funnel(qs: QuerySet[Lead]) -> dict[str, Any]:
    """Leads per stage: ``reached`` counts every lead that got at least that far (a lead at 签约
    also passed 线索, 接洽, 考察/洽谈; a held lead counts up to the stage it was held in),
    ``now`` the leads currently there; and the 拟投资额 of signed and landed leads."""
    now: dict[str, int] = defaultdict(int)
    reached = [0] * len(PIPELINE)
    for stage, held, n in qs.order_by().values_list("stage", "held_from").annotate(n=Count("pk")):
        now[stage] += n
        top = (held or LeadStage.LEAD) if stage in HOLD_STAGES else stage
        for i in range(PIPELINE.index(LeadStage(top)) + 1):
            reached[i] += n
    amounts = qs.order_by().aggregate(
        signed=Sum("amount_wan_yuan", filter=Q(stage=LeadStage.SIGNED)),
        landed=Sum("amount_wan_yuan", filter=Q(stage=LeadStage.LANDED)),
    )
    total = sum(now.values())
    return {
        "total": total,
        "stages": [
            {"stage": s.value, "label": s.label, "reached": reached[i], "now": now.get(s, 0)}
            for i, s in enumerate(PIPELINE)
        ],
        "lost": now.get(LeadStage.LOST, 0),
        "paused": now.get(LeadStage.PAUSED, 0),
        "signed_wan_yuan": amounts["signed"] or Decimal(0),
        "landed_wan_yuan": amounts["landed"] or Decimal(0),
        "conversion": (reached[-1] / total) if total else None,
    }


def funnels_by(qs: QuerySet[Lead], key: str) -> list[dict[str, Any]]:
    """One row per chain (``key`` = "chain") or county ("region"): its name and stage counts."""
    rows: dict[int, dict[str, Any]] = {}
    for pk, name, stage, n in (
        qs.order_by()
        .values_list(f"{key}_id", f"{key}__name", "stage")
        .annotate(n=Count("pk"))
        .values_list(f"{key}_id", f"{key}__name", "stage", "n")
    ):
        row = rows.setdefault(pk, {"id": pk, "name": name, "total": 0, "by": defaultdict(int)})
        row["by"][stage] += n
        row["total"] += n
    out = []
    for row in sorted(rows.values(), key=lambda r: (-r["total"], r["name"])):
        row["cells"] = [row["by"].get(s, 0) for s in LeadStage.values]
        out.append(row)
    return out


# --- the gap list of the chain panorama (registered in apps.py) --------------------------------


def gap_pipeline(user: Any, chain: Chain, node_ids: Sequence[int]) -> dict[int, list[GapItem]]:
    """The leads of ``chain`` (the ones ``user`` sees) against each gap segment: open, signed and
    landed ones (failed and paused leads are left out), landed ones with their project."""
    if not node_ids:
        return {}
    out: dict[int, list[GapItem]] = defaultdict(list)
    leads = (
        lead_list(user=user)
        .filter(chain=chain, node_id__in=list(node_ids))
        .exclude(stage__in=HOLD_STAGES)
        .order_by("node_id", "-stage_on", "name")
    )
    order = {s: i for i, s in enumerate(PIPELINE)}
    rows = sorted(leads, key=lambda x: (x.node_id, -order[LeadStage(x.stage)], x.name))
    for lead in rows:
        note = [lead.region.name]
        if lead.amount_wan_yuan is not None:
            note.append(f"拟投资{format_wan_yuan(lead.amount_wan_yuan)}")
        if lead.project is not None:
            note.append(f"项目：{lead.project.name}")
        out[lead.node_id].append(  # type: ignore[index]
            GapItem(
                label=lead.name,
                status=lead.get_stage_display(),
                url=reverse("investment:detail", args=[lead.pk]),
                note=" · ".join(note),
            )
        )
    return dict(out)


def can_edit(user: Any, lead: Lead) -> bool:
    return can_edit_lead(user, lead)
