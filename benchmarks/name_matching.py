"""Benchmark for issue #14: matching a 5,000-name list against 100,000 registry firm names.

The pure matcher ``chainboard.imports.names.NameIndex`` (no database): build the index of the
firms (exact key, core key, two-character sequences) and match every name of the list. Target:
under 10 s for both together.

Names are synthetic but shaped like 河北 registry names: a region in front (or none), a two-
character brand, an industry word, a legal form — so many firms share bigrams (电缆, 机械 …),
which is the hard case for the fuzzy step. The list mixes 40% names written differently
(county in front or in brackets, 有限责任公司 for 有限公司, full-width spaces), 40% with a
character changed or dropped (fuzzy), 20% firms not in the registry.

Figures are printed as ratios against baselines run in the same process (machines are noisy):
- floor: a Python dict of the 100,000 names built and probed with the 5,000 names (no
  normalising, no fuzzy step);
- naive: ``rapidfuzz.process.extract`` of each name against all 100,000 names (timed on
  ``--naive`` names and extrapolated to the whole list), what one would write without an index.

Usage:  .venv/bin/python benchmarks/name_matching.py [--firms 100000] [--names 5000] [--naive 100]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

REGIONS = [
    "河北省", "邢台市", "宁晋县", "清河县", "沙河市", "平乡县", "临西县", "隆尧县", "南和区",
    "信都区", "襄都区", "任泽区", "内丘县", "柏乡县", "巨鹿县", "新河县", "广宗县", "威县",
]  # fmt: skip
BRAND = "华通达盛源鑫隆兴丰泰瑞德恒昌利金宏远博新创佳晶明辉安宇正鼎诚海天宝龙凯祥永嘉富众汇"
INDUSTRY = [
    "电线电缆", "线缆", "玻璃制品", "轴承", "羊绒制品", "自行车", "食品", "机械制造", "新材料",
    "精密铸造", "汽车配件", "钢结构", "化工", "纺织", "包装材料", "光电科技", "环保设备",
    "电气设备", "泵业", "密封件", "橡胶制品", "塑料制品", "五金工具", "农业机械", "医疗器械",
    "家具", "建材", "耐火材料", "铝业", "铜业", "服装", "童车", "锂电", "光伏科技", "生物科技",
]  # fmt: skip
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "科技有限公司"]


def registry_names(n: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    prefixes = ["", *[r.removesuffix("县").removesuffix("市").removesuffix("区") for r in REGIONS]]
    while len(names) < n:
        brand = "".join(rng.sample(BRAND, 2))
        names.add(rng.choice(prefixes) + brand + rng.choice(INDUSTRY) + rng.choice(FORMS))
    return sorted(names)


def list_names(registry: list[str], n: int, rng: random.Random) -> list[tuple[str, int | None]]:
    """List names and the registry index each was made from (None: not registered)."""
    known = set(registry)
    out: list[tuple[str, int | None]] = []
    for i in range(n):
        truth: int | None = rng.randrange(len(registry))
        name = registry[truth]
        kind = i % 5
        if kind in (0, 1):  # written differently
            name = name.replace("有限公司", "有限责任公司") if kind == 0 else name
            name = rng.choice(["宁晋县", "（宁晋）", "", "河北省"]) + name.replace(" ", "\u3000")
        elif kind in (2, 3):  # one character changed or dropped
            pos = rng.randrange(len(name))
            if kind == 2:
                name = name[:pos] + rng.choice(BRAND) + name[pos + 1 :]
            else:
                name = name[:pos] + name[pos + 1 :]
        else:  # not registered
            truth = None
            while name in known:
                name = "".join(rng.sample(BRAND, 3)) + rng.choice(INDUSTRY) + "厂"
        out.append((name, truth))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=100_000)
    ap.add_argument("--names", type=int, default=5_000)
    ap.add_argument("--naive", type=int, default=100)
    args = ap.parse_args()

    from rapidfuzz import fuzz, process

    from chainboard.imports.names import Firm, NameIndex

    rng = random.Random(14)
    registry = registry_names(args.firms, rng)
    listed = list_names(registry, args.names, rng)
    wanted = [name for name, _ in listed]
    print(f"{len(registry):,} registry names, {len(wanted):,} list names")

    start = time.perf_counter()
    floor = {name: i for i, name in enumerate(registry)}
    hits = sum(1 for name in wanted if name in floor)
    t_floor = time.perf_counter() - start
    print(f"floor (dict of raw names, {hits} hits): {t_floor * 1000:.1f} ms")

    cpu = time.process_time()
    start = time.perf_counter()
    index = NameIndex(
        (Firm(i, name) for i, name in enumerate(registry)),
        regions=REGIONS,
    )
    t_build = time.perf_counter() - start
    start = time.perf_counter()
    matches = index.match_many(wanted)
    t_match = time.perf_counter() - start
    t_cpu = time.process_time() - cpu
    total = t_build + t_match
    statuses = Counter(m.status.value for m in matches)
    print(
        f"NameIndex: build {t_build:.2f} s + match {t_match:.2f} s = {total:.2f} s "
        f"({len(wanted) / t_match:,.0f} names/s); {dict(statuses)}"
    )
    print(
        f"  target < 10 s: {'met' if total < 10 else 'NOT met'} (CPU time of this process {t_cpu:.2f} s)"
    )
    for label, kinds in (("written differently", (0, 1)), ("one character off", (2, 3))):
        rows = [
            (m, t)
            for i, (m, (_, t)) in enumerate(zip(matches, listed, strict=True))
            if i % 5 in kinds
        ]
        right = sum(1 for m, t in rows if m.firm == t)
        among = sum(1 for m, t in rows if any(c.firm == t for c in m.candidates))
        wrong = sum(1 for m, t in rows if m.firm is not None and m.firm != t)
        print(
            f"  {label}: {len(rows)} names, confirmed right {right}, confirmed wrong {wrong}, "
            f"true firm among candidates {among} ({among / len(rows):.1%})"
        )
    absent = [m for i, m in enumerate(matches) if i % 5 == 4]
    print(
        f"  not registered: {len(absent)} names, confirmed {sum(m.firm is not None for m in absent)}"
    )
    print(f"  ratio to floor: {total / t_floor:,.0f}x")

    sample = wanted[: args.naive]
    start = time.perf_counter()
    for name in sample:
        process.extract(name, registry, scorer=fuzz.WRatio, limit=5, score_cutoff=70)
    t_naive = (time.perf_counter() - start) * len(wanted) / len(sample)
    print(
        f"naive full scan (rapidfuzz.extract against every name, {len(sample)} names "
        f"extrapolated): {t_naive:.1f} s → NameIndex is {t_naive / total:.1f}x faster"
    )


if __name__ == "__main__":
    main()
