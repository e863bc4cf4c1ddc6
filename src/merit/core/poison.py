"""A guard against "poison" graphs whose RDFC-1.0 canonicalization would take exponential time.

RDFC-1.0 (https://www.w3.org/TR/rdf-canon/#dataset-poisoning) must run Hash N-Degree Quads for blank nodes that
share a first-degree hash, and that step permutes groups of related blank nodes: a clique of ten identical blank
nodes never finishes. ``pyoxigraph`` has no limit of its own, so before canonicalizing Merit computes the
first-degree hashes and estimates the permutation work; above the budget the document is refused, as
rdf-canonize (the Digital Bazaar implementation) refuses it with its default work factor.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from math import factorial

import pyoxigraph as ox

from merit.core.errors import RangeError

MAX_WORK = 50_000
"""The largest permutation estimate accepted; a 7-clique (35,280) passes in about 0.3 s, an 8-clique does not."""


def _serialize(quad: ox.Quad, node: ox.BlankNode) -> str:
    parts = []
    for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
        if isinstance(term, ox.BlankNode):
            parts.append("_:a" if term == node else "_:z")
        elif isinstance(term, ox.DefaultGraph):
            continue
        else:
            parts.append(str(term))
    return " ".join(parts) + " .\n"


def check_canonicalization_work(dataset: ox.Dataset) -> None:
    """Raise :class:`RangeError` when canonicalizing ``dataset`` would cost more than :data:`MAX_WORK`."""
    mentions: dict[ox.BlankNode, list[ox.Quad]] = defaultdict(list)
    for quad in dataset:
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, ox.BlankNode):
                mentions[term].append(quad)
    if len(mentions) < 2:
        return
    first_degree = {
        node: hashlib.sha256("".join(sorted(_serialize(q, node) for q in quads)).encode()).digest()
        for node, quads in mentions.items()
    }
    group_size: dict[bytes, int] = defaultdict(int)
    for digest in first_degree.values():
        group_size[digest] += 1
    shared = [node for node, digest in first_degree.items() if group_size[digest] > 1]
    if not shared:
        return
    work = 0
    for node in shared:
        related: dict[bytes, set[ox.BlankNode]] = defaultdict(set)
        for quad in mentions[node]:
            for term in (quad.subject, quad.object, quad.graph_name):
                if isinstance(term, ox.BlankNode) and term != node:
                    related[first_degree[term]].add(term)
        permutations = 1
        for members in related.values():
            permutations *= factorial(min(len(members), 20))
        work += permutations * len(shared)
        if work > MAX_WORK:
            raise RangeError(
                "the document's blank nodes are too interlinked to canonicalize safely (a possible poison graph)"
            )
