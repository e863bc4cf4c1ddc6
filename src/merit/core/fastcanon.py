"""Fast paths of RDFC-1.0 that are proven to give the general path's bytes, and used only where they hold.

* **No blank nodes.** RDFC-1.0 relabels blank nodes and nothing else: a dataset without blank nodes is its own
  canonical form, so its canonical N-Quads are its quads, serialized canonically, deduplicated (a dataset is a
  set) and sorted. :func:`canonical_nquads` uses this only when no quad of the dataset has a blank node.
* **Blank nodes told apart by their own quads.** RDFC-1.0 (https://www.w3.org/TR/rdf-canon/#canon-algo-algo)
  hashes each blank node's quads with itself as ``_:a`` and every other blank node as ``_:z`` (Hash First Degree
  Quads), then issues ``_:c14n0``, ``_:c14n1``, ... to the blank nodes whose hash is unique, in the code point
  order of the hashes (step 4), and only the rest need Hash N-Degree Quads (step 5). When every hash is unique,
  step 5 has nothing to do, so :func:`canonical_quads` runs steps 1 to 4 and 6 itself; when two blank nodes share
  a hash it returns ``None`` and pyoxigraph runs the whole algorithm.
* **Proof configurations.** Two proofs by one key differ only in ``created``. The canonical form of a
  configuration is prepared once per everything else in it (context, type, cryptosuite, verification method,
  purpose, ...) with a sentinel ``created`` and the real value is substituted into that one line. This is exact
  when the template has at most one blank node (RDFC-1.0 then labels it ``_:c14n0`` whatever the literals are),
  the sentinel appears exactly once, as an ``xsd:dateTime`` literal, and ``created`` is an XML Schema dateTime
  (digits and ``-:.TZ+`` only, which N-Quads never escapes). pyld carries a string value into its literal
  verbatim, so the only line that changes is that one; :func:`proof_config_nquads` also checks, when it builds a
  template, that a second sentinel gives exactly the substituted result. Anything else goes to the general path.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any

import pyoxigraph as ox

from merit.core import ctxcache
from merit.core.documents import Loader

_DATETIME = re.compile(r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
_XSD_DATETIME = "^^<http://www.w3.org/2001/XMLSchema#dateTime>"
_SENTINELS = ("1111-11-11T11:11:11Z", "2222-02-22T22:22:22Z")
_BLANK = re.compile(r"_:[A-Za-z0-9_.-]+")
_TEMPLATE_LIMIT = 1024
_HASHES = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}


def has_blank_node(dataset: ox.Dataset) -> bool:
    """Whether any quad of ``dataset`` has a blank node as its subject, object or graph name."""
    return any(
        isinstance(quad.subject, ox.BlankNode)
        or isinstance(quad.object, ox.BlankNode)
        or isinstance(quad.graph_name, ox.BlankNode)
        for quad in dataset
    )


def ground_nquads(dataset: ox.Dataset) -> str:
    """The canonical N-Quads of a dataset without blank nodes: its quads, deduplicated and sorted."""
    return "".join(sorted({f"{quad} .\n" for quad in dataset}))


def serialize(quad: tuple[str, str, str, str]) -> str:
    """One quad of serialized terms as a canonical N-Quads line (an empty graph name is the default graph)."""
    subject, predicate, value, graph = quad
    return f"{subject} {predicate} {value} {graph} .\n" if graph else f"{subject} {predicate} {value} .\n"


def _first_degree(node: str, quads: Iterable[tuple[str, str, str, str]], hash_name: str) -> str:
    """Hash First Degree Quads (https://www.w3.org/TR/rdf-canon/#hash-1d-quads) of the blank node ``node``."""
    lines = []
    for subject, predicate, value, graph in quads:
        if subject[0] == "_":
            subject = "_:a" if subject == node else "_:z"
        if value[0] == "_":
            value = "_:a" if value == node else "_:z"
        if graph[:1] == "_":
            graph = "_:a" if graph == node else "_:z"
        lines.append(f"{subject} {predicate} {value} {graph} .\n" if graph else f"{subject} {predicate} {value} .\n")
    lines.sort()
    return _HASHES[hash_name]("".join(lines).encode("utf-8")).hexdigest()


def canonical_quads(quads: AbstractSet[tuple[str, str, str, str]], hash_name: str = "sha256") -> str | None:
    """The canonical N-Quads of a dataset whose blank nodes all have distinct first-degree hashes, else ``None``.

    ``quads`` hold terms serialized as canonical N-Quads (``merit.core.tordf``); blank nodes are ``_:`` labels,
    literals start with a quotation mark and IRIs with ``<``, so a term is a blank node exactly when it starts with
    ``_``. Predicates are never blank nodes there.
    """
    if hash_name not in _HASHES:
        return None
    mentions: dict[str, list[tuple[str, str, str, str]]] = {}
    lines: list[str] = []
    blank: list[tuple[str, str, str, str]] = []
    for quad in quads:
        subject, predicate, value, graph = quad
        named = True
        if subject[0] == "_":
            mentions.setdefault(subject, []).append(quad)
            named = False
        if value[0] == "_":
            if value != subject:
                mentions.setdefault(value, []).append(quad)
            named = False
        if graph[:1] == "_":
            if graph != subject and graph != value:
                mentions.setdefault(graph, []).append(quad)
            named = False
        if named:
            lines.append(serialize(quad))
        else:
            blank.append(quad)
    nodes: dict[str, str] = {}
    for node, found in mentions.items():
        digest = _first_degree(node, found, hash_name)
        if digest in nodes:
            return None
        nodes[digest] = node
    labels = {nodes[digest]: f"_:c14n{index}" for index, digest in enumerate(sorted(nodes))}
    for subject, predicate, value, graph in blank:
        subject = labels.get(subject, subject)
        value = labels.get(value, value)
        graph = labels.get(graph, graph)
        lines.append(f"{subject} {predicate} {value} {graph} .\n" if graph else f"{subject} {predicate} {value} .\n")
    lines.sort()
    return "".join(lines)


class _Template:
    """A proof configuration's canonical lines, the one with the sentinel ``created`` kept apart."""

    def __init__(self, lines: list[str], index: int) -> None:
        self.others = lines[:index] + lines[index + 1 :]
        self.line = lines[index]
        self.seen = set(self.others)

    def render(self, created: str) -> str | None:
        line = self.line.replace(f'"{_SENTINELS[0]}"', f'"{created}"', 1)
        if line in self.seen:
            return None  # The substituted quad would merge with another one: leave it to the general path.
        return "".join(sorted([*self.others, line]))


def _template(text: str) -> _Template | None:
    """The template for a configuration canonicalized with the first sentinel, or ``None`` if it is unsafe."""
    sentinel = _SENTINELS[0]
    if text.count(sentinel) != 1 or text.count(f'"{sentinel}"{_XSD_DATETIME}') != 1:
        return None
    if set(_BLANK.findall(text)) - {"_:c14n0"}:
        return None
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if sentinel in line)
    return _Template(lines, index)


def proof_config_nquads(config: dict[str, Any], loader: Loader, hash_name: str) -> str:
    """The RDFC-1.0 canonical N-Quads of a proof configuration, from a template where that is proven exact."""
    from merit.core.canon import canonize

    created = config.get("created")
    partition = ctxcache.partition(loader)
    if partition is None or not isinstance(created, str) or not _DATETIME.fullmatch(created):
        return canonize(config, loader, hash_name)
    rest = {key: value for key, value in config.items() if key != "created"}
    try:
        key = json.dumps([list(config).index("created"), rest, hash_name], separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return canonize(config, loader, hash_name)
    if key not in partition.templates:
        partition.templates[key] = _build(config, loader, hash_name)
        if len(partition.templates) > _TEMPLATE_LIMIT:
            partition.templates.pop(next(iter(partition.templates)))
    template = partition.templates[key]
    rendered = template.render(created) if template is not None else None
    return rendered if rendered is not None else canonize(config, loader, hash_name)


def _build(config: dict[str, Any], loader: Loader, hash_name: str) -> _Template | None:
    from merit.core.canon import canonize

    texts = [canonize({**config, "created": sentinel}, loader, hash_name) for sentinel in _SENTINELS]
    template = _template(texts[0])
    if template is None or template.render(_SENTINELS[1]) != texts[1]:
        return None
    return template
