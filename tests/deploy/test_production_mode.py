"""Production mode end to end, in subprocesses with chainboard.settings.prod and a temp config:
`chainboard init`, the refusals, `check --deploy` with no warnings, and `chainboard serve`."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from chainboard.deploy.config import load_config, render_config
from chainboard.deploy.init_cli import main as init_main
from chainboard.deploy.serve import default_workers

CHAINBOARD = str(Path(sys.executable).with_name("chainboard"))


def _env(home: Path, config: Path | None, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHAINBOARD_", "DJANGO_", "DATABASE_URL", "PYTEST"))
    }
    env.update(
        CHAINBOARD_HOME=str(home),
        DJANGO_SETTINGS_MODULE="chainboard.settings.prod",
        DATABASE_URL=f"sqlite:///{home / 'var' / 'prod.sqlite3'}",
    )
    if config is not None:
        env["CHAINBOARD_CONFIG"] = str(config)
    env.update(extra)
    return env


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHAINBOARD, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "etc" / "chainboard.env"
    assert (
        init_main(
            [
                "--out",
                str(path),
                "--allowed-hosts",
                "cb.example.gov.cn,127.0.0.1",
                "--var-dir",
                str(tmp_path / "var"),
                "--behind-tls-proxy",
            ]
        )
        == 0
    )
    return path


def test_init_writes_a_private_config_with_a_fresh_key(config: Path, tmp_path: Path) -> None:
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    text = config.read_text()
    assert "CHAINBOARD_ALLOWED_HOSTS=cb.example.gov.cn,127.0.0.1" in text
    assert "CHAINBOARD_BEHIND_TLS_PROXY=1" in text
    other = tmp_path / "other.env"
    assert init_main(["--out", str(other)]) == 0
    keys = [
        line.split("=", 1)[1]
        for path in (config, other)
        for line in path.read_text().splitlines()
        if line.startswith("CHAINBOARD_SECRET_KEY=")
    ]
    assert len(set(keys)) == 2 and all(len(k) == 66 for k in keys)  # 64 chars in quotes


def test_init_never_overwrites_without_force(config: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    before = config.read_text()
    assert init_main(["--out", str(config)]) == 1
    assert "已存在" in capsys.readouterr().err
    assert config.read_text() == before
    assert init_main(["--out", str(config), "--force"]) == 0
    assert config.read_text() != before
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


def test_init_refuses_a_malformed_database_url(tmp_path: Path) -> None:
    assert init_main(["--out", str(tmp_path / "x.env"), "--database-url", "localhost/db"]) == 2
    assert not (tmp_path / "x.env").exists()


def test_the_key_survives_the_round_trip(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "c.env"
    path.write_text(
        render_config(
            allowed_hosts=["a.example"],
            database_url="sqlite:////tmp/x",
            bind="127.0.0.1:9",
            behind_tls_proxy=False,
            var_dir=tmp_path,
        )
    )
    written = next(
        line.split("=", 1)[1].strip("'")
        for line in path.read_text().splitlines()
        if line.startswith("CHAINBOARD_SECRET_KEY=")
    )
    monkeypatch.delenv("CHAINBOARD_SECRET_KEY", raising=False)
    monkeypatch.setenv("CHAINBOARD_ALLOWED_HOSTS", "kept.example")
    assert load_config(path) == path
    assert os.environ["CHAINBOARD_SECRET_KEY"] == written
    assert os.environ["CHAINBOARD_ALLOWED_HOSTS"] == "kept.example"  # the environment wins
    assert load_config(tmp_path / "missing.env") is None


def test_workers_follow_the_cpu_count() -> None:
    assert default_workers(1) == 3
    assert default_workers(2) == 5
    assert default_workers(64) == 8


def test_check_deploy_has_no_warnings(config: Path, tmp_path: Path) -> None:
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"], _env(tmp_path, config), tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert (tmp_path / "var" / "log" / "chainboard.log").is_file()


def test_prod_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = _env(tmp_path, None, CHAINBOARD_ALLOWED_HOSTS="cb.example.gov.cn")
    result = _run(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "缺少安全密钥" in result.stderr and "CHAINBOARD_SECRET_KEY" in result.stderr


def test_prod_refuses_the_development_key(tmp_path: Path) -> None:
    env = _env(
        tmp_path,
        None,
        CHAINBOARD_SECRET_KEY="dev-only-insecure-key-change-me" + "x" * 40,
        CHAINBOARD_ALLOWED_HOSTS="cb.example.gov.cn",
    )
    assert "缺少安全密钥" in _run(["check"], env, tmp_path).stderr


def test_prod_refuses_to_start_without_allowed_hosts(tmp_path: Path) -> None:
    env = _env(tmp_path, None, CHAINBOARD_SECRET_KEY="k" * 30 + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5")
    result = _run(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "缺少允许访问的主机名" in result.stderr and "CHAINBOARD_ALLOWED_HOSTS" in result.stderr


def test_serve_refuses_without_collected_static_files(config: Path, tmp_path: Path) -> None:
    result = _run(["serve", "--bind", "127.0.0.1:9"], _env(tmp_path, config), tmp_path)
    assert result.returncode == 2
    assert "collectstatic" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # show the redirect itself


_opener = urllib.request.build_opener(_NoRedirect)


def _get(url: str, **headers: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1", **headers})
    try:
        with _opener.open(request, timeout=60) as response:
            return (
                response.status,
                response.headers.get("Content-Type", ""),
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


def test_serve_answers_with_debug_off(config: Path, tmp_path: Path) -> None:
    env = _env(tmp_path, config)
    # the tables the pages below read (the full migrate is exercised by every other test)
    for app in ("core", "sessions"):
        migrated = _run(["migrate", app, "--no-input", "-v0"], env, tmp_path)
        assert migrated.returncode == 0, migrated.stderr
    collected = _run(["collectstatic", "--no-input", "-v0"], env, tmp_path)
    assert collected.returncode == 0, collected.stderr
    port = _free_port()
    server = subprocess.Popen(
        [CHAINBOARD, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        https = {"X-Forwarded-Proto": "https"}  # as the TLS proxy sends it
        deadline = time.monotonic() + 240  # a busy CI machine boots the worker slowly
        while True:
            try:
                status, _, body = _get(f"{base}/healthz")
                break
            except OSError:  # refused, reset or timed out while the worker boots
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "chainboard serve did not start in 240 s"
                time.sleep(0.5)
        # no `chainboard worker` runs beside this server: healthy database, failing task worker
        assert status == 503 and '"database": "ok"' in body and '"tasks": "fail"' in body

        status, _, body = _get(f"{base}/accounts/login/", **https)
        assert status == 200 and "登录" in body

        status, content_type, body = _get(f"{base}/no/such/page/", **https)
        assert status == 404 and content_type.startswith("text/html")
        assert "页面不存在" in body
        for debug_marker in ("Traceback", "DEBUG = True", "Using the URLconf", "Resolver404"):
            assert debug_marker not in body

        status, content_type, body = _get(f"{base}/api/no-such-endpoint", **https)
        assert status == 404 and content_type.startswith("application/json")
        assert json.loads(body) == {"code": "not_found", "message": "未找到请求的内容"}

        # /api/docs with the manifest storage: Swagger UI's hashed copies are collected and served
        status, _, body = _get(f"{base}/api/docs", **https)
        assert status == 200
        for name in ("vendor/swagger-ui-bundle.js", "vendor/swagger-ui.css", "js/api-docs.js"):
            stem, _, suffix = name.rpartition(".")
            hashed = re.search(rf'"(/static/{re.escape(stem)}\.[0-9a-f]{{12}}\.{suffix})"', body)
            assert hashed, name
            assert _get(f"{base}{hashed[1]}", **https)[0] == 200

        status, _, _ = _get(f"{base}/accounts/login/")  # plain http → redirected to https
        assert status == 301
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=60)
    assert "Booting worker" in output
    assert "GET /no/such/page/" in output  # the access log
