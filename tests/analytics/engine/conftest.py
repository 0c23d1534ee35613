"""Fixtures for the analytics engine tests: DuckDB and one shared Spark session.

The hand-worked network (home region: city 130500):

    S1 (130521, local)      → A: 40 + 20        S3 → S1: 10
    S2 (130102, province)   → A: 30, B: 50      S2 → S1: +5 and -5 (red invoice, nets to 0)
    S3 (320506, outside)    → A: 10, B: 50      A → A: 100 (self-trade, dropped)
    A  (130502, local)      → B: 25

    firm_nodes: chain C1 — up: S1, S2; mid: A, B; down: B   (B: weight 1/2 in mid and down)
"""

from __future__ import annotations

import os
import shutil
import sys

import pandas as pd
import pytest

HOME = "130500"


def uscc(region: str, n: int) -> str:
    return f"91{region}{n:09d}X"


A, B, S1, S2, S3 = (
    uscc("130502", 1),
    uscc("130503", 2),
    uscc("130521", 3),
    uscc("130102", 4),
    uscc("320506", 5),
)


@pytest.fixture(scope="session")
def firms_ids() -> dict[str, str]:
    return {"A": A, "B": B, "S1": S1, "S2": S2, "S3": S3}


@pytest.fixture(scope="session")
def hand_tx() -> pd.DataFrame:
    rows = [
        (S1, A, "2025-01-02", 40.0, "c1"),
        (S1, A, "2025-02-02", 20.0, "c1"),
        (S2, A, "2025-01-05", 30.0, "c2"),
        (S3, A, "2025-01-05", 10.0, "c3"),
        (S3, B, "2025-01-01", 50.0, "c3"),
        (S2, B, "2025-01-01", 50.0, "c2"),
        (A, B, "2025-03-01", 25.0, "m"),
        (S3, S1, "2025-01-01", 10.0, "c3"),
        (S2, S1, "2025-01-01", 5.0, "c2"),
        (S2, S1, "2025-01-09", -5.0, "c2"),
        (A, A, "2025-01-01", 100.0, "x"),
    ]
    return pd.DataFrame(rows, columns=["seller_uscc", "buyer_uscc", "date", "amount", "category"])


@pytest.fixture(scope="session")
def hand_firm_nodes() -> pd.DataFrame:
    rows = [
        (S1, "C1", "up"),
        (S2, "C1", "up"),
        (A, "C1", "mid"),
        (B, "C1", "mid"),
        (B, "C1", "down"),
    ]
    return pd.DataFrame(rows, columns=["uscc", "chain_code", "node_code"])


@pytest.fixture(scope="session")
def duck_con():
    from chainboard_analytics.engine import connect

    return connect("duckdb", threads=1)


def _spark_available() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "java is not installed"
    return None


@pytest.fixture(scope="session")
def spark_con():
    """One local Spark session for the whole test run (start-up costs 7-10 s)."""
    reason = _spark_available()
    if reason:
        pytest.skip(reason)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from chainboard_analytics.engine import connect

    con = connect(
        "spark",
        master="local[2]",
        spark_conf={
            "spark.sql.shuffle.partitions": "2",
            "spark.driver.memory": "1g",
            "spark.ui.enabled": "false",  # no port 4040 clash with other runs on the machine
        },
    )
    yield con
    # the session is stopped when the interpreter exits; other modules may still use it
