"""Matching firm names of name-only lists (认定名单, 公示名单) to registry firms. No Django.

Official lists carry ``企业名称`` and maybe ``所在地`` but no 统一社会信用代码, and spell names
their own way: full-width or half-width brackets and spaces, 有限责任公司 for 有限公司, a county
in front (宁晋县…) or in brackets (…（宁晋）有限公司). A name is reduced to two keys:

``exact key``
    NFKC (full-width → half-width), other bracket shapes → ``()``, whitespace, quotes and middle
    dots removed, lower case, 有限责任公司 → 有限公司, the legal form at the end dropped
    (股份有限公司 / 有限公司 / 股份公司 / 公司, never 分公司), brackets dropped (content kept).
``core key``
    the exact key of the name with region names removed: a bracketed region anywhere
    (``（宁晋）``), and region names in front (河北省, 邢台市, 宁晋县 and their short forms 河北,
    邢台, 宁晋), as long as two characters remain. The region names come from the caller (the
    user's scope), so only those are stripped.

Matching a name, in order:

1. a remembered name (a pair a user confirmed before, by exact key) → confirmed;
2. exact key equal to one firm's → confirmed; to several → step 3 among them;
3. core key equal to one firm's → confirmed; to several → ambiguous, all with score 100
   (narrowed by the row's 所在地 when the list has one: one firm left → confirmed);
4. otherwise fuzzy: firms sharing at least one two-character sequence with the core key are
   scored with ``rapidfuzz.fuzz.WRatio`` (0-100) on the core keys; those at or above
   ``cutoff`` (default 70) are the candidates, best first → ambiguous (a fuzzy match is never
   confirmed without a person); none → not found.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

import numpy as np

K = TypeVar("K", bound=Hashable)

DEFAULT_CUTOFF = 70.0
DEFAULT_LIMIT = 5
PREFILTER = 200  # fuzzy: score only the firms sharing the most two-character sequences
# fuzzy: a sequence in more than this share of the firms (e.g. 电缆 in a cable county) does not
# select candidates on its own, unless a name has no rarer one
COMMON_SHARE = 0.01
COMMON_MIN = 200

_OPEN = re.compile(r"[【〔\[〖]")
_CLOSE = re.compile(r"[】〕\]〗]")
_DROP = re.compile(r"[\s\"'“”‘’`·•・.,，、。:：;；_\-—–]+")
_FORM_END = re.compile(r"(?<!分)(?:股份有限公司|有限公司|股份公司|公司)$")
_REGION_SUFFIXES = (
    "自治县",
    "自治州",
    "自治区",
    "地区",
    "新区",
    "省",
    "市",
    "县",
    "区",
    "旗",
    "盟",
)


def region_variants(regions: Iterable[str]) -> list[str]:
    """The region names and their short forms (宁晋县 → 宁晋 when two characters remain),
    longest first, normalised like firm names."""
    found: set[str] = set()
    for region in regions:
        name = _clean(region)
        if not name:
            continue
        found.add(name)
        for suffix in _REGION_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                found.add(name[: -len(suffix)])
                break
    return sorted(found, key=lambda s: (-len(s), s))


def _clean(name: str) -> str:
    text = _CLOSE.sub(")", _OPEN.sub("(", unicodedata.normalize("NFKC", name)))
    return _DROP.sub("", text).lower().replace("有限责任公司", "有限公司")


def exact_key(name: str) -> str:
    """The name without width, spacing, bracket-shape and legal-form differences."""
    return _unform(_clean(name))


def _unform(text: str) -> str:
    stripped = _FORM_END.sub("", text)
    if len(stripped.replace("(", "").replace(")", "")) >= 2:
        text = stripped
    return text.replace("(", "").replace(")", "")


class Normaliser:
    """Keys of firm names for one set of region names (the user's scope)."""

    def __init__(self, regions: Iterable[str] = ()) -> None:
        self.regions = region_variants(regions)
        if self.regions:
            alternatives = "|".join(re.escape(r) for r in self.regions)
            self._bracketed: re.Pattern[str] | None = re.compile(rf"\((?:{alternatives})\)")
            self._leading: re.Pattern[str] | None = re.compile(rf"^(?:{alternatives})")
        else:
            self._bracketed = self._leading = None

    def core_key(self, name: str) -> str:
        """The exact key with region names removed (bracketed anywhere, or in front)."""
        return self.keys(name)[1]

    def keys(self, name: str) -> tuple[str, str]:
        """The exact key and the core key of a name."""
        text = _clean(name)
        exact = _unform(text)
        if self._bracketed is None:
            return exact, exact
        without = self._bracketed.sub("", text)
        key = _unform(without) if len(without) >= 2 and without != text else exact
        while self._leading is not None and (found := self._leading.match(key)):
            rest = key[found.end() :]
            if len(rest) < 2:
                break
            key = rest
        return exact, key

    def place_key(self, place: str) -> str:
        """A 所在地 cell reduced for comparison with region names (宁晋县 and 宁晋 are equal)."""
        variants = region_variants([place])
        return variants[-1] if variants else ""


class MatchStatus(StrEnum):
    CONFIRMED = "confirmed"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Candidate(Generic[K]):
    firm: K
    name: str
    score: float  # 0-100; 100 for an equal key
    how: str  # "alias" 已记住, "exact" 名称一致, "core" 去掉地名后一致, "fuzzy" 相似


@dataclass(frozen=True)
class NameMatch(Generic[K]):
    name: str
    status: MatchStatus
    candidates: tuple[Candidate[K], ...] = ()

    @property
    def firm(self) -> K | None:
        """The matched firm when confirmed."""
        return self.candidates[0].firm if self.status is MatchStatus.CONFIRMED else None


@dataclass(frozen=True)
class Firm(Generic[K]):
    key: K
    name: str
    places: frozenset[str] = field(default_factory=frozenset)  # region names it lies in


class NameIndex(Generic[K]):
    """The registry firms one user may match against, indexed by exact key, core key and
    two-character sequences.

    ``aliases`` maps remembered names (as written in earlier lists) to firm keys; they are
    matched first, by exact key.
    """

    def __init__(
        self,
        firms: Iterable[Firm[K]],
        *,
        regions: Iterable[str] = (),
        aliases: Mapping[str, K] | None = None,
    ) -> None:
        self.normaliser = Normaliser(regions)
        self.firms: list[Firm[K]] = list(firms)
        self._by_firm = {f.key: f for f in self.firms}
        place_keys: dict[frozenset[str], frozenset[str]] = {}
        self._places = [
            place_keys.get(f.places)
            or place_keys.setdefault(f.places, frozenset(self._place_keys(f.places)))
            for f in self.firms
        ]
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._core: dict[str, list[int]] = defaultdict(list)
        self.cores: list[str] = []
        grams: dict[str, list[int]] = defaultdict(list)
        for i, firm in enumerate(self.firms):
            exact, core = self.normaliser.keys(firm.name)
            self._exact[exact].append(i)
            self._core[core].append(i)
            self.cores.append(core)
            for gram in _grams(core):
                grams[gram].append(i)
        self._grams = {g: np.asarray(ids, dtype=np.int32) for g, ids in grams.items()}
        self._aliases: dict[str, K] = {}
        for alias, key in (aliases or {}).items():
            if key in self._by_firm:
                self._aliases[exact_key(alias)] = key

    def _place_keys(self, places: Iterable[str]) -> set[str]:
        return {k for p in places if (k := self.normaliser.place_key(p))}

    def match(
        self,
        name: str,
        *,
        place: str = "",
        cutoff: float = DEFAULT_CUTOFF,
        limit: int = DEFAULT_LIMIT,
    ) -> NameMatch[K]:
        """Match one name (``place``: the row's 所在地/地市, narrows equal keys and candidates)."""
        wanted = self.normaliser.place_key(place) if place else ""
        key, core = self.normaliser.keys(name)
        if (alias := self._aliases.get(key)) is not None:
            firm = self._by_firm[alias]
            return NameMatch(
                name, MatchStatus.CONFIRMED, (Candidate(alias, firm.name, 100, "alias"),)
            )
        for found, how in (
            (self._exact.get(key, []), "exact"),
            (self._core.get(core, []), "core"),
        ):
            if wanted and len(found) > 1:
                narrowed = [i for i in found if wanted in self._places[i]]
                found = narrowed or found
            if len(found) == 1:
                return NameMatch(
                    name, MatchStatus.CONFIRMED, (self._candidate(found[0], 100, how),)
                )
            if len(found) > 1 and how == "core":
                return NameMatch(
                    name, MatchStatus.AMBIGUOUS, tuple(self._candidate(i, 100, how) for i in found)
                )
        fuzzy = self._fuzzy(core, wanted, cutoff, limit)
        return NameMatch(name, MatchStatus.AMBIGUOUS if fuzzy else MatchStatus.NOT_FOUND, fuzzy)

    def _candidate(self, i: int, score: float, how: str) -> Candidate[K]:
        firm = self.firms[i]
        return Candidate(firm.key, firm.name, score, how)

    def _fuzzy(self, core: str, wanted: str, cutoff: float, limit: int) -> tuple[Candidate[K], ...]:
        postings = sorted((self._grams[g] for g in _grams(core) if g in self._grams), key=len)
        if not postings:
            return ()
        common = max(COMMON_MIN, int(len(self.firms) * COMMON_SHARE))
        rare = [p for p in postings if len(p) <= common] or postings[:1]
        ids, counts = np.unique(np.concatenate(rare), return_counts=True)
        if len(ids) > PREFILTER:
            ids = ids[np.argpartition(counts, -PREFILTER)[-PREFILTER:]]
        places = self._places
        chosen = [int(i) for i in ids if not wanted or wanted in places[i] or not places[i]]
        from rapidfuzz import fuzz, process  # only when a name needs the fuzzy step

        scored = process.extract(
            core,
            [self.cores[i] for i in chosen],
            scorer=fuzz.WRatio,
            score_cutoff=cutoff,
            limit=None,
        )
        hits = sorted(((-score, self.firms[chosen[j]].name, chosen[j]) for _, score, j in scored))
        return tuple(self._candidate(i, round(-neg, 1), "fuzzy") for neg, _, i in hits[:limit])

    def match_many(
        self,
        names: Sequence[str],
        *,
        places: Sequence[str] | None = None,
        cutoff: float = DEFAULT_CUTOFF,
        limit: int = DEFAULT_LIMIT,
    ) -> list[NameMatch[K]]:
        """Match each name (``places``: the 所在地 of each, same length, may be empty)."""
        wanted = places if places is not None else [""] * len(names)
        return [
            self.match(n, place=p, cutoff=cutoff, limit=limit)
            for n, p in zip(names, wanted, strict=True)
        ]


def _grams(key: str) -> set[str]:
    """Two-character sequences of a key, adjacent (华通) and one apart (华_电: a changed
    character in the middle of 华通电缆 still leaves one shared); the key itself when shorter."""
    if len(key) < 2:
        return {key} if key else set()
    pairs = {a + b for a, b in itertools.pairwise(key)}
    pairs.update([a + "_" + c for a, c in zip(key, key[2:], strict=False)])
    return pairs
