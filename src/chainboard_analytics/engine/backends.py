"""Backend selection for the analytics engine (DuckDB default, Spark opt-in, PostgreSQL).

Every analytics function takes Ibis tables and returns Ibis expressions; this module creates
the connection those tables live on. Run expressions with ``con.execute(expr)`` (or
:func:`chainboard_analytics.engine.io.collect`): an expression built only from in-memory tables
would otherwise silently run on Ibis' default DuckDB backend.

Configuration
-------------
``backend="duckdb"``
    Embedded DuckDB (default). ``database`` is a file path or ``":memory:"``; ``threads`` and
    ``memory_limit`` are passed to DuckDB (e.g. ``"6GB"``; DuckDB spills to ``temp_directory``
    beyond it, which keeps 10^8-line runs bounded).
``backend="spark"``
    Apache Spark through PySpark (optional extra ``chainboard[spark]``). ``master`` is a Spark
    master URL (``local[2]`` by default, ``spark://host:7077``, ``yarn``...). One SparkSession
    per process is reused (starting one costs 7-10 s). For local mode the environment needs
    ``SPARK_LOCAL_IP=127.0.0.1`` and ``PYSPARK_PYTHON`` set to the venv's python; this module
    sets both when they are absent.
``backend="postgres"``
    The PostgreSQL database itself, through Ibis' postgres backend; ``url`` is a
    ``postgresql://`` URL. Window functions used by the supply metrics are standard SQL.

The same options can be given by environment variables (``CHAINBOARD_ENGINE_BACKEND``,
``CHAINBOARD_SPARK_MASTER``, ``CHAINBOARD_ENGINE_URL``, ``CHAINBOARD_DUCKDB_MEMORY_LIMIT``)
through :meth:`EngineConfig.from_env`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any, Literal

import ibis
from ibis.backends import BaseBackend

BackendName = Literal["duckdb", "spark", "postgres"]
BACKENDS: tuple[str, ...] = ("duckdb", "spark", "postgres")

_SPARK_SESSION: Any = None


@dataclass(frozen=True)
class EngineConfig:
    """Where the analytics run.

    Attributes
    ----------
    backend
        ``"duckdb"`` (default), ``"spark"`` or ``"postgres"``.
    master
        Spark master URL (Spark only), default ``local[2]``.
    url
        Database URL (PostgreSQL only) or DuckDB database path.
    threads, memory_limit, temp_directory
        DuckDB resource limits (``None`` keeps DuckDB's defaults).
    spark_conf
        Extra Spark configuration entries (e.g. ``{"spark.executor.memory": "8g"}``).
    """

    backend: BackendName = "duckdb"
    master: str | None = None
    url: str | None = None
    threads: int | None = None
    memory_limit: str | None = None
    temp_directory: str | None = None
    spark_conf: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> EngineConfig:
        """Read the configuration from ``CHAINBOARD_ENGINE_*`` environment variables."""
        env = os.environ if environ is None else environ
        backend = env.get("CHAINBOARD_ENGINE_BACKEND", "duckdb")
        if backend not in BACKENDS:
            raise ValueError(f"CHAINBOARD_ENGINE_BACKEND={backend!r}: expected one of {BACKENDS}")
        return cls(
            backend=backend,  # type: ignore[arg-type]
            master=env.get("CHAINBOARD_SPARK_MASTER"),
            url=env.get("CHAINBOARD_ENGINE_URL"),
            memory_limit=env.get("CHAINBOARD_DUCKDB_MEMORY_LIMIT"),
        )


def connect(
    backend: BackendName | EngineConfig = "duckdb",
    *,
    master: str | None = None,
    url: str | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
    temp_directory: str | None = None,
    spark_conf: dict[str, str] | None = None,
) -> BaseBackend:
    """Open an Ibis connection on the configured backend.

    Parameters
    ----------
    backend
        ``"duckdb"``, ``"spark"``, ``"postgres"`` or an :class:`EngineConfig`.
    master
        Spark master URL (``local[2]`` when omitted).
    url
        PostgreSQL URL (required for ``"postgres"``) or DuckDB database path.
    threads, memory_limit, temp_directory
        DuckDB resource settings.
    spark_conf
        Extra Spark configuration.

    Returns
    -------
    ibis.backends.BaseBackend
        The connection; run expressions with ``con.execute(expr)``.

    Raises
    ------
    ValueError
        Unknown backend, or ``postgres`` without ``url``.
    ImportError
        ``spark`` without pyspark installed (install ``chainboard[spark]``).
    """
    if isinstance(backend, EngineConfig):
        cfg = backend
    else:
        cfg = EngineConfig(
            backend=backend,
            master=master,
            url=url,
            threads=threads,
            memory_limit=memory_limit,
            temp_directory=temp_directory,
            spark_conf=dict(spark_conf or {}),
        )
    if cfg.backend == "duckdb":
        return _connect_duckdb(cfg)
    if cfg.backend == "spark":
        return ibis.pyspark.connect(spark_session(cfg.master, cfg.spark_conf))
    if cfg.backend == "postgres":
        if not cfg.url:
            raise ValueError("backend 'postgres' needs url='postgresql://user:pw@host/db'")
        return ibis.connect(cfg.url)
    raise ValueError(f"unknown backend {cfg.backend!r}: expected one of {BACKENDS}")


def _connect_duckdb(cfg: EngineConfig) -> BaseBackend:
    config: dict[str, Any] = {}
    if cfg.threads:
        config["threads"] = cfg.threads
    if cfg.memory_limit:
        config["memory_limit"] = cfg.memory_limit
    if cfg.temp_directory:
        config["temp_directory"] = cfg.temp_directory
    # Results keep the input order of nothing: every output is sorted explicitly.
    config.setdefault("preserve_insertion_order", False)
    return ibis.duckdb.connect(cfg.url or ":memory:", **config)


def spark_session(master: str | None = None, conf: dict[str, str] | None = None) -> Any:
    """Return the process-wide SparkSession, creating it on first use.

    Local mode gets small shuffle partitions, no UI, UTC session time and a temporary
    warehouse directory (so nothing is written into the working directory). A session that
    already exists is reused as is (Spark allows one per JVM); ``master`` then is ignored.
    """
    global _SPARK_SESSION
    if _SPARK_SESSION is not None:
        return _SPARK_SESSION
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError("backend 'spark' needs pyspark: pip install 'chainboard[spark]'") from exc
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    master = master or os.environ.get("CHAINBOARD_SPARK_MASTER") or "local[2]"
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    warehouse = tempfile.mkdtemp(prefix="chainboard-spark-warehouse-")
    builder = (
        SparkSession.builder.master(master)
        .appName("chainboard-analytics")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={warehouse}")
    )
    if master.startswith("local"):
        builder = builder.config("spark.sql.shuffle.partitions", "4").config(
            "spark.default.parallelism", "2"
        )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    _SPARK_SESSION = session
    return session


def backend_name(con: BaseBackend) -> str:
    """``"duckdb"``, ``"pyspark"``, ``"postgres"``... of a connection."""
    return str(con.name)
