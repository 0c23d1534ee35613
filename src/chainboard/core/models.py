"""Shared model base and the small key/value site settings table."""

from django.db import models


class BaseModel(models.Model):
    """Timestamps every domain row carries."""

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class SiteSetting(models.Model):
    """Instance-wide flags, e.g. ``demo_data`` = "1" when the sample city is loaded."""

    key = models.CharField("键", max_length=64, primary_key=True)
    value = models.TextField("值", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站点设置"

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


def site_setting_get(key: str, default: str = "") -> str:
    row = SiteSetting.objects.filter(key=key).first()
    return row.value if row else default


def site_setting_set(key: str, value: str) -> None:
    SiteSetting.objects.update_or_create(key=key, defaults={"value": value})
