"""Deterministic synthetic county × industry panel (SAMPLE DATA, not statistics).

Gives the demo city a province-wide context (e.g. all Hebei counties) so that complexity
measures mean something. The generator follows the stylised facts the complexity literature
builds on (Hidalgo & Hausmann 2009; Bustos et al. 2012, "The dynamics of nestedness predicts
the evolution of industrial ecosystems", PLoS ONE 7(11)):

- county size is heavy-tailed (log-normal, σ = 0.8);
- each county has a capability level and each industry a sophistication level; a county has an
  industry with a probability that falls with the gap between them (a nested matrix);
- present cells have log-normal revenue (σ = 1.0), industry scale log-normal (σ = 0.9);
- ``specialities`` (e.g. 沙河市 glass 3041/3042) are dominant clusters, each 10-25 % of the
  county's revenue (60 % at most together), which gives them high location quotients, as real
  county clusters have;
- industries that are some county's speciality are 4 times smaller elsewhere (concentration);
- years grow by an industry trend (mean 6 %/year) plus county-industry noise.

Values are revenue in 万元 (营业收入). Every random draw is seeded from ``seed`` and the region
code, so a county's numbers do not change when other counties are added or reordered.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["DEMO_INDUSTRIES", "HEBEI_SPECIALITIES", "generate_demo_panel"]

#: A manufacturing subset of GB/T 4754-2017 classes (code -> name) for the demo.
DEMO_INDUSTRIES: dict[str, str] = {
    "1311": "稻谷加工",
    "1312": "小麦加工",
    "1351": "牲畜屠宰",
    "1391": "淀粉及淀粉制品制造",
    "1411": "糕点、面包制造",
    "1419": "饼干及其他焙烤食品制造",
    "1431": "米、面制品制造",
    "1432": "速冻食品制造",
    "1461": "味精制造",
    "1469": "其他调味品、发酵制品制造",
    "1512": "白酒制造",
    "1711": "棉纺纱加工",
    "1721": "毛条和毛纱线加工",
    "1722": "毛织造加工",
    "1723": "毛染整精加工",
    "1819": "其他机织服装制造",
    "2221": "机制纸及纸板制造",
    "2614": "有机化学原料制造",
    "2651": "初级形态塑料及合成树脂制造",
    "2710": "化学药品原料药制造",
    "2720": "化学药品制剂制造",
    "2911": "轮胎制造",
    "2922": "塑料板、管、型材制造",
    "3011": "水泥制造",
    "3021": "水泥制品制造",
    "3041": "平板玻璃制造",
    "3042": "特种玻璃制造",
    "3049": "其他玻璃制造",
    "3110": "炼铁",
    "3120": "炼钢",
    "3130": "钢压延加工",
    "3216": "铝冶炼",
    "3311": "金属结构制造",
    "3340": "金属丝绳及其制品制造",
    "3451": "滚动轴承制造",
    "3452": "滑动轴承制造",
    "3511": "矿山机械制造",
    "3611": "汽柴油车整车制造",
    "3670": "汽车零部件及配件制造",
    "3761": "自行车制造",
    "3770": "助动车制造",
    "3811": "发电机及发电机组制造",
    "3825": "光伏设备及元器件制造",
    "3831": "电线、电缆制造",
    "3832": "光纤制造",
    "3841": "锂离子电池制造",
    "3912": "计算机零部件制造",
    "4011": "工业自动控制系统装置制造",
}

#: Known county specialities in Hebei (by county name; codes are GB/T 4754 classes or prefixes).
HEBEI_SPECIALITIES: dict[str, tuple[str, ...]] = {
    "沙河市": ("3041", "3042"),
    "清河县": ("1721", "1722", "1723"),
    "宁晋县": ("3831",),
    "平乡县": ("3761", "3770"),
    "临西县": ("3451", "3452"),
    "隆尧县": ("14",),
}


def _rng(seed: int, *keys: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(k.encode("utf-8")) for k in keys)])


def _matches(code: str, patterns: Iterable[str]) -> bool:
    return any(code.startswith(p) for p in patterns)


def generate_demo_panel(
    regions: Sequence[tuple[str, str]],
    industries: Sequence[str] | None = None,
    *,
    specialities: Mapping[str, Iterable[str]] | None = None,
    years: Sequence[int] = (2019, 2020, 2021, 2022, 2023),
    seed: int = 20240601,
) -> pd.DataFrame:
    """Generate a long synthetic panel ``region, region_name, industry, year, value`` (万元).

    Parameters
    ----------
    regions : sequence of (region_code, region_name)
        E.g. all counties of a province (GB/T 2260 codes).
    industries : sequence of str, optional
        GB/T 4754 class codes; default :data:`DEMO_INDUSTRIES`.
    specialities : mapping, optional
        Region code *or* name -> industry codes or code prefixes (``"14"`` = all 14xx);
        default :data:`HEBEI_SPECIALITIES` (matched by name).
    years : sequence of int
        Years to generate (consecutive or not).
    seed : int
        Master seed; same inputs -> identical output.

    Returns
    -------
    DataFrame
        Only cells with positive value, rounded to 0.1 万元. It is sample data: say so in the UI.
    """
    codes = list(industries) if industries is not None else list(DEMO_INDUSTRIES)
    if not codes or not regions:
        raise ValueError("need at least one region and one industry")
    spec = HEBEI_SPECIALITIES if specialities is None else specialities
    years = sorted(int(y) for y in years)
    # industry-level draws depend only on the industry code
    ind_scale = np.array([_rng(seed, "scale", c).lognormal(0.0, 0.9) for c in codes])
    ind_level = np.array([_rng(seed, "level", c).uniform(0.0, 1.0) for c in codes])
    ind_trend = np.array([_rng(seed, "trend", c).normal(0.06, 0.04) for c in codes])
    # industries that are somebody's speciality are concentrated: smaller elsewhere
    all_patterns = [p for pats in spec.values() for p in pats]
    clustered = np.array([_matches(c, all_patterns) for c in codes], dtype=bool)
    rows: list[tuple[str, str, str, int, float]] = []
    for code, name in regions:
        rng = _rng(seed, "region", str(code))
        size = rng.lognormal(np.log(3.0e5), 0.8)  # total revenue scale, 万元
        capability = rng.beta(2.0, 2.0)
        # nested presence: probability falls with sophistication above capability
        gap = ind_level - capability
        p_present = 1.0 / (1.0 + np.exp(8.0 * gap - 0.5))
        present = rng.random(len(codes)) < p_present
        own = tuple(spec.get(str(code), ())) + tuple(spec.get(str(name), ()))
        special = np.array([_matches(c, own) for c in codes], dtype=bool)
        present |= special
        if not present.any():
            present[int(np.argmin(ind_level))] = True
        base = ind_scale * rng.lognormal(0.0, 1.0, len(codes))
        base = np.where(present & ~special, base, 0.0)
        base = np.where(clustered, 0.25 * base, base)
        # a speciality is a dominant cluster: 10-25 % of the county's revenue each, 60 % at most
        shares = np.where(special, rng.uniform(0.10, 0.25, len(codes)), 0.0)
        if shares.sum() > 0.6:
            shares *= 0.6 / shares.sum()
        rest = base.sum()
        base = size * (shares + (1.0 - shares.sum()) * (base / rest if rest > 0 else 0.0))
        level = base.copy()
        prev_year = years[0]
        for year in years:
            steps = year - prev_year
            for _ in range(steps):
                growth = ind_trend + rng.normal(0.0, 0.08, len(codes))
                level = level * np.exp(growth)
            prev_year = year
            for j in np.flatnonzero(level > 0):
                rows.append((str(code), str(name), codes[j], year, round(float(level[j]), 1)))
    out = pd.DataFrame(rows, columns=["region", "region_name", "industry", "year", "value"])
    return out[out["value"] > 0].reset_index(drop=True)
