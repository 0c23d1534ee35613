"""``chainboard imports cleanup``: mark crashed batches 中断 and delete stored uploads no batch
needs any more (retention: docs/imports.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from chainboard.imports.guard import megabytes
from chainboard.imports.services import uploads_cleanup


class Command(BaseCommand):
    help = "导入批次维护：cleanup 清理过期的上传文件并标记中断的批次"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["cleanup"], help="cleanup 清理上传文件")

    def handle(self, *args: Any, **opts: Any) -> None:
        report = uploads_cleanup()
        self.stdout.write(
            f"已删除上传文件 {report.deleted} 个（{megabytes(report.freed_bytes)}），"
            f"保留 {report.kept} 个；标记中断的批次 {report.interrupted} 个"
        )
