"""Input-output: Miller & Blair 2-sector example, pymrio test system, properties, impacts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose

from chainboard_analytics.strategy.input_output import (
    calc_allocation_coefficients,
    calc_ghosh_inverse,
    calc_key_sectors,
    calc_leontief_inverse,
    calc_linkages,
    calc_output_multipliers,
    calc_project_impact,
    calc_technical_coefficients,
)

SECTORS = ["agriculture", "manufacturing"]


@pytest.fixture
def mb_z() -> pd.DataFrame:
    """Miller & Blair (2009) Table 2.3: two-sector flows (and x = 1000, 2000)."""
    return pd.DataFrame([[150.0, 500.0], [200.0, 100.0]], index=SECTORS, columns=SECTORS)


@pytest.fixture
def mb_x() -> pd.Series:
    return pd.Series([1000.0, 2000.0], index=SECTORS)


def test_miller_blair_two_sector_example(mb_z, mb_x):
    a = calc_technical_coefficients(mb_z, mb_x)
    assert_allclose(a, [[0.15, 0.25], [0.20, 0.05]], rtol=1e-12)
    leontief = calc_leontief_inverse(a)
    # M&B 2009 eq. 2.13: L = [[1.2541, 0.3300], [0.2640, 1.1221]]
    assert_allclose(leontief, [[1.2541, 0.3300], [0.2640, 1.1221]], atol=5e-5)
    # exact: L = 1/0.7575 [[0.95, 0.25], [0.20, 0.85]]
    assert_allclose(leontief, np.array([[0.95, 0.25], [0.20, 0.85]]) / 0.7575, rtol=1e-12)
    # M&B 2009 §6.2.1 output multipliers, to 4 decimals 1.5182 and 1.4521
    assert_allclose(calc_output_multipliers(leontief), [1.15 / 0.7575, 1.10 / 0.7575])
    assert_allclose(calc_output_multipliers(leontief), [1.5182, 1.4521], atol=5e-5)
    # final demand 350, 1700 gives back x (M&B example)
    y = np.array([1000 - 650, 2000 - 300])
    assert_allclose(leontief.to_numpy() @ y, [1000, 2000], rtol=1e-12)


def test_miller_blair_linkages_hand_worked(mb_z, mb_x):
    a = calc_technical_coefficients(mb_z, mb_x)
    b = calc_allocation_coefficients(mb_z, mb_x)
    assert_allclose(b, [[0.15, 0.5], [0.1, 0.05]], rtol=1e-12)
    leontief, ghosh = calc_leontief_inverse(a), calc_ghosh_inverse(b)
    assert_allclose(ghosh, np.array([[0.95, 0.5], [0.1, 0.85]]) / 0.7575, rtol=1e-12)
    # backward: 2 * colsum / total = 2 * (1.15, 1.10) / 2.25
    # forward (Ghosh rows): 2 * (1.45, 0.95) / 2.4; forward (Leontief rows): 2 * (1.2, 1.05) / 2.25
    gh = calc_linkages(leontief, ghosh)
    assert_allclose(gh.backward, [2 * 1.15 / 2.25, 2 * 1.10 / 2.25], rtol=1e-12)
    assert_allclose(gh.forward, [2 * 1.45 / 2.4, 2 * 0.95 / 2.4], rtol=1e-12)
    le = calc_linkages(leontief, forward="leontief")
    assert_allclose(le.forward, [2 * 1.2 / 2.25, 2 * 1.05 / 2.25], rtol=1e-12)
    assert calc_key_sectors(gh).to_dict() == {"agriculture": "key", "manufacturing": "weak"}
    with pytest.raises(ValueError, match="Ghosh inverse"):
        calc_linkages(leontief)


@pytest.fixture(scope="module")
def pymrio_system():
    pymrio = pytest.importorskip("pymrio")
    io = pymrio.load_test()
    z, y = io.Z, io.Y
    x = pymrio.calc_x(z, y)["indout"]
    return pymrio, z, y, x


def test_matches_pymrio_on_its_test_system(pymrio_system):
    pymrio, z, y, x = pymrio_system
    a = calc_technical_coefficients(z, x)
    assert_allclose(a, pymrio.calc_A(z, x), rtol=1e-12, atol=1e-15)
    leontief = calc_leontief_inverse(a)
    ref_l = pymrio.calc_L(pymrio.calc_A(z, x))
    assert_allclose(leontief, ref_l, rtol=1e-9, atol=1e-12)
    b = calc_allocation_coefficients(z, x)
    ref_b = pymrio.calc_B(z, x)
    assert_allclose(b, ref_b, rtol=1e-12, atol=1e-15)
    ghosh = calc_ghosh_inverse(b)
    ref_g = pymrio.calc_G(ref_b, L=ref_l, x=x)
    assert_allclose(ghosh, ref_g, rtol=1e-9, atol=1e-12)
    assert_allclose(calc_output_multipliers(leontief), ref_l.sum(axis=0), rtol=1e-9)
    # L y = x (pymrio calc_x_from_L)
    ref_x = pymrio.calc_x_from_L(ref_l, y.sum(axis=1))
    assert_allclose(leontief.to_numpy() @ y.sum(axis=1).to_numpy(), np.ravel(ref_x), rtol=1e-9)
    # linkages from pymrio's inverses with the Rasmussen normalisation
    n = len(ref_l)
    link = calc_linkages(leontief, ghosh)
    assert_allclose(link.backward, ref_l.sum(axis=0) * n / ref_l.to_numpy().sum(), rtol=1e-9)
    assert_allclose(link.forward, ref_g.sum(axis=1) * n / ref_g.to_numpy().sum(), rtol=1e-9)
    assert link.backward.mean() == pytest.approx(1.0)
    assert link.forward.mean() == pytest.approx(1.0)


def test_forward_definitions_rank_differently_on_pymrio(pymrio_system):
    _, z, _, x = pymrio_system
    leontief = calc_leontief_inverse(calc_technical_coefficients(z, x))
    ghosh = calc_ghosh_inverse(calc_allocation_coefficients(z, x))
    g = calc_linkages(leontief, ghosh).forward.rank()
    le = calc_linkages(leontief, forward="leontief").forward.rank()
    assert not g.equals(le)


def test_project_impact_final_demand_and_output(mb_z, mb_x):
    a = calc_technical_coefficients(mb_z, mb_x)
    leontief = calc_leontief_inverse(a)
    shocks = pd.DataFrame({"p1": [100.0, 0.0], "p2": [0.0, 50.0]}, index=SECTORS)
    fd = calc_project_impact(a, shocks)
    assert_allclose(fd["p1"], leontief["agriculture"] * 100)
    out = calc_project_impact(a, shocks, kind="output")
    # single-sector output shock = L[:, j] * dx_j / l_jj, own sector exactly the shock
    assert_allclose(out["p1"], leontief["agriculture"] * 100 / leontief.loc["agriculture"].iloc[0])
    assert out.loc["manufacturing", "p2"] == pytest.approx(50.0)
    # hand: dx_agri = a_12 * 50 / (1 - a_11) = 0.25 * 50 / 0.85
    assert out.loc["agriculture", "p2"] == pytest.approx(0.25 * 50 / 0.85)
    with pytest.raises(ValueError, match="unknown sectors"):
        calc_project_impact(a, pd.DataFrame({"p": [1.0]}, index=["mining"]))


def test_unproductive_table_is_refused():
    with pytest.raises(ValueError, match="not productive"):
        calc_leontief_inverse(np.array([[0.6, 0.5], [0.5, 0.6]]))


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, (4, 4), elements=st.floats(0, 1)),
    arrays(np.float64, (4,), elements=st.floats(0, 1000)),
)
def test_leontief_gives_back_output_for_productive_a(raw, y):
    # scale columns so that every column sum is < 1: productive
    a = raw / (raw.sum(axis=0, keepdims=True) + 1.0)
    leontief = calc_leontief_inverse(a)
    x = leontief.to_numpy() @ y
    assert (leontief.to_numpy() >= -1e-12).all()
    assert_allclose(x - a @ x, y, atol=1e-8)
    assert_allclose(calc_linkages(leontief, forward="leontief").backward.mean(), 1.0)


def test_output_shock_equals_mixed_model_on_pymrio(pymrio_system):
    _, z, _, x = pymrio_system
    a = calc_technical_coefficients(z, x)
    sectors = a.index
    shocks = pd.DataFrame(0.0, index=sectors, columns=["one", "three"])
    shocks.iloc[4, 0] = 1000.0
    shocks.iloc[[1, 9, 20], 1] = [500.0, 250.0, 80.0]
    out = calc_project_impact(a, shocks, kind="output")
    av = a.to_numpy()
    for col in shocks.columns:
        exo = shocks[col].to_numpy() != 0
        endo = ~exo
        # M&B 2009 §13.1 directly: dx_N = (I - A_NN)^-1 A_NE dx_E
        expected = np.linalg.solve(
            np.eye(endo.sum()) - av[np.ix_(endo, endo)],
            av[np.ix_(endo, exo)] @ shocks[col].to_numpy()[exo],
        )
        assert_allclose(out[col].to_numpy()[endo], expected, rtol=1e-9)
        assert_allclose(out[col].to_numpy()[exo], shocks[col].to_numpy()[exo])
