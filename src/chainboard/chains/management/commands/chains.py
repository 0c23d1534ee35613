"""``chainboard chains …``: chain templates and automatic linking from the command line.

chainboard chains templates                      # the shipped templates
chainboard chains check FILE.yaml                # validate only (exit 1 with file:line: reason)
chainboard chains load TEMPLATE --region 130500  # TEMPLATE = a shipped code or a .yaml file
chainboard chains link [--region 130500] [--chain ID]
chainboard chains list [--region 130500]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainboard.chains import services
from chainboard.chains.models import Chain
from chainboard.geo.models import Region
from chainboard_analytics.chains.template import TemplateError


class Command(BaseCommand):
    help = "产业链模板与企业挂链：templates / check / load / link / list"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("templates", help="列出内置模板")
        check = sub.add_parser("check", help="只校验模板文件")
        check.add_argument("template")
        load = sub.add_parser("load", help="载入模板为某地区的产业链（已存在则按新版本更新）")
        load.add_argument("template", help="内置模板代码（如 glass）或 YAML 文件路径")
        load.add_argument("--region", required=True, help="行政区划代码，如 130500")
        load.add_argument("--no-link", action="store_true", help="载入后不运行自动挂链")
        link = sub.add_parser("link", help="运行自动挂链（保留人工审核结果）")
        link.add_argument("--region", help="只处理该地区（含下级）的产业链")
        link.add_argument("--chain", type=int, help="只处理该产业链 ID")
        lst = sub.add_parser("list", help="列出产业链")
        lst.add_argument("--region")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"do_{opts['action']}")(**opts)

    def _read(self, name: str) -> Any:
        try:
            return services.template_read(name)
        except TemplateError as exc:
            for issue in exc.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"模板有 {len(exc.issues)} 处错误，未写入任何数据") from exc
        except FileNotFoundError as exc:
            raise CommandError(f"文件不存在：{exc}") from exc

    def do_templates(self, **opts: Any) -> None:
        for code in services.template_paths():
            spec = self._read(code)
            self.stdout.write(
                f"{code:<28} v{spec.version}  {spec.name}（{len(spec.nodes)} 个环节）"
            )

    def do_check(self, template: str, **opts: Any) -> None:
        spec = self._read(template)
        self.stdout.write(f"模板 {spec.code} v{spec.version} 有效：{len(spec.nodes)} 个环节")

    def _region(self, code: str) -> Region:
        region = Region.objects.filter(pk=code).first()
        if region is None:
            raise CommandError(f"未知的行政区划代码：{code}")
        return region

    def do_load(self, template: str, region: str, no_link: bool, **opts: Any) -> None:
        spec = self._read(template)
        place = self._region(region)
        chain = services.chain_load_template(spec=spec, region=place, actor=None)
        self.stdout.write(
            f"已载入 {place.name}{chain.name}（模板 {spec.code} v{spec.version}，"
            f"{chain.nodes.count()} 个环节，ID {chain.pk}）"
        )
        if not no_link:
            self._link([chain])

    def _link(self, chains: list[Chain]) -> None:
        stats = services.chain_link_run(chains=chains, actor=None)
        self.stdout.write(
            f"自动挂链：{stats.firms} 家企业，{stats.proposals} 条建议（新增 {stats.created}，"
            f"更新 {stats.updated}，移除过时 {stats.removed}，保留人工结果 {stats.kept_reviewed}），"
            f"{stats.seconds:.1f} 秒"
        )

    def do_link(self, region: str | None, chain: int | None, **opts: Any) -> None:
        qs = Chain.objects.select_related("region")
        if region:
            qs = qs.filter(region__path__startswith=self._region(region).path)
        if chain:
            qs = qs.filter(pk=chain)
        chains = list(qs)
        if not chains:
            raise CommandError("没有符合条件的产业链")
        self._link(chains)

    def do_list(self, region: str | None, **opts: Any) -> None:
        qs = Chain.objects.select_related("region").order_by("region_id", "name")
        if region:
            qs = qs.filter(region__path__startswith=self._region(region).path)
        for c in qs:
            self.stdout.write(
                f"{c.pk:>4}  {c.region.name:<6} {c.name}（{c.code} v{c.template_version}）"
            )
