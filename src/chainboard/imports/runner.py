"""The import batch runner: read → map Chinese headers → parse cells → plan → write, all-or-nothing.

Every error is located (file, sheet, row, column, value, reason) and collected before anything is
written. With any error the batch writes nothing unless ``partial=True`` (then the valid rows are
written and the rest reported). A dry run (preview) stops after the plan and reports the plan's
counts: it never opens a write transaction, so previewing a large file does not hold SQLite's
single write lock while other users save. Per-kind rules live in an ``Importer``
(see ``chainboard.enterprises.importers``).

The batch is saved as 进行中 before the file is read and its final status is written inside the
data's transaction, so a crash leaves it 进行中 with nothing written, later marked 中断
(:mod:`chainboard.imports.liveness`). The file is checked by :mod:`chainboard.imports.guard`
before any parser reads it, and every text cell is refused if it holds control characters.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

from django.db import DatabaseError, transaction

from chainboard.imports import liveness
from chainboard.imports.cells import CellError, canon, is_empty
from chainboard.imports.headers import TemplateIndex, format_factor
from chainboard.imports.models import ColumnMapping, ImportBatch, ImportStatus
from chainboard.imports.readers import ImportFileError, SourceTable, read_table

MAX_STORED_ERRORS = 20_000
# C0 controls except tab, line feed and carriage return (an Alt+Enter line break in a cell), DEL
# and the C1 controls: invisible, and a NUL or an escape sequence in a name breaks exports/logs.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Column:
    title: str  # the template title, e.g. "营业收入(万元)"; matched after NFKC + whitespace removal
    field: str
    parse: Callable[[Any], Any]
    required: bool = False
    help: str = ""
    aliases: tuple[str, ...] = ()  # other titles people write (统一代码 for 统一社会信用代码)

    @property
    def key(self) -> str:
        return canon(self.title)


@dataclass(frozen=True)
class RowError:
    filename: str
    sheet: str
    row: int  # 0 = the file as a whole
    column: str
    value: str
    message: str

    def text(self) -> str:
        where = self.filename + (f" 工作表「{self.sheet}」" if self.sheet else "")
        if self.row:
            where += f" 第{self.row}行"
        if self.column:
            where += f" {self.column}"
        if self.value:
            where += f" {self.value}"
        return f"{where}：{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "text": self.text(),
        }


@dataclass
class ParsedRow:
    """A data row; ``values`` holds the cells that parsed (a failed cell is absent)."""

    number: int
    values: dict[str, Any]  # field name → typed value, only for the columns the file has


class ErrorSink:
    """Collects located errors for one file."""

    def __init__(self, table: SourceTable | None, filename: str) -> None:
        self.filename = filename
        self.sheet = table.sheet if table else ""
        self.errors: list[RowError] = []
        self.rows_with_errors: set[int] = set()
        # the title lines above the header (an importer may read defaults from them, e.g. the
        # kind and batch of a 认定名单 from 「2025年第一批省级专精特新中小企业名单」)
        self.preamble: list[str] = list(table.preamble) if table else []

    def add(self, row: int, column: str, value: Any, message: str) -> None:
        shown = "" if value is None else str(value)
        if len(shown) > 60:
            shown = shown[:57] + "…"
        self.errors.append(RowError(self.filename, self.sheet, row, column, shown, message))
        self.rows_with_errors.add(row)


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Importer(Protocol):
    kind: str
    label: str
    columns: list[Column]

    def plan(self, rows: list[ParsedRow], *, actor: Any, errors: ErrorSink) -> Any:
        """Resolve keys, check scope and cross-row rules; add errors; return what to write:
        an object with ``creates`` and ``updates`` (sized) and ``unchanged`` (a count), which a
        preview reports without writing."""

    def write(self, plan: Any, *, actor: Any, batch: ImportBatch) -> WriteCounts:
        """Write the plan through the services (inside the runner's transaction)."""


@dataclass
class ImportOutcome:
    batch: ImportBatch
    errors: list[RowError]
    table: SourceTable | None
    counts: WriteCounts = field(default_factory=WriteCounts)
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # read / parse / plan / write

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.batch.status in (ImportStatus.COMMITTED, ImportStatus.PARTIAL)


def run_import(
    importer: Importer,
    path: Path | str,
    *,
    actor: Any,
    filename: str | None = None,
    dry_run: bool = False,
    partial: bool = False,
    progress: Callable[[Iterable[Any], int], Iterable[Any]] | None = None,
    sheet: str = "",
    source: str = "",
    data_source: str = "",
) -> ImportOutcome:
    """Import one file. ``actor`` None means the server operator (CLI without ``--user``);
    ``sheet`` names the worksheet to read (empty: the one whose header matches best);
    ``source`` (e.g. 宁晋县税务局) selects the column mappings remembered for that source;
    ``data_source`` is the figures' 数据来源 (税务, 统计 …; empty = 手工, see the importer's
    ``check_source``)."""
    name = filename or Path(path).name
    batch = ImportBatch(
        kind=importer.kind,
        filename=name,
        stored_path=str(path),
        dry_run=dry_run,
        sheet=sheet,
        source=source,
        data_source=data_source,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    liveness.mark_interrupted()
    liveness.start(batch)
    batch.status = ImportStatus.REJECTED  # the outcome unless the write below commits
    try:
        return _run(importer, batch, path, name, actor, dry_run, partial, progress, sheet, source)
    except BaseException:
        with contextlib.suppress(Exception):  # never hide the original error
            liveness.abandon(batch)  # an unexpected error (a bug, Ctrl+C): say so, re-raise
        raise


def _run(
    importer: Importer,
    batch: ImportBatch,
    path: Path | str,
    name: str,
    actor: Any,
    dry_run: bool,
    partial: bool,
    progress: Callable[[Iterable[Any], int], Iterable[Any]] | None,
    sheet: str,
    source: str,
) -> ImportOutcome:
    clock = _Clock()
    mapped = remembered_mappings(importer.kind, source)
    try:
        table = read_table(path, name, columns=importer.columns, sheet=sheet or None, mapped=mapped)
        liveness.pause("read")
        clock.lap("read")
    except ImportFileError as exc:
        failed = ErrorSink(None, name)
        failed.add(0, "", None, str(exc).removeprefix(f"{name}: "))
        return _finish(batch, failed, None, WriteCounts(), [])

    sink = ErrorSink(table, name)
    notes: list[str] = table.reading_notes()
    index = _map_headers(importer, table, sink, notes, mapped, batch)
    if index is not None:
        index = _check_source(importer, table, index, sink, notes, actor, batch.data_source)
    parsed = _parse_rows(importer, table, index, sink, progress) if index is not None else []
    clock.lap("parse")
    batch.total_rows = len(table.rows)
    if index is None or (sink.errors and not partial):
        if index is not None:  # report cross-row errors too
            _keep_name_matches(batch, importer.plan(parsed, actor=actor, errors=sink), notes)
        return _finish(batch, sink, table, WriteCounts(), notes)

    liveness.beat(batch)
    plan = importer.plan(parsed, actor=actor, errors=sink)
    _keep_name_matches(batch, plan, notes)
    liveness.pause("plan")
    clock.lap("plan")
    if sink.errors and not partial:
        return _finish(batch, sink, table, WriteCounts(), notes)

    counts = WriteCounts()
    planned = getattr(plan, "counts", None)
    final = (
        ImportStatus.PREVIEWED
        if dry_run
        else (ImportStatus.PARTIAL if sink.errors else ImportStatus.COMMITTED)
    )
    liveness.beat(batch)
    try:
        if dry_run:  # the plan's counts, no write transaction (see the module docstring)
            counts = (
                planned()
                if planned is not None
                else WriteCounts(len(plan.creates), len(plan.updates), plan.unchanged)
            )
        else:
            with transaction.atomic(durable=True):
                counts = importer.write(plan, actor=actor, batch=batch)
                liveness.pause("write")
                # committed together with the data: a crash before this leaves 进行中 → 中断
                ImportBatch.objects.filter(pk=batch.pk).update(status=final)
        batch.status = final
    except DatabaseError as exc:
        sink.add(0, "", None, f"写入数据库失败，已全部回滚：{exc}")
        batch.status = ImportStatus.REJECTED
        counts = WriteCounts()
    clock.lap("write")
    outcome = _finish(batch, sink, table, counts, notes)
    outcome.seconds = clock.laps
    return outcome


def _keep_name_matches(batch: ImportBatch, plan: Any, notes: list[str]) -> None:
    """Keep the name matching of a name-only list (``plan.name_matches``, see
    :mod:`chainboard.imports.names`) on the batch, for the preview to show and choose from."""
    matches = list(getattr(plan, "name_matches", []) or [])
    batch.name_matches = matches
    left = [m for m in matches if m.get("status") != "confirmed"]
    if matches:
        notes.append(
            f"按企业名称匹配 {len(matches)} 行：已确认 {len(matches) - len(left)} 行"
            + (f"，{len(left)} 行待选择或未找到，不导入（见“企业名称匹配”）" if left else "")
        )


class _Clock:
    """Wall time per phase, reported with the outcome (the CLI prints it, benchmarks use it)."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = now - self._last
        self._last = now


def _title(importer: Importer, field_name: str) -> str:
    return next((c.title for c in importer.columns if c.field == field_name), field_name)


@dataclass(frozen=True)
class MappedColumn:
    position: int
    factor: Fraction  # the file's unit → the template's (1 when the same)


def remembered_mappings(kind: str, source: str) -> dict[str, str]:
    """The file titles users matched by hand for this kind and source: title → field."""
    rows = ColumnMapping.objects.filter(kind=kind, source=source).values_list("file_title", "field")
    return dict(rows)


def _map_headers(
    importer: Importer,
    table: SourceTable,
    sink: ErrorSink,
    notes: list[str],
    mapped: dict[str, str],
    batch: ImportBatch,
) -> dict[str, MappedColumn] | None:
    """File column → template field, with the unit factor; unknown units and duplicate titles
    are errors on the header row, unknown titles a note (``已忽略未知列``) and kept on the
    batch, for the preview's column-mapping form."""
    found = TemplateIndex(importer.columns, mapped).match(table.headers)
    batch.unmatched = found.ignored
    notes.extend(
        f"「{m.shown}」按已记住的对应关系读作「{_title(importer, m.field)}」"
        for m in found.matches
        if canon(m.shown) in mapped
    )
    index = {m.field: MappedColumn(m.position, m.factor) for m in found.matches}
    notes.extend(m.note for m in found.matches if m.note)
    notes.extend(f"已忽略未知列「{shown}」" for shown in found.ignored)
    for shown, reason in found.errors:
        sink.add(table.header_row, shown, None, reason)
    for shown in found.duplicates:
        sink.add(table.header_row, shown, None, "列标题重复（与前面的列对应同一模板列）")
    missing = [c.title for c in importer.columns if c.required and c.field not in index]
    for title in missing:
        sink.add(
            table.header_row,
            title,
            None,
            "缺少必需的列（模板列：" + "、".join(c.title for c in importer.columns) + "）",
        )
    if missing or sink.errors:
        return None
    return index


def _check_source(
    importer: Importer,
    table: SourceTable,
    index: dict[str, MappedColumn],
    sink: ErrorSink,
    notes: list[str],
    actor: Any,
    data_source: str,
) -> dict[str, MappedColumn] | None:
    """The 数据来源 of the file (一个指标多个来源): an importer with ``check_source`` says which
    columns it may carry and whether ``actor`` may import it; another importer takes none."""
    check = getattr(importer, "check_source", None)
    if check is None:
        if data_source:
            sink.add(0, "数据来源", data_source, f"{importer.label}不区分数据来源")
            return None
        return index
    problems, note = check(data_source, set(index), actor)
    for field_name, message in problems:
        if field_name:
            sink.add(table.header_row, table.headers[index[field_name].position], None, message)
        else:
            sink.add(0, "数据来源", data_source, message)
    if note:
        notes.append(note)
    return None if problems else index


def _scaled(parse: Callable[[Any], Any], factor: Fraction) -> Callable[[Any], Any]:
    """The column's parser, then the unit conversion, kept to the parsed value's decimals + 4
    (1 平方米 = 0.0015 亩 exactly; 亿元 → 万元 adds no decimals)."""
    multiplier = Decimal(factor.numerator) / Decimal(factor.denominator)

    def parse_and_convert(raw: Any) -> Any:
        value = parse(raw)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            raise CellError("此列带单位，应为数字")
        converted = Decimal(value) * multiplier
        if isinstance(value, int):
            if converted != converted.to_integral_value():
                raise CellError(f"换算后不是整数（×{format_factor(factor)}）")
            return int(converted)
        converted = converted.quantize(QUANTUM, rounding=ROUND_HALF_UP)
        return parse(str(converted))  # the column's own checks (range, stored decimals) again

    return parse_and_convert


QUANTUM = Decimal("0.0001")


def _parse_rows(
    importer: Importer,
    table: SourceTable,
    index: dict[str, MappedColumn],
    sink: ErrorSink,
    progress: Callable[[Iterable[Any], int], Iterable[Any]] | None,
) -> list[ParsedRow]:
    present = [
        (
            c.field,
            mapped.position,
            c.parse if mapped.factor == 1 else _scaled(c.parse, mapped.factor),
            c.required,
            table.headers[mapped.position] or c.title,
        )
        for c in importer.columns
        if (mapped := index.get(c.field)) is not None
    ]
    parsed: list[ParsedRow] = []
    rows: Iterable[Any] = progress(table.rows, len(table.rows)) if progress else table.rows
    for row in rows:
        cells = row.cells
        values: dict[str, Any] = {}
        for field_name, position, parse, required, title in present:
            raw = cells[position]
            if type(raw) is str and (bad := CONTROL_CHARACTERS.search(raw)):
                sink.add(
                    row.number,
                    title,
                    raw.replace(bad.group(), "�"),
                    f"含不可见的控制字符 U+{ord(bad.group()):04X}，请删除后重新上传",
                )
                continue
            if required and is_empty(raw):
                sink.add(row.number, title, None, "必填项为空")
                continue
            try:
                values[field_name] = parse(raw)
            except CellError as exc:
                sink.add(row.number, title, raw, str(exc))
        parsed.append(ParsedRow(row.number, values))
    return parsed


def _finish(
    batch: ImportBatch,
    sink: ErrorSink,
    table: SourceTable | None,
    counts: WriteCounts,
    notes: list[str],
) -> ImportOutcome:
    errors = sorted(sink.errors, key=lambda e: (e.row, e.column))
    batch.error_count = len(errors)
    batch.errors = [e.as_dict() for e in errors[:MAX_STORED_ERRORS]]
    batch.notes = notes
    batch.created_count, batch.updated_count = counts.created, counts.updated
    batch.unchanged_count = counts.unchanged
    batch.save()
    return ImportOutcome(batch, errors, table, counts, notes)
