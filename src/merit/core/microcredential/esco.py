"""ESCO v1.1.1 skills: look-up, search-as-you-type and the skills pillar hierarchy.

ESCO (European Skills, Competences, Qualifications and Occupations, https://esco.ec.europa.eu/) is the
European Commission's multilingual classification. Merit bundles a trimmed English copy of v1.1.1
(``data/esco-v1.1.1.json.gz``, built by ``scripts/build-esco-data`` from the official CSV export; its format is
described there and its provenance in ``data/PROVENANCE.md``). This service uses the ESCO classification of the
European Commission.

Nothing is read at import time: the bundle is loaded on first use, and the search index it carries
(:mod:`merit.core.microcredential.esco_index`) is unpacked on the first search. Both are cached for the life of
the process.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import deque
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import islice
from typing import Any

from merit.core.microcredential.esco_index import Index, fold, words
from merit.core.microcredential.vocab import ESCO_SKILL

__all__ = [
    "Concept",
    "Skill",
    "broader",
    "concept",
    "fold",
    "group_path",
    "pillar",
    "pillars",
    "search",
    "skill",
    "skill_labels",
    "words",
]

SKILL_PREFIX = ESCO_SKILL
DATA_FILE = "data/esco-v1.1.1.json.gz"
MAX_QUERY_LENGTH = 200
MIN_QUERY_LENGTH = 2

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_URI_QUERY = re.compile(rf"(?:https?://data\.europa\.eu/esco/skill/)?({_UUID})/?", re.IGNORECASE)
_CODE_PART = re.compile(r"\d+|[^\d.]+")


@dataclass(frozen=True)
class Skill:
    """An ESCO skill or knowledge concept (a row of ESCO's ``skills_en.csv``).

    ``skill_type`` is ``"skill/competence"`` or ``"knowledge"`` (empty for a few concepts), ``reuse_level`` one of
    ``"transversal"``, ``"cross-sector"``, ``"sector-specific"`` or ``"occupation-specific"`` (empty for a few).
    """

    uri: str
    label: str
    alt_labels: tuple[str, ...]
    skill_type: str
    reuse_level: str


@dataclass(frozen=True)
class Concept:
    """A concept of the ESCO skills pillar hierarchy: a skill group (with its code, e.g. ``"S1.2"``, or the ISCED-F
    code of a knowledge group, e.g. ``"0613"``) or a skill that is broader than another (``code`` is ``None``)."""

    uri: str
    label: str
    code: str | None


class _Taxonomy:
    """The bundled document: the skill groups, then the skills, each addressed by its index in ``concepts``."""

    def __init__(self, document: dict[str, Any]) -> None:
        concepts: list[list[Any]] = document["concepts"]
        self.groups: int = document["groups"]
        self.skill_types: list[str] = document["skill_types"]
        self.reuse_levels: list[str] = document["reuse_levels"]
        self.rows = concepts
        groups, skills = concepts[: self.groups], concepts[self.groups :]
        self.uris = [row[0] for row in groups] + [SKILL_PREFIX + row[0] for row in skills]
        self.index = {uri: i for i, uri in enumerate(self.uris)}
        self.broader: list[list[int]] = [row[-1] for row in concepts]
        self.search_index: dict[str, Any] = document["index"]
        self._skills: dict[int, Skill] = {}

    def find(self, uri: str) -> int | None:
        """The index of a concept URI, or of a skill's UUID (bare, in capitals, or in an https or slash-ended URI)."""
        found = self.index.get(uri)
        if found is None and (match := _URI_QUERY.fullmatch(uri)):
            found = self.index.get(SKILL_PREFIX + match.group(1).lower())
        return found

    def skill(self, i: int) -> Skill:
        found = self._skills.get(i)
        if found is None:
            _, label, alt_labels, skill_type, reuse_level, _ = self.rows[i]
            alts = tuple(alt_labels.split("\n")) if alt_labels else ()
            found = Skill(self.uris[i], label, alts, self.skill_types[skill_type], self.reuse_levels[reuse_level])
            self._skills[i] = found
        return found

    def concept(self, i: int) -> Concept:
        return Concept(self.uris[i], self.rows[i][1], self.rows[i][2] if i < self.groups else None)


@cache
def _taxonomy() -> _Taxonomy:
    import gzip

    data = resources.files(__package__).joinpath(DATA_FILE).read_bytes()
    return _Taxonomy(json.loads(gzip.decompress(data)))


def skill_labels() -> dict[str, str]:
    """Every skill's UUID (the last segment of its URI) → English preferred label."""
    taxonomy = _taxonomy()
    return {row[0]: row[1] for row in taxonomy.rows[taxonomy.groups :]}


def skill(uri: str) -> Skill | None:
    """The ESCO skill with this URI (``http://data.europa.eu/esco/skill/<uuid>``) or bare UUID, if v1.1.1 has it."""
    taxonomy = _taxonomy()
    i = taxonomy.find(uri)
    return taxonomy.skill(i) if i is not None and i >= taxonomy.groups else None


def concept(uri: str) -> Concept | None:
    """The skill group or skill with this URI as a hierarchy :class:`Concept`."""
    taxonomy = _taxonomy()
    i = taxonomy.find(uri)
    return taxonomy.concept(i) if i is not None else None


# The hierarchy.


def _code_key(code: str | None) -> tuple[bool, tuple[tuple[int, str], ...]]:
    """Codes in natural order ("S1.2" before "S1.10"), concepts without a code last."""
    parts = _CODE_PART.findall(code or "")
    return code is None, tuple((int(part), "") if part.isdigit() else (-1, part) for part in parts)


@cache
def _parents() -> list[int | None]:
    """Each concept's chosen broader concept (``None`` for a root or a concept with no path to one).

    A concept with several broader concepts takes the one with the shortest path to a root; on a tie, the one
    whose code comes first in natural order, skill groups (which have codes) before skills; then the smaller URI.
    Distances are found breadth-first from the roots, so a cycle in the data could never make a walk endless.
    """
    taxonomy = _taxonomy()
    narrower: list[list[int]] = [[] for _ in taxonomy.uris]
    for child, parents in enumerate(taxonomy.broader):
        for parent in parents:
            narrower[parent].append(child)
    depth: list[int | None] = [0 if not parents else None for parents in taxonomy.broader]
    queue = deque((i, 0) for i, d in enumerate(depth) if d == 0)
    while queue:
        parent, distance = queue.popleft()
        for child in narrower[parent]:
            if depth[child] is None:
                depth[child] = distance + 1
                queue.append((child, distance + 1))
    chosen: list[int | None] = []
    for i, parents in enumerate(taxonomy.broader):
        own = depth[i]
        nearest = [p for p in parents if own is not None and depth[p] == own - 1]
        key = lambda p: (_code_key(taxonomy.concept(p).code), taxonomy.uris[p])  # noqa: E731
        chosen.append(min(nearest, key=key) if nearest else None)
    return chosen


def broader(uri: str) -> list[Concept]:
    """The chain of broader concepts from the concept's direct broader one up to its pillar (level-0) root.

    Skills can sit below other skills before reaching a skill group, so the chain may start with skills; where a
    concept has several broader concepts the rule of :func:`_parents` picks one. A root, an unknown URI or a
    concept without a path to a root gives ``[]``.
    """
    taxonomy = _taxonomy()
    i = taxonomy.find(uri)
    chain: list[Concept] = []
    parents = _parents()
    while i is not None and (i := parents[i]) is not None:
        chain.append(taxonomy.concept(i))
    return chain


def pillar(uri: str) -> Concept | None:
    """The level-0 root of the skills pillar above a concept (e.g. "S skills", "K knowledge"); a root is its own."""
    chain = broader(uri)
    if chain:
        return chain[-1]
    found = concept(uri)
    return found if found is not None and found.uri in {root.uri for root in pillars()} else None


def pillars() -> list[Concept]:
    """The roots of the skills pillar (concepts without a broader concept), in code order."""
    taxonomy = _taxonomy()
    roots = [taxonomy.concept(i) for i, parents in enumerate(taxonomy.broader) if not parents]
    return sorted(roots, key=lambda root: (_code_key(root.code), root.uri))


def group_path(uri: str) -> list[Concept]:
    """The skill groups above a concept, from the pillar root down to the most specific group.

    This is the key to group skills along the hierarchy, e.g. in a learner's competence map: ``group_path(uri)[:2]``
    puts a skill under its pillar and level-1 group.
    """
    return [item for item in reversed(broader(uri)) if item.code is not None]


# Search.


@cache
def _index() -> Index:
    taxonomy = _taxonomy()
    return Index(taxonomy.rows, taxonomy.groups, taxonomy.search_index)


@lru_cache(maxsize=128)
def _with_prefix(prefix: str) -> frozenset[int]:
    # Typing a query repeats its first words' prefixes at every keystroke; the cache answers those at once.
    return _index().with_prefix(prefix)


@lru_cache(maxsize=32)
def _sorted_prefix(prefix: str) -> tuple[int, ...]:
    return tuple(sorted(_with_prefix(prefix)))


def _candidates(index: Index, query_words: list[str]) -> frozenset[int]:
    """The labels in which every query word starts a word: the longest (most selective) word is looked up in the
    index; the others filter the survivors directly when there are few of them."""
    ordered = sorted(query_words, key=len, reverse=True)
    found = _with_prefix(ordered[0])
    done = [ordered[0]]
    for word in ordered[1:]:
        if not found:
            break
        if any(other.startswith(word) for other in done):
            continue
        if len(found) < 300:
            start = " " + word
            found = frozenset(n for n in found if start in index.text(n))
        else:
            found &= _with_prefix(word)
        done.append(word)
    return found


def search(query: str, *, limit: int = 10, skill_type: str | None = None) -> list[Skill]:
    """ESCO skills whose preferred or alternative label matches ``query``, best first, at most ``limit``.

    Every word of the query must start a word of the label, ignoring case and accents, so "forkl" finds "operate
    forklift". Ranking: an exact preferred-label match first; then matches on the preferred label before matches
    on an alternative label only; then labels where every query word is a whole word before prefix matches; then
    shorter labels; ties by label and URI. A skill URI or bare UUID finds that skill. Queries shorter than two
    characters give ``[]``; only the first 200 characters count. ``skill_type`` keeps only that ESCO skill type
    (``"skill/competence"`` or ``"knowledge"``). See https://esco.ec.europa.eu/ for the classification.
    """
    text = query[:MAX_QUERY_LENGTH].strip()
    if limit <= 0 or len(text) < MIN_QUERY_LENGTH:
        return []
    taxonomy = _taxonomy()
    if _URI_QUERY.fullmatch(text):
        found = skill(text)
        return [found] if found is not None and skill_type in (None, found.skill_type) else []
    query_words = words(text)
    if not query_words:
        return []
    index = _index()
    unique = list(dict.fromkeys(query_words))
    candidates = _candidates(index, unique)
    whole = candidates
    for word in unique:
        whole = whole.intersection(index.postings(word))
    exact = [n for n in index.exact(f" {' '.join(query_words)} ") if n in candidates]
    # Label numbers are in ranking order, so each tier is walked in ascending order and the walk stops as soon as
    # enough skills are found; a one-word query reuses its cached sorted prefix set instead of sorting again.
    ordered = _sorted_prefix(unique[0]) if len(unique) == 1 else tuple(sorted(candidates))
    whole_sorted = sorted(whole)
    split, split_whole = bisect.bisect_left(ordered, index.preferred), bisect.bisect_left(whole_sorted, index.preferred)
    tiers = (
        exact,
        whole_sorted[:split_whole],
        (n for n in islice(ordered, split) if n not in whole),
        whole_sorted[split_whole:],
        (n for n in islice(ordered, split, None) if n not in whole),
    )
    results: list[Skill] = []
    seen: set[int] = set()
    for tier in tiers:
        for number in tier:
            i = index.skill_of[number]
            if i in seen:
                continue
            seen.add(i)
            found = taxonomy.skill(i)
            if skill_type is None or found.skill_type == skill_type:
                results.append(found)
                if len(results) >= limit:
                    return results
    return results
