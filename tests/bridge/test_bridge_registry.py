"""The bridge hands registry firms to the engine as the FIRMS table (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from decimal import Decimal

import pandas as pd
import pytest
from django.db import connection
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, make_uscc

from chainboard.bridge.registry import duckdb_extension_available, firms_frame, firms_table
from chainboard_analytics.engine import collect, connect, register_frame
from chainboard_analytics.supply import calc_firm_network
from chainboard_analytics.supply.schemas import FIRMS


@pytest.fixture
def firms(ningjin, shahe):  # type: ignore[no-untyped-def]
    cable = EnterpriseFactory(region=ningjin, name="宁晋电缆")
    EnterpriseYearFactory(enterprise=cable, year=2023, revenue_wan_yuan=Decimal("1200.5"))
    EnterpriseYearFactory(enterprise=cable, year=2024, revenue_wan_yuan=Decimal("1500.25"))
    glass = EnterpriseFactory(region=shahe, name="沙河玻璃", industry_id="3041")
    EnterpriseYearFactory(enterprise=glass, year=2023, revenue_wan_yuan=Decimal("800"))
    bare = EnterpriseFactory(region=shahe, name="无年报企业")
    return cable, glass, bare


def _by_uscc(frame):  # type: ignore[no-untyped-def]
    return frame.set_index("uscc").sort_index()


@pytest.mark.django_db
def test_firms_table_matches_the_registry(firms) -> None:  # type: ignore[no-untyped-def]
    cable, glass, bare = firms
    con = connect("duckdb")
    table = firms_table(con)
    assert dict(table.schema().items()) == dict(FIRMS.items())
    out = _by_uscc(collect(con, table))
    assert out.loc[cable.uscc, "revenue_wan_yuan"] == 1500.25  # latest year
    assert out.loc[glass.uscc, "region_code"] == "130582"
    assert out.loc[glass.uscc, "name"] == "沙河玻璃"
    assert out["revenue_wan_yuan"].isna().to_dict() == {
        cable.uscc: False,
        glass.uscc: False,
        bare.uscc: True,
    }
    by_year = _by_uscc(collect(con, firms_table(con, year=2023)))
    assert by_year.loc[cable.uscc, "revenue_wan_yuan"] == 1200.5


@pytest.mark.django_db
def test_firms_table_keeps_the_users_scope(firms, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    con = connect("duckdb")
    out = collect(con, firms_table(con, user=ningjin_user))
    assert out["uscc"].tolist() == [firms[0].uscc]


@pytest.mark.django_db
def test_registry_regions_feed_the_supply_network(firms, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    cable, glass, _ = firms
    outside = make_uscc("320500", 7)  # not in the registry: region from its USCC
    con = connect("duckdb")
    tx = register_frame(
        con,
        pd.DataFrame(
            {
                "seller_uscc": [glass.uscc, outside],
                "buyer_uscc": [cable.uscc, cable.uscc],
                "amount": [30.0, 70.0],
            }
        ),
    )
    with django_assert_num_queries(1):  # one query, however many firms
        registry = firms_table(con)
    net = _by_uscc(
        collect(con, calc_firm_network(tx, firms=registry)).rename(columns={"seller_uscc": "uscc"})
    )
    assert net.loc[glass.uscc, "seller_region"] == "130582"
    assert net.loc[outside, "seller_region"] == "320500"


def test_duckdb_extensions_are_probed_offline() -> None:
    # The wheel ships neither scanner; the probe must answer without a download attempt.
    assert duckdb_extension_available("sqlite") in (True, False)
    assert duckdb_extension_available("parquet") is True


@pytest.mark.django_db
def test_arrow_frame_is_columnar(firms) -> None:  # type: ignore[no-untyped-def]
    frame = firms_frame()
    assert frame.num_rows == 3 and frame.column_names == list(FIRMS.names)


# The engine's PostgreSQL connection sees only committed rows: a transactional test. Its flush
# empties every table; tests/conftest.py puts the data migrations' rows back (no
# serialized_rollback: on PostgreSQL the content types re-created after an earlier test's flush
# have new ids, and re-inserting the serialized ones breaks their unique constraint).
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs DATABASE_URL=postgres://…",
)
@pytest.mark.django_db(transaction=True)
def test_postgres_engine_reads_the_registry_in_place(ningjin, shahe) -> None:  # type: ignore[no-untyped-def]
    cable = EnterpriseFactory(region=ningjin)
    EnterpriseYearFactory(enterprise=cable, year=2023, revenue_wan_yuan=Decimal("10"))
    EnterpriseYearFactory(enterprise=cable, year=2024, revenue_wan_yuan=Decimal("12.5"))
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    con = connect("postgres", url=url)
    table = firms_table(con, method="in_place")
    out = _by_uscc(collect(con, table))
    assert out.loc[cable.uscc, "revenue_wan_yuan"] == 12.5
    assert out.loc[cable.uscc, "region_code"] == "130528"
    # the same rows as the Arrow path
    arrow = _by_uscc(collect(con, firms_table(con, method="arrow")))
    assert arrow.loc[cable.uscc].tolist() == out.loc[cable.uscc].tolist()
    with pytest.raises(ValueError, match="in_place"):
        firms_table(connect("duckdb"), method="in_place")
