"""Template validation: every malformed template is refused with file, line and reason."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chainboard_analytics.chains.template import TemplateError, chain_edges, parse_template

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = sorted((ROOT / "src/chainboard/chains/templates_data").glob("*.yaml"))
KNOWN = {
    row["code"]
    for row in csv.DictReader(
        (ROOT / "src/chainboard/industries/data/gbt4754-2017.csv").open(encoding="utf-8")
    )
}

GOOD = """\
code: demo
version: 1
name: 示例链
category: 传统优势
sources: [GB/T 4754-2017]
nodes:
  - name: 原料
    stage: upstream
    codes: ["3251"]
    feeds: [加工]
  - name: 加工
    stage: 中游
    codes: ["3831"]
    children:
      - name: 电力电缆
        keywords: [电力电缆]
  - name: 检测
    stage: service
    service_kind: testing
"""


def issues(text: str) -> list[tuple[int, str]]:
    with pytest.raises(TemplateError) as info:
        parse_template(text, file="bad.yaml", known_codes=KNOWN)
    assert all(i.file == "bad.yaml" for i in info.value.issues)
    return [(i.line, i.reason) for i in info.value.issues]


def test_good_template_parses_with_inherited_stage_and_edges():
    spec = parse_template(GOOD, file="good.yaml", known_codes=KNOWN)
    assert [n.name for n in spec.nodes] == ["原料", "加工", "电力电缆", "检测"]
    assert spec.node("电力电缆").stage == "midstream"
    assert spec.node("电力电缆").parent == "加工"
    assert spec.node("电力电缆").line == 15
    assert chain_edges(spec) == [("原料", "加工")]
    assert [n.name for n in spec.leaves] == ["原料", "电力电缆", "检测"]


def test_cycle_is_refused_with_line_and_path():
    text = GOOD.replace('    codes: ["3831"]\n', '    codes: ["3831"]\n    feeds: [原料]\n', 1)
    [(line, reason)] = issues(text)
    assert line == 7
    assert "循环" in reason and "原料 → 加工 → 原料" in reason


def test_unknown_industry_code_is_refused():
    [(line, reason)] = issues(GOOD.replace('"3831"', '"3839"').replace('"3251"', '"9999"'))
    assert line == 7
    assert "9999" in reason and "GB/T 4754-2017" in reason


def test_duplicate_node_name_is_refused_with_both_lines():
    [(line, reason)] = issues(GOOD.replace("name: 检测", "name: 原料"))
    assert line == 17
    assert "重复" in reason and "第 7 行" in reason


def test_top_level_node_without_stage_is_refused():
    [(line, reason)] = issues(GOOD.replace("    stage: upstream\n", "", 1))
    assert line == 7
    assert "缺少 stage" in reason


def test_every_problem_is_reported_at_once():
    text = GOOD.replace("    stage: upstream\n", "", 1).replace('"3831"', '"0000"')
    text = text.replace("feeds: [加工]", "feeds: [不存在]")
    found = issues(text)
    assert len(found) == 3
    assert [line for line, _ in found] == sorted(line for line, _ in found)


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (("service_kind: testing", "service_kind: cooking"), "service_kind"),
        (("category: 传统优势", "category: 夕阳"), "category"),
        (("sources: [GB/T 4754-2017]", "sources: []"), "出处"),
        (("stage: 中游", "stage: sideways"), "stage 无效"),
        (("version: 1", "version: one"), "version"),
    ],
)
def test_other_field_errors(change, needle):
    found = issues(GOOD.replace(*change))
    assert any(needle in reason for _, reason in found)


def test_yaml_syntax_error_has_a_line():
    [(line, reason)] = issues(GOOD + "  - name: [unclosed\n")
    assert line >= 19
    assert "YAML" in reason


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_shipped_templates_are_valid_and_sized(path):
    spec = parse_template(path.read_text(encoding="utf-8"), file=path.name, known_codes=KNOWN)
    assert spec.code == path.stem
    assert 15 <= len(spec.nodes) <= 40
    assert spec.sources
    stages = {n.stage for n in spec.nodes}
    assert stages == {"upstream", "midstream", "downstream", "service"}
    assert sum(n.ref_share or 0 for n in spec.nodes) <= 1.0001


def test_at_least_eight_templates_including_an_emerging_chain():
    specs = [parse_template(p.read_text(encoding="utf-8"), file=p.name) for p in TEMPLATES]
    assert len(specs) >= 8
    assert any(s.category == "emerging" for s in specs)
