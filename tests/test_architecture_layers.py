"""Every module directly under ``chainboard`` has a place in the import-linter layers contract
(a package missing from it would escape the layer check of ``make lint``)."""

from __future__ import annotations

import pkgutil
import re
import tomllib
from pathlib import Path

import chainboard

ROOT = Path(__file__).resolve().parents[1]


def _layer_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [
        c for c in contracts if c["type"] == "layers" and c["containers"] == ["chainboard"]
    ]
    return {name.strip("() ") for line in layers["layers"] for name in re.split(r"[|:]", line)}


def test_every_top_level_module_is_in_the_layers_contract() -> None:
    modules = {m.name for m in pkgutil.iter_modules(chainboard.__path__)}
    assert modules == _layer_modules()


def test_architecture_md_shows_the_same_layers() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    for line in layers["layers"]:
        assert re.search(rf"^{re.escape(line)}\s", text, re.M), line


def _manager_uses(path: Path) -> list[str]:
    """``Model.objects`` accesses and ``django.db.models`` imports of one module (AST)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [
        f"{path.name}:{node.lineno} .objects"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]
    found += [
        f"{path.name}:{node.lineno} import {node.module}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.db")
    ]
    return found


def test_projects_reports_views_and_api_read_through_selectors() -> None:
    """The projects app's reports, pages and API assemble and render; reads are in
    ``projects/selectors/`` (writes in ``services.py``)."""
    app = ROOT / "src" / "chainboard" / "projects"
    modules = [app / "reports.py", app / "api.py", *sorted((app / "views").glob("*.py"))]
    assert len(modules) > 5
    assert [use for module in modules for use in _manager_uses(module)] == []
