"""The pure firm-name matcher (chainboard.imports.names): hand-worked cases and properties."""

import random

from hypothesis import given
from hypothesis import strategies as st

from chainboard.imports.names import (
    Firm,
    MatchStatus,
    NameIndex,
    Normaliser,
    exact_key,
    region_variants,
)

REGIONS = ["河北省", "邢台市", "宁晋县", "信都区"]
FIRMS = [
    Firm(1, "宁晋县华通电缆有限责任公司", frozenset({"宁晋县", "邢台市"})),
    Firm(2, "河北华通线缆集团股份有限公司", frozenset({"宁晋县", "邢台市"})),
    Firm(3, "中铁建（宁晋）电缆有限公司", frozenset({"宁晋县", "邢台市"})),
    Firm(4, "邢台华通电缆有限公司", frozenset({"信都区", "邢台市"})),
    Firm(5, "晶龙电子材料有限公司", frozenset({"宁晋县", "邢台市"})),
]


def index(aliases=None):
    return NameIndex(FIRMS, regions=REGIONS, aliases=aliases)


# --- hand-worked keys ---


def test_exact_key_removes_width_spacing_brackets_and_legal_form():
    assert exact_key("河北 华通线缆（集团）股份有限公司") == "河北华通线缆集团"
    assert exact_key("河北华通线缆集团有限责任公司") == "河北华通线缆集团"
    assert exact_key("ＡＢＣ【宁晋】电缆　有限公司") == "abc宁晋电缆"
    assert exact_key("华通电缆股份公司") == "华通电缆"
    # a branch keeps its form: it is another unit than the company
    assert exact_key("华通电缆有限公司宁晋分公司") == "华通电缆有限公司宁晋分公司"
    # never stripped to nothing
    assert exact_key("公司") == "公司"


def test_region_variants_add_short_forms_longest_first():
    assert region_variants(["河北省", "宁晋县", "威县"]) == [
        "宁晋县",
        "河北省",
        "威县",
        "宁晋",
        "河北",
    ]


def test_core_key_removes_regions_in_front_and_in_brackets():
    n = Normaliser(REGIONS)
    assert n.core_key("河北省邢台市宁晋县华通电缆有限公司") == "华通电缆"
    assert n.core_key("宁晋华通电缆有限公司") == "华通电缆"
    assert n.core_key("中铁建(宁晋)电缆有限公司") == "中铁建电缆"
    assert n.core_key("（宁晋县）中铁建电缆有限公司") == "中铁建电缆"
    # at least two characters stay: 宁晋县宁晋 is not emptied
    assert n.core_key("宁晋县宁晋有限公司") == "宁晋"
    # a region outside the list is part of the name
    assert n.core_key("清河县羊绒制品有限公司") == "清河县羊绒制品"


# --- hand-worked matches ---


def test_exact_key_match_is_confirmed():
    m = index().match("宁晋县华通电缆有限公司")
    assert m.status is MatchStatus.CONFIRMED and m.firm == 1
    assert m.candidates[0].how == "exact" and m.candidates[0].score == 100
    assert index().match("河北华通线缆集团有限公司").firm == 2
    assert index().match("中铁建电缆有限公司").firm == 3  # （宁晋） in the registry name


def test_equal_core_keys_are_ambiguous_unless_the_place_decides():
    m = index().match("华通电缆有限公司")
    assert m.status is MatchStatus.AMBIGUOUS and m.firm is None
    assert sorted(c.firm for c in m.candidates) == [1, 4]
    assert {c.score for c in m.candidates} == {100}
    assert index().match("华通电缆有限公司", place="宁晋").firm == 1
    assert index().match("华通电缆有限公司", place="信都区").firm == 4
    # a place that fits neither leaves both
    assert index().match("华通电缆有限公司", place="清河县").status is MatchStatus.AMBIGUOUS


def test_fuzzy_candidates_are_scored_best_first_and_never_confirmed():
    m = index().match("华通线缆有限公司")
    assert m.status is MatchStatus.AMBIGUOUS
    assert [c.firm for c in m.candidates][:1] == [2]
    scores = [c.score for c in m.candidates]
    assert scores == sorted(scores, reverse=True) and all(70 <= s < 100 for s in scores)
    assert {c.how for c in m.candidates} == {"fuzzy"}


def test_unknown_name_is_not_found():
    m = index().match("清河县羊绒制品有限公司")
    assert m.status is MatchStatus.NOT_FOUND and m.candidates == ()


def test_remembered_name_is_confirmed_first():
    m = index(aliases={"华通电缆厂": 4}).match("华通电缆厂")
    assert m.status is MatchStatus.CONFIRMED and m.firm == 4 and m.candidates[0].how == "alias"
    # an alias to a firm outside the index (another county) is ignored
    assert index(aliases={"华通电缆厂": 99}).match("华通电缆厂").firm is None


def test_match_many_keeps_order_and_places():
    got = index().match_many(["晶龙电子材料有限公司", "华通电缆"], places=["", "信都区"])
    assert [m.firm for m in got] == [5, 4]


# --- properties ---

CORE_CHARS = st.sampled_from(
    list("华通达盛源鑫隆丰泰瑞德恒昌金宏远博创佳晶明辉电缆玻璃轴承羊绒食品机械")
)
BASE = st.text(CORE_CHARS, min_size=2, max_size=10)
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "股份公司", "公司"]


def fullwidth(text: str) -> str:
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text
    )


@given(BASE, st.sampled_from(FORMS), st.sampled_from(FORMS))
def test_legal_forms_do_not_change_the_key(base, form_a, form_b):
    assert exact_key(base + form_a) == exact_key(base + form_b) == base


@given(BASE, st.sampled_from(FORMS), st.text(st.sampled_from(" ()[]AB12"), max_size=6))
def test_full_and_half_width_give_the_same_key(base, form, ascii_part):
    name = ascii_part + base + form
    assert exact_key(name) == exact_key(fullwidth(name))
    n = Normaliser(REGIONS)
    assert n.core_key(name) == n.core_key(fullwidth(name))


@given(
    BASE,
    st.lists(st.sampled_from(["河北省", "河北", "邢台市", "宁晋县", "宁晋"]), max_size=3),
    st.sampled_from(FORMS),
)
def test_region_prefixes_do_not_change_the_core_key(base, prefixes, form):
    n = Normaliser(REGIONS)
    assert n.core_key("".join(prefixes) + base + form) == base
    assert n.core_key(base + "(宁晋)" + form) == base


@given(st.lists(BASE, min_size=1, max_size=30, unique=True), st.randoms(use_true_random=False))
def test_every_registered_name_finds_itself_whatever_the_order(bases, rng: random.Random):
    firms = [Firm(i, b + "有限公司") for i, b in enumerate(bases)]
    shuffled = firms[:]
    rng.shuffle(shuffled)
    a, b = NameIndex(firms, regions=REGIONS), NameIndex(shuffled, regions=REGIONS)
    for firm in firms:
        ma, mb = a.match(firm.name), b.match(firm.name)
        assert ma.firm == firm.key and mb.firm == firm.key
        assert ma.status is MatchStatus.CONFIRMED


@given(st.lists(BASE, min_size=1, max_size=30), BASE)
def test_candidates_are_bounded_sorted_and_within_limit(bases, query):
    idx = NameIndex([Firm(i, b) for i, b in enumerate(bases)])
    m = idx.match(query, limit=3)
    if m.status is MatchStatus.AMBIGUOUS and m.candidates[0].how == "fuzzy":
        assert len(m.candidates) <= 3
    scores = [c.score for c in m.candidates]
    assert all(0 <= s <= 100 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert (m.status is MatchStatus.NOT_FOUND) == (not m.candidates)
