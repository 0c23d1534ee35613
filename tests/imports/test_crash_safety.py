"""An import killed with SIGKILL in the middle of its write: nothing written, the batch says 中断
(not 已导入), and running the import again works."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tests.factories import make_uscc
from tests.imports.filemaker import ENTERPRISE_HEADERS, write_csv
from tests.imports.subproc import ROOT, child_database_url, child_env, run_child

from chainboard.imports import liveness
from chainboard.imports.models import ImportBatch, ImportStatus

ROWS = 500


def _file(tmp_path: Path) -> Path:
    rows = [
        [make_uscc("130528", 3000 + i), f"宁晋示例电缆有限公司{i}", "130528", "", "3831"]
        for i in range(ROWS)
    ]
    return write_csv(tmp_path / "firms.csv", [ENTERPRISE_HEADERS, *rows])


@pytest.mark.django_db(transaction=True)
def test_import_killed_mid_write_is_marked_interrupted_and_reruns(tmp_path: Path) -> None:
    path = _file(tmp_path)
    db = child_database_url(tmp_path)
    cmd = [sys.executable, "-m", "chainboard.cli", "import", "enterprises", str(path)]
    paused = child_env(db, CHAINBOARD_IMPORT_TEST_PAUSE="write=60")
    proc = subprocess.Popen(cmd, env=paused, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in proc.stderr:  # rows written, transaction open
        if "paused at write" in line:
            break
    else:
        pytest.fail(f"the import never reached its write phase (exit {proc.wait()})")
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL

    after = run_child(["inspect"], child_env(db))
    assert after["firms"] == 0  # nothing committed
    (batch,) = after["batches"]
    assert batch["status"] == ImportStatus.INTERRUPTED and batch["pid"] == proc.pid
    assert after["interrupted_now"] == 1
    assert "意外退出" in batch["errors"][0]["message"]

    rerun = subprocess.run(cmd, env=child_env(db), cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    final = run_child(["inspect"], child_env(db))
    assert final["firms"] == ROWS
    assert [b["status"] for b in final["batches"]] == ["interrupted", "committed"]


@pytest.mark.django_db
def test_a_running_batch_is_interrupted_only_when_its_process_is_gone() -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    gone = ImportBatch.objects.create(
        kind="enterprises",
        filename="a.csv",
        status=ImportStatus.RUNNING,
        pid=dead.pid,
        host=liveness.host_name(),
    )
    mine = ImportBatch.objects.create(
        kind="enterprises",
        filename="b.csv",
        status=ImportStatus.RUNNING,
        pid=os.getpid(),
        host=liveness.host_name(),
    )
    elsewhere = ImportBatch.objects.create(
        kind="enterprises",
        filename="c.csv",
        status=ImportStatus.RUNNING,
        pid=1,
        host="other-host",
    )
    assert liveness.mark_interrupted() == 1
    statuses = dict(ImportBatch.objects.values_list("filename", "status"))
    assert statuses == {"a.csv": "interrupted", "b.csv": "running", "c.csv": "running"}
    gone.refresh_from_db()
    assert gone.error_count == 1 and gone.created_count == 0
    later = (elsewhere.created_at or mine.created_at) + liveness.STALE_AFTER * 2
    ImportBatch.objects.filter(pk=elsewhere.pk).update(heartbeat_at=elsewhere.created_at)
    assert liveness.mark_interrupted(now=later) == 2  # no heartbeat for 12 h: gone


def test_pause_hook_is_inert_without_the_test_setting(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings.CHAINBOARD_TEST_HOOKS = False
    monkeypatch.setenv(liveness.PAUSE_ENV, "write=3600")
    liveness.pause("write")  # returns at once (the test would time out otherwise)
