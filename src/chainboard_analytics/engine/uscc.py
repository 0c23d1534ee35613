"""USCC (统一社会信用代码, GB 32100-2015) region helpers as Ibis expressions.

A USCC has 18 characters: 1 registration authority, 1 organisation type, 6 region code
(行政区划码, GB/T 2260, characters 3-8), 9 organisation code, 1 check digit. The region part
is where the firm was registered; it is what the supply metrics use for firms that are not in
the registry (outside-region suppliers).

A home region is a 6-digit GB/T 2260 code: ``130000`` a province, ``130500`` a city,
``130528`` a county. A region code lies inside it when it starts with the home code's
non-zero prefix, taken in 2-digit levels (``130500`` → ``1305``; ``130000`` → ``13``).
"""

from __future__ import annotations

import re

import ibis
import ibis.expr.types as ir

_REGION_RE = re.compile(r"^\d{6}$")


def region_prefix(code: str) -> str:
    """Non-zero prefix of a 6-digit region code, by 2-digit levels.

    >>> region_prefix("130500"), region_prefix("130000"), region_prefix("130528")
    ('1305', '13', '130528')

    Raises
    ------
    ValueError
        ``code`` is not 6 digits, or is ``000000``.
    """
    code = str(code).strip()
    if not _REGION_RE.match(code):
        raise ValueError(f"region code {code!r}: expected 6 digits (GB/T 2260)")
    prefix = code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    if prefix == "00":
        raise ValueError("region code '000000' is not a region")
    return prefix


def province_code(code: str) -> str:
    """Two-digit province prefix of a region code (``130528`` → ``13``)."""
    return region_prefix(code)[:2]


def uscc_region(uscc: ir.StringValue) -> ir.StringValue:
    """Region code (characters 3-8) of a USCC column; null when the USCC is shorter than 8."""
    s = uscc.strip()
    return ibis.ifelse(s.length() >= 8, s.substr(2, 6), ibis.null(str))


def in_region(region: ir.StringValue, home_code: str) -> ir.BooleanValue:
    """Whether a region-code column lies inside ``home_code`` (null region → False)."""
    return region.startswith(region_prefix(home_code)).fill_null(False)


def in_province(region: ir.StringValue, home_code: str) -> ir.BooleanValue:
    """Whether a region-code column lies in the province of ``home_code`` (null → False)."""
    return region.startswith(province_code(home_code)).fill_null(False)
