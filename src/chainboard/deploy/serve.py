"""``chainboard serve``: the production web server (gunicorn) with production settings.

Workers default to 2 × CPU cores + 1 (at most 8); the bind address and worker count come from
the options, else the config file (``CHAINBOARD_BIND``, ``CHAINBOARD_WORKERS``). The development
server (``chainboard runserver``) stays for ``make demo``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from gunicorn.app.base import BaseApplication

MAX_WORKERS = 8


def default_workers(cores: int | None = None) -> int:
    cores = cores or os.cpu_count() or 1
    return min(2 * cores + 1, MAX_WORKERS)


class ChainboardServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from chainboard.wsgi import application

        return application


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chainboard serve", description="以生产模式运行 Web 服务（gunicorn）。"
    )
    parser.add_argument(
        "--bind", default=None, help="监听地址（默认配置文件 CHAINBOARD_BIND 或 127.0.0.1:8000）"
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="工作进程数（默认 2×CPU 核数+1，最多 8）"
    )
    parser.add_argument("--timeout", type=int, default=120, help="单个请求的最长秒数")
    parser.add_argument("--access-log", default="-", help="访问日志文件（默认 - 即标准输出）")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainboard.settings.prod")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()  # fail here, with the settings' message, not in every worker
    except ImproperlyConfigured as exc:
        print(f"chainboard serve: {exc}", file=sys.stderr)
        return 2
    from django.conf import settings

    manifest = settings.STATIC_ROOT / "staticfiles.json"
    if "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"] and not manifest.is_file():
        print(
            f"chainboard serve: 还没有收集静态文件（缺少 {manifest}）：请先运行 chainboard collectstatic",
            file=sys.stderr,
        )
        return 2
    if args.workers is not None and args.workers < 1:
        print("chainboard serve: --workers 至少为 1", file=sys.stderr)
        return 2
    workers = args.workers or int(os.environ.get("CHAINBOARD_WORKERS") or default_workers())
    options = {
        "bind": args.bind or os.environ.get("CHAINBOARD_BIND") or "127.0.0.1:8000",
        "workers": workers,
        "timeout": args.timeout,
        "accesslog": args.access_log,
        "errorlog": "-",
        "proc_name": "chainboard",
        "forwarded_allow_ips": "127.0.0.1,::1",
        "control_socket_disable": True,  # no shared ~/.gunicorn/gunicorn.ctl between instances
    }
    ChainboardServer(options).run()
    return 0
