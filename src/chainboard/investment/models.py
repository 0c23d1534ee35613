"""招商 pipeline: leads 招商线索 of outside firms that would fill a chain's gap, their stages
线索 → 接洽 → 考察/洽谈 → 签约 → 落地 (plus 失败 / 搁置 with a reason) and the activity records
(visits, talks, stage changes) of each lead (docs/investment.md).

A lead that reaches 落地 is linked to a ``projects.Project`` marked 引进 (``Project.introduced``),
created by the pipeline or an existing one; the project carries the segment the lead fills.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from chainboard.chains.models import Chain, ChainNode
from chainboard.core.locking import Versioned
from chainboard.core.models import BaseModel
from chainboard.geo.models import Region

MAX_NAME = 100
MAX_TEXT = 2000


class LeadStage(models.TextChoices):
    LEAD = "lead", "线索"
    CONTACT = "contact", "接洽"
    NEGOTIATION = "negotiation", "考察/洽谈"
    SIGNED = "signed", "签约"
    LANDED = "landed", "落地"
    LOST = "lost", "失败"
    PAUSED = "paused", "搁置"


#: The active stages in pipeline order (失败 and 搁置 are side states).
PIPELINE = [
    LeadStage.LEAD,
    LeadStage.CONTACT,
    LeadStage.NEGOTIATION,
    LeadStage.SIGNED,
    LeadStage.LANDED,
]
HOLD_STAGES = (LeadStage.LOST, LeadStage.PAUSED)
OPEN_STAGES = (LeadStage.LEAD, LeadStage.CONTACT, LeadStage.NEGOTIATION, LeadStage.SIGNED)


class LeadSource(models.TextChoices):
    GAP = "gap", "缺链补链"
    IMPORT = "import", "导入名单"
    MANUAL = "manual", "手工录入"


class Lead(Versioned, BaseModel):
    """An outside firm courted to invest in a county, for a segment of a chain."""

    name = models.CharField("企业名称", max_length=MAX_NAME)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    origin = models.CharField("来源地区", max_length=60, blank=True, help_text="如：江苏省苏州市")
    products = models.CharField("主要产品", max_length=200, blank=True)
    amount_wan_yuan = models.DecimalField(
        "拟投资额(万元)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    contacts = models.CharField("联系人及方式", max_length=200, blank=True)
    source = models.CharField(
        "线索来源", max_length=8, choices=LeadSource.choices, default=LeadSource.MANUAL
    )
    chain = models.ForeignKey(Chain, models.PROTECT, related_name="leads", verbose_name="产业链")
    node = models.ForeignKey(
        ChainNode,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name="拟补环节",
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="leads", verbose_name="负责区县"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name="负责人",
    )
    stage = models.CharField(
        "阶段", max_length=12, choices=LeadStage.choices, default=LeadStage.LEAD, db_index=True
    )
    held_from = models.CharField(
        "失败/搁置前阶段", max_length=12, choices=LeadStage.choices, blank=True
    )
    lost_reason = models.CharField("失败/搁置原因", max_length=200, blank=True)
    next_step = models.CharField("下一步", max_length=200, blank=True)
    next_step_on = models.DateField("下一步日期", null=True, blank=True)
    notes = models.TextField("备注", max_length=MAX_TEXT, blank=True)
    stage_on = models.DateField("进入当前阶段日期", null=True, blank=True)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    landed_on = models.DateField("落地日期", null=True, blank=True)
    project = models.ForeignKey(
        "projects.Project",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
        verbose_name="落地项目",
    )
    sample = models.BooleanField("示例数据", default=False)
    history = HistoricalRecords(verbose_name="招商线索变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "招商线索"
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["region", "stage"], name="lead_region_stage"),
            models.Index(fields=["chain", "stage"], name="lead_chain_stage"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "chain", "name"],
                name="lead_name_unique_in_county_chain",
                violation_error_message="该区县该产业链已有同名企业的招商线索",
            ),
            models.CheckConstraint(
                condition=Q(amount_wan_yuan__isnull=True) | Q(amount_wan_yuan__gte=0),
                name="lead_amount_non_negative",
                violation_error_message="拟投资额不能为负数",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=["lost", "paused"]) | ~Q(lost_reason=""),
                name="lead_hold_has_reason",
                violation_error_message="失败或搁置的线索须填写原因",
            ),
            models.CheckConstraint(
                condition=~Q(stage="landed") | Q(project__isnull=False),
                name="lead_landed_has_project",
                violation_error_message="落地的线索须关联项目",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=["signed", "landed"]) | Q(signed_on__isnull=False),
                name="lead_signed_has_date",
                violation_error_message="签约、落地的线索须有签约日期",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class ActivityKind(models.TextChoices):
    VISIT = "visit", "走访/考察"
    TALK = "talk", "洽谈/会谈"
    CALL = "call", "电话/联络"
    STAGE = "stage", "阶段变更"
    NOTE = "note", "备注"


class LeadActivity(models.Model):
    """One record of a lead's timeline: a visit, talk or call (date, who, what) or a stage move."""

    lead = models.ForeignKey(
        Lead, models.CASCADE, related_name="activities", verbose_name="招商线索"
    )
    kind = models.CharField("类型", max_length=8, choices=ActivityKind.choices)
    on = models.DateField("日期", db_index=True)
    people = models.CharField("参与人员", max_length=200, blank=True)
    content = models.TextField("内容", max_length=MAX_TEXT)
    from_stage = models.CharField("原阶段", max_length=12, choices=LeadStage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=12, choices=LeadStage.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="记录人",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "招商活动记录"
        ordering = ["lead_id", "-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}@{self.on:%Y-%m-%d}"
