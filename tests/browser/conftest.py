"""Real-browser fixtures: Debian's chromium driven by Python playwright (no downloaded browser)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHAINBOARD_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (scripts/system-deps.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page: Any):  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def task_worker(live_server: Any, settings: Any, tmp_path: Path) -> Any:
    """``task_worker()``: run ``chainboard worker --batch`` in the test's thread until the queue
    is empty, while the live server keeps answering the browser's polls.

    The test thread shares the live server's connection to the in-memory SQLite test database
    (a worker in another process could not see it; one in a third thread, with its own
    connection, would hit SQLite's shared-cache table locks).
    """
    from django.db import connections

    from chainboard.jobs.worker import run_worker

    settings.JOBS_DIR = tmp_path / "jobs"

    def drain() -> None:
        for alias, conn in live_server.thread.connections_override.items():
            connections[alias] = conn  # the very connection the server thread uses
        run_worker(worker_id="browser-test", batch=True, signals=False)

    return drain
