"""``chainboard restore FILE [--force] [--check]``: put a backup back (stop the server first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainboard.ops.errors import BackupError
from chainboard.ops.services import ENGINES, backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "从备份文件恢复数据库和文件。恢复前请停止 chainboard 服务和任务进程；"
        "目标数据库已有数据时需加 --force。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="chainboard backup 生成的备份文件")
        parser.add_argument(
            "--force", action="store_true", help="目标数据库已有数据时仍然恢复（数据将被替换）"
        )
        parser.add_argument(
            "--check", action="store_true", help="只校验备份文件（校验和、数据库完整性），不恢复"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            if opts["check"]:
                manifest = backup_check(path=opts["file"])
                self.stdout.write(f"备份完好：{opts['file']}")
                self._describe(manifest)
                return
            result = backup_restore(path=opts["file"], force=opts["force"])
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"恢复完成：{opts['file']}（用时 {result.seconds:.1f} 秒）")
        self._describe(result.manifest)
        self.stdout.write(f"已恢复文件 {result.files} 个。")
        if result.relocated_uploads:
            self.stdout.write(
                f"已把 {result.relocated_uploads} 个导入批次的文件路径改到本机上传目录。"
            )
        if result.pending_migrations:
            self.stdout.write(
                f"备份比本程序旧：还有 {len(result.pending_migrations)} 个迁移未应用，"
                "请运行 chainboard migrate 后再启动服务。"
            )

    def _describe(self, manifest: dict[str, Any]) -> None:
        database = manifest["database"]
        self.stdout.write(
            f"  创建于 {manifest['created_at']}（{manifest.get('host', '')}），"
            f"chainboard {manifest['chainboard_version']}，"
            f"{ENGINES.get(database['engine'], database['engine'])} 数据库 "
            f"{len(manifest['tables'])} 张表 {manifest['rows']} 行，"
            f"文件 {manifest['files']['count']} 个"
        )
