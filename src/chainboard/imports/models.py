"""Import batches: one row per file a user previewed or imported, with its located errors.

A batch is saved as 进行中 (with the process id, host and a heartbeat) before any work, in its own
committed transaction; its final status is written in the same transaction as the data. A batch
still 进行中 whose process is gone is marked 中断 the next time batches are read or an import
starts (see ``chainboard.imports.services.batches_mark_interrupted``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chainboard.accounts.models import DataSource


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "已预检（未写入）"
    REJECTED = "rejected", "已拒绝（未写入）"
    COMMITTED = "committed", "已导入"
    PARTIAL = "partial", "部分导入"
    RUNNING = "running", "进行中"
    INTERRUPTED = "interrupted", "中断（进程意外退出，未写入）"


class ImportBatch(models.Model):
    kind = models.CharField("类型", max_length=32)
    filename = models.CharField("文件名", max_length=255)
    sheet = models.CharField(
        "工作表", max_length=100, blank=True, help_text="用户选择的工作表；空为自动识别"
    )
    source = models.CharField(
        "数据来源", max_length=100, blank=True, help_text="如“宁晋县税务局”；列对应关系按来源记住"
    )
    data_source = models.CharField(
        "指标来源",
        max_length=16,
        choices=DataSource.choices,
        blank=True,
        help_text="年度指标的来源部门（税务、供电、统计、企业填报、手工）；空为手工",
    )
    unmatched = models.JSONField(
        "未对应的列", default=list, blank=True, help_text="文件中未能对应到模板列的列标题"
    )
    stored_path = models.CharField("存储路径", max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="操作人",
    )
    status = models.CharField("状态", max_length=16, choices=ImportStatus.choices)
    dry_run = models.BooleanField("仅预检", default=False)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("未变", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    errors = models.JSONField("错误明细", default=list, blank=True)
    name_matches = models.JSONField(
        "名称匹配",
        default=list,
        blank=True,
        help_text="无统一社会信用代码的行按企业名称匹配的结果（已确认、待选择、未找到）",
    )
    notes = models.JSONField("提示", default=list, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    pid = models.PositiveIntegerField("进程号", null=True, blank=True)
    host = models.CharField("主机", max_length=255, blank=True)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    file_deleted_at = models.DateTimeField("文件清理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导入批次"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}"

    @property
    def change_reason(self) -> str:
        return f"导入批次#{self.pk} {self.filename}"


class ColumnMapping(models.Model):
    """A file column title a user matched to a template column, remembered per data source.

    The next file from the same source (e.g. 宁晋县税务局's ``纳税额合计``) is read with it
    without asking again.
    """

    kind = models.CharField("导入类型", max_length=32)
    source = models.CharField("数据来源", max_length=100, blank=True)
    file_title = models.CharField("文件列标题", max_length=200)  # canonical (NFKC, no spaces)
    field = models.CharField("模板列", max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="设置人",
    )
    created_at = models.DateTimeField("设置时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "列对应关系"
        ordering = ["kind", "source", "file_title"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source", "file_title"],
                name="column_mapping_unique_title",
                violation_error_message="同一来源的同一列标题只能对应一个模板列",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source or '（未注明来源）'} {self.file_title} → {self.field}"
