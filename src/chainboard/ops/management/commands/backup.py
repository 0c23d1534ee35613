"""``chainboard backup [--out FILE]``: one archive of the database and the files it refers to."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainboard.ops.errors import BackupError
from chainboard.ops.services import ENGINES, backup_create


def size_label(n_bytes: int) -> str:
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes / 1024 / 1024:.1f} MB"
    return f"{max(1, n_bytes // 1024)} KB"


class Command(BaseCommand):
    help = (
        "备份数据库及其引用的文件（上传文件、照片、地图边界）到一个归档文件；服务运行时也可备份。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            default=None,
            help="备份文件或目录（默认 var/backups/chainboard-backup-日期-时间.tar.gz）",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            result = backup_create(out=opts["out"])
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        manifest = result.manifest
        files = manifest["files"]
        self.stdout.write(
            f"备份完成：{result.path}（{size_label(result.size)}，"
            f"{ENGINES[manifest['database']['engine']]} 数据库 {len(manifest['tables'])} 张表 "
            f"{manifest['rows']} 行，文件 {files['count']} 个，用时 {result.seconds:.1f} 秒）"
        )
        for missing in files["missing"]:
            self.stderr.write(f"注意：数据库引用的文件不存在，未备份：{missing}")
        self.stdout.write("请把备份复制到另一台机器或离线介质保存（见 docs/operations.md）。")
