"""The systemd units in deploy/: the worker runs beside the web service with the same user,
paths and config file, and docs/deploy.md tells how to install both."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ("User", "Group", "WorkingDirectory", "ReadWritePaths")


def _unit(name: str) -> dict[str, list[str]]:
    """key → values of a unit file (systemd allows a key more than once, e.g. Environment)."""
    out: dict[str, list[str]] = {}
    for line in (ROOT / "deploy" / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "[")) and "=" in line:
            key, _, value = line.partition("=")
            out.setdefault(key, []).append(value)
    return out


def test_worker_unit_matches_the_web_unit() -> None:
    web, worker = _unit("chainboard.service"), _unit("chainboard-worker.service")
    for key in SHARED:
        assert worker[key] == web[key], key
    assert set(worker["Environment"]) == set(web["Environment"])  # same config file and home
    assert worker["ExecStart"][0].split()[:2] == [
        web["ExecStart"][0].split()[0],
        "worker",
    ]  # the same chainboard executable
    assert worker["KillSignal"] == ["SIGTERM"] and int(worker["TimeoutStopSec"][0]) >= 60
    assert worker["Restart"] == ["always"] and worker["WantedBy"] == ["multi-user.target"]


def test_deploy_doc_installs_the_worker_and_explains_healthz() -> None:
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "systemctl enable --now chainboard-worker" in doc
    assert "deploy/chainboard-worker.service" in doc and "chainboard jobs purge" in doc
    assert "not_configured" not in doc  # the worker check is live
