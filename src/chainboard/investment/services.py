"""Every write of the 招商 pipeline (docs/investment.md): create and edit a lead, move it through
the stages, record visits and talks, land it as a 引进 project, bulk writes of the importer.

Each function is keyword-only, takes ``actor`` (None = the server operator: demo, CLI), checks it
through ``accounts.scope`` (``require_lead_editor``), validates (``DomainError`` 400 with a
Chinese message; nothing written) and saves with a history row (who, why). Edits and stage moves
are optimistic (:mod:`chainboard.core.locking`): the caller names the version it read.

Stage rules (``PIPELINE`` = 线索 → 接洽 → 考察/洽谈 → 签约 → 落地):

* forward one step at a time (no skipping: 线索 → 签约 is refused);
* back to an earlier stage only with a reason;
* 失败 / 搁置 from any open stage, with a reason (kept in ``lost_reason``); from there back to
  the stage it was held in (or an earlier one), with a reason;
* 签约 records the signing date; 落地 needs a project — an existing one the actor may edit, or a
  new one made from the lead (``projects.services.project_create``: 新建, 招商引资, marked
  ``introduced`` 引进, linked to the lead's segment); 落地 is final.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chainboard.accounts.models import Role
from chainboard.accounts.scope import chain_q, require_lead_editor, require_project_editor
from chainboard.chains.models import Chain
from chainboard.core.errors import DomainError, NotFound
from chainboard.core.history import set_history
from chainboard.core.locking import bump_versions, lock, merge_edit, save_edit
from chainboard.enterprises.uscc import UsccError, validate_uscc
from chainboard.geo.models import Region
from chainboard.investment.models import (
    HOLD_STAGES,
    MAX_NAME,
    MAX_TEXT,
    PIPELINE,
    ActivityKind,
    Lead,
    LeadActivity,
    LeadSource,
    LeadStage,
)
from chainboard.projects import services as projects
from chainboard.projects.models import Project, ProjectKind, ProjectSource, Stage

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

#: Fields a lead form or the API may set (stage fields only through :func:`lead_move`).
LEAD_FIELDS = (
    "name",
    "uscc",
    "origin",
    "products",
    "amount_wan_yuan",
    "contacts",
    "source",
    "chain",
    "node",
    "region",
    "owner",
    "next_step",
    "next_step_on",
    "notes",
)
TEXT_LIMITS = {
    "name": MAX_NAME,
    "origin": 60,
    "products": 200,
    "contacts": 200,
    "next_step": 200,
    "notes": MAX_TEXT,
}
LABELS = {f: str(getattr(Lead._meta.get_field(f), "verbose_name", f)) for f in LEAD_FIELDS}


# --- validation --------------------------------------------------------------------------------


def _text(value: Any, field: str, *, required: bool = False) -> str:
    text = str(value or "").strip()
    label, limit = LABELS[field], TEXT_LIMITS[field]
    if required and not text:
        raise DomainError(f"请填写{label}", fields={field: "必填"})
    if len(text) > limit:
        raise DomainError(
            f"{label}不能超过 {limit} 字（现有 {len(text)} 字）", fields={field: f"{len(text)} 字"}
        )
    if _CONTROL.search(text):
        raise DomainError(f"{label}含有控制字符", fields={field: "含控制字符"})
    return text


def clean_uscc(value: Any) -> str:
    """An empty text, or a valid 统一社会信用代码 (GB 32100 check digit)."""
    if value is None or not str(value).strip():
        return ""
    try:
        return validate_uscc(value)
    except UsccError as exc:
        raise DomainError(f"统一社会信用代码有误：{exc}", fields={"uscc": str(exc)}) from exc


def clean_amount(value: Any) -> Decimal | None:
    """拟投资额 in 万元: empty, or a finite number ≥ 0 with at most two decimals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise DomainError("拟投资额应为数字（万元）", fields={"amount_wan_yuan": str(value)})
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise DomainError(
            f"拟投资额应为数字（万元）：{value}", fields={"amount_wan_yuan": str(value)}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise DomainError(f"拟投资额不能为负数：{value}", fields={"amount_wan_yuan": str(value)})
    if amount >= Decimal("1e12"):
        raise DomainError(f"拟投资额过大：{value} 万元", fields={"amount_wan_yuan": str(value)})
    return amount.quantize(Decimal("0.01"))


def _date(value: Any, field: str, label: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(
            f"{label}格式应为 年-月-日：{value}", fields={field: str(value)}
        ) from None


def _clean(data: Mapping[str, Any], *, actor: Any, partial: bool = False) -> dict[str, Any]:
    """Validate a lead's fields (``partial``: only those given); raise ``DomainError``."""
    unknown = set(data) - set(LEAD_FIELDS)
    if unknown:
        raise ValueError(f"unknown lead fields {sorted(unknown)}")
    out: dict[str, Any] = {}
    for field in ("name", "origin", "products", "contacts", "next_step", "notes"):
        if field in data or (not partial and field == "name"):
            out[field] = _text(data.get(field), field, required=field == "name")
    if "uscc" in data:
        out["uscc"] = clean_uscc(data["uscc"])
    if "amount_wan_yuan" in data:
        out["amount_wan_yuan"] = clean_amount(data["amount_wan_yuan"])
    if "next_step_on" in data:
        out["next_step_on"] = _date(data["next_step_on"], "next_step_on", "下一步日期")
    if "source" in data:
        source = data["source"] or LeadSource.MANUAL
        if source not in LeadSource.values:
            allowed = "、".join(str(x) for x in LeadSource.labels)
            raise DomainError(
                f"未知的线索来源“{source}”，可选：{allowed}", fields={"source": source}
            )
        out["source"] = source
    for field in ("chain", "node", "region", "owner"):
        if field in data:
            out[field] = data[field]
    if not partial:
        for field, label in (("chain", "产业链"), ("region", "负责区县")):
            if out.get(field) is None:
                raise DomainError(f"请选择{label}", fields={field: "必填"})
    owner = out.get("owner")
    if owner is not None and (not owner.is_active or owner.role == Role.ENTERPRISE):
        raise DomainError("负责人须为在岗的工作人员", fields={"owner": str(owner)})
    return out


def _check_place(lead: Lead, actor: Any) -> None:
    """Cross-field rules: the chain is one the actor sees, the segment belongs to it, the county
    lies in the chain's region."""
    chain: Chain = lead.chain
    if actor is not None and not Chain.objects.filter(chain_q(actor), pk=chain.pk).exists():
        raise NotFound("产业链不存在或不在您的管辖范围")
    if lead.node is not None and lead.node.chain_id != chain.pk:
        raise DomainError(
            f"环节「{lead.node.name}」不属于「{chain.name}」", fields={"node": lead.node.name}
        )
    region: Region = lead.region
    if region.level != "county":
        raise DomainError(
            f"负责区县应为县（市、区）：{region.name}", fields={"region": region.name}
        )
    if not region.path.startswith(chain.region.path):
        raise DomainError(
            f"{region.name}不在「{chain.name}」所在的{chain.region.name}范围内",
            fields={"region": region.name},
        )


def _activity(
    lead: Lead,
    kind: str,
    actor: Any,
    on: dt.date,
    content: str,
    *,
    people: str = "",
    from_stage: str = "",
    to_stage: str = "",
) -> LeadActivity:
    row = LeadActivity(
        lead=lead,
        kind=kind,
        on=on,
        content=content,
        people=people,
        from_stage=from_stage,
        to_stage=to_stage,
        actor=actor,
    )
    set_history(row, actor, "招商活动")
    row.save()
    return row


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


# --- create / edit -----------------------------------------------------------------------------


@transaction.atomic
def lead_create(
    *, actor: Any, data: Mapping[str, Any], on: dt.date | None = None, reason: str = "新增"
) -> Lead:
    """A new lead at 线索 (an activity row says where it came from)."""
    values = _clean(data, actor=actor)
    lead = Lead(**values)
    if actor is not None:
        require_lead_editor(actor, lead)
    _check_place(lead, actor)
    on = on or timezone.localdate()
    lead.stage = LeadStage.LEAD
    lead.stage_on = on
    lead.full_clean()
    set_history(lead, _user(actor), reason)
    lead.save()
    _activity(
        lead,
        ActivityKind.STAGE,
        _user(actor),
        on,
        f"录入线索（{lead.get_source_display()}）",
        to_stage=LeadStage.LEAD,
    )
    return lead


@transaction.atomic
def lead_update(
    *,
    actor: Any,
    lead_id: int,
    data: Mapping[str, Any],
    expected_version: int | None,
    reason: str = "修改",
) -> Lead:
    """Edit a lead's fields (not its stage); ``expected_version`` is the version the editor read."""
    lead = lock(Lead.objects.select_related("chain__region", "region", "node"), lead_id)
    if actor is not None:
        require_lead_editor(actor, lead)
    values = _clean(data, actor=actor, partial=True)
    changed = merge_edit(lead, values, expected_version, "招商线索")
    if not changed:
        return lead
    if actor is not None:
        require_lead_editor(actor, lead)  # a moved county must still be the actor's
    _check_place(lead, actor)
    lead.full_clean()
    save_edit(lead, changed, actor=_user(actor), reason=reason)
    return lead


# --- stages ------------------------------------------------------------------------------------


def _rank(stage: str) -> int:
    return PIPELINE.index(LeadStage(stage))


def check_move(lead: Lead, stage: str, reason: str) -> str:
    """The kind of move from ``lead.stage`` to ``stage`` (forward, back, hold, resume), or a
    ``DomainError`` saying why it is not allowed."""
    if stage not in LeadStage.values:
        allowed = "、".join(str(x) for x in LeadStage.labels)
        raise DomainError(f"未知的阶段“{stage}”，可选：{allowed}", fields={"stage": str(stage)})
    now, to = LeadStage(lead.stage), LeadStage(stage)
    if now == to:
        raise DomainError(f"线索已处于「{to.label}」阶段", fields={"stage": stage})
    if now == LeadStage.LANDED:
        raise DomainError("已落地的线索不能再变更阶段", fields={"stage": stage})
    if to in HOLD_STAGES:
        if not reason:
            raise DomainError(f"转为「{to.label}」须填写原因", fields={"reason": "必填"})
        return "hold"
    if now in HOLD_STAGES:
        held = LeadStage(lead.held_from or LeadStage.LEAD)
        if _rank(to) > _rank(held):
            raise DomainError(
                f"从「{now.label}」只能恢复到原阶段「{held.label}」或更早的阶段",
                fields={"stage": stage},
            )
        if not reason:
            raise DomainError(f"从「{now.label}」恢复须填写原因", fields={"reason": "必填"})
        return "resume"
    step = _rank(to) - _rank(now)
    if step > 1:
        skipped = "、".join(PIPELINE[i].label for i in range(_rank(now) + 1, _rank(to)))
        raise DomainError(
            f"不能从「{now.label}」直接跳到「{to.label}」，须先经过：{skipped}",
            fields={"stage": stage},
        )
    if step < 0 and not reason:
        raise DomainError(
            f"从「{now.label}」退回「{to.label}」须填写原因", fields={"reason": "必填"}
        )
    return "forward" if step == 1 else "back"


def _project_for(lead: Lead, actor: Any, project: Project | None, on: dt.date) -> Project:
    """The project a landing lead links to: ``project`` (marked 引进) or a new one."""
    if project is not None:
        if project.leads.exclude(pk=lead.pk).exists():
            raise DomainError(
                f"项目「{project.name}」已关联其他招商线索", fields={"project": project.code}
            )
        if actor is not None:
            require_project_editor(actor, project)
        if not project.introduced:
            project = projects.project_update(
                project_id=project.pk,
                actor=actor,
                data={"introduced": True},
                expected_version=None,
                reason=f"招商落地：{lead.name}",
            )
        return project
    if lead.amount_wan_yuan is None:
        raise DomainError(
            "落地生成项目须先填写拟投资额（万元）", fields={"amount_wan_yuan": "必填"}
        )
    signed = lead.signed_on or on
    created = projects.project_create(
        actor=actor,
        data={
            "code": f"ZS{signed:%Y}{lead.pk:05d}",
            "name": f"{lead.name}{lead.node.name if lead.node else lead.chain.name}项目",
            "investor_name": lead.name,
            "region": lead.region,
            "chain_node_codes": [lead.chain.name],
            "kind": ProjectKind.NEW,
            "source": ProjectSource.INVESTMENT,
            "introduced": True,
            "total_investment_wan_yuan": lead.amount_wan_yuan,
            "stage": Stage.SIGNED,
            "listed_on": signed,
            "signed_on": signed,
            "sample": lead.sample,
        },
        reason=f"招商落地：{lead.name}",
    )
    if lead.node_id:
        projects.project_set_chain_nodes(
            project_id=created.pk, actor=actor, node_ids=[lead.node_id]
        )
        created.refresh_from_db()
    return created


@transaction.atomic
def lead_move(
    *,
    actor: Any,
    lead_id: int,
    stage: str,
    expected_version: int | None,
    reason: str = "",
    on: dt.date | None = None,
    project: Project | None = None,
) -> Lead:
    """Move a lead to ``stage`` (see the module docstring for the rules); an activity row
    records the move with its reason. 落地: ``project`` to link, else a new 引进 project."""
    lead = lock(Lead.objects.select_related("chain__region", "region", "node"), lead_id)
    if actor is not None:
        require_lead_editor(actor, lead)
    reason = _text_reason(reason)
    on = on or timezone.localdate()
    before = lead.stage
    kind = check_move(lead, stage, reason)
    data: dict[str, Any] = {"stage": stage, "stage_on": on}
    if kind == "hold":
        data |= {
            "lost_reason": reason,
            "held_from": before if before not in HOLD_STAGES else lead.held_from,
        }
    elif kind == "resume":
        data |= {"lost_reason": "", "held_from": ""}
    if stage == LeadStage.SIGNED and lead.signed_on is None:
        data["signed_on"] = on
    if stage in (LeadStage.LEAD, LeadStage.CONTACT, LeadStage.NEGOTIATION):
        data["signed_on"] = None
    changed = merge_edit(lead, data, expected_version, "招商线索")
    if stage == LeadStage.LANDED:
        linked = _project_for(lead, actor, project, on)
        lead.project = linked
        lead.landed_on = on
        changed |= {"project", "landed_on"}
    lead.full_clean()
    save_edit(lead, changed, actor=_user(actor), reason=f"阶段：{LeadStage(stage).label}")
    note = f"{LeadStage(before).label} → {LeadStage(stage).label}"
    if reason:
        note += f"：{reason}"
    if stage == LeadStage.LANDED and lead.project is not None:
        note += f"（项目：{lead.project.name}）"
    _activity(lead, ActivityKind.STAGE, _user(actor), on, note, from_stage=before, to_stage=stage)
    return lead


def _text_reason(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) > 200:
        raise DomainError(f"原因不能超过 200 字（现有 {len(text)} 字）", fields={"reason": "过长"})
    if _CONTROL.search(text):
        raise DomainError("原因含有控制字符", fields={"reason": "含控制字符"})
    return text


# --- activities --------------------------------------------------------------------------------


@transaction.atomic
def activity_add(
    *,
    actor: Any,
    lead: Lead,
    kind: str,
    on: Any,
    content: str,
    people: str = "",
) -> LeadActivity:
    """Record a visit, talk, call or note (date, who, what) on a lead's timeline."""
    if actor is not None:
        require_lead_editor(actor, lead)
    if kind not in ActivityKind.values or kind == ActivityKind.STAGE:
        allowed = "、".join(
            str(label) for value, label in ActivityKind.choices if value != ActivityKind.STAGE
        )
        raise DomainError(f"未知的记录类型“{kind}”，可选：{allowed}", fields={"kind": str(kind)})
    day = _date(on, "on", "日期")
    if day is None:
        raise DomainError("请填写日期", fields={"on": "必填"})
    if day > timezone.localdate() + dt.timedelta(days=1):
        raise DomainError("走访、洽谈记录的日期不能晚于今天", fields={"on": str(day)})
    text = str(content or "").strip()
    if not text:
        raise DomainError("请填写内容", fields={"content": "必填"})
    if len(text) > MAX_TEXT or _CONTROL.search(text):
        raise DomainError("内容过长或含控制字符", fields={"content": "无效"})
    people = str(people or "").strip()
    if len(people) > 200 or _CONTROL.search(people):
        raise DomainError("参与人员过长或含控制字符", fields={"people": "无效"})
    return _activity(lead, kind, _user(actor), day, text, people=people)


# --- the importer's bulk path ------------------------------------------------------------------


def leads_bulk_write(
    *,
    creates: list[Lead],
    updates: list[Lead],
    update_fields: list[str],
    actor: Any,
    reason: str,
    on: dt.date | None = None,
) -> None:
    """Write planned leads (the importer checked scope and validated every row): new leads at
    线索 with their first activity row, changed ones with a version bump; history rows with the
    actor and the batch."""
    user = _user(actor)
    on = on or timezone.localdate()
    for lead in creates:
        lead.stage = LeadStage.LEAD
        lead.stage_on = on
    if creates:
        made = bulk_create_with_history(
            creates, Lead, default_user=user, default_change_reason=reason
        )
        # bulk_create returns pks on PostgreSQL and SQLite ≥ 3.35; re-read to be safe
        keys = [(x.region_id, x.chain_id, x.name) for x in made]
        by_key = {
            (x.region_id, x.chain_id, x.name): x
            for x in Lead.objects.filter(name__in=[k[2] for k in keys])
        }
        LeadActivity.objects.bulk_create(
            LeadActivity(
                lead=by_key[k],
                kind=ActivityKind.STAGE,
                on=on,
                content=f"导入名单录入线索（{reason}）",
                to_stage=LeadStage.LEAD,
                actor=user,
            )
            for k in keys
            if k in by_key
        )
    if updates:
        fields = sorted({*update_fields, *bump_versions(Lead, updates), "updated_at"})
        now = timezone.now()
        for lead in updates:
            lead.updated_at = now
        bulk_update_with_history(
            updates, Lead, fields, default_user=user, default_change_reason=reason
        )


def leads_project_deleted(*, project: Project) -> int:
    """A project a landed lead points to is being deleted (the projects app's delete, or the
    demo clearing its sample projects): the lead goes back to 签约 with a timeline note, so no
    lead is 落地 without a project. Connected to ``pre_delete`` of ``Project`` in ``apps.py``
    (``projects`` sits below and does not know the pipeline). Returns the leads moved back."""
    today = timezone.localdate()
    moved = 0
    for lead in Lead.objects.filter(project=project):
        before = lead.stage
        lead.project = None
        changed = {"project"}
        if lead.stage == LeadStage.LANDED:
            lead.stage, lead.landed_on, lead.stage_on = LeadStage.SIGNED, None, today
            changed |= {"stage", "landed_on", "stage_on"}
        save_edit(lead, changed, actor=None, reason="落地项目已删除")
        if before == LeadStage.LANDED:
            _activity(
                lead,
                ActivityKind.STAGE,
                None,
                today,
                f"落地项目「{project.name}」已删除，线索退回签约",
                from_stage=before,
                to_stage=LeadStage.SIGNED,
            )
            moved += 1
    return moved
