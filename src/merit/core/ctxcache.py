"""Processing each distinct JSON-LD context once: a cache of pyld's processed active contexts.

pyld caches a processed context per ``(resolved context, active context's _uuid)``, but every active context it
builds gets a fresh random ``_uuid``, the cache keys each object context by a pure-Python JCS serialization of it,
and that cache holds only ten active contexts per context. So the scoped contexts of Open Badges 3.0 are
re-processed for every node of every credential, which was about three quarters of the time Merit spent in
RDFC-1.0.

:class:`CachingProcessor` wraps pyld's Context Processing algorithm with a cache whose key is the *content* of
everything the algorithm reads, never the identity of an object:

* the active context, named by its derivation: the initial context is ``initial:<processing mode>``, and every
  context this cache returns is stamped (``_merit_key``) with the digest of the key it was stored under, so that
  a stamp names the initial context plus the exact sequence of local contexts and flags that produced it;
* the local context, as its JSON text (order-preserving, so that even the order of term definitions counts);
* the flags (``override_protected``, ``propagate``, ``validate_scoped``), the base IRI and the processing mode;
* the documents the loader serves, through the partition the cache lives in (:func:`partition`).

An active context that carries no stamp (one that pyld built itself, such as a half-built context while it
validates scoped contexts) is processed by pyld as before and its result is not cached. A local context that is
not plain JSON is not cached either. Results are immutable (pyld freezes them), so sharing them is safe.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pyld import jsonld
from pyld.context_resolver import ContextResolver

from merit.core.bounded import keep
from merit.core.documents import DocumentLoader, Loader

KEY = "_merit_key"
_LIMIT = 4096
_PARTITION_LIMIT = 16


class Partition:
    """The caches that are valid for one set of loadable documents."""

    def __init__(self) -> None:
        self.contexts: dict[str, Any] = {}
        # pyld's own cache of resolved remote contexts, keyed by URL, shared only by operations that load the
        # same documents (pyld's default shares one across every loader, which this replaces).
        self.resolved: dict[str, Any] = {}
        self.initial: dict[str, Any] = {}
        # Proof configuration templates (merit.core.fastcanon), keyed by everything in a configuration but created.
        self.templates: dict[str, Any] = {}
        # Contexts processed by Merit's own processor (merit.core.jsonld): safe mode and the native toRdf.
        self.safe: dict[Any, Any] = {}

    def store(self, key: str, value: Any) -> None:
        keep(self.contexts, key, value, _LIMIT)


_PARTITIONS: dict[str, Partition] = {}


def partition(loader: Loader) -> Partition | None:
    """The cache partition for ``loader``, or ``None`` when its documents cannot be named by their content.

    A :class:`DocumentLoader` without a fallback serves the bundled contexts (immutable files) and the extra
    documents it was given; the partition is keyed by the JSON text of those extra documents, read on every call,
    so that a document changed in place is never served stale. A loader with a fallback may answer differently
    over time, so it gets no cache.
    """
    if not isinstance(loader, DocumentLoader) or loader.fallback is not None:
        return None
    if not loader.extra:
        name = "{}"  # The usual loader: the bundled contexts alone (the JSON text of no extra documents).
    else:
        try:
            name = json.dumps(loader.extra, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError):
            return None
    found = _PARTITIONS.get(name)
    if found is None:
        found = keep(_PARTITIONS, name, Partition(), _PARTITION_LIMIT)
    return found


def _text(value: Any) -> str | None:
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return None


class CachingProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with Context Processing results cached in a :class:`Partition`."""

    def __init__(self, cache: Partition) -> None:
        super().__init__()
        self.cache = cache

    def _get_initial_context(self, options: dict[str, Any]) -> Any:
        mode = str(options.get("processingMode"))
        initial = self.cache.initial.get(mode)
        if initial is None:
            name = "initial:" + mode
            initial = jsonld.freeze({"_uuid": "merit-" + name, "processingMode": mode, "mappings": {}, KEY: name})
            self.cache.initial[mode] = initial
        return initial

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: dict[str, Any],
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        parent = active_ctx.get(KEY) if isinstance(active_ctx, dict | jsonld.frozendict) else None
        local = _text(local_ctx) if parent is not None and not cycles else None
        if parent is None or local is None:
            return super()._process_context(
                active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
            )
        flags = f"{override_protected:d}{propagate:d}{validate_scoped:d}"
        material = json.dumps([parent, local, flags, options.get("base"), options.get("processingMode")])
        key = hashlib.sha256(material.encode("utf-8")).hexdigest()
        hit = self.cache.contexts.get(key)
        if hit is not None:
            return hit
        result = super()._process_context(
            active_ctx, local_ctx, options, override_protected, propagate, validate_scoped, cycles
        )
        stamped = jsonld.freeze({**result, KEY: key})
        self.cache.store(key, stamped)
        return stamped


def resolver(cache: Partition | None, loader: Any) -> ContextResolver:
    """A context resolver whose shared cache is the partition's, or a private one when there is none."""
    return ContextResolver(cache.resolved if cache is not None else {}, loader)
