"""The sample IO table shipped with the app (示例数据, see ``data/README.md``) and its sectors'
GB/T 4754-2017 divisions, used by the strategy page's key-sector table."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from chainboard_analytics.strategy import input_output as io
from chainboard_analytics.strategy.io_tables import read_io_table

SAMPLE_IO_PATH = Path(__file__).resolve().parent / "data" / "hebei_io_sample.csv"
SAMPLE_IO_LABEL = "河北省15部门投入产出表（合成示例）"

#: IO sector → GB/T 4754-2017 divisions (two-digit prefixes of the 4-digit classes).
SECTOR_DIVISIONS: dict[str, tuple[str, ...]] = {
    "01": ("01", "02", "03", "04", "05"),
    "02": ("06", "07", "08", "09", "10", "11", "12"),
    "03": ("13", "14", "15", "16"),
    "04": ("17", "18", "19"),
    "05": ("25", "26", "27", "28", "29"),
    "06": ("30",),
    "07": ("31", "32"),
    "08": ("33",),
    "09": ("34", "35"),
    "10": ("36", "37"),
    "11": ("38",),
    "12": ("39", "40"),
    "13": ("44", "45", "46"),
    "14": ("47", "48", "49", "50"),
}
OTHER_SECTOR = "15"  # services and everything else


def sector_of(industry_code: str) -> str:
    division = industry_code[:2]
    for sector, divisions in SECTOR_DIVISIONS.items():
        if division in divisions:
            return sector
    return OTHER_SECTOR


@cache
def sample_key_sectors() -> pd.DataFrame:
    """Key-sector table of the sample IO table (computed once per process; the file is fixed).

    Columns: ``sector, name, output, multiplier, backward, forward, sector_class`` (see
    :mod:`chainboard_analytics.strategy.input_output` for the formulas).
    """
    table = read_io_table(SAMPLE_IO_PATH)
    a = io.calc_technical_coefficients(table.z, table.x)
    leontief = io.calc_leontief_inverse(a)
    ghosh = io.calc_ghosh_inverse(io.calc_allocation_coefficients(table.z, table.x))
    links = io.calc_linkages(leontief, ghosh, forward="ghosh")
    out = pd.DataFrame(
        {
            "sector": links.index.astype(str),
            "name": table.names.reindex(links.index).to_numpy(),
            "output": table.x.reindex(links.index).to_numpy(),
            "multiplier": io.calc_output_multipliers(leontief).reindex(links.index).to_numpy(),
            "backward": links["backward"].to_numpy(),
            "forward": links["forward"].to_numpy(),
            "sector_class": io.calc_key_sectors(links).to_numpy(),
        }
    )
    return out.reset_index(drop=True)
