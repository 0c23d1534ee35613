"""``chainboard supplyrisk run|list|publish``: store supply-risk runs for the web page.

chainboard supplyrisk run --transactions FILE.parquet|FILE.csv --region 130500
                          [--user NAME] [--single-source-threshold 0.5]
                          [--outside-province-threshold 0.2] [--top-k 5] [--no-publish]
                          [--backend duckdb|spark|postgres] [--threads N] [--memory-limit 6GB]
chainboard supplyrisk list [--region CODE]
chainboard supplyrisk publish RUN_ID [--user NAME]

(``chainboard supply …`` is the pure analytics CLI that writes files; this command stores the
results in the database for the supply-risk page of each chain.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainboard.accounts.models import User
from chainboard.core.errors import DomainError
from chainboard.supply import services
from chainboard.supply.models import SupplyRun
from chainboard_analytics.engine import BACKENDS


class Command(BaseCommand):
    help = (
        "供应链风险分析：读取交易记录，计算并保存各产业链的本地配套率、依赖、备份货源（网页读取）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        run = sub.add_parser("run", help="分析一个交易记录文件并保存为分析批次")
        run.add_argument("--transactions", required=True, type=Path, help="Parquet 或 CSV 文件")
        run.add_argument("--region", required=True, help="本地区域代码（6位，如 130500）")
        run.add_argument("--user", help="发起人用户名（按其管辖范围读取企业库；缺省为系统任务）")
        run.add_argument("--single-source-threshold", type=float, default=0.5)
        run.add_argument("--outside-province-threshold", type=float, default=0.2)
        run.add_argument("--top-k", type=int, default=5, help="每个风险依赖的备份货源数")
        run.add_argument("--no-publish", action="store_true", help="保存但不设为当前结果")
        run.add_argument("--backend", choices=BACKENDS, default="duckdb")
        run.add_argument("--threads", type=int, help="DuckDB 线程数")
        run.add_argument("--memory-limit", help="DuckDB 内存上限，如 6GB")
        run.add_argument("--source", default="", help="数据来源说明（缺省为文件名）")
        lst = sub.add_parser("list", help="列出分析批次")
        lst.add_argument("--region", help="只列这个区域")
        pub = sub.add_parser("publish", help="把一个批次设为所在区域的当前结果")
        pub.add_argument("run_id", type=int)
        pub.add_argument("--user", help="发起人用户名")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, f"_{opts['what']}")(opts)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _user(self, name: str | None) -> User | None:
        if not name:
            return None
        user = User.objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"未知用户 {name}")
        return user

    def _run(self, opts: dict[str, Any]) -> None:
        run, created = services.run_supply_analysis(
            actor=self._user(opts["user"]),
            region=opts["region"],
            transactions_path=opts["transactions"],
            backend=opts["backend"],
            single_source_threshold=opts["single_source_threshold"],
            outside_province_threshold=opts["outside_province_threshold"],
            top_k=opts["top_k"],
            publish=not opts["no_publish"],
            source=opts["source"],
            threads=opts["threads"],
            memory_limit=opts["memory_limit"],
        )
        if not created:
            self.stdout.write(
                f"数据和参数均未变化，沿用已有批次 #{run.pk}（{run.get_status_display()}）"
            )
            return
        self.stdout.write(
            f"已保存批次 #{run.pk}（{run.region.name}，{run.get_status_display()}）："
            f"{run.n_lines} 行交易记录，{run.n_pairs} 个企业间交易对，{run.n_buyers} 家本地采购企业，"
            f"{run.n_chains} 条产业链 {run.n_nodes} 个环节（风险环节 {run.n_risky_nodes}），"
            f"风险依赖 {run.n_risky_dependences} 个，备份货源 {run.n_backups} 条，用时 {run.seconds:.1f} 秒"
        )

    def _list(self, opts: dict[str, Any]) -> None:
        runs = SupplyRun.objects.select_related("region").order_by("-created_at", "-id")
        if opts.get("region"):
            runs = runs.filter(region_id=opts["region"])
        for r in runs:
            self.stdout.write(
                f"#{r.pk:<5} {r.region_id} {r.region.name:<6} {r.get_status_display():<6} "
                f"{r.created_at:%Y-%m-%d %H:%M} {r.n_lines:>10} 行 {r.source}"
            )

    def _publish(self, opts: dict[str, Any]) -> None:
        run = SupplyRun.objects.filter(pk=opts["run_id"]).first()
        if run is None:
            raise CommandError(f"没有批次 #{opts['run_id']}")
        services.supply_run_publish(actor=self._user(opts["user"]), run=run)
        self.stdout.write(f"批次 #{run.pk} 已设为 {run.region.name} 的当前结果")
