"""Analytics engine: backend selection, file I/O and USCC region helpers (no Django)."""

from chainboard_analytics.engine.backends import BACKENDS, EngineConfig, connect, spark_session
from chainboard_analytics.engine.io import (
    cast_columns,
    collect,
    read_table,
    register_frame,
    write_csv,
    write_parquet,
    write_xlsx,
)
from chainboard_analytics.engine.uscc import (
    in_province,
    in_region,
    province_code,
    region_prefix,
    uscc_region,
)

__all__ = [
    "BACKENDS",
    "EngineConfig",
    "cast_columns",
    "collect",
    "connect",
    "in_province",
    "in_region",
    "province_code",
    "read_table",
    "region_prefix",
    "register_frame",
    "spark_session",
    "uscc_region",
    "write_csv",
    "write_parquet",
    "write_xlsx",
]
