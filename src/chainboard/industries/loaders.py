"""Load GB/T 4754-2017 国民经济行业分类 from the bundled CSV.

Source: GB/T 4754—2017《国民经济行业分类》(NBS; issued 2017-06-30, in force 2017-10-01),
compiled and cross-checked from public transcriptions (see ``data/README.md`` for the sources,
the 1,381 vs 1,380 class-count doubt and the unapplied 第1号修改单).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).with_name("data") / "gbt4754-2017.csv"


def read_codes() -> list[dict[str, str]]:
    with DATA_FILE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_industry_codes(model: Any) -> int:
    existing = set(model.objects.values_list("code", flat=True))
    rows = [
        model(code=r["code"], level=int(r["level"]), name=r["name"], parent_id=r["parent"] or None)
        for r in read_codes()
        if r["code"] not in existing
    ]
    model.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
