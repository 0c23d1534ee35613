"""Fixtures for the strategy analytics tests (no database, no Django)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def trade_sample() -> pd.DataFrame:
    """Growth Lab input sample: year, origin, hs92, export_val (10 countries × 30 products)."""
    return pd.read_csv(DATA / "trade_data_sample_1995.csv")


@pytest.fixture(scope="session")
def stata_truth() -> pd.DataFrame:
    """Growth Lab Stata ``ecomplexity`` output for 1995 (4 countries × 30 products)."""
    return pd.read_csv(DATA / "stata_ground_truth_1995_partial.csv")


@pytest.fixture(scope="session")
def trade_wide(trade_sample: pd.DataFrame) -> pd.DataFrame:
    """The sample as a wide origin × hs92 table."""
    return trade_sample.pivot(index="origin", columns="hs92", values="export_val")
