"""``chainboard demo``: load the sample city 邢台市 (示例数据) and print its logins."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainboard.accounts.models import User
from chainboard.core.models import site_setting_get
from chainboard.core.versioning import bump_registry_version
from chainboard.demo.loader import DEMO_PASSWORD, DemoError, demo_load
from chainboard.demo.steps import run_demo_steps
from chainboard.enterprises.models import Enterprise


class Command(BaseCommand):
    help = "载入示例城市邢台市（示例数据）：园区、约3000家企业及三年指标、资质和演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--firms", type=int, default=3000, help="企业数量（默认 3000）")
        parser.add_argument("--seed", type=int, default=2025, help="随机种子（默认 2025）")
        parser.add_argument(
            "--reset", action="store_true", help="先清除上次载入的示例数据（不影响非示例数据）"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="库中已有企业时不报错，只打印示例账号（make demo 重复运行时使用）",
        )

    def handle(self, *args: object, firms: int, seed: int, reset: bool, **options: object) -> None:
        if firms < 1:
            raise CommandError("--firms 必须为正整数")
        if options.get("if_empty") and not reset and Enterprise.objects.exists():
            self._print_existing()
            if site_setting_get("demo_data") == "1":
                run_demo_steps(stdout=self.stdout)
            return
        try:
            demo_load(n_firms=firms, seed=seed, reset=reset, stdout=self.stdout)
        except DemoError as exc:
            raise CommandError(exc.message) from exc
        bump_registry_version()
        run_demo_steps(stdout=self.stdout)

    def _print_existing(self) -> None:
        count = Enterprise.objects.count()
        if site_setting_get("demo_data") != "1":
            self.stdout.write(f"数据库中已有 {count} 家企业（非示例数据），未载入示例数据。")
            return
        self.stdout.write(
            f"示例数据已载入（{count} 家企业），跳过。示例账号（密码 {DEMO_PASSWORD}）："
        )
        for user in User.objects.filter(username__in=site_setting_get("demo_users").split(",")):
            self.stdout.write(
                f"  {user.username:8s} {user.get_role_display()} · {user.scope_label}"
            )
