"""Reading method and criteria files: YAML with the line of every value, located errors.

A method file (亩均 evaluation) or a criteria file (梯度培育) is data, not code. Every value is
checked before anything is computed; a problem is raised as :class:`SpecError` with the file,
the line and the reason, e.g. ``zhejiang.yaml:42: weights of group 'above' sum to 90, declared
total_weight 100``.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]

#: Fields of a firm-year the formulas may use (names as in the registry's yearly figures).
FIGURE_FIELDS: dict[str, str] = {
    "revenue_wan_yuan": "营业收入(万元)",
    "main_business_revenue_wan_yuan": "主营业务收入(万元)",
    "value_added_wan_yuan": "工业增加值(万元)",
    "tax_paid_wan_yuan": "实缴税金(万元)",
    "land_area_mu": "用地面积(亩)",
    "energy_tce": "综合能耗(吨标准煤)",
    "pollutant_equivalent_t": "主要污染物排放当量(吨)",
    "rd_spend_wan_yuan": "研发费用(万元)",
    "employees": "年平均职工人数(人)",
    "electricity_10k_kwh": "用电量(万千瓦时)",
}


class SpecError(ValueError):
    """A method or criteria file is invalid: ``file:line: reason``."""

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file = file
        self.line = line
        self.reason = reason
        super().__init__(f"{file}:{line if line is not None else '?'}: {reason}")


@dataclass(frozen=True)
class Source:
    """A parsed YAML document that can say on which line each value sits."""

    file: str
    data: Any
    lines: dict[Path_, int]
    text: str

    def line(self, path: Path_) -> int | None:
        """The line of ``path`` or of its nearest parent that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), 1)

    def error(self, path: Path_, reason: str) -> SpecError:
        return SpecError(self.file, self.line(path), reason)


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value
            lines[(*path, k)] = key.start_mark.line + 1
            _walk(value, (*path, k), lines)
            lines[(*path, k)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines)


def read_source(source: str | Path, *, text: str | None = None) -> Source:
    """Parse a YAML file (or ``text`` labelled ``source``) keeping line numbers."""
    name = str(source)
    if text is None:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise SpecError(name, None, f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SpecError(name, line, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict) or node is None:
        raise SpecError(name, 1, "the file must be a YAML mapping (key: value)")
    lines: dict[Path_, int] = {}
    _walk(node, (), lines)
    return Source(name, data, lines, text)


# --- field access helpers ----------------------------------------------------------------------


def need(src: Source, obj: Mapping[str, Any], path: Path_, key: str, kind: type | tuple) -> Any:
    if key not in obj:
        raise src.error(path, f"missing key '{key}'")
    return check_type(src, obj[key], (*path, key), kind)


def check_type(src: Source, value: Any, path: Path_, kind: type | tuple) -> Any:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise src.error(path, f"'{path[-1]}' must be {_kind_name(kinds)}, got {value!r}")
    if not isinstance(value, kinds):
        raise src.error(path, f"'{path[-1]}' must be {_kind_name(kinds)}, got {value!r}")
    return value


def number(src: Source, obj: Mapping[str, Any], path: Path_, key: str, default: Any = ...) -> Any:
    if key not in obj or obj[key] is None:
        if default is ...:
            raise src.error(path, f"missing key '{key}'")
        return default
    return float(check_type(src, obj[key], (*path, key), (int, float)))


def _kind_name(kinds: Sequence[type]) -> str:
    names = {int: "a number", float: "a number", str: "a text", list: "a list", dict: "a mapping"}
    return " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))


def reject_unknown(src: Source, obj: Mapping[str, Any], path: Path_, allowed: set[str]) -> None:
    for key in obj:
        if key not in allowed:
            raise src.error(
                (*path, key), f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})"
            )


# --- formulas ----------------------------------------------------------------------------------

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
}


@dataclass(frozen=True)
class Formula:
    """An arithmetic formula over figure fields: ``+ - * /``, numbers, parentheses.

    Division by zero or by a missing value gives a missing value (null), never an error or inf.
    """

    text: str
    tree: ast.expr
    fields: tuple[str, ...]

    def evaluate(self, column: Callable[[str], Any], divide: Callable[[Any, Any], Any]) -> Any:
        """Evaluate with ``column(name)`` for fields and ``divide(a, b)`` for ``/``."""

        def ev(node: ast.expr) -> Any:
            if isinstance(node, ast.Name):
                return column(node.id)
            if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
                return float(node.value)
            if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
                return -ev(node.operand)
            if isinstance(node, ast.BinOp):
                if isinstance(node.op, ast.Div):
                    return divide(ev(node.left), ev(node.right))
                return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
            raise AssertionError(node)  # parse_formula only lets the above through

        return ev(self.tree)


def parse_formula(src: Source, path: Path_, text: str, fields: Mapping[str, str]) -> Formula:
    """Parse ``text`` allowing only known ``fields``; errors point at the formula's line."""
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise src.error(path, f"formula '{text}' is not valid: {exc.msg}") from exc
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in fields:
                raise src.error(
                    path,
                    f"formula '{text}' references unknown field '{node.id}' "
                    f"(known: {', '.join(fields)})",
                )
            names.append(node.id)
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float) or isinstance(node.value, bool):
                raise src.error(path, f"formula '{text}': only numbers are allowed as constants")
        elif isinstance(node, ast.BinOp):
            if not isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
                raise src.error(path, f"formula '{text}': only + - * / are allowed")
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub):
                raise src.error(path, f"formula '{text}': only unary minus is allowed")
        elif not isinstance(node, ast.operator | ast.unaryop | ast.expr_context):
            raise src.error(path, f"formula '{text}': '{type(node).__name__}' is not allowed")
    if not names:
        raise src.error(path, f"formula '{text}' uses no field")
    return Formula(text, tree, tuple(dict.fromkeys(names)))
