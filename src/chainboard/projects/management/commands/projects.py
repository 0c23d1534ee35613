"""``chainboard projects rank --month YYYY-MM [--out FILE.csv] [--scope region|department]``."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainboard.projects import services
from chainboard.projects.exports import write_ranking_csv
from chainboard.projects.params import parse_month


class Command(BaseCommand):
    help = "重点项目：rank 计算并保存月评比（各区县得分、排名和分项），输出 CSV。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rank = sub.add_parser("rank", help="计算月评比")
        rank.add_argument("--month", required=True, help="YYYY-MM")
        rank.add_argument("--out", help="CSV 文件（默认输出到屏幕）")
        rank.add_argument("--scope", default="region", choices=["region", "department"])

    def handle(self, *args: object, **opts: object) -> None:
        try:
            month = parse_month(str(opts["month"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        rows = services.ranking_store(month, actor=None, scope=str(opts["scope"]))
        out = opts.get("out")
        if out:
            with Path(str(out)).open("w", encoding="utf-8-sig", newline="") as fh:
                write_ranking_csv(fh, rows)
            self.stdout.write(f"{month:%Y-%m} 月评比 {len(rows)} 行已写入 {out}")
        else:
            write_ranking_csv(sys.stdout if self.stdout is None else self.stdout, rows)
