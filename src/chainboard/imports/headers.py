"""Find the header in a sheet people made, and match its titles (with units) to a template.

Real government sheets are not templates: a merged title row (``2025年宁晋县规模以上工业企业
名录``), a ``填报单位：… 填报日期：…`` line, the header on row 3 (sometimes two rows, a merged
group title above the column titles), a ``序号`` column, extra columns (``法定代表人``), a
``合计`` row and a ``注：…`` row under the data, and units written into the titles
(``营业收入（亿元）``, ``用地面积（平方米）``). This module, pure Python without Django, decides:

- which of the first :data:`HEADER_SCAN_ROWS` rows is the header (the row whose cells match the
  most known column titles; a row pair is joined when the row above holds group titles);
- which rows under it are data, and why the others are skipped (blank, 合计/小计/总计,
  注/说明/填表说明, a repeated header);
- for every file column, the template column it fills and the factor that converts its unit to
  the template's (``营业收入（亿元）`` → ``营业收入(万元)`` × 10000), or an error naming the
  column when the unit is unknown or of another kind (never a silent ignore).

Unit factors are exact: 1 公顷 = 15 亩 and 1 亩 = 10000/15 m² (市制 亩, 《国务院关于在我国统一
实行法定计量单位的命令》1984-02-27 keeps 亩 as a permitted local unit at 1/15 公顷); 1 千瓦时 =
1 度; 标准煤 units are multiples of the 吨 (tce).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

HEADER_SCAN_ROWS = 20

# unit families: every unit's factor to the family's base unit (exact fractions)
UNIT_FAMILIES: dict[str, dict[str, Fraction]] = {
    "金额": {
        "元": Fraction(1),
        "人民币元": Fraction(1),
        "千元": Fraction(1000),
        "万元": Fraction(10_000),
        "百万元": Fraction(1_000_000),
        "亿元": Fraction(100_000_000),
    },
    "面积": {
        "平方米": Fraction(1),
        "m2": Fraction(1),
        "m²": Fraction(1),
        "㎡": Fraction(1),
        "亩": Fraction(10_000, 15),
        "公顷": Fraction(10_000),
        "平方公里": Fraction(1_000_000),
        "km2": Fraction(1_000_000),
    },
    "能耗": {
        "千克标准煤": Fraction(1, 1000),
        "kgce": Fraction(1, 1000),
        "吨标准煤": Fraction(1),
        "吨标煤": Fraction(1),
        "tce": Fraction(1),
        "万吨标准煤": Fraction(10_000),
        "万吨标煤": Fraction(10_000),
    },
    "重量": {
        "千克": Fraction(1, 1000),
        "公斤": Fraction(1, 1000),
        "kg": Fraction(1, 1000),
        "吨": Fraction(1),
        "t": Fraction(1),
        "万吨": Fraction(10_000),
    },
    "电量": {
        "千瓦时": Fraction(1),
        "度": Fraction(1),
        "kwh": Fraction(1),
        "kw·h": Fraction(1),
        "kw.h": Fraction(1),
        "兆瓦时": Fraction(1000),
        "mwh": Fraction(1000),
        "万千瓦时": Fraction(10_000),
        "万度": Fraction(10_000),
        "亿千瓦时": Fraction(100_000_000),
    },
    "人数": {"人": Fraction(1), "名": Fraction(1), "万人": Fraction(10_000)},
    # units of the tier inputs (梯度培育指标): nothing to convert, but a title in another unit
    # (资产负债率（‰）) is an error naming the column instead of an ignored column
    "百分比": {"%": Fraction(1)},
    "件数": {"件": Fraction(1), "项": Fraction(1)},
    "年数": {"年": Fraction(1)},
    "分值": {"分": Fraction(1)},
}
UNIT_FAMILY = {unit: family for family, units in UNIT_FAMILIES.items() for unit in units}

# a unit written at the end of a title: (万元) [万元] 【万元】, or after a slash: 营业收入/万元
_UNIT_SUFFIX = re.compile(r"^(?P<base>.+?)(?:\((?P<p>[^()]+)\)|\[(?P<b>[^\[\]]+)\]|/(?P<s>[^/]+))$")
# columns that are never data: the row counter people add in front
IGNORED_TITLES = {"序号", "序", "no", "no.", "编号序号"}
TOTAL_WORDS = ("合计", "总计", "小计", "累计合计")
NOTE_PREFIXES = ("注:", "注：", "注 ", "备注:", "说明:", "说明：", "填表说明", "填报说明")


def canon(text: object) -> str:
    """NFKC (full-width → half-width, 【】 kept) and every whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split())


def split_unit(title: str) -> tuple[str, str | None]:
    """``营业收入（亿元）`` → (``营业收入``, ``亿元``); no unit → (title, None).

    Text in brackets that is not a unit (``企业名称(盖章)``) stays part of the base, so the
    caller can still match the whole title.
    """
    key = canon(title).replace("【", "[").replace("】", "]")
    match = _UNIT_SUFFIX.match(key)
    if not match:
        return key, None
    unit = match.group("p") or match.group("b") or match.group("s") or ""
    unit = unit.removeprefix("单位:").removeprefix("单位：")
    return match.group("base"), unit


def unit_known(unit: str) -> bool:
    return unit.lower() in UNIT_FAMILY or unit in UNIT_FAMILY


def _unit_key(unit: str) -> str:
    return unit if unit in UNIT_FAMILY else unit.lower()


class TemplateColumn(Protocol):
    """What the matcher needs of an importer column (``imports.runner.Column``): its field,
    template title (with the unit, e.g. ``营业收入(万元)``) and other names people use."""

    @property
    def field(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class ColumnMatch:
    position: int  # 0-based column in the file
    field: str
    shown: str  # the title as written in the file
    factor: Fraction = Fraction(1)
    note: str = ""  # e.g. "营业收入（亿元）→ 万元 ×10000"


@dataclass
class HeaderMatch:
    matches: list[ColumnMatch] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # unknown titles, as written
    errors: list[tuple[str, str]] = field(default_factory=list)  # (title as written, reason)
    duplicates: list[str] = field(default_factory=list)

    @property
    def fields(self) -> set[str]:
        return {m.field for m in self.matches}


class TemplateIndex:
    """The template's columns by base name (title without unit) and by every alias; ``mapped``
    adds the file titles a user matched by hand (canonical title → field)."""

    def __init__(
        self, columns: Iterable[TemplateColumn], mapped: dict[str, str] | None = None
    ) -> None:
        self.columns = list(columns)
        self.by_field = {c.field: c for c in self.columns}
        self.mapped = {canon(t): f for t, f in (mapped or {}).items() if f in self.by_field}
        self.by_whole: dict[str, TemplateColumn] = {}
        self.by_base: dict[str, tuple[TemplateColumn, str | None]] = {}
        for column in self.columns:
            for name in (column.title, *column.aliases):
                self.by_whole[canon(name)] = column
                base, unit = split_unit(name)
                if unit is not None and not unit_known(unit):
                    base, unit = canon(name), None
                self.by_base.setdefault(base, (column, split_unit(column.title)[1]))

    def lookup(self, shown: str) -> tuple[TemplateColumn | None, Fraction, str, str]:
        """(column, factor, note, error) for one file title."""
        key = canon(shown)
        if not key:
            return None, Fraction(1), "", ""
        if key in self.mapped:  # the user's choice: convert only a unit the title states
            column = self.by_field[self.mapped[key]]
            unit, template_unit = split_unit(key)[1], split_unit(column.title)[1]
            if unit is None or template_unit is None or not unit_known(unit):
                return column, Fraction(1), "", ""
            return self._converted(shown, column, unit, template_unit)
        if key in self.by_whole:
            return self.by_whole[key], Fraction(1), "", ""
        base, unit = split_unit(key)
        if base not in self.by_base:
            return None, Fraction(1), "", ""
        column, template_unit = self.by_base[base]
        if unit is None or template_unit is None:
            if unit is None and template_unit is not None:
                return column, Fraction(1), f"「{shown}」未注明单位，按{template_unit}读取", ""
            return column, Fraction(1), "", ""
        if not unit_known(unit):
            return column, Fraction(1), "", _unit_error(unit, template_unit)
        return self._converted(shown, column, unit, template_unit)

    @staticmethod
    def _converted(
        shown: str, column: TemplateColumn, unit: str, template_unit: str
    ) -> tuple[TemplateColumn | None, Fraction, str, str]:
        family, template_family = UNIT_FAMILY[_unit_key(unit)], UNIT_FAMILY[template_unit]
        if family != template_family:
            return column, Fraction(1), "", _unit_error(unit, template_unit)
        factor = UNIT_FAMILIES[family][_unit_key(unit)] / UNIT_FAMILIES[family][template_unit]
        if factor == 1:
            return column, factor, "", ""
        return column, factor, f"「{shown}」→ {template_unit} ×{format_factor(factor)}", ""

    def score(self, cells: Sequence[Any]) -> int:
        """How many cells of a row name a template column (a unit mismatch still counts)."""
        return len({c.field for c in (self.lookup(str(x))[0] for x in cells if _text(x)) if c})

    def match(self, titles: Sequence[str]) -> HeaderMatch:
        result = HeaderMatch()
        seen: dict[str, str] = {}
        for position, shown in enumerate(titles):
            if not canon(shown):
                continue
            if canon(shown).lower() in IGNORED_TITLES:
                continue
            column, factor, note, error = self.lookup(shown)
            if column is None:
                result.ignored.append(shown)
                continue
            if error:
                result.errors.append((shown, error))
                continue
            if column.field in seen:
                result.duplicates.append(shown)
                continue
            seen[column.field] = shown
            result.matches.append(ColumnMatch(position, column.field, shown, factor, note))
        return result


def _unit_error(unit: str, template_unit: str) -> str:
    family = UNIT_FAMILY.get(template_unit)
    if family is None:
        return f"单位「{unit}」无法换算为{template_unit}"
    units = UNIT_FAMILIES[family]
    choices = "、".join(u for u in units if not u.isascii()) or "、".join(units)
    return f"单位「{unit}」无法换算为{template_unit}（可用单位：{choices}）"


def format_factor(factor: Fraction) -> str:
    if factor.denominator == 1:
        return f"{factor.numerator:,}".replace(",", "")
    value = float(factor)
    return f"{value:.10g}"


def _text(cell: Any) -> str:
    return "" if cell is None else canon(cell)


@dataclass
class HeaderFound:
    index: int  # 0-based row of the (last) header row
    titles: list[str]
    score: int
    rows: int = 1  # 2 when a group-title row above was joined


def find_header(
    grid: Sequence[Sequence[Any]], index: TemplateIndex, scan: int = HEADER_SCAN_ROWS
) -> HeaderFound | None:
    """The best header among the first ``scan`` rows, or None when no row names a column.

    A row pair (i, i+1) is joined when row i+1 scores better with the group titles of row i
    carried over merged cells: each column takes whichever of (below, above+below, above)
    names a template column, else the lower title.
    """
    best: HeaderFound | None = None
    limit = min(scan, len(grid))
    for i in range(limit):
        row = [_shown(c) for c in grid[i]]
        score = index.score(row)
        if score and (best is None or score > best.score):
            best = HeaderFound(i, row, score)
        if i + 1 < len(grid):
            joined = _join(row, [_shown(c) for c in grid[i + 1]], index)
            joined_score = index.score(joined)
            if joined_score and (best is None or joined_score > best.score):
                best = HeaderFound(i + 1, joined, joined_score, rows=2)
    return best


def _shown(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _join(above: list[str], below: list[str], index: TemplateIndex) -> list[str]:
    width = max(len(above), len(below))
    above = above + [""] * (width - len(above))
    below = below + [""] * (width - len(below))
    carried: list[str] = []
    last = ""
    for value in above:  # a merged group title spans the empty cells to its right
        last = value or last
        carried.append(last)
    titles = []
    for top, own_top, bottom in zip(carried, above, below, strict=True):
        candidates = [bottom, top + bottom, top] if bottom else [own_top]
        named = next((c for c in candidates if c and index.lookup(c)[0] is not None), None)
        titles.append(named or bottom or own_top)
    return titles


def skip_reason(cells: Sequence[Any], titles: Sequence[str]) -> str | None:
    """Why a row under the header is not data, or None when it is."""
    texts = [_text(c) for c in cells]
    filled = [t for t in texts if t]
    if not filled:
        return "空行"
    first = filled[0]
    if any(first.startswith(p.replace(" ", "")) for p in NOTE_PREFIXES) or first in {"注", "说明"}:
        return "注释行"
    if any(first.replace(":", "").replace("：", "") == w for w in TOTAL_WORDS) or any(
        first.startswith(w) for w in TOTAL_WORDS
    ):
        return "合计行"
    if len(filled) >= 2 and [canon(t) for t in titles[: len(texts)]] == texts:
        return "重复的表头"
    return None
