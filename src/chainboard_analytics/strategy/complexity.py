"""Economic complexity and relatedness (经济复杂度与关联密度) on region × industry data.

Implements the method of Hidalgo & Hausmann (2009) as computed by the Harvard Growth Lab's
original Stata ``ecomplexity`` command (Bustos & Yildirim), which is the reference: RCA and the
binary presence matrix, ECI and PCI (second eigenvector), proximity (Hidalgo et al. 2007),
relatedness density, complexity outlook index (COI) and complexity outlook gain (COG)
(Hausmann, Hidalgo et al. 2014, *The Atlas of Economic Complexity*).

Every choice where published implementations differ is a named field of
:class:`ComplexityConventions`; the defaults reproduce Stata's output (checked in the tests to
1e-9 against the Growth Lab's ground-truth fixture).

All functions take a *wide* table: a :class:`pandas.DataFrame` with one row per region
(location), one column per industry (product), values in any additive unit (employment,
revenue in 万元, value added, exports in USD). Use
:func:`chainboard_analytics.strategy.long_table.pivot_long_table` to build it from the long
``region, industry, year, value`` table. Nothing here reads files.

References
----------
- Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage.
  *The Manchester School*, 33(2), 99-123.
- Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). The product space
  conditions the development of nations. *Science*, 317(5837), 482-487.
- Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity.
  *PNAS*, 106(26), 10570-10575.
- Hausmann, R., Hidalgo, C. A., Bustos, S., Coscia, M., Simoes, A., & Yildirim, M. A. (2014).
  *The Atlas of Economic Complexity*, 2nd ed., MIT Press (technical box on COI/COG).
- Growth Lab, Harvard University: Stata ``ecomplexity`` and Python ``py-ecomplexity``
  (github.com/harvard-growth-lab/py-ecomplexity), issue #38 (2025) on the proximity diagonal.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.sparse.linalg

__all__ = [
    "STATA",
    "ComplexityConventions",
    "ComplexityResult",
    "calc_cog",
    "calc_coi",
    "calc_complexity",
    "calc_density",
    "calc_diversity_ubiquity",
    "calc_eci_pci",
    "calc_presence",
    "calc_proximity",
    "calc_rca",
]

ProximityDiagonal = Literal["zero", "one"]
Standardisation = Literal["stata", "separate"]
CogNormalisation = Literal["stata", "atlas"]
CoiNormalisation = Literal["stata", "atlas"]
Eigensolver = Literal["auto", "dense", "lanczos"]
StandardDeviation = Literal["stata", "population", "sample"]

# Above this many rows/columns (smaller side) the second eigenvector is found by Lanczos on a
# matrix-free operator instead of a dense symmetric eigensolver.
_LANCZOS_MIN_SIZE = 400


@dataclass(frozen=True)
class ComplexityConventions:
    """Named conventions of the complexity computation; defaults = Growth Lab Stata.

    Attributes
    ----------
    rca_threshold : float
        Presence ``M_cp = 1 if RCA_cp >= rca_threshold``. Stata, ecomplexity, Datawheel: 1.
    proximity_diagonal : {"zero", "one"}
        Value of ``phi_pp`` used for density, COI and COG. ``"zero"`` (Stata; Datawheel's
        ``economic-complexity``) excludes the product itself from its own neighbourhood;
        ``"one"`` is what PyPI ``ecomplexity`` 0.5.3 does (co-occurrence of a product with
        itself / its ubiquity = 1), which raises density of present products and changes COI/COG.
    standardisation : {"stata", "separate"}
        ``"stata"``: ``ECI = (kc - mean(kc)) / sd(kc)`` and ``PCI = (kp - mean(kc)) / sd(kc)``,
        i.e. PCI on the ECI scale, so that ECI of a region equals the mean PCI of its present
        industries. ``"separate"``: ``PCI = (kp - mean(kp)) / sd(kp)`` (Hidalgo & Hausmann 2009,
        Datawheel).
    sd : {"stata", "population", "sample"}
        Standard deviation used to standardise ECI, PCI, COI and scale COG. ``"stata"``: the
        sample sd (n - 1) over the rectangular *long* table, one row per region × industry,
        as Stata's ``egen``/``summarize`` sees it, i.e. the population sd over regions times
        ``sqrt(C P / (C P - 1))``. ``"population"``: numpy's default (ddof 0) over regions, as
        PyPI ``ecomplexity`` does (0.17 % smaller on 10 × 30). ``"sample"``: ddof 1 over regions.
    cog_normalisation : {"stata", "atlas"}
        ``"stata"``: ``COG_cp = (1 - M_cp) * sum_p' (1 - M_cp') * phi_pp' / (sum_p'' phi_p'p'')
        * kp_p' / sd(kc)`` with the raw (un-centred) eigenvector ``kp``, zero on present cells.
        ``"atlas"``: Hausmann et al. (2014) with standardised PCI and the own-product term,
        ``COG_cp = (1 - M_cp) * [sum_p' phi_pp' / (sum_p'' phi_p''p') * (1 - M_cp') * PCI_p'
        - (1 - d_cp) * PCI_p]`` (Datawheel's ``opportunity_gain`` without the ``(1 - M_cp)``
        mask).
    coi_normalisation : {"stata", "atlas"}
        ``"stata"``: ``COI_c = standardise(sum_p d_cp * (1 - M_cp) * kp_p)`` (raw eigenvector).
        ``"atlas"``: ``COI_c = sum_p d_cp * (1 - M_cp) * PCI_p`` (standardised PCI, not
        re-standardised).
    eigensolver : {"auto", "dense", "lanczos"}
        Numerical method only (same result to ~1e-12): ``"dense"`` = LAPACK symmetric
        eigensolver on the smaller Gram matrix, ``"lanczos"`` = ARPACK on a matrix-free
        symmetric operator; ``"auto"`` picks Lanczos when both sides exceed 400.
    """

    rca_threshold: float = 1.0
    proximity_diagonal: ProximityDiagonal = "zero"
    standardisation: Standardisation = "stata"
    sd: StandardDeviation = "stata"
    cog_normalisation: CogNormalisation = "stata"
    coi_normalisation: CoiNormalisation = "stata"
    eigensolver: Eigensolver = "auto"

    def __post_init__(self) -> None:
        choices = {
            "proximity_diagonal": ("zero", "one"),
            "standardisation": ("stata", "separate"),
            "cog_normalisation": ("stata", "atlas"),
            "coi_normalisation": ("stata", "atlas"),
            "eigensolver": ("auto", "dense", "lanczos"),
            "sd": ("stata", "population", "sample"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {getattr(self, name)!r}")
        if not np.isfinite(self.rca_threshold) or self.rca_threshold <= 0:
            raise ValueError(f"rca_threshold must be positive, got {self.rca_threshold!r}")


#: The Growth Lab Stata conventions (the defaults).
STATA = ComplexityConventions()


@dataclass
class ComplexityResult:
    """Output of :func:`calc_complexity`.

    Attributes
    ----------
    regions : DataFrame
        Columns ``region, eci, coi, diversity``.
    industries : DataFrame
        Columns ``industry, pci, ubiquity``.
    cells : DataFrame
        One row per region × industry: ``region, industry, rca, m, density, cog``.
    proximity : DataFrame
        Industry × industry proximity with the diagonal convention applied.
    conventions : ComplexityConventions
        The conventions used.
    """

    regions: pd.DataFrame
    industries: pd.DataFrame
    cells: pd.DataFrame
    proximity: pd.DataFrame
    conventions: ComplexityConventions = field(default_factory=ComplexityConventions)


# ---------------------------------------------------------------------------------------------
# building blocks
# ---------------------------------------------------------------------------------------------


def _sd(x: np.ndarray, n_other: int, mode: str) -> float:
    """Standard deviation of the finite values of ``x`` per the ``sd`` convention.

    ``n_other`` is the number of rows each value is repeated on in the long table (industries
    for a region-level value, regions for an industry-level value).
    """
    v = x[np.isfinite(x)]
    if v.size == 0:
        return float("nan")
    pop = float(v.std(ddof=0))
    if mode == "population":
        return pop
    if mode == "sample":
        return float(v.std(ddof=1)) if v.size > 1 else float("nan")
    n_long = v.size * max(n_other, 1)
    return pop * np.sqrt(n_long / (n_long - 1)) if n_long > 1 else float("nan")


def _as_array(values: pd.DataFrame) -> np.ndarray:
    if not isinstance(values, pd.DataFrame):
        raise TypeError("values must be a wide pandas DataFrame (regions × industries)")
    if all(pd.api.types.is_numeric_dtype(t) for t in values.dtypes):
        x = values.to_numpy(dtype=float, na_value=0.0)
    else:
        x = values.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float, na_value=0.0)
    x = np.nan_to_num(x, nan=0.0, posinf=np.inf, neginf=-np.inf)
    if not np.isfinite(x).all():
        raise ValueError("values must be finite")
    if (x < 0).any():
        raise ValueError("values must be non-negative")
    return np.asarray(x)


def _rca_arr(x: np.ndarray) -> np.ndarray:
    region_total = x.sum(axis=1, keepdims=True)
    industry_total = x.sum(axis=0, keepdims=True)
    total = x.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(x * (total / region_total) / industry_total)


def calc_rca(values: pd.DataFrame) -> pd.DataFrame:
    """Revealed comparative advantage (Balassa index, 显示性比较优势) of each region × industry.

    ``RCA_cp = (X_cp / sum_p X_cp) / (sum_c X_cp / sum_cp X_cp)``  [dimensionless]

    Balassa (1965); on employment this is the location quotient 区位熵. Missing values count
    as 0. Regions or industries whose total is 0 give NaN (0/0) for their whole row/column;
    :func:`calc_complexity` drops them first, as the Stata command does.

    Parameters
    ----------
    values : DataFrame
        Regions as index, industries as columns, non-negative additive values (any unit;
        the result is unit-free and unchanged by scaling all values).

    Returns
    -------
    DataFrame
        Same shape and labels as ``values``.
    """
    return pd.DataFrame(_rca_arr(_as_array(values)), index=values.index, columns=values.columns)


def calc_presence(rca: pd.DataFrame, threshold: float = 1.0) -> pd.DataFrame:
    """Binary presence matrix ``M_cp = 1 if RCA_cp >= threshold else 0`` (NaN counts as 0).

    Hidalgo & Hausmann (2009), threshold 1 as in the Growth Lab Stata command.
    """
    m = np.nan_to_num(rca.to_numpy(dtype=float), nan=0.0) >= threshold
    return pd.DataFrame(m.astype(np.int8), index=rca.index, columns=rca.columns)


def calc_diversity_ubiquity(m: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Diversity ``k_c,0 = sum_p M_cp`` and ubiquity ``k_p,0 = sum_c M_cp`` (counts).

    Hidalgo & Hausmann (2009), eq. 1-2.
    """
    arr = m.to_numpy(dtype=float)
    diversity = pd.Series(arr.sum(axis=1), index=m.index, name="diversity")
    ubiquity = pd.Series(arr.sum(axis=0), index=m.columns, name="ubiquity")
    return diversity, ubiquity


def _second_eigenvector(
    mv: np.ndarray, kc0: np.ndarray, kp0: np.ndarray, solver: str
) -> np.ndarray:
    """Eigenvector ``kp`` of ``Mpp = D_p^-1 M' D_c^-1 M`` for its second-largest eigenvalue.

    Symmetric formulation: with ``B = D_c^-1/2 M D_p^-1/2``, ``Mpp`` is similar to ``B'B``
    (``kp = D_p^-1/2 v``) and ``Mcc`` to ``BB'`` (``kc = D_c^-1/2 u``), so the eigenvalues are
    real (squared singular values of B) and a symmetric solver applies. The side with fewer
    rows is used; ``kp`` is then recovered as ``D_p^-1 M' kc`` (same eigenvector up to scale).
    """
    n_c, n_p = mv.shape
    rc = 1.0 / np.sqrt(kc0)
    rp = 1.0 / np.sqrt(kp0)
    b = mv * rc[:, None] * rp[None, :]
    small = min(n_c, n_p)
    if solver == "auto":
        solver = "lanczos" if small > _LANCZOS_MIN_SIZE else "dense"
    use_products = n_p <= n_c
    vec = None
    if solver == "lanczos" and small > 3:
        op_dim = n_p if use_products else n_c
        bt = np.ascontiguousarray(b.T)

        def matvec(v: np.ndarray) -> np.ndarray:
            v = np.ravel(v)
            return np.asarray(bt @ (b @ v) if use_products else b @ (bt @ v))

        op = scipy.sparse.linalg.LinearOperator((op_dim, op_dim), matvec=matvec, dtype=float)
        v0 = np.random.default_rng(0).random(op_dim) + 0.5
        try:
            vals, vecs = scipy.sparse.linalg.eigsh(op, k=2, which="LA", v0=v0, tol=0)
            order = np.argsort(vals)
            if np.isclose(vals[order[0]], vals[order[1]], rtol=1e-10, atol=1e-12):
                vec = None  # degenerate: let the dense path warn
            else:
                vec = vecs[:, order[0]]
        except scipy.sparse.linalg.ArpackNoConvergence:
            vec = None
    if vec is None:
        gram = b.T @ b if use_products else b @ b.T
        dim = gram.shape[0]
        vals, vecs = scipy.linalg.eigh(gram, subset_by_index=[dim - 2, dim - 1])
        vec = vecs[:, 0]
        if dim > 2 and np.isclose(vals[0], vals[1], rtol=1e-10, atol=1e-12):
            warnings.warn(
                "second eigenvalue is not separated from the first (disconnected "
                "region-industry network); ECI/PCI are not unique",
                RuntimeWarning,
                stacklevel=4,
            )
    if use_products:
        return np.asarray(vec * rp)
    kc = vec * rc
    return np.asarray((mv.T @ kc) / kp0)


def _eci_pci_arr(
    mv_all: np.ndarray, conventions: ComplexityConventions
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    kc0_all = mv_all.sum(axis=1)
    kp0_all = mv_all.sum(axis=0)
    rows = kc0_all > 0
    cols = kp0_all > 0
    n_c, n_p = mv_all.shape
    eci = np.full(n_c, np.nan)
    pci = np.full(n_p, np.nan)
    kc_full = eci.copy()
    kp_full = pci.copy()
    if rows.sum() >= 2 and cols.sum() >= 2:
        mv = mv_all if rows.all() and cols.all() else mv_all[np.ix_(rows, cols)]
        kc0 = kc0_all[rows]
        kp0 = kp0_all[cols]
        kp = _second_eigenvector(mv, kc0, kp0, conventions.eigensolver)
        kc = (mv @ kp) / kc0
        if np.std(kc0) > 0 and np.std(kc) > 0 and np.corrcoef(kc0, kc)[0, 1] < 0:
            kp, kc = -kp, -kc
        mu, sd = kc.mean(), _sd(kc, n_p, conventions.sd)
        if sd > 0:
            eci[rows] = (kc - mu) / sd
            if conventions.standardisation == "stata":
                pci[cols] = (kp - mu) / sd
            else:
                pci[cols] = (kp - kp.mean()) / _sd(kp, n_c, conventions.sd)
        kc_full[rows] = kc
        kp_full[cols] = kp
    return eci, pci, kc_full, kp_full


def calc_eci_pci(
    m: pd.DataFrame, conventions: ComplexityConventions = STATA
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Economic and product complexity indices (ECI 经济复杂度指数, PCI 产品复杂度指数).

    Hidalgo & Hausmann (2009): ``kp`` is the eigenvector of
    ``Mpp_pp' = sum_c M_cp M_cp' / (k_c,0 k_p,0)`` for the second-largest eigenvalue and
    ``kc = D_c^-1 M kp`` (so ``kc`` is the matching eigenvector of ``Mcc``). The sign is chosen
    so that ``kc`` correlates positively with diversity. Standardisation per
    ``conventions.standardisation`` (Stata: both on the mean and sd of ``kc``).

    Regions with diversity 0 and industries with ubiquity 0 get NaN. Fewer than two valid
    regions or industries give NaN everywhere.

    Returns
    -------
    eci, pci, kc, kp : Series
        Standardised indices and the raw (un-centred) eigenvectors used for COI/COG.
    """
    eci, pci, kc, kp = _eci_pci_arr(m.to_numpy(dtype=float), conventions)
    return (
        pd.Series(eci, index=m.index, name="eci"),
        pd.Series(pci, index=m.columns, name="pci"),
        pd.Series(kc, index=m.index, name="kc"),
        pd.Series(kp, index=m.columns, name="kp"),
    )


def _proximity_arr(mv: np.ndarray, diagonal: str) -> np.ndarray:
    co = scipy.linalg.blas.dsyrk(1.0, np.asfortranarray(mv), trans=1)  # upper triangle of M'M
    co = np.triu(co) + np.triu(co, 1).T
    ubiq = np.diag(co).copy()
    denom = np.maximum(ubiq[:, None], ubiq[None, :])
    denom[denom == 0] = 1.0
    phi = co / denom
    np.fill_diagonal(phi, 0.0 if diagonal == "zero" else 1.0)
    return np.asarray(phi)


def calc_proximity(m: pd.DataFrame, diagonal: ProximityDiagonal = "zero") -> pd.DataFrame:
    """Product (industry) proximity ``phi_pp' = sum_c M_cp M_cp' / max(k_p,0, k_p',0)``.

    Hidalgo et al. (2007): the minimum of the two conditional probabilities of co-presence.
    Symmetric, in [0, 1]. The diagonal is set per ``diagonal`` (``"zero"`` = Stata convention
    for density; ``"one"`` = PyPI ``ecomplexity``). Industries present nowhere have 0 proximity
    to everything.
    """
    phi = _proximity_arr(m.to_numpy(dtype=float), diagonal)
    return pd.DataFrame(phi, index=m.columns, columns=m.columns)


def _density_arr(mv: np.ndarray, phi: np.ndarray) -> np.ndarray:
    colsum = phi.sum(axis=0)
    inv = np.where(colsum > 0, 1.0 / np.where(colsum > 0, colsum, 1.0), 0.0)
    return np.asarray(mv @ (phi * inv[None, :]))


def calc_density(m: pd.DataFrame, proximity: pd.DataFrame) -> pd.DataFrame:
    """Relatedness density (关联密度) ``d_cp = sum_p' M_cp' phi_p'p / sum_p' phi_p'p``.

    Hidalgo et al. (2007), eq. in the SOM; in [0, 1]: the share of industry p's proximity mass
    that region c already has. With the Stata diagonal (0) a region's own presence in p does
    not count. An industry with zero proximity to every other industry gets density 0.
    """
    phi = proximity.loc[m.columns, m.columns].to_numpy(dtype=float)
    dens = _density_arr(m.to_numpy(dtype=float), phi)
    return pd.DataFrame(dens, index=m.index, columns=m.columns)


def _coi_arr(
    mv: np.ndarray,
    d: np.ndarray,
    kc: np.ndarray,
    kp: np.ndarray,
    pci: np.ndarray,
    conventions: ComplexityConventions,
) -> np.ndarray:
    weights = kp if conventions.coi_normalisation == "stata" else pci
    w = np.nan_to_num(weights)
    # sum_p d (1 - M) w = d @ w - (d * M) @ w
    raw = d @ w - (d * mv) @ w
    if conventions.coi_normalisation == "stata":
        valid = np.isfinite(kc)
        sd = _sd(raw[valid], mv.shape[1], conventions.sd)
        raw = np.where(valid, raw, np.nan)
        raw = (raw - raw[valid].mean()) / sd if sd > 0 else np.where(valid, 0.0, np.nan)
    return np.asarray(raw)


def calc_coi(
    m: pd.DataFrame,
    density: pd.DataFrame,
    kc: pd.Series,
    kp: pd.Series,
    pci: pd.Series,
    conventions: ComplexityConventions = STATA,
) -> pd.Series:
    """Complexity outlook index (复杂度前景指数) of each region.

    Hausmann et al. (2014): ``COI_c = sum_p d_cp (1 - M_cp) PCI_p``, the complexity of the
    industries a region does not yet have, weighted by how close they are. Stata computes it
    with the raw eigenvector ``kp`` and standardises the result across regions
    (``coi_normalisation="stata"``); ``"atlas"`` uses standardised PCI and no re-standardisation.
    Industries with NaN PCI contribute 0.
    """
    raw = _coi_arr(
        m.to_numpy(dtype=float),
        density.to_numpy(dtype=float),
        kc.reindex(m.index).to_numpy(dtype=float),
        kp.reindex(m.columns).to_numpy(dtype=float),
        pci.reindex(m.columns).to_numpy(dtype=float),
        conventions,
    )
    return pd.Series(raw, index=m.index, name="coi")


def _cog_arr(
    mv: np.ndarray,
    phi: np.ndarray,
    d: np.ndarray,
    kc: np.ndarray,
    kp: np.ndarray,
    pci: np.ndarray,
    conventions: ComplexityConventions,
) -> np.ndarray:
    rowsum = phi.sum(axis=1)
    inv = np.where(rowsum > 0, 1.0 / np.where(rowsum > 0, rowsum, 1.0), 0.0)
    stata = conventions.cog_normalisation == "stata"
    w = np.nan_to_num(kp if stata else pci)
    y = phi * (w * inv)[:, None]
    # (1 - M) @ y = colsum(y) - M @ y  (one BLAS product)
    gain = mv @ y
    np.subtract(y.sum(axis=0)[None, :], gain, out=gain)
    if stata:
        sd = _sd(kc, mv.shape[1], conventions.sd)
        gain *= 1.0 / sd if sd > 0 else np.nan
    else:
        gain -= (1.0 - d) * w[None, :]
    gain *= 1.0 - mv
    return np.asarray(gain)


def calc_cog(
    m: pd.DataFrame,
    proximity: pd.DataFrame,
    density: pd.DataFrame,
    kc: pd.Series,
    kp: pd.Series,
    pci: pd.Series,
    conventions: ComplexityConventions = STATA,
) -> pd.DataFrame:
    """Complexity outlook gain (复杂度前景增益) of each absent region × industry cell.

    How much region c's COI would rise if it developed industry p (Hausmann et al. 2014).
    ``"stata"``: ``COG_cp = (1 - M_cp) sum_p' (1 - M_cp') phi_pp' / (sum_p'' phi_p'p'') kp_p'
    / sd(kc)`` (raw eigenvector, each neighbour's proximity normalised by the neighbour's total
    proximity; in units of ECI standard deviations). ``"atlas"`` adds ``- (1 - d_cp) PCI_p``
    and uses standardised PCI. Present cells (``M_cp = 1``) are 0.
    """
    gain = _cog_arr(
        m.to_numpy(dtype=float),
        proximity.loc[m.columns, m.columns].to_numpy(dtype=float),
        density.to_numpy(dtype=float),
        kc.reindex(m.index).to_numpy(dtype=float),
        kp.reindex(m.columns).to_numpy(dtype=float),
        pci.reindex(m.columns).to_numpy(dtype=float),
        conventions,
    )
    return pd.DataFrame(gain, index=m.index, columns=m.columns)


# ---------------------------------------------------------------------------------------------
# pipeline
# ---------------------------------------------------------------------------------------------


def calc_complexity(
    values: pd.DataFrame, conventions: ComplexityConventions = STATA
) -> ComplexityResult:
    """Full complexity pipeline on one period of region × industry values.

    Steps (Stata ``ecomplexity`` order): drop regions and industries whose total value is 0;
    RCA; M; diversity/ubiquity; ECI/PCI; proximity; density; COI; COG. See the module
    docstring for sources and :class:`ComplexityConventions` for the options. Works on NumPy
    arrays (float64, BLAS products, symmetric eigensolver) and builds the tables at the end.

    Parameters
    ----------
    values : DataFrame
        Regions as index, industries as columns, non-negative additive values (one period).
    conventions : ComplexityConventions
        Defaults reproduce the Growth Lab Stata command.

    Returns
    -------
    ComplexityResult
        ``regions`` (region, eci, coi, diversity), ``industries`` (industry, pci, ubiquity),
        ``cells`` (region, industry, rca, m, density, cog; region and industry as
        categoricals, row-major region × industry) and ``proximity``.
    """
    x = _as_array(values)
    keep_r = x.sum(axis=1) > 0
    keep_p = x.sum(axis=0) > 0
    if not keep_r.any() or not keep_p.any():
        raise ValueError("no region or no industry has a positive total value")
    index, columns = values.index[keep_r], values.columns[keep_p]
    if not (keep_r.all() and keep_p.all()):
        x = x[np.ix_(keep_r, keep_p)]
    rca = _rca_arr(x)
    mv = (rca >= conventions.rca_threshold).astype(float)
    diversity = mv.sum(axis=1)
    ubiquity = mv.sum(axis=0)
    eci, pci, kc, kp = _eci_pci_arr(mv, conventions)
    phi = _proximity_arr(mv, conventions.proximity_diagonal)
    density = _density_arr(mv, phi)
    coi = _coi_arr(mv, density, kc, kp, pci, conventions)
    cog = _cog_arr(mv, phi, density, kc, kp, pci, conventions)

    industry_name = values.columns.name or "industry"
    regions = pd.DataFrame(
        {"region": index, "eci": eci, "coi": coi, "diversity": diversity.astype(np.int64)}
    )
    industries = pd.DataFrame(
        {"industry": columns, "pci": pci, "ubiquity": ubiquity.astype(np.int64)}
    )
    n_c, n_p = x.shape
    region_codes = np.repeat(np.arange(n_c, dtype=np.int32), n_p)
    industry_codes = np.tile(np.arange(n_p, dtype=np.int32), n_c)
    cells = pd.DataFrame(
        {
            "region": pd.Categorical.from_codes(region_codes, categories=index),
            "industry": pd.Categorical.from_codes(industry_codes, categories=columns),
            "rca": rca.ravel(),
            "m": mv.ravel().astype(np.int8),
            "density": density.ravel(),
            "cog": cog.ravel(),
        },
        copy=False,
    )
    prox = pd.DataFrame(phi, index=columns, columns=columns)
    prox.index.name = industry_name
    prox.columns.name = industry_name
    return ComplexityResult(regions, industries, cells, prox, conventions)
