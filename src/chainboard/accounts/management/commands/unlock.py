"""``chainboard unlock USER``: lift a login lockout (django-axes) for one user name."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainboard.accounts.models import SecurityEventKind
from chainboard.accounts.services import security_event_record


class Command(BaseCommand):
    help = "解除用户的登录锁定（清除该用户名的失败登录记录）；--ip 同时解除某个地址的锁定"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="用户名")
        parser.add_argument("--ip", default=None, help="同时解除该 IP 地址的锁定")

    def handle(self, *args: Any, username: str, ip: str | None, **options: Any) -> None:
        removed = reset(username=username)
        if ip:
            removed += reset(ip=ip)
        if not removed:
            raise CommandError(f"用户 {username} 没有锁定记录（无失败登录记录）")
        security_event_record(
            SecurityEventKind.UNLOCK,
            target=username,
            detail=f"命令行解除锁定，清除 {removed} 条记录",
        )
        self.stdout.write(f"已解除 {username} 的登录锁定（清除 {removed} 条失败登录记录）")
