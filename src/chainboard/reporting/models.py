"""企业填报: an office's data collection task 填报任务 and each firm's entry 填报 (docs/imports.md,
"企业填报").

An office opens a task (title, year, the registry's yearly figures to report, deadline) for the
firms of its scope; each firm gets one :class:`ReportEntry`. The firm's user fills it (saves a
draft, uploads its one-firm sheet, submits); the office accepts it (the figures go into the
registry's ``EnterpriseYear`` with history) or returns it with a comment, and the firm edits and
submits again. Every step is an :class:`EntryStep` (who, when, what) and every change of an entry
a history row. Entries are optimistic-locked (``core.locking``): a firm user and an officer
editing at once never silently undo each other.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from chainboard.core.locking import Versioned
from chainboard.core.models import BaseModel
from chainboard.enterprises.models import FIGURE_TITLES, Enterprise
from chainboard.geo.models import Park, Region

MAX_TITLE = 80
MAX_COMMENT = 1000


class TaskStatus(models.TextChoices):
    OPEN = "open", "填报中"
    CLOSED = "closed", "已结束"


class ReportTask(BaseModel):
    """填报任务: which figures of which year the firms of ``region`` (or ``park``) report."""

    title = models.CharField("任务名称", max_length=MAX_TITLE)
    year = models.PositiveSmallIntegerField("填报年度")
    fields = models.JSONField("填报指标", default=list, help_text="企业年度指标的字段名")
    deadline = models.DateField("截止日期", help_text="含当日")
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="范围（地区）"
    )
    park = models.ForeignKey(
        Park, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="范围（园区）"
    )
    scope_note = models.CharField("企业范围说明", max_length=200, blank=True)
    note = models.TextField("填报说明", blank=True, max_length=MAX_COMMENT)
    status = models.CharField(
        "状态", max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="发起人",
    )
    auto_reminded_on = models.DateField("截止前自动提醒日期", null=True, blank=True)
    history = HistoricalRecords(verbose_name="填报任务变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "填报任务"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="report_task_year_range",
                violation_error_message="填报年度应在2000-2100之间",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EntryStatus(models.TextChoices):
    PENDING = "pending", "未填"
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已接收"


#: A firm (or an officer on its behalf) may still change the values.
EDITABLE = (EntryStatus.PENDING, EntryStatus.DRAFT, EntryStatus.RETURNED)
#: Not yet handed in: the firms a reminder goes to.
UNSUBMITTED = EDITABLE


def _figure(title: str) -> models.DecimalField:
    return models.DecimalField(
        title,
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


class ReportEntry(Versioned, BaseModel):
    """One firm's 填报 of a task: the reported figures (the registry's columns and units)."""

    task = models.ForeignKey(
        ReportTask, models.CASCADE, related_name="entries", verbose_name="填报任务"
    )
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="report_entries", verbose_name="企业"
    )
    status = models.CharField(
        "状态", max_length=12, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    revenue_wan_yuan = _figure(FIGURE_TITLES["revenue_wan_yuan"])
    main_business_revenue_wan_yuan = _figure(FIGURE_TITLES["main_business_revenue_wan_yuan"])
    value_added_wan_yuan = _figure(FIGURE_TITLES["value_added_wan_yuan"])
    tax_paid_wan_yuan = _figure(FIGURE_TITLES["tax_paid_wan_yuan"])
    land_area_mu = _figure(FIGURE_TITLES["land_area_mu"])
    energy_tce = _figure(FIGURE_TITLES["energy_tce"])
    pollutant_equivalent_t = _figure(FIGURE_TITLES["pollutant_equivalent_t"])
    rd_spend_wan_yuan = _figure(FIGURE_TITLES["rd_spend_wan_yuan"])
    employees = models.PositiveIntegerField(FIGURE_TITLES["employees"], null=True, blank=True)
    electricity_10k_kwh = _figure(FIGURE_TITLES["electricity_10k_kwh"])
    comment = models.TextField("退回意见", blank=True, max_length=MAX_COMMENT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    history = HistoricalRecords(verbose_name="企业填报变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "企业填报"
        ordering = ["task_id", "enterprise__name"]
        indexes = [models.Index(fields=["task", "status"], name="report_entry_task_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "enterprise"],
                name="report_entry_unique",
                violation_error_message="该企业在本任务中已有填报",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 0}) | Q(**{f"{field}__isnull": True}),
                    name=f"report_entry_{field}_non_negative",
                    violation_error_message=f"{title}不能为负数",
                )
                for field, title in FIGURE_TITLES.items()
                if field != "employees"
            ],
        ]

    def __str__(self) -> str:
        return f"{self.task}·{self.enterprise_id}"


class StepKind(models.TextChoices):
    OPENED = "opened", "下发"
    SAVED = "saved", "保存草稿"
    UPLOADED = "uploaded", "上传表格"
    SUBMITTED = "submitted", "提交"
    RETURNED = "returned", "退回"
    ACCEPTED = "accepted", "接收"
    REMINDED = "reminded", "提醒"


class EntryStep(models.Model):
    """One step of an entry: who (none = the system), when, what."""

    entry = models.ForeignKey(
        ReportEntry, models.CASCADE, related_name="steps", verbose_name="企业填报"
    )
    kind = models.CharField("环节", max_length=12, choices=StepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    at = models.DateTimeField("时间", db_index=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "填报步骤"
        ordering = ["entry_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}@{self.at:%Y-%m-%d %H:%M}"
