"""Deserialize JSON-LD to RDF natively, for the constructs that credentials use, or decline.

https://www.w3.org/TR/json-ld11-api/#deserialize-json-ld-to-rdf-algorithm . The general path (pyld's Expansion,
Node Map Generation and toRdf, :mod:`merit.core.canon`) builds the whole expanded document, a node map and a
dictionary per triple; most of a signature's time went there. This module walks the compacted document once, with
Merit's own Context Processing (:mod:`merit.core.jsonld`, whose processed contexts are cached per set of loadable
documents), and emits each quad as it goes, as four terms already serialized as canonical N-Quads by
``pyoxigraph``. The quads are the same set the general path produces: Node Map Generation only merges the
properties of nodes that share an identifier, and a dataset is a set.

It covers node objects (``@id``, ``@type``, embedded, property-scoped and type-scoped contexts with their
propagation rules), value objects, strings (typed by the term's ``@type``, ``@id`` and ``@vocab`` coercion, or
tagged by a language), booleans, integers, arrays, language maps, ``@list`` and ``@set`` containers and graph
containers (``proof``, ``verifiableCredential``). Anything else raises :class:`Unsupported` and the caller takes
the general path: floating-point numbers (pyld and jsonld.js read ``1.0`` differently), ``@json``, ``@reverse``,
``@nest``, ``@included``, index, id and type maps, relative or invalid IRIs, blank-node properties, objects that
Expansion drops as free-floating, and anything malformed. So this path never decides that a document is invalid:
it only speeds up the documents it is sure of, and it is differentially tested against the general path
(``tests/core/test_tordf.py``).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from merit.core.bounded import keep
from merit.core.documents import Loader
from merit.core.errors import MeritError
from merit.core.jsonld import (
    _BCP47,
    _EMPTY,
    KEYWORDS,
    MAX_DEPTH,
    Context,
    Term,
    _Processor,
    drops_when_free,
    processor_for,
)

Quad = tuple[str, str, str, str]
"""Subject, predicate, object and graph name (``""`` for the default graph), each as canonical N-Quads text."""

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE, RDF_FIRST, RDF_REST, RDF_NIL = (f"<{RDF}{name}>" for name in ("type", "first", "rest", "nil"))
XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_DOUBLE = XSD + "double"
_NODE_KEYWORDS = frozenset({"@id", "@type", "@context"})
_VALUE_KEYWORDS = frozenset({"@value", "@type", "@language"})
# A language container's value that is not a language map converts like a plain value.
_PLAIN_CONTAINERS: tuple[frozenset[str], ...] = (frozenset(), frozenset({"@set"}), frozenset({"@language"}))
_LIST = frozenset({"@list"})
_GRAPH_CONTAINERS = (frozenset({"@graph"}), frozenset({"@graph", "@set"}))
_INTEGER_LIMIT = 10**21
_IRIS: dict[str, str] = {}
_DATATYPES: dict[str, ox.NamedNode] = {}
_LITERALS: dict[tuple[str, str | None, str | None], str] = {}
_CACHE_LIMIT = 4096
"""Literals and IRIs worth keeping are the ones every credential of a kind repeats (the specification's texts,
the contexts' IRIs): a few hundred. Those unique to one credential (its id, the learner's name, the status entry)
only fill the caches, so they are small and cleared when full: a worker issuing 10,000 credentials kept 60,000 of
them, about 20 MB, with the earlier bound of 65,536."""


class Unsupported(Exception):
    """The document uses something this path leaves to the general one."""


def _iri(value: str) -> str:
    """An absolute IRI as an N-Quads term, checked by pyoxigraph exactly as the general path checks it."""
    found = _IRIS.get(value)
    if found is not None:
        return found
    if value.startswith("_:") or ":" not in value:
        raise Unsupported(value)
    try:
        ox.NamedNode(value)
    except (ValueError, UnicodeError) as exc:
        raise Unsupported(value) from exc
    return str(keep(_IRIS, value, f"<{value}>", _CACHE_LIMIT))


_PLAN_LIMIT = 4096


def _remember(active: Context, key: Any, value: Any) -> Any:
    """Keep what was worked out for ``active`` (plans, node shapes, type-scoped contexts)."""
    return keep(active.plans, key, value, _PLAN_LIMIT)


class _Shape:
    """The keys of a node object in one active context: which one is ``@id``, which are types and properties."""

    __slots__ = ("droppable", "error", "expanded", "identifier", "properties", "types", "value")

    def __init__(self, processor: _Processor, active: Context, keys: tuple[str, ...]) -> None:
        self.expanded = {key: processor.expand_key(active, key) for key in keys if key != "@context"}
        iris = list(self.expanded.values())
        self.value = "@value" in iris
        self.types = tuple(sorted(key for key, iri in self.expanded.items() if iri == "@type"))
        identifiers = [key for key, iri in self.expanded.items() if iri == "@id"]
        self.identifier = identifiers[0] if identifiers else None
        self.droppable = drops_when_free(iris)
        self.error: str | None = "two @id keys" if len(identifiers) > 1 else None
        self.properties: list[tuple[str, str]] = []
        for key, iri in self.expanded.items():
            if iri is None or iri.startswith("@"):
                if iri not in _NODE_KEYWORDS:
                    self.error = self.error or f"{iri} in a node object"
            elif iri.startswith("_:"):
                self.error = self.error or "a blank node property"
            else:
                try:
                    self.properties.append((key, _iri(iri)))
                except Unsupported as exc:
                    self.error = self.error or str(exc)


class _Plan:
    """What a property's term means for its values (Value Expansion), in one active context."""

    __slots__ = ("language", "mapping", "scalar_context", "scalar_error", "term")

    def __init__(self, processor: _Processor, active: Context, key: str) -> None:
        term = self.term = active.terms.get(key)
        self.scalar_context = active
        self.scalar_error: str | None = None
        if term is not None and term.has_context:
            try:
                self.scalar_context = processor.process(active, term.context, "", key=term.context_key, override=True)
            except MeritError as exc:
                self.scalar_error = str(exc)
            else:
                if self.scalar_context.terms.get(key) != term:
                    # Value Expansion reads the redefined term and safe mode the original: leave it to both.
                    self.scalar_error = "a property-scoped context that redefines its own property"
        self.mapping = term.type_mapping if term is not None else None
        self.language = None
        if self.mapping is None:
            self.language = term.language if term is not None and term.has_language else self.scalar_context.language


def _literal(value: str, datatype: str | None = None, language: str | None = None) -> str:
    """A literal as pyoxigraph serializes it; short ones are remembered (credentials repeat names and types)."""
    key = (value, datatype, language)
    found = _LITERALS.get(key)
    if found is None:
        found = _serialized_literal(value, datatype, language)
        if len(value) <= 256:
            keep(_LITERALS, key, found, _CACHE_LIMIT)
    return found


def _serialized_literal(value: str, datatype: str | None, language: str | None) -> str:
    try:
        if language is not None:
            return str(ox.Literal(value, language=language))
        if datatype is None:
            return str(ox.Literal(value))
        node = _DATATYPES.get(datatype)
        if node is None:
            _iri(datatype)
            node = keep(_DATATYPES, datatype, ox.NamedNode(datatype), _CACHE_LIMIT)
        return str(ox.Literal(value, datatype=node))
    except (ValueError, UnicodeError) as exc:  # An invalid language tag, for instance: the general path reports it.
        raise Unsupported(str(exc)) from exc


def _scalar_literal(value: Any, datatype: str | None) -> str:
    """toRdf's conversion of a native JSON value (https://www.w3.org/TR/json-ld11-api/#object-to-rdf-conversion)."""
    if isinstance(value, str) and datatype != _XSD_DOUBLE:  # pyld rewrites a string typed as a double.
        return _literal(value, datatype)
    if isinstance(value, bool):
        return _literal("true" if value else "false", datatype or XSD + "boolean")
    if isinstance(value, int) and abs(value) < _INTEGER_LIMIT and datatype != _XSD_DOUBLE:
        return _literal(str(value), datatype or XSD + "integer")
    raise Unsupported("a floating-point number, a huge integer or a double")


class _Converter:
    """One document's conversion: the quads found so far and the blank nodes issued."""

    def __init__(self, processor: _Processor, aside: str | None = None) -> None:
        self.processor = processor
        self.quads: set[Quad] = set()
        # One top-level property (the proof) is converted into a set of its own, so that the document without it
        # is known; nothing reads that set.
        self.aside = aside
        self.issued = 0
        self.labels: dict[str, str] = {}

    def blank(self, label: str | None = None) -> str:
        """A fresh blank node, or the one already issued for the document's own ``_:`` label."""
        if label is not None and label in self.labels:
            return self.labels[label]
        self.issued += 1
        node = f"_:b{self.issued}"
        if label is not None:
            self.labels[label] = node
        return node

    def reference(self, active: Context, value: str, *, vocab: bool) -> str:
        """An IRI or blank node reference (``@id``, or a string coerced by ``@id`` or ``@vocab``)."""
        if not vocab:
            term = active.terms.get(value)
            if term is not None and term.iri in KEYWORDS:
                raise Unsupported(value)
        expanded = self.processor.expand_key(active, value) if vocab else self.processor.expand_iri(active, value)
        if expanded is None or expanded in KEYWORDS:
            raise Unsupported(value)
        if expanded.startswith("_:"):
            return self.blank(expanded)
        return _iri(expanded)

    # Elements --------------------------------------------------------------------------------------------

    def plan(self, active: Context, key: str) -> _Plan:
        """How the values of the property ``key`` convert in ``active``: worked out once per context and key."""
        plan: _Plan | None = active.plans.get(key)
        if plan is None:
            plan = _remember(active, key, _Plan(self.processor, active, key))
        return plan

    def element(self, active: Context, prop: str, element: Any, graph: str, depth: int) -> str | None:
        """The RDF term an element stands for, as the value of ``prop``; its own quads are added on the way."""
        if depth > MAX_DEPTH:
            raise Unsupported("nested too deeply")
        if isinstance(element, dict):
            term = active.terms.get(prop)
            return self.node(active, term, element, graph, depth, term is not None and "@graph" in term.container)
        if element is None:
            return None
        plan = self.plan(active, prop)
        if plan.scalar_error is not None:
            raise Unsupported(plan.scalar_error)
        mapping = plan.mapping
        if isinstance(element, str):
            if mapping is None:
                return _literal(element, language=plan.language)
            if mapping == "@id" or mapping == "@vocab":
                return self.reference(plan.scalar_context, element, vocab=mapping == "@vocab")
        elif mapping == "@id" or mapping == "@vocab":
            mapping = None  # Coercion to an IRI applies to strings only.
        if mapping is not None and mapping.startswith("@"):
            raise Unsupported(mapping)
        if isinstance(element, list):
            raise Unsupported("a nested array")
        return _scalar_literal(element, mapping)

    def node(
        self, active: Context, term: Term | None, element: dict[str, Any], graph: str, depth: int, free: bool = False
    ) -> str | None:
        """A node or value object: the Expansion algorithm's context rules, then its quads.

        ``free`` marks a place where Expansion drops an object with nothing but an ``@id`` (the top level and graph
        containers); safe mode refuses those, so they are left to it.
        """
        processor = self.processor
        if active.previous is not None:
            keys = [processor.expand_key(active, key) for key in element]
            if "@value" not in keys and keys != ["@id"]:
                active = active.previous
        if term is not None and term.has_context:
            active = processor.process(active, term.context, "", key=term.context_key, override=True)
        if "@context" in element:
            active = processor.process(active, element["@context"], "")
        shape = self.shape(active, element)
        if shape.value:
            if "@context" in element or free:
                raise Unsupported("@context in a value object, or a free-floating value")
            return self.value(active, element, shape.expanded)
        type_scoped = active
        types: list[str] = []
        if shape.types:
            groups = []
            for key in shape.types:
                values = element[key] if isinstance(element[key], list) else [element[key]]
                if not all(isinstance(value, str) for value in values):
                    raise Unsupported("@type values must be strings")
                types.extend(values)
                groups.append(tuple(values))
            active = self.type_scoped(type_scoped, shape.types, tuple(groups))
            if active is not type_scoped:
                before, shape = shape, self.shape(active, element)
                if shape.types != before.types or shape.identifier != before.identifier:
                    raise Unsupported("a type-scoped context that redefines @type or @id")
        if shape.error is not None:
            raise Unsupported(shape.error)
        if free and (shape.droppable or None in element.values()):
            raise Unsupported("an object that Expansion drops as free-floating")
        if shape.identifier is not None:
            identifier = element[shape.identifier]
            if not isinstance(identifier, str):
                raise Unsupported("@id")
            subject = self.reference(active, identifier, vocab=False)
        else:
            subject = self.blank()
        quads = self.quads
        for value in types:
            quads.add((subject, RDF_TYPE, self.reference(type_scoped, value, vocab=True), graph))
        for key, predicate in shape.properties:
            if depth == 0 and key == self.aside:
                quads, self.quads = self.quads, set()
                self.property(active, key, predicate, element[key], subject, graph, depth)
                self.quads = quads
            else:
                self.property(active, key, predicate, element[key], subject, graph, depth)
        return subject

    def shape(self, active: Context, element: dict[str, Any]) -> _Shape:
        """What the keys of ``element`` mean in ``active``, worked out once per context and set of keys."""
        keys = tuple(element)
        found: _Shape | None = active.plans.get(keys)
        if found is None:
            found = _remember(active, keys, _Shape(self.processor, active, keys))
        return found

    def type_scoped(self, active: Context, keys: tuple[str, ...], groups: tuple[tuple[str, ...], ...]) -> Context:
        """The context after the type-scoped contexts of a node's types, applied in the order Expansion applies them
        (keys that expand to ``@type`` in order, and each key's values in order); remembered per context."""
        memo = ("@type", keys, groups)
        found: Context | None = active.plans.get(memo)
        if found is None:
            found = active
            for values in groups:
                for value in sorted(values):
                    defined = active.terms.get(value)
                    if defined is not None and defined.has_context:
                        found = self.processor.process(
                            found, defined.context, "", key=defined.context_key, propagate=False
                        )
            _remember(active, memo, found)
        return found

    def property(
        self, active: Context, key: str, predicate: str, value: Any, subject: str, graph: str, depth: int
    ) -> None:
        term = active.terms.get(key)
        container = term.container if term is not None else frozenset()
        if term is not None and (term.type_mapping == "@json" or term.reverse):
            raise Unsupported("@json or @reverse")
        if isinstance(value, dict) and "@language" in container:
            self.language_map(active, value, subject, predicate, graph)
            return
        items = value if isinstance(value, list) else [value]
        if container in _PLAIN_CONTAINERS:
            for item in items:
                for flat in item if isinstance(item, list) else [item]:
                    found = self.element(active, key, flat, graph, depth + 1)
                    if found is not None:
                        self.quads.add((subject, predicate, found, graph))
            return
        if container == _LIST:
            self.list(active, key, items, subject, predicate, graph, depth)
            return
        if container not in _GRAPH_CONTAINERS:
            raise Unsupported(f"the container {sorted(container)}")
        for item in items:
            if isinstance(item, list):
                raise Unsupported("a nested array in a graph container")
            name = self.blank()
            found = self.element(active, key, item, name, depth + 1)
            if found is None:
                continue
            if found.startswith('"'):
                raise Unsupported("a literal in a graph container")
            self.quads.add((subject, predicate, name, graph))

    def list(
        self, active: Context, key: str, items: list[Any], subject: str, predicate: str, graph: str, depth: int
    ) -> None:
        """A ``@list`` container: an RDF collection (https://www.w3.org/TR/json-ld11-api/#list-to-rdf-conversion)."""
        members = []
        for item in items:
            if isinstance(item, list):
                raise Unsupported("a list of lists")
            found = self.element(active, key, item, graph, depth + 1)
            if found is not None:
                members.append(found)
        head = RDF_NIL
        for member in reversed(members):
            node = self.blank()
            self.quads.add((node, RDF_FIRST, member, graph))
            self.quads.add((node, RDF_REST, head, graph))
            head = node
        self.quads.add((subject, predicate, head, graph))

    def language_map(self, active: Context, value: dict[str, Any], subject: str, predicate: str, graph: str) -> None:
        for tag, texts in value.items():
            none = self.processor.expand_key(active, tag) == "@none"
            if not none and not _BCP47.match(tag):
                raise Unsupported("an invalid language tag")
            for text in texts if isinstance(texts, list) else [texts]:
                if text is None:
                    continue
                if not isinstance(text, str):
                    raise Unsupported("a language map value that is not a string")
                literal = _literal(text) if none else _literal(text, language=tag.lower())
                self.quads.add((subject, predicate, literal, graph))

    def value(self, active: Context, element: dict[str, Any], expanded: dict[str, str | None]) -> str | None:
        """A value object (``@value`` with ``@type`` or ``@language``)."""
        found: dict[str, Any] = {}
        for key, iri in expanded.items():
            if iri not in _VALUE_KEYWORDS or iri in found:
                raise Unsupported(f"{iri} in a value object")
            found[iri] = element[key]
        value, datatype, language = found["@value"], found.get("@type"), found.get("@language")
        if value is None:
            raise Unsupported("a null @value")
        if "@language" in found:
            if datatype is not None or not isinstance(value, str) or not isinstance(language, str):
                raise Unsupported("a malformed language-tagged value")
            if not _BCP47.match(language):
                raise Unsupported("an invalid language tag")
            return _literal(value, language=language)
        if datatype is None:
            return _scalar_literal(value, None)
        if not isinstance(datatype, str) or isinstance(value, dict | list):
            raise Unsupported("a malformed typed value")
        defined = active.terms.get(datatype)
        if defined is not None and defined.has_context:
            raise Unsupported("a value type with a scoped context")
        iri = self.processor.expand_key(active, datatype)
        if iri is None or iri.startswith(("@", "_:")):
            raise Unsupported("the value type")
        return _scalar_literal(value, iri)


def to_quads(document: Any, loader: Loader, *, without: str | None = None) -> set[Quad]:
    """The RDF dataset of a JSON-LD document as a set of serialized quads; :class:`Unsupported` if not sure.

    With ``without``, the quads of the document without that top-level property (a ``proof``): its value only adds
    quads (in its own graph, for a proof) and contexts never depend on it, so the rest is exactly the dataset of the
    document without it. Its value is converted all the same, so that success still means what follows.

    When this succeeds, the document also passes safe mode (:func:`merit.core.jsonld.check_safe_mode`): every
    key, type and IRI reference was expanded to an absolute IRI and every language tag checked on the way.
    """
    if not isinstance(document, dict):
        raise Unsupported("not a JSON object")
    converter = _Converter(processor_for(loader), without)
    try:
        converter.node(_EMPTY, None, document, "", 0, True)
    except RecursionError as exc:
        raise Unsupported("nested too deeply") from exc
    except MeritError as exc:  # A context that safe mode or the loader refuses: the general path reports it.
        raise Unsupported(str(exc)) from exc
    except (TypeError, AttributeError) as exc:  # Keys that are not strings, for instance.
        raise Unsupported(str(exc)) from exc
    return converter.quads
