"""``chainboard jobs purge [--days N]``: delete the files of old background jobs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainboard.jobs.services import jobs_purge


class Command(BaseCommand):
    help = "后台任务维护：purge 删除超过保留期限的任务结果文件"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="删除超过保留期限的任务结果文件和已结束的队列记录")
        purge.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"保留天数（默认 JOBS_RESULT_RETENTION_DAYS={settings.JOBS_RESULT_RETENTION_DAYS}）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days 至少为 1")
        report = jobs_purge(days=days)
        freed = report.freed_bytes / (1024 * 1024)
        self.stdout.write(
            f"已清理 {report.results} 个任务的结果文件、{report.orphans} 个无主目录，"
            f"释放 {freed:.1f} MB；删除已结束的队列记录 {report.task_rows} 条"
        )
