"""``chainboard requests sweep [--date YYYY-MM-DD]``: deadline reminders and escalation of
overdue 诉求 (the worker runs the same sweep every ``CHAINBOARD_REQUESTS_SWEEP_EVERY`` seconds)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from chainboard.firmrequests.services import requests_sweep


class Command(BaseCommand):
    help = "政企直通车：到期提醒与逾期升级"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="到期提醒、逾期升级（可重复运行）")
        sweep.add_argument("--date", help="按这一天（YYYY-MM-DD，本地日期）计算，默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']}") from exc
            now = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        report = requests_sweep(now=now)
        self.stdout.write(
            f"到期提醒 {report.reminded} 件，升级至县区 {report.escalated_county} 件，"
            f"升级至市级 {report.escalated_city} 件"
        )
