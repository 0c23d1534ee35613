"""The matcher's rules, one by one, with the reasons it gives."""

from __future__ import annotations

import pytest

from chainboard_analytics.chains.matching import (
    FirmText,
    Matcher,
    NodeRule,
    is_trade_phrase,
    split_phrases,
)

NODES = [
    NodeRule("cable", "c", "电线电缆", "midstream", codes=("3831",), keywords=("电缆", "电线")),
    NodeRule(
        "power",
        "c",
        "电力电缆",
        "midstream",
        codes=("3831",),
        keywords=("电力电缆",),
        parent="cable",
    ),
    NodeRule("copper", "c", "铜杆铜线", "upstream", codes=("3251",), keywords=("铜杆",)),
    NodeRule(
        "glass",
        "g",
        "浮法玻璃",
        "midstream",
        codes=("3041",),
        keywords=("玻璃",),
        exclude=("玻璃钢",),
    ),
    NodeRule("armour", "c", "铠装", "upstream", related_codes=("3130",), keywords=("钢带",)),
    NodeRule(
        "market",
        "c",
        "线缆市场",
        "service",
        codes=("5175",),
        keywords=("电线电缆批发",),
        chain_keywords=("电缆",),
        trade_is_core=True,
    ),
    NodeRule(
        "logistics",
        "c",
        "物流",
        "service",
        codes=("5431",),
        keywords=("线缆物流",),
        chain_keywords=("电缆",),
    ),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(NODES)


def props(matcher: Matcher, code: str, scope: str, name: str = "某某有限公司") -> dict:
    return {p.node: p for p in matcher.match(FirmText(1, code, name, scope))}


def test_phrases_drop_parentheticals_and_split_at_semicolons():
    assert split_phrases("一般项目：电线、电缆制造；货物进出口（不含许可项目）。") == [
        "一般项目",
        "电线、电缆制造",
        "货物进出口",
    ]
    assert is_trade_phrase("电线、电缆经营")
    assert not is_trade_phrase("电线、电缆生产、销售")


def test_exclusive_code_alone_is_proposed_shared_code_alone_is_not(matcher):
    assert props(matcher, "3251", "有色金属压延加工")["copper"].confidence == 0.65
    assert props(matcher, "3831", "电工器材制造") == {}


def test_code_plus_words_with_the_specific_node_only(matcher):
    found = props(
        matcher, "3831", "电力电缆生产、销售；电线、电缆制造", name="宁晋县某电缆有限公司"
    )
    assert set(found) == {"power"}  # the parent 电线电缆 is implied, not proposed twice
    p = found["power"]
    assert p.source == "code+text"
    assert "电力电缆" in p.explanation and "3831" in p.explanation


def test_head_final_compounds_match_but_modifiers_do_not(matcher):
    assert "cable" in props(matcher, "3831", "高压电缆制造")  # 高压电缆 ⊂ 电缆
    assert props(matcher, "3062", "玻璃纤维制品制造") == {}  # 玻璃纤维 is not 玻璃


def test_exclude_words_veto(matcher):
    assert props(matcher, "3041", "玻璃钢制品、平板玻璃制造") == {}


def test_trade_only_mentions_count_less(matcher):
    making = props(matcher, "3130", "镀锌钢带生产")["armour"]
    assert making.confidence == pytest.approx(0.70)
    assert props(matcher, "3130", "镀锌钢带销售") == {}  # 0.40 + 0.15 < 0.60


def test_related_code_needs_a_word(matcher):
    assert props(matcher, "3130", "钢压延加工") == {}


def test_service_nodes_need_chain_context(matcher):
    assert props(matcher, "5431", "道路货物运输") == {}
    ctx = props(matcher, "5431", "道路货物运输；电缆盘运输")["logistics"]
    assert "本链产品" in ctx.explanation


def test_market_nodes_count_trade_as_their_service(matcher):
    p = props(matcher, "5175", "电线电缆批发")["market"]
    assert p.confidence == pytest.approx(0.90)


def test_results_are_deterministic_and_sorted(matcher):
    a = matcher.match(FirmText(1, "3831", "某电缆厂", "电力电缆、控制电缆生产；铜杆生产"))
    b = matcher.match(FirmText(1, "3831", "某电缆厂", "电力电缆、控制电缆生产；铜杆生产"))
    assert a == b
    assert [p.confidence for p in a] == sorted((p.confidence for p in a), reverse=True)
