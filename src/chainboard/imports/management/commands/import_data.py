"""``chainboard import enterprises|figures FILE``: import a registry file, all-or-nothing.

Exit status 0 when every row was accepted, 1 when anything was rejected (nothing is written
unless ``--partial``), 2 on usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from chainboard.accounts.models import User
from chainboard.imports.errors_xlsx import write_errors_xlsx
from chainboard.imports.registry import IMPORTERS
from chainboard.imports.runner import run_import


class Command(BaseCommand):
    help = "导入企业名录或年度指标（.xlsx/.xls/.csv）；任一行有误则全部不写入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", choices=sorted(IMPORTERS), help="enterprises 企业名录 / figures 年度指标"
        )
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--partial", action="store_true", help="写入有效行，跳过有误的行")
        parser.add_argument("--user", help="以该用户的管辖范围导入（默认：服务器操作员，不限范围）")
        parser.add_argument("--errors-out", type=Path, help="把错误写入此 xlsx 文件")
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--data-source",
            default="",
            help="年度指标的数据来源：tax 税务 / power 供电 / statistics 统计 / firm 企业填报 / "
            "manual 手工（默认）",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        actor = None
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"]).first()
            if actor is None:
                raise CommandError(f"用户不存在：{opts['user']}")
        show = not opts["no_progress"] and sys.stderr.isatty()

        def progress(rows: Any, total: int) -> Any:
            return tqdm(rows, total=total, desc="校验", unit="行", disable=not show or total < 2000)

        importer = IMPORTERS[opts["kind"]]()
        outcome = run_import(
            importer,
            path,
            actor=actor,
            dry_run=opts["dry_run"],
            partial=opts["partial"],
            progress=progress,
            data_source=opts["data_source"],
        )
        for note in outcome.notes:
            self.stdout.write(f"提示：{note}")
        for error in outcome.errors[:200]:
            self.stderr.write(error.text())
        if len(outcome.errors) > 200:
            self.stderr.write(f"……共 {len(outcome.errors)} 处错误，仅显示前 200 处")
        if opts["errors_out"] and outcome.errors:
            write_errors_xlsx(outcome, opts["errors_out"])
            self.stderr.write(f"错误明细已写入 {opts['errors_out']}")
        b = outcome.batch
        verb = "预检" if opts["dry_run"] else "导入"
        summary = (
            f"{importer.label}{verb}：{b.total_rows} 行；新增 {b.created_count}，更新 {b.updated_count}，"
            f"未变 {b.unchanged_count}，错误 {b.error_count}；批次 #{b.pk} {b.get_status_display()}"
        )
        if outcome.errors:
            self.stderr.write(summary)
            if not opts["partial"]:
                self.stderr.write("有错误，未写入任何数据。")
            sys.exit(1)
        self.stdout.write(summary)
