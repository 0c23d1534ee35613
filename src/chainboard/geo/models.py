"""Regions (GB/T 2260 行政区划) and parks (园区/开发区)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from chainboard.core.locking import Versioned
from chainboard.core.models import BaseModel


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "地级"
    COUNTY = "county", "县级"


class Region(models.Model):
    """A division of GB/T 2260, keyed by its six-digit code.

    ``path`` is the materialised chain of codes from the province down, ending in ``/``
    (``130000/130500/130528/``), so "everything inside a region" is one prefix filter.
    """

    code = models.CharField("行政区划代码", max_length=6, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=8, choices=RegionLevel.choices)
    kind = models.CharField("类型", max_length=16, blank=True, help_text="市辖区、县、县级市、旗…")
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级"
    )
    path = models.CharField("路径", max_length=32, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in self.ancestors()) + self.name

    def lineage_codes(self) -> list[str]:
        """Codes of the regions above this one and of itself, from the top (read off ``path``):
        a county's rows plus those of its city and province."""
        return [c for c in self.path.split("/") if c]

    def ancestors(self) -> list[Region]:
        codes = [c for c in self.lineage_codes() if c != self.code]
        by_code = Region.objects.in_bulk(codes)
        return [by_code[c] for c in codes if c in by_code]

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)


class ParkKind(models.TextChoices):
    NATIONAL = "national", "国家级开发区"
    PROVINCIAL = "provincial", "省级开发区"
    PARK = "park", "园区"


class Park(Versioned, BaseModel):
    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="parks", verbose_name="所属区县"
    )
    kind = models.CharField("类型", max_length=16, choices=ParkKind.choices, default=ParkKind.PARK)
    planned_area_mu = models.DecimalField(
        "规划面积(亩)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords(verbose_name="园区变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "园区"
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="park_name_unique_in_region",
                violation_error_message="同一区县内园区名称重复",
            ),
            models.CheckConstraint(
                condition=Q(planned_area_mu__gte=0),
                name="park_planned_area_non_negative",
                violation_error_message="规划面积不能为负数",
            ),
        ]

    def __str__(self) -> str:
        return self.name
