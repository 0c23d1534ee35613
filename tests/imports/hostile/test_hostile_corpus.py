"""Every hostile file, through the real CLI import and the real web upload, in a forked worker of
a warmed-up process whose address space may grow by at most 1.5 GB: refused with a clear Chinese
message naming the limit, each path in under 5 s, peak memory under 500 MB, and the worker
survives (exits normally). A valid file goes through both paths first (and is accepted).

Set ``HOSTILE_REPORT=path.json`` to keep the measured time and memory per file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from tests.factories import make_uscc
from tests.imports.filemaker import ENTERPRISE_HEADERS, write_csv
from tests.imports.hostile.make_corpus import CORPUS, make_corpus
from tests.imports.subproc import child_database_url, child_env, run_child

pytestmark = pytest.mark.django_db(transaction=True)

MAX_SECONDS = 5.0
MAX_PEAK_MB = 500.0


@pytest.fixture(scope="module")
def measured(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any, django_db_blocker: Any
) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("hostile")
    corpus = make_corpus(folder)
    valid = write_csv(
        folder / "valid.csv",
        [
            ENTERPRISE_HEADERS,
            [make_uscc("130528", 77), "宁晋示例电缆有限公司", "130528", "", "3831"],
        ],
    )
    with django_db_blocker.unblock():
        env = child_env(child_database_url(folder), HOSTILE_WARMUP_FILE=str(valid))
    out = run_child(["hostile", "enterprises", *map(str, corpus.values())], env, timeout=900)
    if os.environ.get("HOSTILE_REPORT"):
        Path(os.environ["HOSTILE_REPORT"]).write_text(json.dumps(out, indent=1, ensure_ascii=False))
    return out


def test_a_valid_file_passes_both_paths(measured: dict[str, Any]) -> None:
    warm = measured["warmup"]
    assert warm["cli"]["exit"] == 0, warm["cli"]
    assert warm["web"]["status"] == 302 and warm["web"]["batch_status"] == "previewed", warm


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_file_is_refused_quickly_in_bounded_memory(
    name: str, measured: dict[str, Any]
) -> None:
    out = measured[name]
    assert out["exit_status"] == 0, out  # the worker survived
    words = CORPUS[name][1]
    cli, web = out["cli"], out["web"]
    assert cli["exit"] == 1, cli
    assert all(w in cli["message"] for w in words), (words, cli["message"])
    assert cli["seconds"] < MAX_SECONDS, cli
    if name == "oversize.csv":  # refused from Content-Length, before the body is read
        assert web["status"] == 413 and "50 MB" in web["message"], web
    else:
        assert web["status"] == 302 and web["batch_status"] == "rejected", web
        assert all(w in web["message"] for w in words), (words, web["message"])
        if name != "control_chars.csv":  # a refused file is deleted at once
            assert not web["file_kept"], web
    assert web["seconds"] < MAX_SECONDS, web
    assert out["peak_mb"] < MAX_PEAK_MB, out
