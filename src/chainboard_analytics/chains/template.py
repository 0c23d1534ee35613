"""Chain templates 产业链模板: parse and validate a YAML template into a :class:`ChainSpec`.

A template is a YAML mapping::

    code: glass                 # natural key, [a-z0-9_]
    version: 3                  # integer, raised on every content change
    name: 平板玻璃及深加工玻璃产业链
    category: 传统优势            # 传统优势 / 新兴 / 融合 / 未来
    keywords: [玻璃]             # chain words (used to tie generic service firms to the chain)
    sources: ["…"]              # at least one citation
    nodes:
      - name: 浮法玻璃原片
        stage: midstream        # upstream/midstream/downstream/service (or 上游/中游/下游/配套服务)
        codes: ["3041"]         # GB/T 4754-2017 codes (any level; 4-digit classes match exactly)
        related_codes: ["3130"] # broad classes that count only with a confirming word
        keywords: [浮法玻璃, 玻璃原片]
        exclude: []             # words that veto a text match
        feeds: [钢化玻璃]         # directed edges to downstream nodes (by name)
        weight: 2               # importance in the weighted completeness (default 1)
        ref_share: 0.25         # reference share of chain revenue (weak-link rule), optional
        children: [...]         # sub-segments; they inherit the stage
      - name: 检测认证
        stage: service
        service_kind: testing

Validation collects every problem with its file and line before raising :class:`TemplateError`,
so a caller can refuse the whole file and write nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import yaml

STAGES = ("upstream", "midstream", "downstream", "service")
STAGE_ALIASES = {
    "上游": "upstream",
    "中游": "midstream",
    "下游": "downstream",
    "配套服务": "service",
    "服务": "service",
}
STAGE_LABELS = {
    "upstream": "上游",
    "midstream": "中游",
    "downstream": "下游",
    "service": "配套服务",
}
CATEGORIES = {
    "传统优势": "traditional",
    "新兴": "emerging",
    "融合": "converged",
    "未来": "future",
    "traditional": "traditional",
    "emerging": "emerging",
    "converged": "converged",
    "future": "future",
}
SERVICE_KINDS = {
    "logistics": "物流仓储",
    "testing": "检验检测认证",
    "design": "工业设计",
    "finance": "金融服务",
    "raw_material_market": "原材料市场",
    "parts_market": "零部件/产品市场",
    "training": "人才培训",
    "rnd": "研发创新平台",
    "ecommerce": "电子商务",
    "recycling": "再生资源",
    "information": "信息化服务",
}
MAX_NODES = 200
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_INDUSTRY_RE = re.compile(r"^(\d{2,4}|[A-T])$")
_LINE = "__line__"


@dataclass(frozen=True)
class TemplateIssue:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class TemplateError(ValueError):
    """The template is malformed; ``issues`` lists every problem (file, line, reason)."""

    def __init__(self, issues: list[TemplateIssue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


@dataclass(frozen=True)
class NodeSpec:
    name: str
    stage: str
    line: int
    order: int
    parent: str | None = None
    service_kind: str = ""
    codes: tuple[str, ...] = ()
    related_codes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    weight: float = 1.0
    ref_share: float | None = None
    description: str = ""


@dataclass(frozen=True)
class ChainSpec:
    code: str
    version: int
    name: str
    category: str
    file: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    nodes: tuple[NodeSpec, ...] = field(default_factory=tuple)

    def node(self, name: str) -> NodeSpec:
        return next(n for n in self.nodes if n.name == name)

    @property
    def leaves(self) -> tuple[NodeSpec, ...]:
        parents = {n.parent for n in self.nodes if n.parent}
        return tuple(n for n in self.nodes if n.name not in parents)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records the 1-based line of every mapping under ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _words(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        return None
    return tuple(str(v).strip() for v in value if str(v).strip())


def parse_template(
    text: str, *, file: str = "<template>", known_codes: set[str] | None = None
) -> ChainSpec:
    """Parse and validate one template; raise :class:`TemplateError` listing every problem.

    ``known_codes`` is the set of GB/T 4754-2017 codes (all levels); ``None`` skips that check.
    """
    issues: list[TemplateIssue] = []

    def bad(line: int, reason: str) -> None:
        issues.append(TemplateIssue(file, line, reason))

    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise TemplateError([TemplateIssue(file, line, f"YAML 语法错误：{problem}")]) from exc
    if not isinstance(data, dict):
        raise TemplateError([TemplateIssue(file, 1, "模板应为 YAML 映射（code、name、nodes …）")])

    top = int(data.get(_LINE, 1))
    code = data.get("code")
    if not isinstance(code, str) or not _CODE_RE.match(code):
        bad(top, "code 缺失或格式错误（小写字母开头，字母数字下划线，2-40位）")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        bad(top, "version 应为正整数")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        bad(top, "name 缺失")
    category = CATEGORIES.get(str(data.get("category", "")))
    if category is None:
        bad(top, f"category 应为 传统优势/新兴/融合/未来，实为 {data.get('category')!r}")
    sources = _words(data.get("sources"))
    if not sources:
        bad(top, "sources 缺失：模板须注明出处")
    chain_words = _words(data.get("keywords"))
    if chain_words is None:
        bad(top, "keywords 应为字符串列表")
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        bad(top, "nodes 缺失或为空")
        raise TemplateError(issues)

    nodes: list[NodeSpec] = []
    lines: dict[str, int] = {}

    def walk(items: list[Any], parent: NodeSpec | None, parent_line: int) -> None:
        for raw in items:
            if not isinstance(raw, dict):
                bad(parent_line, f"环节应为映射，实为 {raw!r}")
                continue
            line = int(raw.get(_LINE, parent_line))
            node_name = raw.get("name")
            if not isinstance(node_name, str) or not node_name.strip():
                bad(line, "环节缺少 name")
                continue
            node_name = node_name.strip()
            if node_name in lines:
                bad(line, f"环节名称重复：{node_name}（首次出现在第 {lines[node_name]} 行）")
                continue
            lines[node_name] = line
            stage_raw = raw.get("stage")
            if stage_raw is None and parent is not None:
                stage: str | None = parent.stage
            elif stage_raw is None:
                bad(line, f"环节 {node_name} 缺少 stage（上游/中游/下游/配套服务）")
                stage = None
            else:
                stage = STAGE_ALIASES.get(str(stage_raw), str(stage_raw))
                if stage not in STAGES:
                    bad(line, f"环节 {node_name} 的 stage 无效：{stage_raw!r}")
                    stage = None
                elif parent is not None and stage != parent.stage:
                    bad(line, f"子环节 {node_name} 的 stage 与上级 {parent.name} 不一致")
            kind = str(raw.get("service_kind") or "")
            if stage == "service" and kind not in SERVICE_KINDS:
                bad(
                    line,
                    f"配套服务环节 {node_name} 的 service_kind 应为 "
                    f"{'/'.join(SERVICE_KINDS)}，实为 {kind or '空'}",
                )
            if stage != "service" and kind:
                bad(line, f"环节 {node_name} 不是配套服务，不应有 service_kind")
            codes = _words(raw.get("codes"))
            related = _words(raw.get("related_codes"))
            if codes is None or related is None:
                bad(line, f"环节 {node_name} 的 codes/related_codes 应为字符串列表")
                codes, related = codes or (), related or ()
            for c in (*codes, *related):
                if not _INDUSTRY_RE.match(c):
                    bad(line, f"环节 {node_name} 的行业代码格式错误：{c}")
                elif known_codes is not None and c not in known_codes:
                    bad(line, f"环节 {node_name} 的行业代码 {c} 不在 GB/T 4754-2017 中")
            keywords = _words(raw.get("keywords"))
            exclude = _words(raw.get("exclude"))
            feeds = _words(raw.get("feeds"))
            if keywords is None or exclude is None or feeds is None:
                bad(line, f"环节 {node_name} 的 keywords/exclude/feeds 应为字符串列表")
                keywords, exclude, feeds = keywords or (), exclude or (), feeds or ()
            weight = raw.get("weight", 1)
            if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
                bad(line, f"环节 {node_name} 的 weight 应为正数")
                weight = 1
            ref_share = raw.get("ref_share")
            if ref_share is not None and (
                not isinstance(ref_share, int | float) or not 0 < ref_share <= 1
            ):
                bad(line, f"环节 {node_name} 的 ref_share 应在 (0, 1] 之间")
                ref_share = None
            spec = NodeSpec(
                name=node_name,
                stage=stage or "midstream",
                line=line,
                order=len(nodes),
                parent=parent.name if parent else None,
                service_kind=kind,
                codes=codes,
                related_codes=related,
                keywords=keywords,
                exclude=exclude,
                feeds=feeds,
                weight=float(weight),
                ref_share=float(ref_share) if ref_share is not None else None,
                description=str(raw.get("description") or ""),
            )
            nodes.append(spec)
            children = raw.get("children")
            if children is not None:
                if not isinstance(children, list):
                    bad(line, f"环节 {node_name} 的 children 应为列表")
                else:
                    walk(children, spec, line)

    walk(raw_nodes, None, top)
    if len(nodes) > MAX_NODES:
        bad(top, f"环节过多：{len(nodes)}（上限 {MAX_NODES}）")

    graph = nx.DiGraph()
    graph.add_nodes_from(n.name for n in nodes)
    for n in nodes:
        for target in n.feeds:
            if target not in lines:
                bad(n.line, f"环节 {n.name} 的 feeds 指向不存在的环节：{target}")
            elif target == n.name:
                bad(n.line, f"环节 {n.name} 的 feeds 指向自身")
            else:
                graph.add_edge(n.name, target)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        cycle = []
    if cycle:
        path = " → ".join([cycle[0][0], *(v for _, v in cycle)])
        bad(lines[cycle[0][0]], f"环节之间存在循环：{path}")
    shares = sum(n.ref_share or 0 for n in nodes)
    if shares > 1.0001:
        bad(top, f"各环节 ref_share 之和为 {shares:.2f}，不应超过 1")

    if issues:
        raise TemplateError(sorted(issues, key=lambda i: i.line))
    return ChainSpec(
        code=str(code),
        version=int(version),  # type: ignore[arg-type]
        name=str(name).strip(),
        category=str(category),
        file=file,
        description=str(data.get("description") or "").strip(),
        keywords=chain_words or (),
        sources=sources or (),
        nodes=tuple(nodes),
    )


def chain_edges(spec: ChainSpec) -> list[tuple[str, str]]:
    """The directed ``feeds`` edges (upstream → downstream) of a template."""
    return [(n.name, t) for n in spec.nodes for t in n.feeds]
