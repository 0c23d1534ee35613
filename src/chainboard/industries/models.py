"""GB/T 4754-2017 国民经济行业分类: sections, divisions, groups and classes."""

from django.db import models


class IndustryLevel(models.IntegerChoices):
    SECTION = 1, "门类"
    DIVISION = 2, "大类"
    GROUP = 3, "中类"
    CLASS = 4, "小类"


class IndustryCode(models.Model):
    """One node of GB/T 4754-2017 (letter section, 2-digit division, 3-digit group, 4-digit class)."""

    code = models.CharField("行业代码", max_length=4, primary_key=True)
    level = models.PositiveSmallIntegerField("层级", choices=IndustryLevel.choices)
    name = models.CharField("名称", max_length=64)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级"
    )

    class Meta:
        verbose_name = verbose_name_plural = "国民经济行业分类"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def division_code(self) -> str:
        return self.code[:2] if self.level >= IndustryLevel.DIVISION else ""
