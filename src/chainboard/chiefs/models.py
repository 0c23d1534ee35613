"""链长制 organisation, 关键核心技术攻关清单 (卡脖子), 揭榜挂帅 calls, 创新联合体, the 链长's
annual work plans 工作计划 (their tasks are ``projects.Task`` rows linked back by a generic
``source``) and 链长会议 with their decisions 会议决定 (each may become a task of the plan).

Money is 万元 (Decimal). Every model keeps its history (django-simple-history); services write it
with the actor and a reason (docs/chains.md, "链长制与揭榜挂帅").
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from chainboard.chains.models import Chain, ChainNode
from chainboard.core.locking import Versioned
from chainboard.core.models import BaseModel
from chainboard.enterprises.models import Enterprise
from chainboard.geo.models import Region
from chainboard.projects.models import Task


class OrgKind(models.TextChoices):
    GENERAL_CHIEF = "general_chief", "总链长"
    CHIEF = "chief", "链长"
    OFFICE = "office", "链长办"
    OFFICE_STAFF = "office_staff", "链长办工作人员"
    LEADER_FIRM = "leader_firm", "链主企业"
    DEPARTMENT = "department", "职能部门"
    ASSOCIATION = "association", "行业协会"
    INSTITUTE = "institute", "科研院所"
    UNIVERSITY = "university", "高校"


#: Kinds that are 行业组织 (industry organisations).
ORGANISATION_KINDS = (OrgKind.ASSOCIATION, OrgKind.INSTITUTE, OrgKind.UNIVERSITY)


class OrgMember(BaseModel):
    """One member of a chain's 链长制: an official, the office and its staff, a 链主 firm and its
    commitment, a department and its duties, an industry organisation and its role.

    ``region`` empty = the whole chain (city level); a county's members are that county's part.
    A 链长办工作人员 row with a user lets that user edit the chain's records across counties
    (``accounts.scope.can_edit_chain_records``).
    """

    chain = models.ForeignKey(
        Chain, models.CASCADE, related_name="org_members", verbose_name="产业链"
    )
    kind = models.CharField("类别", max_length=16, choices=OrgKind.choices)
    name = models.CharField("姓名/名称", max_length=100)
    title = models.CharField("职务/角色", max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="chain_roles",
        verbose_name="平台用户",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="chain_roles",
        verbose_name="企业",
    )
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属区县（空 = 全链）",
    )
    duties = models.TextField("职责/承诺", blank=True)
    contact = models.CharField("联系人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)
    history = HistoricalRecords(verbose_name="链长制成员变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "链长制成员"
        ordering = ["chain_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="office_staff") | Q(user__isnull=False),
                name="org_office_staff_has_user",
                violation_error_message="链长办工作人员必须关联平台用户",
            ),
            models.CheckConstraint(
                condition=~Q(kind="leader_firm") | Q(enterprise__isnull=False),
                name="org_leader_firm_has_enterprise",
                violation_error_message="链主企业必须选择企业",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class ChokepointReason(models.TextChoices):
    IMPORT = "import", "进口依赖"
    SINGLE_FOREIGN = "single_foreign", "单一境外供应商"
    DOMESTIC_GAP = "domestic_gap", "国内空白"
    PERFORMANCE = "performance", "性能/可靠性差距"


class ChokepointStatus(models.TextChoices):
    OPEN = "open", "待攻关"
    CALLED = "called", "已发榜"
    IN_PROGRESS = "in_progress", "攻关中"
    SOLVED = "solved", "已突破"


class Chokepoint(Versioned, BaseModel):
    """An item of the chain's 关键核心技术攻关清单 (卡脖子 technology), tied to its segments."""

    chain = models.ForeignKey(
        Chain, models.CASCADE, related_name="chokepoints", verbose_name="产业链"
    )
    nodes = models.ManyToManyField(ChainNode, related_name="chokepoints", verbose_name="涉及环节")
    technology = models.CharField("关键核心技术", max_length=120)
    reason = models.CharField("卡脖子原因", max_length=16, choices=ChokepointReason.choices)
    reason_detail = models.TextField("原因说明", blank=True)
    import_share = models.DecimalField(
        "进口依赖度",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0.85 = 85%",
    )
    foreign_supplier = models.CharField("主要境外供应商", max_length=120, blank=True)
    domestic_state = models.TextField("国内现状", blank=True)
    needing_firms = models.ManyToManyField(
        Enterprise, blank=True, related_name="chokepoints", verbose_name="需求企业"
    )
    target = models.TextField("攻关目标")
    target_year = models.PositiveSmallIntegerField("目标年份", null=True, blank=True)
    status = models.CharField(
        "攻关状态", max_length=16, choices=ChokepointStatus.choices, default=ChokepointStatus.OPEN
    )
    result = models.TextField("攻关结果", blank=True)
    history = HistoricalRecords(verbose_name="攻关清单变更记录", m2m_fields=[nodes, needing_firms])

    class Meta:
        verbose_name = verbose_name_plural = "关键核心技术攻关清单"
        ordering = ["chain_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "technology"],
                name="chokepoint_technology_unique",
                violation_error_message="该产业链的攻关清单已有这项技术",
            ),
            models.CheckConstraint(
                condition=Q(import_share__isnull=True)
                | (Q(import_share__gte=0) & Q(import_share__lte=1)),
                name="chokepoint_import_share_range",
                violation_error_message="进口依赖度应在 0 到 1 之间",
            ),
        ]

    def __str__(self) -> str:
        return self.technology


class CallStage(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布（揭榜中）"
    REVIEWING = "reviewing", "专家评审"
    AWARDED = "awarded", "已挂帅（实施中）"
    ACCEPTED = "accepted", "已验收"
    FAILED = "failed", "验收未通过"


class Call(Versioned, BaseModel):
    """A 揭榜挂帅 call (榜单) built from a list item: goal, indicators, budget, period, eligibility.

    Stages: 草稿 → 已发布 → 专家评审 → 已挂帅 → 已验收/验收未通过; each transition is one
    service function (``chiefs.services``).
    """

    chain = models.ForeignKey(Chain, models.CASCADE, related_name="calls", verbose_name="产业链")
    chokepoint = models.ForeignKey(
        Chokepoint, models.PROTECT, related_name="calls", verbose_name="攻关清单条目"
    )
    title = models.CharField("榜单名称", max_length=150)
    goal = models.TextField("攻关目标")
    indicators = models.JSONField("考核指标", default=list)
    budget_wan_yuan = models.DecimalField("榜单金额(万元)", max_digits=12, decimal_places=2)
    period_months = models.PositiveSmallIntegerField(
        "攻关周期(月)", validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    eligibility = models.TextField("揭榜条件", blank=True)
    apply_by = models.DateField("揭榜截止日期", null=True, blank=True)
    stage = models.CharField(
        "阶段", max_length=16, choices=CallStage.choices, default=CallStage.DRAFT
    )
    published_on = models.DateField("发布日期", null=True, blank=True)
    winner = models.ForeignKey(
        "Application",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="揭榜单位",
    )
    team_lead = models.CharField("挂帅人", max_length=50, blank=True)
    awarded_on = models.DateField("立项日期", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    acceptance = models.JSONField("验收结果（逐项指标）", default=list, blank=True)
    acceptance_note = models.TextField("验收意见", blank=True)
    history = HistoricalRecords(verbose_name="榜单变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "揭榜挂帅榜单"
        ordering = ["chain_id", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_wan_yuan__gte=0),
                name="call_budget_non_negative",
                violation_error_message="榜单金额不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ApplicantKind(models.TextChoices):
    FIRM = "firm", "企业"
    UNIVERSITY = "university", "高校"
    INSTITUTE = "institute", "科研院所"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已揭榜"
    AWARDED = "awarded", "挂帅"
    NOT_SELECTED = "not_selected", "未入选"


class Application(BaseModel):
    """A 揭榜 application: a firm (its own user), a university or an institute, with the team,
    the plan and the budget it asks for."""

    call = models.ForeignKey(Call, models.CASCADE, related_name="applications", verbose_name="榜单")
    applicant_kind = models.CharField("揭榜方类型", max_length=16, choices=ApplicantKind.choices)
    enterprise = models.ForeignKey(
        Enterprise,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="call_applications",
        verbose_name="揭榜企业",
    )
    applicant_name = models.CharField("揭榜单位", max_length=120)
    team_lead = models.CharField("团队负责人", max_length=50)
    team = models.TextField("团队成员")
    plan = models.TextField("技术方案")
    budget_wan_yuan = models.DecimalField("申请经费(万元)", max_digits=12, decimal_places=2)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提交人",
    )
    history = HistoricalRecords(verbose_name="揭榜申请变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "揭榜申请"
        ordering = ["call_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_wan_yuan__gte=0),
                name="application_budget_non_negative",
                violation_error_message="申请经费不能为负数",
            ),
            models.UniqueConstraint(
                fields=["call", "applicant_name"],
                name="application_once_per_applicant",
                violation_error_message="该单位已揭榜这项榜单",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant_name} · {self.call_id}"


class Review(BaseModel):
    """One expert's review of an application: score 0–100 and the conflict-of-interest
    declaration (an expert with a conflict abstains: no score)."""

    application = models.ForeignKey(
        Application, models.CASCADE, related_name="reviews", verbose_name="揭榜申请"
    )
    expert = models.CharField("评审专家", max_length=50)
    score = models.DecimalField(
        "评分",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    conflict = models.BooleanField("存在利益冲突（回避）", default=False)
    conflict_note = models.CharField("利益冲突说明", max_length=200, blank=True)
    comment = models.TextField("评审意见", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="录入人",
    )
    history = HistoricalRecords(verbose_name="专家评审变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "专家评审"
        ordering = ["application_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"],
                name="review_once_per_expert",
                violation_error_message="该专家已评审这份申请",
            ),
            models.CheckConstraint(
                condition=(Q(conflict=True) & Q(score__isnull=True))
                | (Q(conflict=False) & Q(score__gte=0) & Q(score__lte=100)),
                name="review_score_or_conflict",
                violation_error_message="无利益冲突的专家须给出 0–100 的评分；有利益冲突须回避，不评分",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.application_id}"


class Milestone(BaseModel):
    """A contract milestone of an awarded call, with its payment 万元."""

    call = models.ForeignKey(Call, models.CASCADE, related_name="milestones", verbose_name="榜单")
    title = models.CharField("节点", max_length=120)
    due_on = models.DateField("计划完成日期")
    payment_wan_yuan = models.DecimalField("拨付金额(万元)", max_digits=12, decimal_places=2)
    done_on = models.DateField("完成并拨付日期", null=True, blank=True)
    history = HistoricalRecords(verbose_name="合同节点变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "合同节点"
        ordering = ["call_id", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(payment_wan_yuan__gte=0),
                name="milestone_payment_non_negative",
                violation_error_message="拨付金额不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CheckConclusion(models.TextChoices):
    PASS = "pass", "通过"
    RECTIFY = "rectify", "限期整改"


class MidtermCheck(BaseModel):
    """中期检查 of an awarded call."""

    call = models.ForeignKey(
        Call, models.CASCADE, related_name="midterm_checks", verbose_name="榜单"
    )
    checked_on = models.DateField("检查日期")
    conclusion = models.CharField("结论", max_length=16, choices=CheckConclusion.choices)
    note = models.TextField("检查意见", blank=True)
    history = HistoricalRecords(verbose_name="中期检查变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "中期检查"
        ordering = ["call_id", "checked_on"]

    def __str__(self) -> str:
        return f"{self.call_id} {self.checked_on}"


class Consortium(BaseModel):
    """An 创新联合体: a lead firm with universities and institutes on a segment or chokepoint."""

    chain = models.ForeignKey(
        Chain, models.CASCADE, related_name="consortia", verbose_name="产业链"
    )
    name = models.CharField("名称", max_length=120)
    lead = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="led_consortia", verbose_name="牵头企业"
    )
    node = models.ForeignKey(
        ChainNode,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="consortia",
        verbose_name="聚焦环节",
    )
    chokepoint = models.ForeignKey(
        Chokepoint,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="consortia",
        verbose_name="攻关清单条目",
    )
    founded_on = models.DateField("组建日期", null=True, blank=True)
    outputs = models.TextField("成果（专利、标准、新产品）", blank=True)
    history = HistoricalRecords(verbose_name="创新联合体变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "创新联合体"
        ordering = ["chain_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "name"],
                name="consortium_name_unique",
                violation_error_message="该产业链已有同名创新联合体",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ConsortiumMember(BaseModel):
    consortium = models.ForeignKey(
        Consortium, models.CASCADE, related_name="members", verbose_name="创新联合体"
    )
    kind = models.CharField("成员类型", max_length=16, choices=ApplicantKind.choices)
    name = models.CharField("成员单位", max_length=120)
    enterprise = models.ForeignKey(
        Enterprise, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="企业"
    )
    role = models.CharField("分工", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="联合体成员变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "联合体成员"
        ordering = ["consortium_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "name"],
                name="consortium_member_unique",
                violation_error_message="该联合体已有这个成员",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkPlan(Versioned, BaseModel):
    """A chain's annual work plan 链长年度工作计划: goals and tasks with owners, deadlines and
    progress. The tasks are ``projects.Task`` rows whose ``source`` is this plan (programme
    「<链名><年>年工作计划」), so they also appear on the 任务 page."""

    chain = models.ForeignKey(
        Chain, models.CASCADE, related_name="work_plans", verbose_name="产业链"
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField("计划名称", max_length=150)
    goals = models.TextField("年度目标", blank=True)
    tasks = GenericRelation(Task, content_type_field="source_type", object_id_field="source_id")
    history = HistoricalRecords(verbose_name="工作计划变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "链长工作计划"
        ordering = ["chain_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "year"],
                name="work_plan_once_per_year",
                violation_error_message="该产业链这一年度已有工作计划",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="work_plan_year_range",
                violation_error_message="年度应在 2000–2100 之间",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def programme(self) -> str:
        """The tasks' 所属行动 on the 任务 page."""
        return f"{self.chain.name}{self.year}年工作计划"


class MeetingKind(models.TextChoices):
    CHIEF = "chief", "链长会议"
    TOPIC = "topic", "专题会"


class Meeting(Versioned, BaseModel):
    """A 链长会议 or 专题会 of a chain: date, attendees (platform users and named officials of
    the chain's organisation, others as text), agenda and its decisions."""

    chain = models.ForeignKey(Chain, models.CASCADE, related_name="meetings", verbose_name="产业链")
    kind = models.CharField("会议类型", max_length=16, choices=MeetingKind.choices)
    held_on = models.DateField("会议日期")
    title = models.CharField("会议名称", max_length=150)
    place = models.CharField("地点", max_length=100, blank=True)
    chaired_by = models.CharField("主持人", max_length=50, blank=True)
    agenda = models.TextField("议程")
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="参会用户"
    )
    officials = models.ManyToManyField(
        OrgMember, blank=True, related_name="meetings", verbose_name="参会链长制成员"
    )
    other_attendees = models.TextField("其他参会人员", blank=True)
    history = HistoricalRecords(verbose_name="链长会议变更记录", m2m_fields=[attendees, officials])

    class Meta:
        verbose_name = verbose_name_plural = "链长会议"
        ordering = ["chain_id", "-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Decision(Versioned, BaseModel):
    """A decision 会议决定 of a meeting; it may become a task of the chain's work plan
    (``task``), whose progress the meeting page shows."""

    meeting = models.ForeignKey(
        Meeting, models.CASCADE, related_name="decisions", verbose_name="会议"
    )
    text = models.TextField("决定事项")
    owner_department = models.CharField("责任单位", max_length=100, blank=True)
    due_on = models.DateField("完成时限", null=True, blank=True)
    task = models.OneToOneField(
        Task,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision",
        verbose_name="工作计划任务",
    )
    history = HistoricalRecords(verbose_name="会议决定变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "会议决定"
        ordering = ["meeting_id", "pk"]

    def __str__(self) -> str:
        return self.text[:40]
