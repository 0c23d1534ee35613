"""Users and the scope each one works in (whole instance, a region, a park or one firm)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "管理员"
    ANALYST = "analyst", "分析员（链长办/工信局）"
    REGION_STAFF = "region_staff", "县区工作人员"
    PARK_STAFF = "park_staff", "园区工作人员"
    ENTERPRISE = "enterprise", "企业用户"


class DataSource(models.TextChoices):
    """Where a yearly figure value came from (数据来源); the precedence per figure is in
    ``enterprises/figure_sources.yaml`` and editable on the 指标来源优先级 page."""

    TAX = "tax", "税务"
    POWER = "power", "供电"
    STATISTICS = "statistics", "统计"
    FIRM = "firm", "企业填报"
    MANUAL = "manual", "手工"


class User(AbstractUser):
    """A person; ``role`` says what they do, the scope fields say where.

    Admins and analysts with no region see everything; any region scope limits a user to that
    region's subtree (city → its counties), a park scope to the park, an enterprise scope to one firm.
    """

    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.ANALYST)
    scope_region = models.ForeignKey(
        "geo.Region",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="管辖区域",
    )
    scope_park = models.ForeignKey(
        "geo.Park", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="所属园区"
    )
    scope_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="所属企业",
    )
    data_source = models.CharField(
        "所属数据部门",
        max_length=16,
        choices=DataSource.choices,
        blank=True,
        help_text="税务、供电、统计部门的用户只能导入本部门的指标（留空：不限）",
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def clean(self) -> None:
        super().clean()
        if self.role == Role.REGION_STAFF and not self.scope_region_id:
            raise ValidationError({"scope_region": "县区工作人员必须指定管辖区域"})
        if self.role == Role.PARK_STAFF and not self.scope_park_id:
            raise ValidationError({"scope_park": "园区工作人员必须指定园区"})
        if self.role == Role.ENTERPRISE and not self.scope_enterprise_id:
            raise ValidationError({"scope_enterprise": "企业用户必须指定企业"})

    @property
    def scope_label(self) -> str:
        if self.role == Role.ENTERPRISE and self.scope_enterprise_id:
            return str(self.scope_enterprise)
        if self.role == Role.PARK_STAFF and self.scope_park_id:
            return str(self.scope_park)
        if self.scope_region_id:
            return str(self.scope_region)
        return "全部"


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKOUT = "lockout", "账号锁定"
    UNLOCK = "unlock", "解除锁定"
    LOGOUT = "logout", "退出登录"
    PASSWORD_CHANGE = "password_change", "修改密码"
    PERMISSION_DENIED = "permission_denied", "越权访问被拒绝"
    EXPORT = "export", "导出企业名单"
    PUBLISH = "publish", "发布评价结果"


class SecurityEvent(models.Model):
    """One security-relevant event (append-only; written by ``security_event_record``).

    ``username`` keeps the name typed at a failed login (no ``user`` row then) and survives the
    user's deletion; ``target`` names the object acted on (a run, an export, a path).
    """

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    event = models.CharField("事件", max_length=32, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="用户",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    target = models.CharField("对象", max_length=255, blank=True)
    detail = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "安全审计日志"
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("event", "created_at"))]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_event_display()} {self.username}"
