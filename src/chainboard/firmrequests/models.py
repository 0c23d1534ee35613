"""政企直通车: firms' requests 诉求, the departments that answer them and the routing rules
(docs/services.md).

A request moves 待受理 → 办理中 (受理) → 已答复 → 已办结 (the firm confirms) and is then rated
1–5; 转办 hands it to another department (back to 待受理), a firm not satisfied with an answer
sends it back to 办理中. Past its deadline it is escalated, once to the county and later to the
city (``escalation_level``). Every step is a ``RequestStep`` row (who, when, what) and every
change of the request a history row.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from chainboard.chains.models import Chain
from chainboard.core.models import BaseModel
from chainboard.enterprises.models import Enterprise
from chainboard.geo.models import Region

MAX_TITLE = 60
MAX_TEXT = 2000


class Category(models.TextChoices):
    LAND = "land", "用地"
    FINANCE = "finance", "融资"
    LABOUR = "labour", "用工"
    APPROVAL = "approval", "审批"
    ENERGY = "energy", "能耗/环保"
    TECH = "tech", "技术"
    MARKET = "market", "市场"
    OTHER = "other", "其他"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    CRITICAL = "critical", "特急"


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "办理中"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结"


OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED)


class Level(models.IntegerChoices):
    NONE = 0, "未升级"
    COUNTY = 1, "升级至县区"
    CITY = 2, "升级至市级"


class Department(BaseModel):
    """A department 职能部门 of a county or of the city that answers requests."""

    region = models.ForeignKey(
        Region, models.PROTECT, related_name="departments", verbose_name="所属地区"
    )
    name = models.CharField("部门名称", max_length=60)
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="departments", verbose_name="联系人"
    )
    history = HistoricalRecords(verbose_name="部门变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "职能部门"
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="department_name_unique_in_region",
                violation_error_message="同一地区内部门名称重复",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region.name}{self.name}"


class RoutingRule(BaseModel):
    """诉求分办规则: requests of ``category`` from firms of ``region`` go to ``department``
    with ``deadline_days`` calendar days to answer; a rule without region is the default."""

    category = models.CharField("诉求类别", max_length=16, choices=Category.choices)
    region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="routing_rules",
        verbose_name="区县（空=默认）",
    )
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="rules", verbose_name="承办部门"
    )
    deadline_days = models.PositiveSmallIntegerField(
        "办理时限(天)", validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    history = HistoricalRecords(verbose_name="分办规则变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "诉求分办规则"
        ordering = ["region_id", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "region"],
                name="routing_rule_unique",
                violation_error_message="该区县该类别已有分办规则",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(deadline_days__gte=1, deadline_days__lte=90),
                name="routing_rule_deadline_range",
                violation_error_message="办理时限须在 1–90 天之间",
            ),
        ]

    def __str__(self) -> str:
        where = self.region.name if self.region is not None else "默认"
        return f"{where}·{self.get_category_display()} → {self.department.name}"


class FirmRequest(BaseModel):
    """A firm's request 诉求 (政企直通车)."""

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="requests", verbose_name="企业"
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="firm_requests", verbose_name="所在区县"
    )
    chain = models.ForeignKey(
        Chain,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="firm_requests",
        verbose_name="所属产业链",
    )
    category = models.CharField("诉求类别", max_length=16, choices=Category.choices)
    title = models.CharField("标题", max_length=MAX_TITLE)
    description = models.TextField("诉求内容", max_length=MAX_TEXT)
    urgency = models.CharField(
        "紧急程度", max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = models.CharField(
        "状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name="承办部门",
    )
    due_on = models.DateField("办理期限", null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(
        "升级", choices=Level.choices, default=Level.NONE
    )
    reminded_on = models.DateField("到期提醒日期", null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提交人",
    )
    on_behalf = models.BooleanField("代企业提交", default=False)
    answer = models.TextField("答复意见", max_length=MAX_TEXT, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        "满意度评分",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.CharField("评价意见", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="诉求变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "企业诉求"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["region", "status"], name="firmrequest_region_status"),
            models.Index(fields=["-created_at", "-id"], name="firmrequest_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="firmrequest_rating_range",
                violation_error_message="满意度评分须为 1–5 分",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(status=Status.CLOSED),
                name="firmrequest_rated_when_closed",
                violation_error_message="办结后才能评价",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.ANSWERED, Status.CLOSED])
                | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="firmrequest_answer_complete",
                violation_error_message="已答复的诉求必须有答复意见和答复时间",
            ),
        ]

    def __str__(self) -> str:
        return f"诉求#{self.pk}"

    @property
    def code(self) -> str:
        return f"ZQ{self.created_at:%Y}{self.pk:05d}" if self.pk and self.created_at else ""


class StepKind(models.TextChoices):
    RAISED = "raised", "提交"
    ROUTED = "routed", "分办"
    ACCEPTED = "accepted", "受理"
    TRANSFERRED = "transferred", "转办"
    ANSWERED = "answered", "答复"
    REOPENED = "reopened", "退回重办"
    REMINDED = "reminded", "到期提醒"
    ESCALATED = "escalated", "逾期升级"
    CLOSED = "closed", "确认办结"
    RATED = "rated", "评价"


class RequestStep(models.Model):
    """One step of a request's handling: who (none = the system), when, what, to whom."""

    request = models.ForeignKey(
        FirmRequest, models.CASCADE, related_name="steps", verbose_name="诉求"
    )
    kind = models.CharField("环节", max_length=16, choices=StepKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="办理人",
    )
    at = models.DateTimeField("时间", db_index=True)
    department = models.ForeignKey(
        Department,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="部门",
    )
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "诉求办理步骤"
        ordering = ["request_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}@{self.at:%Y-%m-%d %H:%M}"


def _attachment_path(instance: Any, filename: str) -> str:
    """A random stored name: the uploaded name is never part of a path."""
    return f"requests/{instance.request_id}/{uuid.uuid4().hex}.{instance.kind}"


class RequestAttachment(models.Model):
    """A file attached to a request (checked by ``imports.attachments``; always downloaded)."""

    request = models.ForeignKey(
        FirmRequest, models.CASCADE, related_name="attachments", verbose_name="诉求"
    )
    file = models.FileField("文件", upload_to=_attachment_path, max_length=200)
    name = models.CharField("原文件名", max_length=120)
    kind = models.CharField("类型", max_length=8)
    size = models.PositiveIntegerField("大小(字节)")
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "诉求附件"
        ordering = ["request_id", "pk"]

    def __str__(self) -> str:
        return self.name
