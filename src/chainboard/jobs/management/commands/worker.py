"""``chainboard worker``: run background jobs (evaluation runs, PDFs, supply runs, imports)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.crypto import get_random_string

from chainboard.jobs.worker import run_worker


class Command(BaseCommand):
    help = "运行后台任务进程（评价批次、PDF、供应链风险、导入）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue-name", default="default", help="队列，逗号分隔（默认 default）"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="队列为空时的轮询间隔（秒）"
        )
        parser.add_argument("--batch", action="store_true", help="处理完队列中的任务后退出")
        parser.add_argument("--max-tasks", type=int, default=None, help="处理这么多任务后退出")
        parser.add_argument("--worker-id", default=None, help="进程标识（默认随机生成）")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("django_tasks_db", "django.tasks", "django_tasks", "chainboard.jobs"):
            logger = logging.getLogger(name)
            if not logger.hasHandlers():
                logger.addHandler(logging.StreamHandler(self.stdout))
            logger.setLevel(logging.INFO if options["verbosity"] else logging.WARNING)
        if options["interval"] < 0:
            raise CommandError("--interval 不能为负数")
        run_worker(
            worker_id=options["worker_id"] or get_random_string(32),
            queue_names=tuple(options["queue_name"].split(",")),
            interval=options["interval"],
            batch=options["batch"],
            max_tasks=options["max_tasks"],
        )
