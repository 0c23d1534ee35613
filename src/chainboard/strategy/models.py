"""The county × industry statistical panel (区县 × 行业 面板) the strategy page analyses.

A long table: one row per region × industry × year × measure. Values are additive (revenue or
value added in 万元, employment in persons), so location quotients, shift-share and complexity
can be computed on any one measure. Rows loaded by the demo are flagged ``sample`` (示例数据).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from chainboard.core.locking import Versioned
from chainboard.core.models import BaseModel


class PanelMeasure(models.TextChoices):
    REVENUE = "revenue", "营业收入(万元)"
    VALUE_ADDED = "value_added", "增加值(万元)"
    EMPLOYMENT = "employment", "从业人员(人)"


class PanelValue(Versioned, BaseModel):
    """One cell of the panel: the value of ``measure`` for ``industry`` in ``region``, ``year``."""

    region = models.ForeignKey(
        "geo.Region", models.PROTECT, related_name="panel_values", verbose_name="行政区划"
    )
    industry = models.ForeignKey(
        "industries.IndustryCode",
        models.PROTECT,
        related_name="panel_values",
        verbose_name="行业代码",
    )
    year = models.PositiveSmallIntegerField("年份")
    measure = models.CharField(
        "指标", max_length=16, choices=PanelMeasure.choices, default=PanelMeasure.REVENUE
    )
    value = models.DecimalField("数值", max_digits=18, decimal_places=4)
    sample = models.BooleanField("示例数据", default=False)
    history = HistoricalRecords(verbose_name="面板数据变更记录")

    class Meta:
        verbose_name = verbose_name_plural = "区县行业面板数据"
        ordering = ["region_id", "industry_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "industry", "year", "measure"],
                name="panel_value_unique_cell",
                violation_error_message="同一地区、行业、年份、指标只能有一个数值",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="panel_value_non_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=1900) & Q(year__lte=2100), name="panel_value_year_range"
            ),
        ]
        indexes = [models.Index(fields=["measure", "year"], name="panel_measure_year")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.industry_id} {self.year} {self.measure}={self.value}"
