"""Hypothesis strategies for JSON-LD documents that use every construct credentials' contexts allow.

One inline context defines a term for each construct: plain and language-tagged strings, a term whose language
is ``null``, language maps, typed literals, ``@id`` and ``@vocab`` coercion, ``@list`` and ``@set`` containers, a
graph container, a property-scoped context, a type-scoped context that does not propagate and one that does,
keyword aliases, compact IRIs, numbers and booleans. Documents nest node objects, value objects, arrays and
blank node labels shared between nodes (so that nodes merge).

:func:`documents` gives ``(document, supported)``: ``supported`` is true when the document uses only what the
native conversion (:mod:`merit.core.tordf`) promises to take, so that a test can also assert that it took it.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

EX = "https://example.org/v#"
XSD = "http://www.w3.org/2001/XMLSchema#"
# Any character except surrogates, including every control character.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
TAGS = st.sampled_from(["en", "sv", "pl-PL", "EN-gb", "fi", "nb-NO"])
IRIS = st.sampled_from([EX + "a", EX + "b", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "did:example:1"])
LABELS = st.sampled_from(["_:x", "_:y", "_:z"])

TERMS: dict[str, Any] = {
    "ex": EX,
    "xsd": XSD,
    "id": "@id",
    "type": "@type",
    "text": "ex:text",
    "en": {"@id": "ex:en", "@language": "en"},
    "nolang": {"@id": "ex:nolang", "@language": None},
    "langs": {"@id": "ex:langs", "@container": "@language"},
    "date": {"@id": "ex:date", "@type": "xsd:dateTime"},
    "link": {"@id": "ex:link", "@type": "@id"},
    "word": {"@id": "ex:word", "@type": "@vocab"},
    "items": {"@id": "ex:items", "@container": "@list"},
    "set": {"@id": "ex:set", "@container": "@set"},
    "claim": {"@id": "ex:claim", "@type": "@id", "@container": "@graph"},
    "child": {"@id": "ex:child"},
    "scoped": {"@id": "ex:scoped", "@context": {"inner": "ex:inner", "text": "ex:scopedText"}},
    "Thing": {"@id": "ex:Thing", "@context": {"thingText": "ex:thingText", "text": "ex:thingOverride"}},
    "Gadget": {"@id": "ex:Gadget", "@context": {"@propagate": True, "gadgetText": "ex:gadgetText"}},
    "Plain": "ex:Plain",
    "num": "ex:num",
    "flag": "ex:flag",
    "typed": {"@id": "ex:typed", "@type": "ex:Custom"},
    "count": {"@id": "ex:count", "@type": "xsd:integer"},
}


def context(draw: st.DrawFn) -> tuple[dict[str, Any], bool]:
    """The inline context, maybe with a default language and a ``@vocab`` (which defines every other term)."""
    local = dict(TERMS)
    language = draw(st.sampled_from([None, "sv", "EN"]))
    if language is not None:
        local["@language"] = language
    vocab = draw(st.booleans())
    if vocab:
        local["@vocab"] = EX + "vocab/"
    return local, vocab


def _scalar(draw: st.DrawFn, floats: bool) -> tuple[Any, bool]:
    value = draw(
        st.one_of(
            TEXT,
            st.booleans(),
            st.integers(-(2**64), 2**64),
            st.integers(10**21, 10**22),
            st.floats(allow_nan=False, allow_infinity=False) if floats else st.none(),
            st.none(),
        )
    )
    supported = not isinstance(value, float) and not (isinstance(value, int) and abs(value) >= 10**21)
    return value, supported


def _value_object(draw: st.DrawFn) -> dict[str, Any]:
    text = draw(TEXT)
    return draw(
        st.sampled_from(
            [
                {"@value": text},
                {"@value": text, "@language": draw(TAGS)},
                {"@value": text, "@type": "ex:Custom"},
                {"@value": draw(st.integers(-1000, 1000)), "@type": "xsd:integer"},
                {"@value": draw(st.booleans())},
            ]
        )
    )


@st.composite
def node(draw: st.DrawFn, depth: int = 0, scope: frozenset[str] = frozenset(), vocab: bool = False) -> Any:
    """A node object and whether it is supported; ``scope`` holds the type-scoped terms in force."""
    supported = True
    result: dict[str, Any] = {}
    if draw(st.booleans()):
        result["id"] = draw(st.one_of(IRIS, LABELS))
    types = draw(st.lists(st.sampled_from(["Thing", "Gadget", "Plain", "ex:Other"]), max_size=2, unique=True))
    if types:
        result["type"] = types if len(types) > 1 or draw(st.booleans()) else types[0]
    here = scope | ({"thingText"} if "Thing" in types else set()) | ({"gadgetText"} if "Gadget" in types else set())
    inherited = scope | ({"gadgetText"} if "Gadget" in types else set())
    keys = ["text", "en", "nolang", "langs", "date", "link", "word", "items", "set", "num", "flag", "typed", "count"]
    keys += sorted(here)
    if depth < 3:
        keys += ["child", "claim", "scoped"]
    for key in draw(st.lists(st.sampled_from(keys), max_size=5, unique=True)):
        value, ok = _property(draw, key, depth, inherited, vocab)
        result[key] = value
        supported = supported and ok
    return result, supported


def droppable(node: dict[str, Any]) -> bool:
    """Whether Expansion drops this object where it is free-floating (top level, graph containers), which safe
    mode refuses: nothing but an ``id``, or nothing at all (a ``null`` value counts as nothing)."""
    kept = [key for key, value in node.items() if key != "@context" and value is not None]
    return kept in ([], ["id"]) or len(kept) < len(node) - ("@context" in node)


def _property(draw: st.DrawFn, key: str, depth: int, scope: frozenset[str], vocab: bool) -> tuple[Any, bool]:
    if key in ("child", "claim", "scoped", "set"):
        if key == "set" or draw(st.booleans()):
            children = [draw(node(depth + 1, scope, vocab)) for _ in range(draw(st.integers(0, 2)))]
            if key == "claim":
                children = [(child, ok and not droppable(child)) for child, ok in children]
            values = [child for child, _ in children]
            if key == "set":
                values += [draw(TEXT) for _ in range(draw(st.integers(0, 2)))]
            return values, all(ok for _, ok in children)
        if key == "claim" and draw(st.booleans()):
            return draw(IRIS), True
        child, ok = draw(node(depth + 1, scope, vocab))
        ok = ok and not (key == "claim" and droppable(child))
        if key == "scoped" and draw(st.booleans()):
            child["inner"] = draw(TEXT)
        return child, ok
    if key == "langs":
        tags = st.one_of(TAGS, st.just("@none"))
        texts = st.one_of(TEXT, st.lists(TEXT, max_size=2), st.none())
        return draw(st.dictionaries(tags, texts, max_size=3)), True
    if key == "date":
        return draw(st.sampled_from(["2026-01-01T00:00:00Z", "1999-12-31T23:59:59.5+01:00"])), True
    if key == "link":
        return draw(st.one_of(IRIS, LABELS, st.lists(IRIS, max_size=2))), True
    if key == "word":
        return draw(st.sampled_from(["Plain", "ex:word", "Thing"])), True
    if key == "items":
        members = [_scalar(draw, floats=False) for _ in range(draw(st.integers(0, 3)))]
        return [value for value, _ in members], all(ok for _, ok in members)
    if key in ("text", "en", "nolang"):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            return _value_object(draw), True
        if choice == 1:
            return [draw(TEXT), draw(TEXT)], True
        return draw(TEXT), True
    if key in ("num", "flag", "typed", "count"):
        return _scalar(draw, floats=True)
    return draw(TEXT), True


@st.composite
def documents(draw: st.DrawFn) -> tuple[dict[str, Any], bool]:
    """A top-level JSON-LD document with the inline context, and whether it is supported."""
    local, vocab = context(draw)
    body, supported = draw(node(0, frozenset(), vocab))
    return {"@context": local, **body}, supported and not droppable(body)
