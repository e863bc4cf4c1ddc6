"""JSON-LD safe mode: every property and type must expand to an absolute IRI.

JSON-LD processors silently drop a property whose term is not defined, so that property is not signed: an
attacker can add ``credentialSubject.anything`` to a signed credential and a careless verifier still says
"verified". jsonld.js rejects such documents in "safe mode"; pyld and pyoxigraph have no such mode. This module
runs the JSON-LD 1.1 Context Processing algorithm (https://www.w3.org/TR/json-ld11-api/#context-processing-algorithm)
and walks the document as the Expansion algorithm (https://www.w3.org/TR/json-ld11-api/#expansion-algorithm) would,
raising :class:`SafeModeError` wherever jsonld.js in safe mode raises: an undefined term, a relative IRI, a
non-keyword ``@`` key, a redefined protected term, or ``@import``.

Processed contexts are cached, so checking many credentials that share their contexts costs little.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from merit.core import ctxcache
from merit.core.bounded import keep
from merit.core.documents import Loader, default_loader
from merit.core.errors import DocumentNotAllowedError, SafeModeError

KEYWORDS = frozenset(
    {
        "@base",
        "@container",
        "@context",
        "@direction",
        "@graph",
        "@id",
        "@import",
        "@included",
        "@index",
        "@json",
        "@language",
        "@list",
        "@nest",
        "@none",
        "@prefix",
        "@propagate",
        "@protected",
        "@reverse",
        "@set",
        "@type",
        "@value",
        "@version",
        "@vocab",
    }
)
_KEYWORD_LIKE = re.compile(r"^@[a-zA-Z]+$")
_ABSOLUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_CONTEXT_KEYWORDS = frozenset(
    {"@base", "@direction", "@import", "@language", "@propagate", "@protected", "@version", "@vocab"}
)
_BCP47 = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")
_DIRECTION = "@direction is not supported: JSON-LD processors drop it when converting to RDF, so it would go unsigned"
_CONTAINERS = frozenset({"@list", "@set", "@index", "@language", "@id", "@type", "@graph"})
MAX_DEPTH = 64
_serial = itertools.count()


def _absolute(iri: str) -> bool:
    return bool(_ABSOLUTE.match(iri)) and not iri.startswith("_:")


@dataclass(frozen=True)
class Term:
    """A term definition: what the term expands to and how its values are read."""

    iri: str | None
    reverse: bool = False
    type_mapping: str | None = None
    container: frozenset[str] = frozenset()
    context: Any = None
    has_context: bool = False
    protected: bool = False
    prefix: bool = False
    context_key: str = ""
    # A term's own ``@language`` (``has_language``; ``None`` when it is ``null``), which overrides the default.
    language: str | None = None
    has_language: bool = False

    def same_as(self, other: Term) -> bool:
        """Equal apart from ``protected`` (JSON-LD allows re-stating a protected term identically)."""
        return replace(self, protected=False) == replace(other, protected=False)


@dataclass
class Context:
    """An active context. Treated as immutable once built: processing returns a new one."""

    terms: dict[str, Term] = field(default_factory=dict)
    vocab: str | None = None
    previous: Context | None = None
    language: str | None = None
    serial: int = field(default_factory=lambda: next(_serial))
    # What keys expand to in this context (``expand_key``); filled only once the context is complete.
    keys: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)
    # What merit.core.tordf prepared for each property of this context.
    plans: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def copy(self) -> Context:
        return Context(dict(self.terms), self.vocab, self.previous, self.language)


_EMPTY = Context()
ContextCache = dict[tuple[int, str, bool, bool], Context]
_CACHE_LIMIT = 4096


def _fingerprint(context: Any) -> str:
    """A context's content as a cache key, so that a context changed in place is never served stale. The usual
    context, a list of URLs, is keyed by the URLs themselves, one a line (a key JSON text, which starts with a
    bracket, a brace or a quote, cannot take; a URL with a line break in it takes the general key)."""
    if isinstance(context, list) and all(type(item) is str and "\n" not in item for item in context):
        return "urls:" + "\n".join(context)
    return json.dumps(context, sort_keys=True, separators=(",", ":"))


def _fail(message: str, path: str) -> SafeModeError:
    return SafeModeError(f"{message} at {path or 'the top level'}")


class _Processor:
    """Runs context processing and the validating walk for one document."""

    def __init__(self, loader: Loader, cache: ContextCache | None = None) -> None:
        self.loader = loader
        # Processed contexts by (parent serial, content or URL, flags). A URL names its content only for one set of
        # loadable documents, so a shared cache belongs to one loader partition (merit.core.ctxcache).
        self.cache: ContextCache = cache if cache is not None else {}

    # Context processing -----------------------------------------------------------------------------------

    def process(
        self,
        active: Context,
        local: Any,
        path: str,
        *,
        key: str | None = None,
        override: bool = False,
        propagate: bool = True,
        depth: int = 0,
    ) -> Context:
        """Process ``local`` on top of ``active``; results are cached by the context's content (``key``)."""
        fingerprint = key if key is not None else _fingerprint(local)
        cache_key = (active.serial, fingerprint, override, propagate)
        hit = self.cache.get(cache_key)
        if hit is not None:
            return hit
        return keep(self.cache, cache_key, self._process(active, local, path, override, propagate, depth), _CACHE_LIMIT)

    def _process(self, active: Context, local: Any, path: str, override: bool, propagate: bool, depth: int) -> Context:
        if depth > 16:
            raise _fail("contexts are nested too deeply", path)
        contexts = local if isinstance(local, list) else [local]
        if isinstance(contexts[-1:] and contexts[-1], dict) and "@propagate" in contexts[-1]:
            propagate = contexts[-1]["@propagate"] is not False
        result = active.copy()
        if not propagate and result.previous is None:
            result.previous = active
        for context in contexts:
            if context is None:
                if not override and any(term.protected for term in result.terms.values()):
                    raise _fail("a context nullifies protected terms", path)
                result = Context(previous=result.previous if not propagate else None)
            elif isinstance(context, str):
                try:
                    document = self.loader(context)
                except DocumentNotAllowedError:
                    raise
                if not isinstance(document, dict) or "@context" not in document:
                    raise _fail(f"context {context} has no @context", path)
                loaded = self.process(
                    result, document["@context"], path, key="url:" + context, override=override, depth=depth + 1
                )
                result = Context(dict(loaded.terms), loaded.vocab, result.previous, loaded.language)
            elif isinstance(context, dict):
                result = self._process_object(result, context, path, override)
            else:
                raise _fail("a context must be a URL, an object or null", path)
        return result

    def _process_object(self, result: Context, context: dict[str, Any], path: str, override: bool) -> Context:
        if "@import" in context:
            raise _fail("@import in a context is not supported", path)
        version = context.get("@version")
        if version is not None and version != 1.1:
            raise _fail("@version must be 1.1", path)
        if "@propagate" in context and not isinstance(context["@propagate"], bool):
            raise _fail("@propagate must be true or false", path)
        if "@vocab" in context:
            vocab = context["@vocab"]
            if vocab is None:
                result.vocab = None
            else:
                expanded = self.expand_iri(result, vocab, vocab=True) if isinstance(vocab, str) else None
                if expanded is None or not (_absolute(expanded) or expanded.startswith("_:")):
                    raise _fail("@vocab must be an absolute IRI", path)
                result.vocab = expanded
        if context.get("@direction") is not None:
            raise _fail(_DIRECTION, path)
        if "@language" in context:
            language = context["@language"]
            if language is not None and not isinstance(language, str):
                raise _fail("the default @language must be a string or null", path)
            result.language = language
        protected = context.get("@protected", False) is True
        defined: dict[str, bool] = {}
        for term in context:
            if term in (
                "@base",
                "@direction",
                "@import",
                "@language",
                "@propagate",
                "@protected",
                "@version",
                "@vocab",
            ):
                continue
            self.define(result, context, term, defined, protected, override, path)
        return result

    def define(
        self,
        active: Context,
        local: dict[str, Any],
        term: str,
        defined: dict[str, bool],
        protected: bool,
        override: bool,
        path: str,
    ) -> None:
        """Create Term Definition (https://www.w3.org/TR/json-ld11-api/#create-term-definition)."""
        if defined.get(term) is True:
            return
        if term in defined:
            raise _fail(f"cyclic definition of term {term!r}", path)
        defined[term] = False
        value = local[term]
        if term == "@type" and isinstance(value, dict) and set(value) <= {"@container", "@protected"}:
            defined[term] = True
            return
        if term in KEYWORDS or _KEYWORD_LIKE.match(term):
            raise _fail(f"a context may not define the keyword-like term {term!r}", path)
        previous = active.terms.pop(term, None)
        if value is None or (isinstance(value, dict) and "@id" in value and value["@id"] is None):
            definition = Term(None, protected=protected)
        else:
            definition = self._definition(active, local, term, value, defined, protected, path)
        if previous is not None and previous.protected and not override:
            if not definition.same_as(previous):
                raise _fail(f"the protected term {term!r} is redefined", path)
            definition = previous
        active.terms[term] = definition
        defined[term] = True

    def _definition(
        self,
        active: Context,
        local: dict[str, Any],
        term: str,
        value: Any,
        defined: dict[str, bool],
        protected: bool,
        path: str,
    ) -> Term:
        simple = isinstance(value, str)
        if simple:
            value = {"@id": value}
        if not isinstance(value, dict):
            raise _fail(f"the definition of term {term!r} must be a string, an object or null", path)
        protected = value.get("@protected", protected) is True
        if value.get("@direction") is not None:
            raise _fail(_DIRECTION, path)
        type_mapping = value.get("@type")
        if type_mapping is not None:
            if not isinstance(type_mapping, str):
                raise _fail(f"the @type of term {term!r} must be a string", path)
            type_mapping = self.expand_iri(active, type_mapping, vocab=True, local=local, defined=defined)
            if type_mapping not in ("@id", "@json", "@none", "@vocab") and not _absolute(type_mapping or ""):
                raise _fail(f"the @type of term {term!r} is not an absolute IRI", path)
        container = value.get("@container", [])
        container = frozenset(container if isinstance(container, list) else [container])
        if not container <= _CONTAINERS:
            raise _fail(f"term {term!r} has an invalid @container", path)
        reverse = "@reverse" in value
        target = value.get("@reverse") if reverse else value.get("@id")
        if target is not None and target != term:
            if not isinstance(target, str):
                raise _fail(f"the IRI of term {term!r} must be a string", path)
            iri = self.expand_iri(active, target, vocab=True, local=local, defined=defined)
        elif ":" in term[1:]:
            prefix, suffix = term.split(":", 1)
            if prefix in local:
                self.define(active, local, prefix, defined, protected, False, path)
            mapped = active.terms.get(prefix)
            iri = mapped.iri + suffix if mapped is not None and mapped.iri is not None else term
        elif active.vocab is not None:
            iri = active.vocab + term
        else:
            raise _fail(f"term {term!r} has no IRI mapping", path)
        if iri is None or not (iri in KEYWORDS or _absolute(iri) or iri.startswith("_:")):
            raise _fail(f"term {term!r} does not expand to an absolute IRI", path)
        if reverse and (iri in KEYWORDS or iri.startswith("_:")):
            raise _fail(f"the reverse term {term!r} must map to an IRI", path)
        is_prefix = value.get("@prefix") is True or (simple and iri[-1:] in ":/?#[]@")
        scoped = value.get("@context")
        has_scoped = "@context" in value
        fingerprint = _fingerprint(scoped) if has_scoped else ""
        has_language = "@language" in value
        language = value.get("@language")
        if language is not None and not isinstance(language, str):
            raise _fail(f"the @language of term {term!r} must be a string or null", path)
        return Term(
            iri,
            reverse,
            type_mapping,
            container,
            scoped,
            has_scoped,
            protected,
            is_prefix,
            fingerprint,
            language,
            has_language,
        )

    def expand_iri(
        self,
        active: Context,
        value: str,
        *,
        vocab: bool = False,
        local: dict[str, Any] | None = None,
        defined: dict[str, bool] | None = None,
    ) -> str | None:
        """IRI Expansion (https://www.w3.org/TR/json-ld11-api/#iri-expansion), without a base IRI."""
        if value in KEYWORDS:
            return value
        if _KEYWORD_LIKE.match(value):
            return None
        if local is not None and defined is not None and value in local and defined.get(value) is not True:
            self.define(active, local, value, defined, False, False, "")
        term = active.terms.get(value)
        if vocab and term is not None:
            return term.iri
        if ":" in value[1:]:
            prefix, suffix = value.split(":", 1)
            if prefix == "_" or suffix.startswith("//"):
                return value
            if local is not None and defined is not None and prefix in local:
                self.define(active, local, prefix, defined, False, False, "")
            mapped = active.terms.get(prefix)
            if mapped is not None and mapped.iri is not None and mapped.prefix:
                return mapped.iri + suffix
            if _absolute(value):
                return value
        if vocab and active.vocab is not None:
            return active.vocab + value
        return value

    def expand_key(self, active: Context, key: str) -> str | None:
        """What a key (or a ``@type`` value) expands to in a complete context, remembered per context."""
        keys = active.keys
        if key in keys:
            return keys[key]
        return keep(keys, key, self.expand_iri(active, key, vocab=True), _CACHE_LIMIT)

    # The validating walk -----------------------------------------------------------------------------------

    def walk(self, active: Context, prop: str | None, element: Any, path: str, depth: int) -> None:
        """Visit ``element`` as the value of ``prop`` the way the Expansion algorithm would."""
        if depth > MAX_DEPTH:
            raise _fail("the document is nested too deeply", path)
        term = active.terms.get(prop) if prop is not None else None
        if isinstance(element, list):
            for index, item in enumerate(element):
                self.walk(active, prop, item, f"{path}[{index}]", depth + 1)
            return
        if not isinstance(element, dict):
            if term is not None and isinstance(element, str) and term.type_mapping in ("@id", "@vocab"):
                scoped = self._scoped(active, term, path)
                self._check_reference(scoped, element, path, vocab=term.type_mapping == "@vocab")
            return
        self._walk_object(active, prop, term, element, path, depth)

    def _scoped(self, active: Context, term: Term | None, path: str) -> Context:
        if term is None or not term.has_context:
            return active
        return self.process(active, term.context, path, key=term.context_key, override=True)

    def _check_reference(self, active: Context, value: str, path: str, *, vocab: bool) -> None:
        expanded = self.expand_iri(active, value, vocab=vocab)
        if expanded is None or expanded in KEYWORDS:
            raise _fail(f"the reserved value {value!r} is not an IRI", path)
        if not (_absolute(expanded) or expanded.startswith("_:")):
            raise _fail(f"{value!r} is a relative IRI reference", path)

    def _keys_to(self, active: Context, element: dict[str, Any], keyword: str) -> list[str]:
        return [key for key in element if self.expand_key(active, key) == keyword]

    def _walk_object(
        self, active: Context, prop: str | None, term: Term | None, element: dict[str, Any], path: str, depth: int
    ) -> None:
        if active.previous is not None:
            keys = {self.expand_key(active, key) for key in element}
            if "@value" not in keys and keys != {"@id"}:
                active = active.previous
        active = self._scoped(active, term, path)
        if "@context" in element:
            active = self.process(active, element["@context"], f"{path}.@context")
        type_scoped = active
        for key in sorted(self._keys_to(active, element, "@type")):
            values = element[key] if isinstance(element[key], list) else [element[key]]
            for value in sorted(v for v in values if isinstance(v, str)):
                defined = type_scoped.terms.get(value)
                if defined is not None and defined.has_context:
                    active = self.process(active, defined.context, path, key=defined.context_key, propagate=False)
        if prop is None or prop == "@graph" or (term is not None and "@graph" in term.container):
            self._check_kept(active, element, path)
        self._walk_entries(active, type_scoped, element, path, depth)

    def _check_kept(self, active: Context, element: dict[str, Any], path: str) -> None:
        """Refuse an object that Expansion would drop as free-floating, as jsonld.js does in safe mode.

        At the top level, in ``@graph`` and in a graph container, an object that is empty, has only ``@id``, or is
        a value or list object is dropped (https://www.w3.org/TR/json-ld11-api/#expansion-algorithm, step 19):
        it would add nothing to what is signed.
        """
        keys = [
            self.expand_key(active, key) for key, value in element.items() if key != "@context" and value is not None
        ]
        if drops_when_free(keys):
            raise _fail(
                "an object with nothing but an identifier (or a value) here is dropped, so it is not signed", path
            )

    def _walk_entries(
        self, active: Context, type_scoped: Context, element: dict[str, Any], path: str, depth: int
    ) -> None:
        is_value = any(self.expand_key(active, key) == "@value" for key in element)
        for key in sorted(element):
            value = element[key]
            here = f"{path}.{key}" if path else key
            if key == "@context":
                continue
            expanded = self.expand_key(active, key)
            if expanded is None or not (expanded in KEYWORDS or _absolute(expanded)):
                reason = "is not a keyword" if _KEYWORD_LIKE.match(key) else "is not defined by the context"
                raise _fail(f"the term {key!r} {reason}", here)
            if expanded in KEYWORDS:
                self._walk_keyword(active, type_scoped, expanded, value, here, depth, is_value)
                continue
            self._walk_property(active, key, value, here, depth)

    def _walk_keyword(
        self,
        active: Context,
        type_scoped: Context,
        keyword: str,
        value: Any,
        path: str,
        depth: int,
        is_value: bool,
    ) -> None:
        if keyword == "@id":
            if not isinstance(value, str):
                raise _fail("@id must be a string", path)
            self._check_reference(active, value, path, vocab=False)
        elif keyword == "@type":
            for index, item in enumerate(value if isinstance(value, list) else [value]):
                here = f"{path}[{index}]" if isinstance(value, list) else path
                if not isinstance(item, str):
                    raise _fail("@type values must be strings", here)
                if is_value and item == "@json":
                    continue
                expanded = self.expand_key(type_scoped, item)
                if expanded is None or not (_absolute(expanded) or expanded.startswith("_:")):
                    raise _fail(f"the type {item!r} does not expand to an absolute IRI", here)
        elif keyword in ("@list", "@set", "@graph", "@included"):
            self.walk(active, None if keyword == "@included" else keyword, value, path, depth + 1)
        elif keyword == "@reverse":
            if not isinstance(value, dict):
                raise _fail("@reverse must be an object", path)
            self._walk_entries(active, active, value, path, depth + 1)
        elif keyword == "@nest":
            for item in value if isinstance(value, list) else [value]:
                if not isinstance(item, dict):
                    raise _fail("@nest values must be objects", path)
                self._walk_entries(active, type_scoped, item, path, depth + 1)
        elif keyword == "@value" and value is None:
            raise _fail("@value must not be null", path)
        elif keyword == "@direction":
            raise _fail(_DIRECTION, path)
        elif keyword == "@language" and not (isinstance(value, str) and _BCP47.match(value)):
            raise _fail(f"{value!r} is not a language tag", path)

    def _walk_property(self, active: Context, key: str, value: Any, path: str, depth: int) -> None:
        term = active.terms.get(key)
        if term is not None and term.type_mapping == "@json":
            return
        container = term.container if term is not None else frozenset()
        if isinstance(value, dict) and "@language" in container:
            # Keys are language tags and values are strings; a literal with an invalid tag would be dropped.
            for tag, text in value.items():
                if tag != "@none" and not _BCP47.match(tag):
                    raise _fail(f"{tag!r} is not a language tag", f"{path}.{tag}")
                for item in text if isinstance(text, list) else [text]:
                    if item is not None and not isinstance(item, str):
                        raise _fail("language map values must be strings", f"{path}.{tag}")
            return
        if isinstance(value, dict) and container & {"@index", "@id", "@type"} and "@graph" not in container:
            for map_key, item in value.items():
                here = f"{path}.{map_key}"
                scoped = self._scoped(active, term, path)
                if "@type" in container and map_key != "@none":
                    self._check_reference(scoped, map_key, here, vocab=True)
                    defined = scoped.terms.get(map_key)
                    if defined is not None and defined.has_context:
                        scoped = self.process(scoped, defined.context, here, key=defined.context_key, propagate=False)
                elif "@id" in container and map_key != "@none":
                    self._check_reference(scoped, map_key, here, vocab=False)
                self.walk(scoped, key, item, here, depth + 1)
            return
        self.walk(active, key, value, path, depth + 1)


def drops_when_free(keys: list[str | None]) -> bool:
    """Whether Expansion drops a free-floating object whose keys (but ``@context``, and those with a ``null`` value)
    expand to ``keys``: an empty object, one with only ``@id``, a value or a list object (Expansion, step 19)."""
    return not keys or "@value" in keys or "@list" in keys or keys == ["@id"]


def processor_for(loader: Loader) -> _Processor:
    """A processor whose processed contexts are shared with every operation that loads the same documents."""
    partition = ctxcache.partition(loader)
    return _Processor(loader, partition.safe if partition is not None else None)


def check_safe_mode(document: Any, loader: Loader = default_loader) -> None:
    """Raise :class:`SafeModeError` unless every term and type in ``document`` expands to an absolute IRI.

    A context that the loader refuses raises :class:`~merit.core.errors.DocumentNotAllowedError`
    ("could not verify" rather than "invalid").
    """
    safe_quads(document, loader)


def safe_quads(document: Any, loader: Loader = default_loader) -> frozenset[tuple[str, str, str, str]] | None:
    """Check safe mode as :func:`check_safe_mode` does, and return the RDF quads of ``document`` without its
    ``proof`` when the native conversion (:mod:`merit.core.tordf`) took it, for signing or verifying it; else None.

    A document that the native conversion takes is safe: it expands every key, type and reference and checks every
    language tag on the way, and it leaves anything it is not sure of to the walk. Signing and verifying so convert
    each document once. (The conversion builds on this module, hence the late import.)
    """
    if not isinstance(document, dict):
        raise SafeModeError("a JSON-LD document must be a JSON object")
    from merit.core import tordf

    try:
        quads = tordf.to_quads(document, loader, without="proof")
    except tordf.Unsupported:
        walk_safe_mode(document, loader)
        return None
    return frozenset(quads)


def walk_safe_mode(document: dict[str, Any], loader: Loader = default_loader) -> None:
    """The validating walk of :func:`check_safe_mode` alone, whatever the native conversion would say."""
    processor = processor_for(loader)
    try:
        processor.walk(_EMPTY, None, document, "", 0)
    except RecursionError as exc:
        raise SafeModeError("the document is nested too deeply") from exc
