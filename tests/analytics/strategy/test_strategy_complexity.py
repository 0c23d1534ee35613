"""Economic complexity: Stata ground truth, peer implementations, hand-worked case, properties."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.stats import spearmanr

from chainboard_analytics.strategy.complexity import (
    ComplexityConventions,
    calc_complexity,
    calc_density,
    calc_eci_pci,
    calc_presence,
    calc_proximity,
    calc_rca,
)

ECOMPLEXITY_CONVENTIONS = ComplexityConventions(proximity_diagonal="one", sd="population")


def _merged(result) -> pd.DataFrame:
    return result.cells.merge(result.regions, on="region").merge(result.industries, on="industry")


def _against(result, other: pd.DataFrame) -> pd.DataFrame:
    return other.merge(
        _merged(result),
        left_on=["origin", "hs92"],
        right_on=["region", "industry"],
        suffixes=("_ref", ""),
    )


# --- Growth Lab Stata ground truth --------------------------------------------------------------


@pytest.mark.parametrize("solver", ["dense", "lanczos"])
def test_stata_ground_truth_is_reproduced(trade_wide, stata_truth, solver):
    result = calc_complexity(trade_wide, ComplexityConventions(eigensolver=solver))
    x = _against(result, stata_truth)
    assert len(x) == len(stata_truth) == 120
    for col in ["eci", "pci", "density", "coi", "cog"]:
        assert_allclose(x[col], x[f"{col}_ref"], rtol=0, atol=1e-9, err_msg=col)
    assert_allclose(x["rca"], x["rca_ref"], rtol=0, atol=1e-6)  # Stata stores float32
    assert (x["m"] == x["M"]).all()
    assert (x["diversity"] == x["diversity_ref"]).all()
    assert (x["ubiquity"] == x["ubiquity_ref"]).all()


def test_stata_cog_is_zero_on_present_cells(trade_wide):
    cells = calc_complexity(trade_wide).cells
    assert (cells.loc[cells.m == 1, "cog"] == 0).all()
    assert (cells.loc[cells.m == 0, "cog"] != 0).any()


def test_eci_is_mean_pci_of_present_industries_under_stata_standardisation(trade_wide):
    result = calc_complexity(trade_wide)
    x = _merged(result)
    mean_pci = x[x.m == 1].groupby("region")["pci"].mean()
    eci = result.regions.set_index("region")["eci"]
    assert_allclose(eci.loc[mean_pci.index], mean_pci, atol=1e-12)


# --- PyPI ecomplexity (Growth Lab's Python port) -------------------------------------------------


@pytest.fixture(scope="module")
def ecomplexity_output(trade_sample):
    ecomplexity = pytest.importorskip("ecomplexity").ecomplexity
    cols = {"time": "year", "loc": "origin", "prod": "hs92", "val": "export_val"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ecomplexity(trade_sample, cols, verbose=False, check_logsupermodularity=False)


def test_ecomplexity_reproduced_exactly_with_its_conventions(trade_wide, ecomplexity_output):
    x = _against(calc_complexity(trade_wide, ECOMPLEXITY_CONVENTIONS), ecomplexity_output)
    assert len(x) == 300
    for col in ["rca", "eci", "pci", "density", "coi", "cog"]:
        assert_allclose(x[col], x[f"{col}_ref"], rtol=0, atol=1e-9, err_msg=col)
    assert (x["m"] == x["mcp"]).all()


def test_ecomplexity_vs_stata_defaults_differences_are_explained(trade_wide, ecomplexity_output):
    stata = calc_complexity(trade_wide)
    x = _against(stata, ecomplexity_output)
    # ECI and PCI: same eigenvector; values differ only by the sd: ecomplexity uses the
    # population sd over regions, Stata the sample sd over the 300-row long table, a factor
    # sqrt(300 / 299). Compare values, not ranks: PCI has exact ties (HS 3917 and 8530) and
    # near-ties whose order flips with the BLAS / CPU (Spearman 0.99989 on a clean machine).
    eci = x.groupby("region")[["eci", "eci_ref"]].first()
    pci = x.groupby("industry")[["pci", "pci_ref"]].first()
    factor = np.sqrt(300 / 299)
    assert_allclose(eci.eci_ref, eci.eci * factor, rtol=0, atol=1e-9)
    assert_allclose(pci.pci_ref, pci.pci * factor, rtol=0, atol=1e-9)
    # ecomplexity keeps phi_pp = 1: d_one = (S d_zero + M) / (S + 1), with S the column sum of
    # the zero-diagonal proximity.
    s = stata.proximity.sum(axis=0)
    expected = (x["density"] * x["industry"].map(s) + x["m"]) / (x["industry"].map(s) + 1)
    assert_allclose(x["density_ref"], expected, atol=1e-12)
    assert np.abs(x["density_ref"] - x["density"]).max() > 0.05  # a visible difference
    assert np.abs(x["cog_ref"] - x["cog"]).max() > 0.3


# --- Datawheel economic-complexity ---------------------------------------------------------------


def test_datawheel_rca_proximity_density_agree_and_eci_pci_correlate(trade_wide):
    ecx = pytest.importorskip("economic_complexity")
    ours = calc_complexity(trade_wide)
    rca = ecx.rca(trade_wide)
    assert_allclose(rca.to_numpy(), calc_rca(trade_wide).to_numpy(), rtol=1e-12)
    # Datawheel sets the proximity diagonal to 0 like Stata: proximity and density agree.
    prox = ecx.proximity(rca)
    assert_allclose(prox.to_numpy(), ours.proximity.to_numpy(), atol=1e-12)
    dens = ecx.relatedness(rca)
    ours_dens = ours.cells.pivot(index="region", columns="industry", values="density")
    assert_allclose(dens.loc[ours_dens.index, ours_dens.columns], ours_dens, atol=1e-12)
    # Datawheel iterates the method of reflections 20 times instead of taking the eigenvector
    # and standardises each index by itself: values differ slightly, ordering nearly agrees.
    eci, pci = ecx.complexity(rca)
    r = ours.regions.set_index("region")["eci"]
    p = ours.industries.set_index("industry")["pci"]
    assert np.corrcoef(eci.loc[r.index], r)[0, 1] > 0.99
    assert np.corrcoef(pci.loc[p.index], p)[0, 1] > 0.99
    assert spearmanr(eci.loc[r.index], r)[0] > 0.95


# --- hand-worked 3 × 3 case ----------------------------------------------------------------------


def test_hand_worked_nested_three_by_three():
    # A makes p1 p2 p3, B makes p1 p2, C makes p1 (perfectly nested).
    m = pd.DataFrame(
        [[1, 1, 1], [1, 1, 0], [1, 0, 0]], index=["A", "B", "C"], columns=["p1", "p2", "p3"]
    )
    # Mpp = D_p^-1 M' D_c^-1 M, by hand with fractions:
    f = Fraction
    mpp = [
        [f(11, 18), f(5, 18), f(1, 9)],
        [f(5, 12), f(5, 12), f(1, 6)],
        [f(1, 3), f(1, 3), f(1, 3)],
    ]
    # eigenvalues 1, l2, l3: l2 + l3 = trace - 1 = 13/36, l2 * l3 = det(Mpp)
    det = (
        mpp[0][0] * (mpp[1][1] * mpp[2][2] - mpp[1][2] * mpp[2][1])
        - mpp[0][1] * (mpp[1][0] * mpp[2][2] - mpp[1][2] * mpp[2][0])
        + mpp[0][2] * (mpp[1][0] * mpp[2][1] - mpp[1][1] * mpp[2][0])
    )
    s, p_ = 13 / 36, float(det)
    lam2 = (s + np.sqrt(s * s - 4 * p_)) / 2
    a = np.array(mpp, dtype=float) - lam2 * np.eye(3)
    kp = np.cross(a[0], a[1])  # null vector of (Mpp - l2 I)
    kc = np.array([kp.mean(), kp[:2].mean(), kp[0]])  # kc = D_c^-1 M kp
    if np.corrcoef([3, 2, 1], kc)[0, 1] < 0:
        kp, kc = -kp, -kc
    sd = kc.std() * np.sqrt(9 / 8)  # Stata: sample sd over the 9-row long table
    eci, pci, _, _ = calc_eci_pci(m)
    assert_allclose(eci.to_numpy(), (kc - kc.mean()) / sd, atol=1e-12)
    assert_allclose(pci.to_numpy(), (kp - kc.mean()) / sd, atol=1e-12)
    assert eci["A"] > eci["B"] > eci["C"]
    assert pci["p3"] > pci["p2"] > pci["p1"]


def test_proximity_and_density_small_case():
    m = pd.DataFrame([[1, 1, 0], [1, 0, 1], [0, 0, 1]], index=list("abc"), columns=list("xyz"))
    prox = calc_proximity(m)
    # co-occurrence x-y 1, ubiquities x 2, y 1 -> 1 / max(2, 1) = 0.5; x-z: 1/2; y-z: 0
    assert_allclose(prox.to_numpy(), [[0, 0.5, 0.5], [0.5, 0, 0], [0.5, 0, 0]])
    dens = calc_density(m, prox)
    # region c has z only: density for x = phi_zx / (phi_yx + phi_zx) = 0.5 / 1.0
    assert dens.loc["c", "x"] == pytest.approx(0.5)
    assert dens.loc["c", "y"] == pytest.approx(0.0)
    assert_allclose(calc_proximity(m, "one").to_numpy().diagonal(), 1.0)


# --- edge cases and properties -------------------------------------------------------------------


def test_zero_regions_and_industries_are_dropped(trade_wide):
    padded = trade_wide.copy()
    padded.loc["zzz"] = 0.0
    padded[9999] = 0.0
    result = calc_complexity(padded)
    assert "zzz" not in set(result.regions.region)
    assert 9999 not in set(result.industries.industry)
    base = calc_complexity(trade_wide)
    assert_allclose(result.regions.eci, base.regions.eci, atol=1e-12)


def test_invalid_input_and_conventions_are_refused(trade_wide):
    with pytest.raises(ValueError, match="proximity_diagonal"):
        ComplexityConventions(proximity_diagonal="half")
    with pytest.raises(ValueError, match="non-negative"):
        calc_complexity(trade_wide * -1)
    with pytest.raises(ValueError, match="positive total"):
        calc_complexity(trade_wide * 0)


def test_presence_threshold_is_inclusive():
    rca = pd.DataFrame([[1.0, 0.999999, np.nan]])
    assert calc_presence(rca).to_numpy().tolist() == [[1, 0, 0]]


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(min_value=1e-6, max_value=1e6), seed=st.integers(0, 2**16))
def test_rca_and_scores_unchanged_by_currency_scale_and_row_order(trade_wide, scale, seed):
    rng = np.random.default_rng(seed)
    shuffled = trade_wide.iloc[rng.permutation(len(trade_wide)), rng.permutation(30)] * scale
    assert_allclose(
        calc_rca(shuffled).loc[trade_wide.index, trade_wide.columns],
        calc_rca(trade_wide),
        rtol=1e-9,
    )
    a = calc_complexity(trade_wide).regions.set_index("region").sort_index()
    b = calc_complexity(shuffled).regions.set_index("region").sort_index()
    assert_allclose(a[["eci", "coi"]], b[["eci", "coi"]], atol=1e-9)


@pytest.mark.filterwarnings("ignore:second eigenvalue")
@settings(max_examples=20, deadline=None)
@given(
    data=st.lists(
        st.lists(st.integers(0, 50), min_size=6, max_size=6), min_size=5, max_size=5
    ).filter(lambda rows: min(map(sum, rows)) > 0 and min(np.sum(rows, axis=0)) > 0)
)
def test_density_in_unit_interval_and_proximity_symmetric(data):
    wide = pd.DataFrame(data, index=[f"r{i}" for i in range(5)], columns=list("abcdef"))
    result = calc_complexity(wide, ComplexityConventions(eigensolver="dense"))
    assert result.cells.density.between(0, 1 + 1e-12).all()
    assert (result.proximity.to_numpy() == result.proximity.to_numpy().T).all()


def test_alternative_conventions_follow_their_formulas(trade_wide):
    conv = ComplexityConventions(
        standardisation="separate", cog_normalisation="atlas", coi_normalisation="atlas"
    )
    res = calc_complexity(trade_wide, conv)
    pci = res.industries.set_index("industry")["pci"]
    assert pci.mean() == pytest.approx(0.0, abs=1e-12)
    assert pci.std(ddof=0) * np.sqrt(300 / 299) == pytest.approx(1.0)
    m = res.cells.pivot(index="region", columns="industry", values="m").to_numpy()
    d = res.cells.pivot(index="region", columns="industry", values="density").to_numpy()
    cog = res.cells.pivot(index="region", columns="industry", values="cog").to_numpy()
    coi = res.regions.set_index("region")["coi"].to_numpy()
    phi = res.proximity.to_numpy()
    w = pci.to_numpy()
    n_c, n_p = m.shape
    for c in range(n_c):  # explicit loops: Atlas (2014) technical box formulas
        assert coi[c] == pytest.approx(sum(d[c, p] * (1 - m[c, p]) * w[p] for p in range(n_p)))
        for p in range(n_p):
            gain = (
                sum(phi[p, q] / phi[q].sum() * (1 - m[c, q]) * w[q] for q in range(n_p))
                - (1 - d[c, p]) * w[p]
            )
            assert cog[c, p] == pytest.approx((1 - m[c, p]) * gain, abs=1e-12)


def test_disconnected_network_warns():
    values = pd.DataFrame(
        [[5, 1, 0, 0], [1, 5, 0, 0], [0, 0, 5, 1], [0, 0, 1, 5]],
        index=list("abcd"),
        columns=list("wxyz"),
        dtype=float,
    )
    with pytest.warns(RuntimeWarning, match="not separated"):
        calc_complexity(values)
