"""Hand registry tables to the analytics engine without copying row by row.

``firms_table(con)`` gives the engine's FIRMS table (``chainboard_analytics.supply.schemas``:
uscc, name, region_code, revenue_wan_yuan) on an engine connection ``con``:

* on an Ibis **PostgreSQL** connection to the registry's own database, nothing moves: the
  expression reads ``enterprises_enterprise`` / ``enterprises_enterpriseyear`` in place and the
  metrics run inside PostgreSQL;
* otherwise (DuckDB, Spark) the rows come from **one** ``values_list`` query, are turned into a
  pyarrow table column by column (no model instances, no per-row Python objects beyond the
  driver's tuples) and registered as a view on ``con``.

DuckDB's ``ATTACH … (TYPE sqlite|postgres)`` would scan the registry file/database directly, but
it needs the ``sqlite_scanner`` / ``postgres_scanner`` extensions, which the duckdb wheel does not
ship and which DuckDB would download on first use: on an offline server they are absent
(checked by :func:`duckdb_extension_available`, with auto-install off), so the Arrow path is the
default. Measured in ``benchmarks/supply_bridge.py``.

Scope: with ``user`` the rows are the ones :func:`chainboard.accounts.scope.enterprises_visible`
lets that user see (the PostgreSQL in-place path is used only for unrestricted users).
"""

from __future__ import annotations

from typing import Any

import ibis
import pyarrow as pa
from django.db import connection
from django.db.models import OuterRef, Q, Subquery

from chainboard.accounts.scope import enterprise_q
from chainboard.enterprises.models import Enterprise, EnterpriseYear
from chainboard_analytics.engine.io import register_frame
from chainboard_analytics.supply.schemas import FIRMS

DUCKDB_EXTENSIONS_OFFLINE: dict[str, bool] = {}


def duckdb_extension_available(name: str) -> bool:
    """Can DuckDB load extension ``name`` without downloading it? (cached per process)"""
    if name not in DUCKDB_EXTENSIONS_OFFLINE:
        import duckdb

        probe = duckdb.connect(config={"autoinstall_known_extensions": False})
        try:
            probe.execute(f"LOAD {name}")
            DUCKDB_EXTENSIONS_OFFLINE[name] = True
        except duckdb.Error:
            DUCKDB_EXTENSIONS_OFFLINE[name] = False
        finally:
            probe.close()
    return DUCKDB_EXTENSIONS_OFFLINE[name]


def _scope_q(user: Any) -> Q:
    return Q() if user is None else enterprise_q(user)


def firms_frame(*, user: Any = None, year: int | None = None) -> pa.Table:
    """The FIRMS table as pyarrow, from one query.

    ``revenue_wan_yuan`` = 营业收入 of ``year``, or of the firm's latest year with a revenue
    (null when none); money leaves the database as Decimal 万元 and enters the engine as float64.
    """
    years = EnterpriseYear.objects.filter(enterprise=OuterRef("pk"), revenue_wan_yuan__isnull=False)
    years = years.filter(year=year) if year is not None else years.order_by("-year")
    rows = (
        Enterprise.objects.filter(_scope_q(user))
        .annotate(revenue=Subquery(years.values("revenue_wan_yuan")[:1]))
        .order_by()
        .values_list("uscc", "name", "region_id", "revenue")
    )
    uscc, name, region, revenue = zip(*rows, strict=True) if rows else ((), (), (), ())
    return pa.table(
        {
            "uscc": pa.array(uscc, pa.string()),
            "name": pa.array(name, pa.string()),
            "region_code": pa.array(region, pa.string()),
            "revenue_wan_yuan": pa.array(
                [None if v is None else float(v) for v in revenue], pa.float64()
            ),
        }
    )


def _same_postgres_database(con: Any) -> bool:
    if getattr(con, "name", "") != "postgres" or connection.vendor != "postgresql":
        return False
    try:
        current = con.raw_sql("SELECT current_database()").fetchone()[0]
    except Exception:  # pragma: no cover - a broken engine connection: copy instead
        return False
    return bool(current == connection.settings_dict["NAME"])


def _firms_in_place(con: Any, year: int | None) -> ibis.Table:
    firms = con.table(Enterprise._meta.db_table)
    years = con.table(EnterpriseYear._meta.db_table)
    years = years.filter(years.revenue_wan_yuan.notnull())
    if year is not None:
        years = years.filter(years.year == year)
    rank = ibis.row_number().over(group_by=years.enterprise_id, order_by=ibis.desc(years.year))
    latest = years.mutate(rk=rank)
    latest = latest.filter(latest.rk == 0).select(
        f_id=latest.enterprise_id, revenue=latest.revenue_wan_yuan
    )
    joined = firms.left_join(latest, firms.id == latest.f_id)
    return joined.select(
        uscc=joined.uscc,
        name=joined.name,
        region_code=joined.region_id.cast("string"),
        revenue_wan_yuan=joined.revenue.cast("float64"),
    )


def firms_table(
    con: Any, *, user: Any = None, year: int | None = None, method: str = "auto"
) -> ibis.Table:
    """The registry's firms as the engine's FIRMS table on ``con``.

    Parameters
    ----------
    con
        An engine connection (``chainboard_analytics.engine.connect``).
    user
        Restrict to the firms this user may see (``None``: all — server-side jobs only).
    year
        Revenue year; default the latest year with a revenue per firm.
    method
        ``"auto"`` (in place on the registry's PostgreSQL, else Arrow), ``"arrow"`` or
        ``"in_place"`` (PostgreSQL engine on the registry database; ValueError otherwise).
    """
    in_place = _same_postgres_database(con) and user is None
    if method == "in_place" and not in_place:
        raise ValueError(
            "in_place needs an unrestricted read and an Ibis PostgreSQL connection to the "
            "registry database"
        )
    if method not in ("auto", "arrow", "in_place"):
        raise ValueError(f"unknown method {method!r}")
    if in_place and method != "arrow":
        return _firms_in_place(con, year)
    return register_frame(con, firms_frame(user=user, year=year), schema=FIRMS)
