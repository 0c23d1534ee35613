"""A hand-worked supply network for 邢台市 (130500), worked out in the docstring of ``net``.

Registry firms (chain "线缆测试链" of the city, nodes 铜杆 upstream → 电缆 midstream):

    A 宁晋电缆  (130528) 电缆   revenue 1000      C 宁晋铜业 (130528) 铜杆  revenue 800
    B 沙河电缆  (130582) 电缆   revenue 500       D 沙河铜业 (130582) 铜杆  revenue 300

Not in the registry: E 苏州 (320500, outside the province), F 邯郸 (130400, in the province,
outside the city), G 苏州 (320500, a buyer outside the city).

Lines (万元): C→A 40, 25, −5 (red invoice) = 60 in 3 lines "铜杆"; E→A 40 "电解铜";
D→B 90 "铜杆"; C→B 10 "铜杆"; E→C 50 "电解铜"; F→G 30 "电解铜"; A→A 7 (self-trade, dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.factories import EnterpriseFactory, EnterpriseYearFactory, make_uscc
from tests.supply.factories import ChainFactory, ChainNodeFactory, EnterpriseNodeFactory

LINES = [
    ("C", "A", "2025-01-05", 40.0, "铜杆"),
    ("C", "A", "2025-02-05", 25.0, "铜杆"),
    ("C", "A", "2025-03-05", -5.0, "铜杆"),
    ("E", "A", "2025-01-10", 40.0, "电解铜"),
    ("D", "B", "2025-01-12", 90.0, "铜杆"),
    ("C", "B", "2025-04-01", 10.0, "铜杆"),
    ("E", "C", "2025-02-01", 50.0, "电解铜"),
    ("F", "G", "2025-05-01", 30.0, "电解铜"),
    ("A", "A", "2025-05-02", 7.0, "电缆"),
]


@dataclass
class Net:
    chain: Any
    copper: Any  # node 铜杆
    cable: Any  # node 电缆
    firms: dict[str, Any]  # A-D: Enterprise
    uscc: dict[str, str]  # A-G
    path: Path


def write_csv(path: Path, rows: list[tuple[str, ...]], header: str) -> Path:
    path.write_text(header + "\n" + "\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def build_net(xingtai: dict[str, Any], tmp_path: Path) -> Net:
    """The network of the module docstring in the registry, and its lines as a CSV file."""
    ningjin, shahe = xingtai["130528"], xingtai["130582"]
    spec = {
        "A": (ningjin, "宁晋测试电缆有限公司", 1000, "3831"),
        "B": (shahe, "沙河测试电缆有限公司", 500, "3831"),
        "C": (ningjin, "宁晋测试铜业有限公司", 800, "3251"),
        "D": (shahe, "沙河测试铜业有限公司", 300, "3251"),
    }
    firms = {}
    uscc = {}
    for i, (key, (region, name, revenue, industry)) in enumerate(spec.items()):
        u = make_uscc(region.code, 900 + i)
        firms[key] = EnterpriseFactory(uscc=u, region=region, name=name, industry_id=industry)
        EnterpriseYearFactory(enterprise=firms[key], year=2024, revenue_wan_yuan=Decimal(revenue))
        uscc[key] = u
    uscc["E"] = make_uscc("320500", 901)
    uscc["F"] = make_uscc("130400", 902)
    uscc["G"] = make_uscc("320500", 903)
    chain = ChainFactory(region=xingtai["130500"], code="cabletest", name="线缆测试链")
    copper = ChainNodeFactory(chain=chain, name="铜杆", stage="upstream", order=1)
    cable = ChainNodeFactory(chain=chain, name="电缆", stage="midstream", order=2)
    for key, node in (("A", cable), ("B", cable), ("C", copper), ("D", copper)):
        EnterpriseNodeFactory(enterprise=firms[key], node=node)
    rows = [(uscc[s], uscc[b], d, f"{a}", c) for s, b, d, a, c in LINES]
    path = write_csv(tmp_path / "tx.csv", rows, "seller_uscc,buyer_uscc,date,amount,category")
    return Net(chain=chain, copper=copper, cable=cable, firms=firms, uscc=uscc, path=path)


def store(net: Net) -> Any:
    """The network analysed and stored as the city's current run (a system run)."""
    from chainboard.supply.services import run_supply_analysis

    run, created = run_supply_analysis(actor=None, region="130500", transactions_path=net.path)
    assert created
    return run


@pytest.fixture
def net(xingtai, tmp_path) -> Net:  # type: ignore[no-untyped-def]
    return build_net(xingtai, tmp_path)


@pytest.fixture
def stored(net):  # type: ignore[no-untyped-def]
    return store(net)


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    def _login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return _login


_FRAMES: dict[str, Any] = {}


@pytest.fixture(autouse=True)
def _memoized_compute(request, monkeypatch):  # type: ignore[no-untyped-def]
    """Reuse the analytics' frames for identical inputs within the session.

    ``analysis.compute`` is deterministic: the same transactions, registry extract, links and
    parameters give the same frames. Most tests store the same small network many times, and
    most of a run's time on it is Ibis compiling SQL, so the first run computes for real and
    later runs with identical inputs get a copy of those frames. Tests marked by requesting the
    ``real_compute`` fixture always compute.
    """
    import hashlib

    from chainboard.supply import analysis

    if "real_compute" in request.fixturenames:
        return
    compute = analysis.compute

    def cached(con, tx, **kw):  # type: ignore[no-untyped-def]
        h = hashlib.sha256()
        for table in (tx, kw["firms"], kw["firm_nodes"]):
            frame = con.execute(table)
            frame = frame.sort_values(list(frame.columns)).reset_index(drop=True)
            h.update(frame.to_csv(index=False).encode())
        h.update(repr(sorted((k, v) for k, v in kw.items() if not hasattr(v, "columns"))).encode())
        key = h.hexdigest()
        if key not in _FRAMES:
            _FRAMES[key] = compute(con, tx, **kw)
        frames = _FRAMES[key]
        return type(frames)(**{k: v.copy() for k, v in vars(frames).items()})

    monkeypatch.setattr(analysis, "compute", cached)


@pytest.fixture
def real_compute():  # type: ignore[no-untyped-def]
    """Request this fixture to run the analytics without the session cache."""
    return True
