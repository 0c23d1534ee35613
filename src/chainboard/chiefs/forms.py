"""Forms of the chiefs pages; firms are entered by 统一社会信用代码 and resolved in the user's
scope, users by login name."""

from __future__ import annotations

from typing import Any

from django import forms

from chainboard.accounts.models import User
from chainboard.accounts.scope import enterprises_visible
from chainboard.chains.models import Chain
from chainboard.chiefs.models import (
    ApplicantKind,
    CheckConclusion,
    Chokepoint,
    ChokepointReason,
    MeetingKind,
    OrgKind,
    OrgMember,
)
from chainboard.core.errors import DomainError
from chainboard.enterprises.models import Enterprise
from chainboard.geo.models import Region


def firm_by_uscc(user: Any, uscc: str, label: str = "企业") -> Enterprise | None:
    uscc = (uscc or "").strip().upper()
    if not uscc:
        return None
    firm = enterprises_visible(user).filter(uscc=uscc).first()
    if firm is None:
        raise DomainError(f"{label}：统一社会信用代码 {uscc} 不在企业名录中或不在您的管辖范围")
    return firm


def firms_by_uscc(user: Any, text: str) -> list[Enterprise]:
    return [f for code in text.split() if (f := firm_by_uscc(user, code, "需求企业"))]


def nodes_by_id(ids: list[str]) -> list[Any]:
    """The posted segment ids (any chain: the service refuses one of another chain)."""
    from chainboard.chains.models import ChainNode

    wanted = {int(x) for x in ids if str(x).isdigit()}
    nodes = list(ChainNode.objects.filter(pk__in=wanted).select_related("chain"))
    if len(nodes) != len(wanted) or len(wanted) != len([x for x in ids if x]):
        raise DomainError("涉及环节不存在", fields={"nodes": "不存在"})
    return nodes


def form_data(form: forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        fields = {k: "；".join(str(e) for e in v) for k, v in form.errors.items()}
        messages = [
            f"{form.fields[k].label if k in form.fields else ''}：{text}"
            for k, text in fields.items()
        ]
        raise DomainError("；".join(messages), fields=fields)
    return form.cleaned_data


class OrgMemberForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=OrgKind.choices)
    name = forms.CharField(label="姓名/名称", max_length=100, required=False)
    title = forms.CharField(label="职务/角色", max_length=100, required=False)
    username = forms.CharField(label="平台用户（登录名）", max_length=150, required=False)
    uscc = forms.CharField(label="企业统一社会信用代码", max_length=18, required=False)
    region = forms.ModelChoiceField(
        label="所属区县（空 = 全链）", queryset=Region.objects.none(), required=False
    )
    duties = forms.CharField(
        label="职责/承诺", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    contact = forms.CharField(label="联系人", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=40, required=False)

    def __init__(self, *args: Any, chain: Chain, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(  # type: ignore[attr-defined]
            path__startswith=chain.region.path
        ).order_by("code")

    def resolved(self, user: Any) -> dict[str, Any]:
        data = form_data(self)
        username = data.pop("username", "").strip()
        data["user"] = (
            User.objects.filter(username=username, is_active=True).first() if username else None
        )
        if username and data["user"] is None:
            raise DomainError(f"平台用户 {username} 不存在", fields={"username": "不存在"})
        data["enterprise"] = firm_by_uscc(user, data.pop("uscc", ""))
        if not data["name"]:
            if data["enterprise"] is not None:
                data["name"] = data["enterprise"].name
            elif data["user"] is not None:
                data["name"] = data["user"].get_full_name() or data["user"].username
            else:
                raise DomainError("请填写姓名/名称", fields={"name": "必填"})
        return data


class ChokepointForm(forms.Form):
    technology = forms.CharField(label="关键核心技术", max_length=120)
    reason = forms.ChoiceField(label="卡脖子原因", choices=ChokepointReason.choices)
    reason_detail = forms.CharField(
        label="原因说明", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    import_share = forms.DecimalField(
        label="进口依赖度（0–1）", required=False, max_digits=5, decimal_places=4
    )
    foreign_supplier = forms.CharField(label="主要境外供应商", max_length=120, required=False)
    domestic_state = forms.CharField(
        label="国内现状", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    firms = forms.CharField(
        label="需求企业（统一社会信用代码，空格或换行分隔）",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    target = forms.CharField(label="攻关目标", widget=forms.Textarea(attrs={"rows": 2}))
    target_year = forms.IntegerField(
        label="目标年份", min_value=2000, max_value=2100, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, label="版本")


class CallForm(forms.Form):
    title = forms.CharField(label="榜单名称", max_length=150)
    goal = forms.CharField(label="攻关目标", widget=forms.Textarea(attrs={"rows": 2}))
    indicators = forms.CharField(
        label="考核指标（每行一项）", widget=forms.Textarea(attrs={"rows": 3})
    )
    budget_wan_yuan = forms.DecimalField(label="榜单金额(万元)", max_digits=12, decimal_places=2)
    period_months = forms.IntegerField(label="攻关周期(月)", min_value=1, max_value=120)
    eligibility = forms.CharField(
        label="揭榜条件", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    apply_by = forms.DateField(
        label="揭榜截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ApplicationForm(forms.Form):
    applicant_kind = forms.ChoiceField(
        label="揭榜方类型", choices=ApplicantKind.choices, initial="firm"
    )
    uscc = forms.CharField(label="企业统一社会信用代码", max_length=18, required=False)
    applicant_name = forms.CharField(
        label="揭榜单位（高校、科研院所）", max_length=120, required=False
    )
    team_lead = forms.CharField(label="团队负责人", max_length=50)
    team = forms.CharField(label="团队成员", widget=forms.Textarea(attrs={"rows": 2}))
    plan = forms.CharField(label="技术方案", widget=forms.Textarea(attrs={"rows": 3}))
    budget_wan_yuan = forms.DecimalField(label="申请经费(万元)", max_digits=12, decimal_places=2)


class ReviewForm(forms.Form):
    application = forms.IntegerField(label="揭榜申请")
    expert = forms.CharField(label="评审专家", max_length=50)
    score = forms.DecimalField(
        label="评分（0–100）", required=False, max_digits=5, decimal_places=2
    )
    conflict = forms.BooleanField(label="存在利益冲突（回避）", required=False)
    conflict_note = forms.CharField(label="利益冲突说明", max_length=200, required=False)
    comment = forms.CharField(
        label="评审意见", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class AwardForm(forms.Form):
    application = forms.IntegerField(label="揭榜申请")
    team_lead = forms.CharField(label="挂帅人", max_length=50, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label="节点", max_length=120)
    due_on = forms.DateField(label="计划完成日期", widget=forms.DateInput(attrs={"type": "date"}))
    payment_wan_yuan = forms.DecimalField(label="拨付金额(万元)", max_digits=12, decimal_places=2)


class MidtermForm(forms.Form):
    checked_on = forms.DateField(label="检查日期", widget=forms.DateInput(attrs={"type": "date"}))
    conclusion = forms.ChoiceField(label="结论", choices=CheckConclusion.choices)
    note = forms.CharField(
        label="检查意见", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ConsortiumForm(forms.Form):
    name = forms.CharField(label="名称", max_length=120)
    lead = forms.CharField(label="牵头企业统一社会信用代码", max_length=18)
    node = forms.TypedChoiceField(label="聚焦环节", coerce=int, required=False, empty_value=None)
    chokepoint = forms.TypedChoiceField(
        label="攻关清单条目", coerce=int, required=False, empty_value=None
    )
    founded_on = forms.DateField(
        label="组建日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    outputs = forms.CharField(
        label="成果（专利、标准、新产品）", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, chain: Chain, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from chainboard.chains.models import ChainNode

        self.fields["node"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (n.pk, n.name) for n in ChainNode.objects.filter(chain=chain).order_by("order")
        ]
        self.fields["chokepoint"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (c.pk, c.technology) for c in Chokepoint.objects.filter(chain=chain)
        ]


class ConsortiumMemberForm(forms.Form):
    consortium = forms.IntegerField(label="创新联合体")
    kind = forms.ChoiceField(label="成员类型", choices=ApplicantKind.choices)
    name = forms.CharField(label="成员单位", max_length=120, required=False)
    uscc = forms.CharField(label="企业统一社会信用代码", max_length=18, required=False)
    role = forms.CharField(label="分工", max_length=200, required=False)


# --- 链长工作计划 and 链长会议 ------------------------------------------------------------------


class VersionField(forms.IntegerField):
    """The version the form was opened at (``core.locking``), hidden."""

    def __init__(self) -> None:
        super().__init__(widget=forms.HiddenInput, required=False, label="版本")


class WorkPlanForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(
        label="计划名称（空 = 「<链名><年>年链长工作计划」）", max_length=150, required=False
    )
    goals = forms.CharField(
        label="年度目标", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = VersionField()


class PlanTaskForm(forms.Form):
    name = forms.CharField(label="任务", max_length=300)
    owner_department = forms.CharField(label="责任单位", max_length=100)
    due_on = forms.DateField(label="完成时限", widget=forms.DateInput(attrs={"type": "date"}))
    percent_complete = forms.IntegerField(
        label="完成进度(%)", min_value=0, max_value=100, initial=0
    )
    evidence = forms.CharField(
        label="佐证说明", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = VersionField()


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    held_on = forms.DateField(label="会议日期", widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label="会议名称", max_length=150)
    place = forms.CharField(label="地点", max_length=100, required=False)
    chaired_by = forms.CharField(label="主持人", max_length=50, required=False)
    agenda = forms.CharField(label="议程", widget=forms.Textarea(attrs={"rows": 3}))
    officials = forms.TypedMultipleChoiceField(
        label="参会链长制成员", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    usernames = forms.CharField(
        label="参会平台用户（登录名，空格分隔）", max_length=500, required=False
    )
    other_attendees = forms.CharField(
        label="其他参会人员", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = VersionField()

    def __init__(self, *args: Any, chain: Chain, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chain = chain
        self.fields["officials"].choices = [  # type: ignore[attr-defined]
            (m.pk, f"{m.get_kind_display()} {m.name}")
            for m in OrgMember.objects.filter(chain=chain, region__isnull=True).order_by(
                "order", "pk"
            )
            if m.kind not in (OrgKind.LEADER_FIRM, OrgKind.OFFICE)
        ]

    def resolved(self) -> tuple[dict[str, Any], list[User], list[OrgMember]]:
        data = form_data(self)
        names = data.pop("usernames", "").replace("、", " ").replace(",", " ").split()
        users = list(User.objects.filter(username__in=names, is_active=True))
        unknown = sorted(set(names) - {u.username for u in users})
        if unknown:
            raise DomainError(
                "平台用户不存在：" + "、".join(unknown), fields={"usernames": "不存在"}
            )
        officials = list(OrgMember.objects.filter(pk__in=data.pop("officials", [])))
        data.pop("version", None)
        return data, users, officials


class DecisionForm(forms.Form):
    text = forms.CharField(label="决定事项", widget=forms.Textarea(attrs={"rows": 2}))
    owner_department = forms.CharField(label="责任单位", max_length=100, required=False)
    due_on = forms.DateField(
        label="完成时限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DecisionTaskForm(forms.Form):
    decision = forms.IntegerField(label="会议决定")
    owner_department = forms.CharField(label="责任单位", max_length=100, required=False)
    due_on = forms.DateField(
        label="完成时限", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
