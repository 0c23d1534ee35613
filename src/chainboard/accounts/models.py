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
