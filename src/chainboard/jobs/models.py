"""The job record behind every background task the UI shows, and the worker heartbeats.

A :class:`Job` is what an official sees on ``/jobs/<id>/``: which task, who started it, its
scope, progress (done/total and a Chinese phase label) and a result link, a stored file or a
located error. The task itself is a ``django_tasks_db`` row (``task_id``); the job outlives it.
``scope_key`` is the starter's :func:`~chainboard.accounts.scope.scope_key` when the job began:
the job (and its file, made from what that scope sees) is shown to its starter only while their
scope is unchanged (``accounts.scope.job_q``). Inputs (an uploaded file) and the result file live
under ``JOBS_DIR/<id>/``; the result file is deleted after ``JOBS_RESULT_RETENTION_DAYS``
(``result_purged_at``), the job row stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    INTERRUPTED = "interrupted", "中断"


FINISHED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.INTERRUPTED)


class Job(models.Model):
    kind = models.CharField("任务类型", max_length=40)
    title = models.CharField("任务", max_length=200)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="jobs",
        verbose_name="发起人",
    )
    scope_label = models.CharField("范围", max_length=200, blank=True)
    scope_key = models.CharField("范围标识", max_length=120, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    task_path = models.CharField("任务函数", max_length=200)
    task_id = models.CharField("队列记录", max_length=64, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField("已完成步数", default=0)
    total = models.PositiveIntegerField("总步数", default=1)
    phase = models.CharField("阶段", max_length=100, default="排队等待后台进程")
    result_url = models.CharField("结果链接", max_length=300, blank=True)
    result_file = models.CharField("结果文件", max_length=300, blank=True)
    result_name = models.CharField("下载文件名", max_length=200, blank=True)
    result_purged_at = models.DateTimeField("结果清理时间", null=True, blank=True)
    error = models.TextField("错误", blank=True)
    worker_id = models.CharField("后台进程", max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField("运行次数", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "worker_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0


class WorkerHeartbeat(models.Model):
    """One row per running ``chainboard worker``, touched every few seconds."""

    worker_id = models.CharField("后台进程", max_length=64, primary_key=True)
    hostname = models.CharField("主机", max_length=200)
    pid = models.PositiveIntegerField("进程号")
    started_at = models.DateTimeField("启动时间", auto_now_add=True)
    seen_at = models.DateTimeField("最近心跳")

    class Meta:
        verbose_name = verbose_name_plural = "后台进程心跳"

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
