"""Input-output analysis (投入产出分析): Leontief and Ghosh inverses, linkages, impacts.

Conventions follow Miller, R. E. & Blair, P. D. (2009), *Input-Output Analysis: Foundations and
Extensions*, 2nd ed., Cambridge University Press (cited below as M&B 2009), and the notation of
``pymrio`` (Stadler 2021, *Journal of Open Research Software* 9(1):8), against which the tests
check the numbers. Flows ``Z`` are in money (万元) from the row sector to the column sector
(``z_ij`` = sales of i to j), ``x`` is gross output in the same unit.

Forward linkage: two definitions are in use and rank sectors very differently. The default
reported everywhere in chainboard is the **Ghosh-based** forward linkage (row sums of the Ghosh
inverse ``G``; supply-side, M&B 2009 §12.2, recommended there over the Leontief rows).
The classic Rasmussen (1956) "sensitivity of dispersion" from row sums of the Leontief inverse
is available as ``forward="leontief"``.

Nothing here reads files: see :mod:`chainboard_analytics.strategy.io_tables`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import scipy.linalg

__all__ = [
    "calc_allocation_coefficients",
    "calc_ghosh_inverse",
    "calc_key_sectors",
    "calc_leontief_inverse",
    "calc_linkages",
    "calc_output_multipliers",
    "calc_project_impact",
    "calc_technical_coefficients",
]

ForwardLinkage = Literal["ghosh", "leontief"]
ShockKind = Literal["final_demand", "output"]


def _frame(m: pd.DataFrame | np.ndarray, name: str) -> pd.DataFrame:
    if isinstance(m, pd.DataFrame):
        df = m.astype(float)
    else:
        arr = np.asarray(m, dtype=float)
        df = pd.DataFrame(arr, index=range(arr.shape[0]), columns=range(arr.shape[1]))
    if df.shape[0] != df.shape[1]:
        raise ValueError(f"{name} must be square, got {df.shape}")
    if not df.index.equals(df.columns):
        raise ValueError(f"{name} must have the same sector labels on rows and columns")
    if not np.isfinite(df.to_numpy()).all():
        raise ValueError(f"{name} must be finite")
    return df


def _vector(x: pd.Series | np.ndarray, index: pd.Index, name: str) -> np.ndarray:
    if isinstance(x, pd.Series):
        if set(x.index) != set(index):
            raise ValueError(f"{name} must have the same sectors as the flow table")
        return np.asarray(x.reindex(index).to_numpy(dtype=float))
    arr = np.asarray(x, dtype=float).ravel()
    if arr.size != len(index):
        raise ValueError(f"{name} has {arr.size} values for {len(index)} sectors")
    return arr


def calc_technical_coefficients(
    z: pd.DataFrame | np.ndarray, x: pd.Series | np.ndarray
) -> pd.DataFrame:
    """Technical (input) coefficients 直接消耗系数 ``A = Z diag(x)^-1``, ``a_ij = z_ij / x_j``.

    M&B 2009, eq. 2.4 (unit: 万元 of input i per 万元 of output j). Sectors with zero output
    get a zero column (pymrio ``calc_A`` convention).
    """
    zf = _frame(z, "Z")
    xv = _vector(x, zf.columns, "x")
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(xv != 0, 1.0 / np.where(xv != 0, xv, 1.0), 0.0)
    return pd.DataFrame(zf.to_numpy() * inv[None, :], index=zf.index, columns=zf.columns)


def calc_allocation_coefficients(
    z: pd.DataFrame | np.ndarray, x: pd.Series | np.ndarray
) -> pd.DataFrame:
    """Allocation (output) coefficients 直接分配系数 ``B = diag(x)^-1 Z``, ``b_ij = z_ij / x_i``.

    Ghosh (1958); M&B 2009 eq. 12.6. Zero-output sectors get a zero row.
    """
    zf = _frame(z, "Z")
    xv = _vector(x, zf.index, "x")
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.where(xv != 0, 1.0 / np.where(xv != 0, xv, 1.0), 0.0)
    return pd.DataFrame(zf.to_numpy() * inv[:, None], index=zf.index, columns=zf.columns)


def _inverse_i_minus(m: pd.DataFrame, name: str) -> pd.DataFrame:
    arr = m.to_numpy()
    n = arr.shape[0]
    if (arr < 0).any():
        raise ValueError(f"{name} coefficients must be non-negative")
    # Productive (Hawkins-Simon): for A >= 0, spectral radius < 1 <=> I - A is a nonsingular
    # M-matrix <=> (I - A)^-1 exists and is >= 0. Column sums < 1 are sufficient (no check).
    try:
        inv = scipy.linalg.inv(np.eye(n) - arr, check_finite=False)
    except (np.linalg.LinAlgError, scipy.linalg.LinAlgError) as exc:
        raise ValueError(f"{name} is not productive: I - {name} is singular") from exc
    if n and not (arr.sum(axis=0).max() < 1 or inv.min() >= -1e-9 * max(1.0, abs(inv).max())):
        rho = np.max(np.abs(np.linalg.eigvals(arr)))
        raise ValueError(f"{name} is not productive: spectral radius {rho:.6g} >= 1")
    return pd.DataFrame(inv, index=m.index, columns=m.columns)


def calc_leontief_inverse(a: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """Leontief inverse 完全需要系数 ``L = (I - A)^-1``.

    M&B 2009, eq. 2.10; ``l_ij`` is the output of i needed per unit of final demand for j.
    Raises ``ValueError`` unless ``A`` is non-negative and productive (spectral radius < 1,
    Hawkins-Simon), which guarantees ``L >= 0`` and ``L y = x``.
    """
    return _inverse_i_minus(_frame(a, "A"), "A")


def calc_ghosh_inverse(b: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """Ghosh inverse ``G = (I - B)^-1`` (supply-driven model), ``x' = v' G``.

    Ghosh (1958); M&B 2009 eq. 12.8; equals ``diag(x)^-1 L diag(x)`` (pymrio ``calc_G``).
    """
    return _inverse_i_minus(_frame(b, "B"), "B")


def calc_output_multipliers(leontief: pd.DataFrame) -> pd.Series:
    """Simple (type I) output multipliers 产出乘数 ``m_j = sum_i l_ij`` (column sums of L).

    M&B 2009 §6.2.1: total output of all sectors per 万元 of final demand for j's output.
    """
    return leontief.sum(axis=0).rename("output_multiplier")


def calc_linkages(
    leontief: pd.DataFrame,
    ghosh: pd.DataFrame | None = None,
    *,
    forward: ForwardLinkage = "ghosh",
) -> pd.DataFrame:
    """Rasmussen-Hirschman backward and forward linkage indices 影响力系数 / 感应度系数.

    ``BL_j = (sum_i l_ij / n) / (sum_ij l_ij / n^2)`` — power of dispersion (Rasmussen 1956;
    Hirschman 1958), column sums of the Leontief inverse normalised so that the mean is 1.

    Forward (normalised the same way, mean 1):

    - ``forward="ghosh"`` (default): ``FL_i = (sum_j g_ij / n) / (sum_ij g_ij / n^2)``, row
      sums of the Ghosh inverse (M&B 2009 §12.2: supply-side, the preferred measure).
    - ``forward="leontief"``: row sums of ``L``, Rasmussen's sensitivity of dispersion (used
      in many Chinese 感应度系数 tables; it mixes demand-side coefficients into a supply
      concept and ranks sectors very differently from Ghosh).

    Returns
    -------
    DataFrame
        Index = sectors; columns ``backward, forward, backward_raw, forward_raw`` (raw = the
        unnormalised column/row sums).
    """
    if forward not in ("ghosh", "leontief"):
        raise ValueError(f"forward must be 'ghosh' or 'leontief', got {forward!r}")
    lv = leontief.to_numpy(dtype=float)
    n = lv.shape[0]
    col = lv.sum(axis=0)
    if forward == "ghosh":
        if ghosh is None:
            raise ValueError("forward='ghosh' needs the Ghosh inverse (calc_ghosh_inverse)")
        gv = ghosh.loc[leontief.index, leontief.columns].to_numpy(dtype=float)
        row = gv.sum(axis=1)
        total_f = gv.sum()
    else:
        row = lv.sum(axis=1)
        total_f = lv.sum()
    return pd.DataFrame(
        {
            "backward": col * n / lv.sum(),
            "forward": row * n / total_f,
            "backward_raw": col,
            "forward_raw": row,
        },
        index=leontief.index,
    )


def calc_key_sectors(linkages: pd.DataFrame, threshold: float = 1.0) -> pd.Series:
    """Key-sector classification 关键部门 from backward and forward indices.

    Following Rasmussen (1956) / Hirschman (1958), M&B 2009 §12.2.5: ``key`` if both indices
    exceed ``threshold`` (1 = the average), ``backward`` (strong backward only),
    ``forward`` (strong forward only), otherwise ``weak``.
    """
    b = linkages["backward"] > threshold
    f = linkages["forward"] > threshold
    out = np.select([b & f, b, f], ["key", "backward", "forward"], default="weak")
    return pd.Series(out, index=linkages.index, name="sector_class")


def calc_project_impact(
    a: pd.DataFrame,
    shocks: pd.DataFrame,
    *,
    kind: ShockKind = "final_demand",
    leontief: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Impact of projects on gross output by sector 项目对各部门产出的拉动.

    Parameters
    ----------
    a : DataFrame
        Technical coefficients (sectors × sectors).
    shocks : DataFrame
        Sectors as index (subset of ``a``'s sectors), one column per project, values in the
        unit of the table (万元). Missing sectors count as 0.
    kind : {"final_demand", "output"}
        ``"final_demand"``: the shock is new final demand ``Δy``; ``Δx = L Δy``
        (M&B 2009 eq. 2.11). ``"output"``: the shock is the exogenous gross output of the
        project's own sectors E (a new plant whose output is fixed); the other sectors N
        respond through the mixed exogenous/endogenous model (M&B 2009 §13.1):
        ``Δx_N = (I - A_NN)^-1 A_NE Δx_E``, ``Δx_E`` as given; computed as ``Δx = L y`` with
        ``y_E = L_EE^-1 Δx_E`` (a |E| × |E| solve per project, one BLAS product for all). For a
        single-sector project in j this is ``L[:, j] Δx_j / l_jj``.
    leontief : DataFrame, optional
        Precomputed ``L`` (saves the inversion when many batches use the same table).

    Returns
    -------
    DataFrame
        Sectors × projects, change in gross output (万元).
    """
    af = _frame(a, "A")
    unknown = set(shocks.index) - set(af.index)
    if unknown:
        raise ValueError(f"unknown sectors in shocks: {sorted(map(str, unknown))[:10]}")
    s = shocks.reindex(af.index).fillna(0.0).astype(float)
    if kind == "final_demand":
        lf = calc_leontief_inverse(af) if leontief is None else leontief.loc[af.index, af.index]
        return pd.DataFrame(lf.to_numpy() @ s.to_numpy(), index=af.index, columns=s.columns)
    if kind != "output":
        raise ValueError(f"kind must be 'final_demand' or 'output', got {kind!r}")
    lf = calc_leontief_inverse(af) if leontief is None else leontief.loc[af.index, af.index]
    lv = lf.to_numpy()
    sv = s.to_numpy()
    # Mixed model via L: with y_N = 0, x = L y gives x_E = L_EE y_E and x_N = L_NE y_E, so
    # y_E = L_EE^-1 dx_E and dx = L y (equal to (I - A_NN)^-1 A_NE dx_E, M&B 2009 §13.1).
    y = np.zeros_like(sv)
    patterns: dict[bytes, list[int]] = {}
    for k in range(sv.shape[1]):
        patterns.setdefault((sv[:, k] != 0).tobytes(), []).append(k)
    for key, cols in patterns.items():
        exo = np.flatnonzero(np.frombuffer(key, dtype=bool))
        if exo.size == 0:
            continue
        cols_arr = np.array(cols)
        rhs = sv[np.ix_(exo, cols_arr)]
        y[np.ix_(exo, cols_arr)] = np.linalg.solve(lv[np.ix_(exo, exo)], rhs)
    out = lv @ y
    out[sv != 0] = sv[sv != 0]  # exogenous outputs exactly as given
    return pd.DataFrame(out, index=af.index, columns=s.columns)
