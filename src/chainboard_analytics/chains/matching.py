"""Firm-to-segment matching 企业挂链: industry code + segmented business-scope text.

Each firm is scored against every chain node; a proposal carries a confidence in [0, 1] and the
reasons that produced it (which code, which words, in which phrase).

Score (defaults in :class:`MatchWeights`, all configurable)::

    code      0.50  the firm's GB/T 4754 class is one of the node's codes
            + 0.15  … and no other node of the same chain lists that code (exclusive)
              0.40  instead, for a service node (generic services serve many chains)
              0.40  instead, when the node lists only the 2/3-digit parent of the firm's class,
                    or lists the class among its ``related_codes`` (broad classes such as
                    钢压延加工 that also make much else)
    text      0.30  a node keyword is found in a production phrase of the business scope
              0.15  instead, when it is found only in a trade phrase (销售/批发/经营 …),
                    except for market and e-commerce service nodes, whose service is trade
            + 0.10  per further distinct keyword, the text part capped at 0.45
    name    + 0.15  the firm name contains a node keyword
    context + 0.20  service nodes only: a chain keyword (e.g. 玻璃) appears in scope or name
    veto            any ``exclude`` word of the node in scope or name → no proposal

    confidence = min(0.99, sum); proposed when confidence ≥ threshold (default 0.60)

So an exclusive code alone (0.65) is proposed, a code shared by several segments (0.50) needs a
confirming word, and text alone needs a production phrase plus further evidence.

Keyword hits use jieba word segmentation (a private ``jieba.Tokenizer`` with every node keyword
added to its dictionary). A token matches a keyword when it equals it or ends with it: Chinese
compounds are head-final, so 电力电缆 is a kind of 电缆 and matches it, while 玻璃钢 (fibreglass)
and 玻璃纤维 do not match 玻璃. Business scopes repeat standard phrases (经营范围规范表述), so
segmentation is cached per phrase. When a firm matches a node and one of its ancestors, only the
more specific node is proposed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field

import jieba

SALES_WORDS = ("销售", "批发", "零售", "经营", "进出口", "收购", "代理", "购销", "租赁")
MAKE_WORDS = (
    "制造",
    "生产",
    "加工",
    "织造",
    "纺纱",
    "分梳",
    "研发",
    "设计",
    "服务",
    "运输",
    "仓储",
    "检测",
    "检验",
    "屠宰",
    "冶炼",
    "压延",
    "印刷",
    "装卸",
    "鞣制",
    "染色",
    "染整",
    "炼钢",
    "铸造",
    "回收",
    "安装",
    "维修",
)
_PAREN = re.compile(r"（[^（）]*）|\([^()]*\)")
_SPLIT = re.compile(r"[；;。，,：:\n]+")
_MAX_CACHE = 200_000


@dataclass(frozen=True)
class MatchWeights:
    code: float = 0.50
    code_exclusive: float = 0.15
    code_service: float = 0.40
    code_broad: float = 0.40
    text_make: float = 0.30
    text_sales: float = 0.15
    text_extra: float = 0.10
    text_cap: float = 0.45
    name: float = 0.15
    context: float = 0.20
    threshold: float = 0.60


@dataclass(frozen=True)
class NodeRule:
    """One chain node as the matcher sees it (``key`` is the caller's id)."""

    key: Hashable
    chain: Hashable
    name: str
    stage: str
    codes: tuple[str, ...] = ()
    related_codes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    chain_keywords: tuple[str, ...] = ()
    parent: Hashable | None = None
    trade_is_core: bool = False  # markets and e-commerce: selling is the service itself


@dataclass(frozen=True)
class FirmText:
    key: Hashable
    code: str
    name: str
    scope: str


@dataclass(frozen=True)
class Proposal:
    firm: Hashable
    node: Hashable
    confidence: float
    source: str  # "code" / "text" / "code+text"
    code: str = ""
    words: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def explanation(self) -> str:
        return "；".join(self.reasons)


@dataclass
class _Hit:
    code: float = 0.0
    code_note: str = ""
    make: set[str] = field(default_factory=set)
    sales: set[str] = field(default_factory=set)
    shown: dict[str, str] = field(default_factory=dict)


def split_phrases(scope: str) -> list[str]:
    """Business-scope phrases: parentheticals removed, split at ；。，： (not at 、)."""
    text = _PAREN.sub("", scope or "")
    return [p.strip() for p in _SPLIT.split(text) if p.strip()]


def is_trade_phrase(phrase: str) -> bool:
    """A phrase that only trades (销售/批发 …) and neither makes nor serves."""
    return any(w in phrase for w in SALES_WORDS) and not any(w in phrase for w in MAKE_WORDS)


_BASE: jieba.Tokenizer | None = None


def _fresh_tokenizer() -> jieba.Tokenizer:
    """A private tokenizer with jieba's default dictionary (loaded once per process, then copied:
    building the prefix dictionary takes seconds, copying it milliseconds)."""
    global _BASE
    if _BASE is None:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        base = jieba.Tokenizer()
        base.initialize()
        _BASE = base
    tk = jieba.Tokenizer()
    tk.FREQ = dict(_BASE.FREQ)
    tk.total = _BASE.total
    tk.initialized = True
    return tk


class Matcher:
    """Score firms against a fixed set of nodes; build once, reuse for many firms."""

    def __init__(self, nodes: Iterable[NodeRule], *, weights: MatchWeights | None = None) -> None:
        self.weights = weights or MatchWeights()
        self.nodes: dict[Hashable, NodeRule] = {n.key: n for n in nodes}
        self.by_code: dict[str, list[NodeRule]] = {}
        self.by_word: dict[str, list[NodeRule]] = {}
        self.by_related: dict[str, list[NodeRule]] = {}
        counts: dict[tuple[Hashable, str], int] = {}
        for n in self.nodes.values():
            for c in n.codes:
                self.by_code.setdefault(c, []).append(n)
                counts[(n.chain, c)] = counts.get((n.chain, c), 0) + 1
            for c in n.related_codes:
                self.by_related.setdefault(c, []).append(n)
            for w in n.keywords:
                self.by_word.setdefault(w, []).append(n)
        self.exclusive = {key for key, k in counts.items() if k == 1}
        self.ancestors: dict[Hashable, set[Hashable]] = {}
        for n in self.nodes.values():
            seen: set[Hashable] = set()
            p = n.parent
            while p is not None and p in self.nodes and p not in seen:
                seen.add(p)
                p = self.nodes[p].parent
            self.ancestors[n.key] = seen
        self.max_word = max((len(w) for w in self.by_word), default=0)
        self.tokenizer = _fresh_tokenizer()
        words = {w for n in self.nodes.values() for w in (*n.keywords, *n.chain_keywords)}
        for w in sorted(words):
            self.tokenizer.add_word(w, freq=100_000)
        self._phrases: dict[str, tuple[tuple[str, ...], bool]] = {}

    def segment(self, phrase: str) -> tuple[tuple[str, ...], bool]:
        """(tokens, is_trade) of one phrase, cached."""
        hit = self._phrases.get(phrase)
        if hit is None:
            tokens = tuple(t for t in self.tokenizer.cut(phrase, HMM=False) if len(t) > 1)
            hit = (tokens, is_trade_phrase(phrase))
            if len(self._phrases) < _MAX_CACHE:
                self._phrases[phrase] = hit
        return hit

    def _word_nodes(self, token: str) -> Iterator[tuple[str, list[NodeRule]]]:
        for i in range(max(0, len(token) - self.max_word), len(token) - 1):
            suffix = token[i:]
            nodes = self.by_word.get(suffix)
            if nodes:
                yield suffix, nodes

    def match(self, firm: FirmText) -> list[Proposal]:
        """Every proposal for one firm at or above the threshold, most confident first."""
        w = self.weights
        hits: dict[Hashable, _Hit] = {}
        code = firm.code or ""
        for level in (code, code[:3], code[:2]):
            for n in self.by_code.get(level, ()) if level else ():
                if n.key in hits and hits[n.key].code:
                    continue
                h = hits.setdefault(n.key, _Hit())
                if n.stage == "service":
                    h.code, note = w.code_service, "（配套服务类通用行业）"
                elif level != code:
                    h.code, note = w.code_broad, f"（环节列出上级类 {level}）"
                elif (n.chain, code) in self.exclusive:
                    h.code, note = w.code + w.code_exclusive, "（本链仅此环节）"
                else:
                    h.code, note = w.code, "（本链多个环节共用）"
                h.code_note = f"行业代码 {code} 属于本环节{note}"
        for n in self.by_related.get(code, ()) if code else ():
            h = hits.setdefault(n.key, _Hit())
            if not h.code:
                h.code, h.code_note = (
                    w.code_broad,
                    f"行业代码 {code} 为本环节相关行业（需文字佐证）",
                )
        all_tokens: set[str] = set()
        for phrase in split_phrases(firm.scope):
            tokens, trade = self.segment(phrase)
            all_tokens.update(tokens)
            for token in tokens:
                for word, nodes in self._word_nodes(token):
                    for n in nodes:
                        h = hits.setdefault(n.key, _Hit())
                        (h.sales if trade and not n.trade_is_core else h.make).add(word)
                        label = word if token == word else f"{token}⊂{word}"
                        h.shown.setdefault(word, f"{label}（{'贸易' if trade else '生产/服务'}）")
        out: list[Proposal] = []
        name = firm.name or ""
        for key, h in hits.items():
            n = self.nodes[key]
            if any(x in name or x in all_tokens or x in firm.scope for x in n.exclude):
                continue
            reasons: list[str] = []
            score = h.code
            if h.code_note:
                reasons.append(h.code_note)
            words = h.make | h.sales
            if words:
                base = w.text_make if h.make else w.text_sales
                text = min(w.text_cap, base + w.text_extra * (len(words) - 1))
                score += text
                reasons.append("经营范围分词命中：" + "、".join(h.shown[x] for x in sorted(words)))
            name_words = [x for x in n.keywords if x in name]
            if name_words:
                score += w.name
                reasons.append(f"企业名称含“{name_words[0]}”")
            if n.stage == "service" and n.chain_keywords:
                ctx = [x for x in n.chain_keywords if x in firm.scope or x in name]
                if ctx:
                    score += w.context
                    reasons.append(f"服务对象含本链产品“{ctx[0]}”")
            score = round(min(0.99, score), 3)
            if score + 1e-9 < w.threshold:
                continue
            source = "code+text" if h.code and words else "code" if h.code else "text"
            out.append(
                Proposal(
                    firm=firm.key,
                    node=key,
                    confidence=score,
                    source=source,
                    code=code if h.code else "",
                    words=tuple(sorted(words)),
                    reasons=tuple(reasons),
                )
            )
        if len(out) > 1:
            proposed = {p.node for p in out}
            covered = set().union(*(self.ancestors[k] for k in proposed))
            out = [p for p in out if p.node not in covered]
        out.sort(key=lambda p: (-p.confidence, str(p.node)))
        return out

    def match_all(self, firms: Iterable[FirmText]) -> Iterator[Proposal]:
        for firm in firms:
            yield from self.match(firm)
