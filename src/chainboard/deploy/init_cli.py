"""``chainboard init``: write the production config file with a generated secret key."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from chainboard.deploy.config import default_config_path, render_config, write_config


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chainboard init",
        description="生成生产环境配置文件（含随机生成的安全密钥，权限 0600）。",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="配置文件路径（默认 $CHAINBOARD_CONFIG 或 var/chainboard.env）",
    )
    parser.add_argument(
        "--allowed-hosts",
        default=None,
        help="用户访问用的主机名，逗号分隔（默认：本机名,localhost,127.0.0.1）",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="数据库地址，如 postgres://chainboard:密码@127.0.0.1:5432/chainboard（默认 var/ 下的 SQLite）",
    )
    parser.add_argument("--var-dir", type=Path, default=None, help="数据目录（默认 ./var）")
    parser.add_argument("--bind", default="127.0.0.1:8000", help="chainboard serve 的监听地址")
    parser.add_argument(
        "--behind-tls-proxy",
        action="store_true",
        help="由反向代理（nginx）终止 HTTPS 并设置 X-Forwarded-Proto",
    )
    parser.add_argument("--force", action="store_true", help="覆盖已有的配置文件（会生成新密钥）")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    out: Path = (args.out or default_config_path()).absolute()
    home = Path(os.environ.get("CHAINBOARD_HOME", Path.cwd()))
    var_dir: Path = (
        args.var_dir or Path(os.environ.get("CHAINBOARD_VAR", home / "var"))
    ).absolute()
    hosts = [h.strip() for h in (args.allowed_hosts or "").split(",") if h.strip()] or [
        socket.getfqdn(),
        "localhost",
        "127.0.0.1",
    ]
    database_url = args.database_url or f"sqlite:///{var_dir / 'chainboard.sqlite3'}"
    if "://" not in database_url:
        print(f"chainboard init: 数据库地址格式不对：{database_url}", file=sys.stderr)
        return 2
    text = render_config(
        allowed_hosts=hosts,
        database_url=database_url,
        bind=args.bind,
        behind_tls_proxy=args.behind_tls_proxy,
        var_dir=var_dir,
    )
    try:
        write_config(out, text, force=args.force)
    except FileExistsError:
        print(
            f"chainboard init: {out} 已存在，未覆盖（--force 覆盖，会生成新密钥并让所有用户重新登录）",
            file=sys.stderr,
        )
        return 1
    print(f"已写入配置文件 {out}（权限 0600）。")
    print(f"下一步：CHAINBOARD_CONFIG={out} chainboard migrate && chainboard collectstatic")
    print("        然后 chainboard serve（或 systemd，见 docs/deploy.md）。")
    return 0
