"""Demo generator of realistic transaction (invoice-line) records.

Deterministic for a seed; writes Parquet in chunks with pyarrow so 10^8 lines never sit in
memory (peak ≈ one chunk). The trade structure:

* firm sizes are heavy-tailed (Pareto, α = 1.2): a few large firms carry most of the volume;
* every buyer has a small set of suppliers, most (≈ 80 %) in the previous stage of its own
  chain (upstream → midstream → downstream; service nodes sell to all), the rest anywhere;
* outside-region suppliers are added (≈ 30 % of firms: half elsewhere in the home province,
  half in other provinces), concentrated upstream, so some nodes depend on outside regions;
* ≈ 15 % of buyers are single-source (one supplier with ≥ 60 % of their purchases);
* line amounts are log-normal around the pair's mean, dates uniform over one year, ≈ 1 % of
  lines are red invoices (negative amounts) partially crediting earlier lines.

Inputs: a firms table (CSV/Parquet) with ``uscc`` and optionally ``chain_code``,
``node_code``, ``stage`` (upstream/midstream/downstream/service), ``region_code``,
``revenue_wan_yuan``, ``name``; without node columns, firms get synthetic chain nodes.
Outputs next to the transactions file: ``<stem>_firms.parquet`` and
``<stem>_firm_nodes.parquet`` (home firms + generated outside suppliers), ready for
``supply analyze --firms ... --firm-nodes ...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

STAGES = ("upstream", "midstream", "downstream", "service")
_PROVINCES = ("320500", "440300", "370200", "410100", "110108", "310115", "330200", "120116")


@dataclass(frozen=True)
class DemoNetwork:
    """Firms, node links and weighted supplier edges of the generated network."""

    firms: pd.DataFrame
    firm_nodes: pd.DataFrame
    edge_seller: np.ndarray
    edge_buyer: np.ndarray
    edge_weight: np.ndarray
    edge_category: np.ndarray


def _uscc(region: str, serial: int) -> str:
    return f"91{region}{serial:09d}X"


def synthetic_firms(n: int = 2000, *, home_region: str = "130500", seed: int = 0) -> pd.DataFrame:
    """Home-region firms with chain nodes, for when no registry extract is given."""
    rng = np.random.default_rng(seed)
    counties = [home_region[:4] + f"{c:02d}" for c in (2, 3, 21, 22, 23, 24, 25, 26, 27, 28)]
    chains = [f"C{i:02d}" for i in range(1, 6)]
    chain = rng.choice(chains, n)
    stage = rng.choice(STAGES, n, p=[0.3, 0.3, 0.3, 0.1])
    node = [f"{c}-{s[:2]}{rng.integers(1, 3)}" for c, s in zip(chain, stage, strict=True)]
    region = rng.choice(counties, n)
    return pd.DataFrame(
        {
            "uscc": [_uscc(r, i + 1) for i, r in enumerate(region)],
            "name": [f"示例企业{i + 1:05d}" for i in range(n)],
            "region_code": region,
            "chain_code": chain,
            "node_code": node,
            "stage": stage,
        }
    )


def build_network(
    firms: pd.DataFrame, *, home_region: str = "130500", seed: int = 0
) -> DemoNetwork:
    """Draw outside suppliers, firm sizes and each buyer's suppliers (deterministic)."""
    rng = np.random.default_rng(seed)
    f = firms.copy()
    f["uscc"] = f["uscc"].astype(str)
    if "chain_code" not in f.columns or "node_code" not in f.columns:
        syn = synthetic_firms(len(f), home_region=home_region, seed=seed)
        for col in ("chain_code", "node_code", "stage"):
            f[col] = syn[col].to_numpy()
    if "stage" not in f.columns:
        f["stage"] = rng.choice(STAGES[:3], len(f))
    if "region_code" not in f.columns:
        f["region_code"] = f["uscc"].str[2:8]
    f = f.drop_duplicates("uscc").reset_index(drop=True)

    # outside-region suppliers, mostly upstream, in existing chain nodes
    n_out = max(3, int(0.3 * len(f)))
    up = f[f["stage"].isin(["upstream", "midstream"])]
    up = up if len(up) else f
    pick = up.sample(n_out, replace=True, random_state=seed)
    half = n_out // 2
    province = home_region[:2]
    out_regions = [
        f"{province}{rng.integers(1, 11):02d}{rng.integers(1, 30):02d}" for _ in range(half)
    ]
    out_regions += list(rng.choice(_PROVINCES, n_out - half))
    out = pd.DataFrame(
        {
            "uscc": [_uscc(r, 500_000_000 + i) for i, r in enumerate(out_regions)],
            "name": [f"外地供应商{i + 1:05d}" for i in range(n_out)],
            "region_code": out_regions,
            "chain_code": pick["chain_code"].to_numpy(),
            "node_code": pick["node_code"].to_numpy(),
            "stage": pick["stage"].to_numpy(),
        }
    )
    out = out[~out["region_code"].str.startswith(home_region[:4])]
    allf = pd.concat([f, out], ignore_index=True).drop_duplicates("uscc").reset_index(drop=True)
    n = len(allf)
    size = (rng.pareto(1.2, n) + 1) * 100.0  # 万元 scale, heavy tail
    allf["revenue_wan_yuan"] = np.round(
        allf["revenue_wan_yuan"].fillna(pd.Series(size)) if "revenue_wan_yuan" in allf else size, 2
    )
    stage_idx = allf["stage"].map({s: i for i, s in enumerate(STAGES)}).fillna(1).to_numpy(int)
    chain = allf["chain_code"].to_numpy()
    node = allf["node_code"].astype(str).to_numpy()
    is_home = allf["region_code"].astype(str).str.startswith(home_region[:4]).to_numpy()

    by_key: dict[tuple[str, int], np.ndarray] = {}
    for key, idx in allf.groupby([chain, stage_idx]).indices.items():
        by_key[(str(key[0]), int(key[1]))] = np.asarray(idx)
    services = np.flatnonzero(stage_idx == 3)
    sellers, buyers, weights = [], [], []
    for b in np.flatnonzero(is_home):
        st = stage_idx[b]
        prev = by_key.get((str(chain[b]), st - 1)) if 0 < st < 3 else None
        pool_chain = prev if prev is not None and len(prev) else by_key.get((str(chain[b]), st))
        k = 1 if rng.random() < 0.12 else int(min(15, 3 + rng.geometric(0.25)))
        chosen: list[int] = []
        n_chain = int(rng.binomial(k, 0.8)) if pool_chain is not None and len(pool_chain) else 0
        if n_chain and pool_chain is not None:
            p = np.sqrt(size[pool_chain])
            m = min(n_chain, len(pool_chain))
            chosen += rng.choice(pool_chain, m, replace=False, p=p / p.sum()).tolist()
        for _ in range(k - n_chain):
            if len(services) and rng.random() < 0.3:
                chosen.append(int(rng.choice(services)))
            else:
                chosen.append(int(rng.integers(0, n)))
        chosen = [c for c in dict.fromkeys(chosen) if c != b]
        if not chosen:
            continue
        share = rng.dirichlet(np.ones(len(chosen)) * 2.5)
        if k == 1 or len(chosen) == 1:
            share = np.array([1.0])
        elif rng.random() < 0.1:
            share = np.r_[0.7, share[1:] / share[1:].sum() * 0.3]
        for c, s in zip(chosen, share, strict=True):
            sellers.append(c)
            buyers.append(b)
            weights.append(s * size[b])
    w = np.asarray(weights, float)
    firms_out = allf[["uscc", "name", "region_code", "revenue_wan_yuan"]].copy()
    nodes_out = allf[["uscc", "chain_code", "node_code"]].copy()
    nodes_out["capacity_wan_yuan"] = np.round(size * 1.2, 2)
    return DemoNetwork(
        firms=firms_out,
        firm_nodes=nodes_out,
        edge_seller=np.asarray(sellers, np.int64),
        edge_buyer=np.asarray(buyers, np.int64),
        edge_weight=w / w.sum(),
        edge_category=node[np.asarray(sellers, np.int64)],
    )


def generate_transactions(
    out: str | Path,
    *,
    size: int,
    firms: pd.DataFrame | None = None,
    home_region: str = "130500",
    seed: int = 20261101,
    chunk_rows: int = 2_000_000,
    year: int = 2025,
    total_wan_yuan: float | None = None,
) -> Path:
    """Write ``size`` transaction lines to the Parquet file ``out`` (chunked).

    Parameters
    ----------
    out
        Parquet file to write; the firm tables go next to it.
    size
        Number of lines (10^5 demo, 10^8 benchmarks).
    firms
        Registry firms (see module docstring); synthetic firms when ``None``.
    home_region
        Home region (city) code; outside suppliers are drawn outside it.
    seed
        Random seed: same inputs and seed → same file.
    chunk_rows
        Lines per Parquet row group (peak memory ~ 100 bytes × chunk_rows).
    total_wan_yuan
        Approximate total amount (default: 30 % of the firms' total revenue).
    """
    if size < 1:
        raise ValueError("size must be >= 1")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if firms is None:
        firms = synthetic_firms(home_region=home_region, seed=seed)
    net = build_network(firms, home_region=home_region, seed=seed)
    stem = out.with_suffix("")
    pq.write_table(pa.Table.from_pandas(net.firms, preserve_index=False), f"{stem}_firms.parquet")
    pq.write_table(
        pa.Table.from_pandas(net.firm_nodes, preserve_index=False), f"{stem}_firm_nodes.parquet"
    )
    uscc = pa.array(net.firms["uscc"].astype(str).tolist(), pa.string())
    cats = pd.Index(pd.unique(net.edge_category))
    cat_dict = pa.array(cats.astype(str).tolist(), pa.string())
    edge_cat = cats.get_indexer(net.edge_category)
    cdf = np.cumsum(net.edge_weight)
    cdf[-1] = 1.0
    total = total_wan_yuan or 0.3 * float(net.firms["revenue_wan_yuan"].sum())
    mean_line = total / size
    start = np.datetime64(f"{year}-01-01").astype("datetime64[D]").astype(np.int32)
    schema = pa.schema(
        [
            ("seller_uscc", pa.string()),
            ("buyer_uscc", pa.string()),
            ("date", pa.date32()),
            ("amount", pa.float64()),
            ("category", pa.string()),
        ]
    )
    rng = np.random.default_rng(seed + 1)
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        done = 0
        while done < size:
            m = min(chunk_rows, size - done)
            e = np.searchsorted(cdf, rng.random(m), side="right")
            e = np.minimum(e, len(cdf) - 1)
            amount = np.round(mean_line * rng.lognormal(-0.5, 1.0, m), 4)
            red = rng.random(m) < 0.01
            amount[red] *= -0.3
            days = (start + rng.integers(0, 365, m)).astype(np.int32)
            batch = pa.record_batch(
                [
                    uscc.take(pa.array(net.edge_seller[e])),
                    uscc.take(pa.array(net.edge_buyer[e])),
                    pa.array(days, pa.int32()).cast(pa.date32()),
                    pa.array(amount),
                    cat_dict.take(pa.array(edge_cat[e])),
                ],
                schema=schema,
            )
            writer.write_batch(batch, row_group_size=m)
            done += m
    return out
