"""RDF Dataset Canonicalization, RDFC-1.0 (https://www.w3.org/TR/rdf-canon/), on quads of serialized terms.

Merit's own implementation (decision 0009): pyoxigraph 0.5's ``Dataset.canonicalize`` labels blank nodes wrongly
when nodes that tie on their first-degree hash each sit in their own blank-node graph through two or more quads
(two endorsements with identical proofs, for instance), where rdf-canonize, pyld and rdfjs-c14n agree. Terms are
serialized as canonical N-Quads before they get here (by pyoxigraph, which escapes them as RDFC-1.0 requires), so
the algorithm only hashes, sorts and relabels strings, and it runs the W3C test suite byte for byte
(``tests/core/test_canon.py``).

A quad is ``(subject, predicate, object, graph)``; the default graph is ``""``. Blank nodes are ``_:`` labels,
literals start with ``"`` and IRIs with ``<``, so a term is a blank node exactly when it starts with ``_``.

Hash N-Degree Quads permutes groups of blank nodes that share a hash, which grows factorially on a "poison" graph
(https://www.w3.org/TR/rdf-canon/#dataset-poisoning); every permutation tried counts against :data:`MAX_WORK`, and
past it the document is refused with :class:`~merit.core.errors.RangeError`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from merit.core.errors import RangeError

Quad = tuple[str, str, str, str]
MAX_WORK = 50_000
"""The most permutations tried in Hash N-Degree Quads for one dataset (a 7-clique needs about 35,000)."""
_POISON = "the document's blank nodes are too interlinked to canonicalize safely (a possible poison graph)"
_HASHES: dict[str, Callable[[bytes], Any]] = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}


def serialize(quad: Quad) -> str:
    """One quad of serialized terms as a canonical N-Quads line."""
    subject, predicate, value, graph = quad
    return f"{subject} {predicate} {value} {graph} .\n" if graph else f"{subject} {predicate} {value} .\n"


class _Issuer:
    """An identifier issuer (https://www.w3.org/TR/rdf-canon/#issue-identifier); ``ids`` keeps the issuing order."""

    __slots__ = ("ids", "prefix")

    def __init__(self, prefix: str, ids: dict[str, str] | None = None) -> None:
        self.prefix = prefix
        self.ids: dict[str, str] = dict(ids) if ids is not None else {}

    def issue(self, node: str) -> str:
        found = self.ids.get(node)
        if found is None:
            found = self.ids[node] = f"{self.prefix}{len(self.ids)}"
        return found

    def copy(self) -> _Issuer:
        return _Issuer(self.prefix, self.ids)


class _State:
    """The canonicalization state (https://www.w3.org/TR/rdf-canon/#canon-state) of one dataset."""

    def __init__(self, mentions: dict[str, list[Quad]], hash_name: str) -> None:
        self.mentions = mentions
        self.digest = _HASHES[hash_name]
        self.first: dict[str, str] = {}
        self.canonical = _Issuer("_:c14n")
        self.work = MAX_WORK

    def hash(self, text: str) -> str:
        return str(self.digest(text.encode("utf-8")).hexdigest())

    def first_degree(self, node: str) -> str:
        """Hash First Degree Quads (https://www.w3.org/TR/rdf-canon/#hash-1d-quads)."""
        found = self.first.get(node)
        if found is not None:
            return found
        lines = []
        for subject, predicate, value, graph in self.mentions[node]:
            if subject[0] == "_":
                subject = "_:a" if subject == node else "_:z"
            if value[0] == "_":
                value = "_:a" if value == node else "_:z"
            if graph[:1] == "_":
                graph = "_:a" if graph == node else "_:z"
            lines.append(
                f"{subject} {predicate} {value} {graph} .\n" if graph else f"{subject} {predicate} {value} .\n"
            )
        lines.sort()
        found = self.first[node] = self.hash("".join(lines))
        return found

    def related(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
        """Hash Related Blank Node (https://www.w3.org/TR/rdf-canon/#hash-related-blank-node)."""
        identifier = self.canonical.ids.get(related) or issuer.ids.get(related) or self.first_degree(related)
        return self.hash(position + (quad[1] if position != "g" else "") + identifier)

    def n_degree(self, node: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """Hash N-Degree Quads (https://www.w3.org/TR/rdf-canon/#hash-nd-quads)."""
        by_hash: dict[str, list[str]] = {}
        for quad in self.mentions[node]:
            subject, _, value, graph = quad
            for term, position in ((subject, "s"), (value, "o"), (graph, "g")):
                if term[:1] == "_" and term != node:
                    by_hash.setdefault(self.related(term, quad, issuer, position), []).append(term)
        data = []
        for related_hash in sorted(by_hash):
            data.append(related_hash)
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in _permutations(by_hash[related_hash]):
                self.work -= 1
                if self.work < 0:
                    raise RangeError(_POISON)
                path, candidate = self._path(permutation, issuer, chosen_path)
                if candidate is not None and (not chosen_path or path < chosen_path):
                    chosen_path, chosen_issuer = path, candidate
            data.append(chosen_path)
            assert chosen_issuer is not None  # The first permutation is never skipped.
            issuer = chosen_issuer
        return self.hash("".join(data)), issuer

    def _path(self, permutation: tuple[str, ...], issuer: _Issuer, chosen: str) -> tuple[str, _Issuer | None]:
        """One permutation's path (steps 5.4.1 to 5.4.5), or ``None`` once it cannot beat the chosen path.

        The spec stops a permutation when its path is longer and greater; a path that is greater at all can only
        stay greater as it grows (it is not a prefix of the chosen one), so this stops as soon as it is greater,
        as rdf-canonize does.
        """
        copy = issuer.copy()
        path = ""
        recursion = []
        for related in permutation:
            canonical = self.canonical.ids.get(related)
            if canonical is not None:
                path += canonical
            else:
                if related not in copy.ids:
                    recursion.append(related)
                path += copy.issue(related)
            if chosen and path > chosen:
                return path, None
        for related in recursion:
            result, copy = self.n_degree(related, copy)
            path += copy.issue(related) + f"<{result}>"
            if chosen and path > chosen:
                return path, None
        return path, copy


def _permutations(elements: list[str]) -> Iterator[tuple[str, ...]]:
    """Every permutation, in the order rdf-canonize and pyld visit them (Steinhaus-Johnson-Trotter from sorted).

    The order decides between permutations whose paths tie, so it is part of the output; like those
    implementations, a blank node listed twice has one direction, which skips some repeated permutations.
    """
    current = sorted(elements)
    left = dict.fromkeys(current, True)
    last = len(current) - 1
    while True:
        yield tuple(current)
        mobile: str | None = None
        position = 0
        for index, element in enumerate(current):
            if (mobile is None or element > mobile) and (
                (left[element] and index > 0 and element > current[index - 1])
                or (not left[element] and index < last and element > current[index + 1])
            ):
                mobile, position = element, index
        if mobile is None:
            return
        swap = position - 1 if left[mobile] else position + 1
        current[position], current[swap] = current[swap], mobile
        for element in current:
            if element > mobile:
                left[element] = not left[element]


def _mentions(quads: Iterable[Quad], lines: list[str]) -> dict[str, list[Quad]]:
    """The blank node to quads map (step 2); the lines of the quads without blank nodes go to ``lines``."""
    mentions: dict[str, list[Quad]] = {}
    for quad in quads:
        subject, _, value, graph = quad
        ground = True
        if subject[0] == "_":
            mentions.setdefault(subject, []).append(quad)
            ground = False
        if value[0] == "_":
            if value != subject:
                mentions.setdefault(value, []).append(quad)
            ground = False
        if graph[:1] == "_":
            if graph != subject and graph != value:
                mentions.setdefault(graph, []).append(quad)
            ground = False
        if ground:
            lines.append(serialize(quad))
    return mentions


def canonicalize(quads: AbstractSet[Quad], hash_name: str = "sha256") -> str:
    """The canonical N-Quads of a dataset (https://www.w3.org/TR/rdf-canon/#canon-algo-algo), sorted."""
    lines: list[str] = []
    mentions = _mentions(quads, lines)
    if not mentions:
        lines.sort()
        return "".join(lines)
    state = _State(mentions, hash_name)
    shared: dict[str, list[str]] = {}
    for node in mentions:
        shared.setdefault(state.first_degree(node), []).append(node)
    for digest in sorted(shared):  # Step 4: blank nodes with a unique first-degree hash, in hash order.
        if len(shared[digest]) == 1:
            state.canonical.issue(shared.pop(digest)[0])
    if shared:
        # Blank nodes whose N-degree hashes tie are issued in the order of their identifier lists, which RDFC-1.0
        # takes from the input. A set of quads has no order, so take the one rdf-canonize sees when it reads the
        # sorted N-Quads: first appearance, by subject, object and graph name, in the sorted lines.
        first: dict[str, int] = {}
        for subject, _, value, graph in sorted(quads, key=serialize):
            for term in (subject, value, graph):
                if term[:1] == "_" and term not in first:
                    first[term] = len(first)
        for nodes in shared.values():
            nodes.sort(key=first.__getitem__)
    for digest in sorted(shared):  # Step 5: the others, told apart by their neighbourhoods.
        results = []
        for node in shared[digest]:
            if node in state.canonical.ids:
                continue
            issuer = _Issuer("_:b")
            issuer.issue(node)
            results.append(state.n_degree(node, issuer))
        for _, issuer in sorted(results, key=lambda result: result[0]):
            for existing in issuer.ids:
                state.canonical.issue(existing)
    labels = state.canonical.ids
    relabelled = {quad for found in mentions.values() for quad in found}
    for subject, predicate, value, graph in relabelled:
        subject = labels.get(subject, subject)
        value = labels.get(value, value)
        graph = labels.get(graph, graph)
        lines.append(f"{subject} {predicate} {value} {graph} .\n" if graph else f"{subject} {predicate} {value} .\n")
    lines.sort()
    return "".join(lines)
