"""Command line: ``chainboard strategy <command> ...`` (argv here excludes the word "strategy").

Commands::

    complexity  --input FILE --out DIR [--year Y] [--proximity-diagonal zero|one] [--sd ...]
                writes eci.csv (region, eci, coi, diversity), pci.csv (industry, pci, ubiquity),
                density.csv (region, industry, rca, m, density, cog); Stata conventions by default
    lq          --input FILE --out DIR [--year Y]              writes lq.csv
    shift-share --input FILE --out DIR --base Y0 --end Y1 [--dynamic]
                writes shift_share.csv (region × industry) and shift_share_regions.csv
    io          --input IO.csv|xlsx --out DIR [--forward ghosh|leontief] [--projects FILE]
                writes leontief.csv, linkages.csv and, with --projects (long project, sector,
                amount[, kind]), impacts.csv

``FILE`` is the long ``region, industry, year, value`` table (.csv or .xlsx). Exit status 0 on
success, 2 on invalid input (every located error printed to stderr, no file written).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from chainboard_analytics.strategy.complexity import ComplexityConventions, calc_complexity
from chainboard_analytics.strategy.input_output import (
    calc_allocation_coefficients,
    calc_ghosh_inverse,
    calc_key_sectors,
    calc_leontief_inverse,
    calc_linkages,
    calc_output_multipliers,
    calc_project_impact,
    calc_technical_coefficients,
)
from chainboard_analytics.strategy.io_tables import read_io_table
from chainboard_analytics.strategy.long_table import (
    TableValidationError,
    pivot_long_table,
    read_long_table,
)
from chainboard_analytics.strategy.shift_share import (
    calc_shift_share,
    calc_shift_share_dynamic,
    summarise_shift_share,
)
from chainboard_analytics.strategy.specialisation import calc_location_quotient

__all__ = ["main"]


def _write_all(out: Path, frames: dict[str, pd.DataFrame]) -> None:
    """Write every CSV to a temporary file first, then rename: all files or none."""
    out.mkdir(parents=True, exist_ok=True)
    tmp_paths = []
    try:
        for name, frame in frames.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=out)
            os.close(fd)
            frame.to_csv(tmp, index=False, float_format="%.15g")
            tmp_paths.append((tmp, out / name))
    except BaseException:
        for tmp, _ in tmp_paths:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, final in tmp_paths:
        os.replace(tmp, final)


def _cmd_complexity(args: argparse.Namespace) -> dict[str, pd.DataFrame]:
    long = read_long_table(args.input)
    wide = pivot_long_table(long, args.year)
    conv = ComplexityConventions(
        proximity_diagonal=args.proximity_diagonal,
        sd=args.sd,
        standardisation=args.standardisation,
        cog_normalisation=args.cog_normalisation,
        coi_normalisation=args.coi_normalisation,
    )
    result = calc_complexity(wide, conv)
    return {
        "eci.csv": result.regions[["region", "eci", "coi", "diversity"]],
        "pci.csv": result.industries[["industry", "pci", "ubiquity"]],
        "density.csv": result.cells[["region", "industry", "rca", "m", "density", "cog"]],
    }


def _cmd_lq(args: argparse.Namespace) -> dict[str, pd.DataFrame]:
    wide = pivot_long_table(read_long_table(args.input), args.year)
    lq = calc_location_quotient(wide)
    out = wide.stack().rename("value").to_frame().join(lq.stack().rename("lq"))
    return {"lq.csv": out.reset_index()}


def _cmd_shift_share(args: argparse.Namespace) -> dict[str, pd.DataFrame]:
    long = read_long_table(args.input)
    if args.dynamic:
        span = long[(long.year >= args.base) & (long.year <= args.end)]
        detail = calc_shift_share_dynamic(span)
    else:
        detail = calc_shift_share(
            pivot_long_table(long, args.base), pivot_long_table(long, args.end)
        )
    return {"shift_share.csv": detail, "shift_share_regions.csv": summarise_shift_share(detail)}


def _cmd_io(args: argparse.Namespace) -> dict[str, pd.DataFrame]:
    table = read_io_table(args.input)
    a = calc_technical_coefficients(table.z, table.x)
    leontief = calc_leontief_inverse(a)
    ghosh = calc_ghosh_inverse(calc_allocation_coefficients(table.z, table.x))
    link = calc_linkages(leontief, ghosh, forward=args.forward)
    link.insert(0, "output_multiplier", calc_output_multipliers(leontief))
    link["sector_class"] = calc_key_sectors(link)
    link.insert(0, "sector_name", table.names)
    frames = {
        "leontief.csv": leontief.reset_index(),
        "linkages.csv": link.reset_index(),
    }
    if args.projects:
        proj = pd.read_csv(args.projects, dtype={"sector": str})
        missing = {"project", "sector", "amount"} - set(proj.columns)
        if missing:
            raise ValueError(f"{args.projects}: missing columns {sorted(missing)}")
        kinds = proj["kind"] if "kind" in proj.columns else pd.Series("final_demand", proj.index)
        impacts = []
        for kind, part in proj.groupby(kinds):
            shocks = part.pivot_table(
                index="sector", columns="project", values="amount", aggfunc="sum"
            ).fillna(0.0)
            imp = calc_project_impact(a, shocks, kind=kind, leontief=leontief)
            impacts.append(imp.stack().rename("output_change").reset_index())
        frames["impacts.csv"] = pd.concat(impacts, ignore_index=True)[
            ["project", "sector", "output_change"]
        ]
    return frames


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chainboard strategy", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("complexity", help="ECI, PCI, density, COI, COG (Stata conventions)")
    c.add_argument("--input", required=True, type=Path)
    c.add_argument("--out", required=True, type=Path)
    c.add_argument("--year", type=int, default=None, help="default: latest year in the file")
    c.add_argument("--proximity-diagonal", choices=["zero", "one"], default="zero")
    c.add_argument("--sd", choices=["stata", "population", "sample"], default="stata")
    c.add_argument("--standardisation", choices=["stata", "separate"], default="stata")
    c.add_argument("--cog-normalisation", choices=["stata", "atlas"], default="stata")
    c.add_argument("--coi-normalisation", choices=["stata", "atlas"], default="stata")
    c.set_defaults(func=_cmd_complexity)

    lq = sub.add_parser("lq", help="location quotients 区位熵")
    lq.add_argument("--input", required=True, type=Path)
    lq.add_argument("--out", required=True, type=Path)
    lq.add_argument("--year", type=int, default=None)
    lq.set_defaults(func=_cmd_lq)

    s = sub.add_parser("shift-share", help="shift-share decomposition 偏离-份额分析")
    s.add_argument("--input", required=True, type=Path)
    s.add_argument("--out", required=True, type=Path)
    s.add_argument("--base", required=True, type=int)
    s.add_argument("--end", required=True, type=int)
    s.add_argument("--dynamic", action="store_true", help="Barff & Knight (1988) yearly sums")
    s.set_defaults(func=_cmd_shift_share)

    io = sub.add_parser("io", help="Leontief inverse, multipliers, linkages, project impacts")
    io.add_argument("--input", required=True, type=Path)
    io.add_argument("--out", required=True, type=Path)
    io.add_argument("--forward", choices=["ghosh", "leontief"], default="ghosh")
    io.add_argument("--projects", type=Path, default=None)
    io.set_defaults(func=_cmd_io)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run a strategy command; ``argv`` excludes the word ``strategy``. Returns the exit code."""
    args = _parser().parse_args(list(argv) if argv is not None else None)
    try:
        frames = args.func(args)
    except TableValidationError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _write_all(args.out, frames)
    for name in frames:
        print(args.out / name)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
