"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, through ``pyoxigraph``.

https://www.w3.org/TR/rdf-canon/ . ``pyoxigraph``'s JSON-LD parser has no document loader, so every context
URL is first replaced by the ``@context`` value of the document Merit's loader returns for it. A context that
uses ``@import`` is refused (fail closed), because that would be a remote load the caller did not allow.
"""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox

from merit.core.documents import Loader, default_loader
from merit.core.errors import MalformedValueError, ProofTransformationError

_MAX_CONTEXT_DEPTH = 16


def inline_context(context: Any, loader: Loader = default_loader, _depth: int = 0) -> Any:
    """Return ``context`` with every context URL replaced by the context it names, recursively."""
    if _depth > _MAX_CONTEXT_DEPTH:
        raise ProofTransformationError("contexts are nested too deeply (a context includes itself?)")
    if isinstance(context, str):
        document = loader(context)
        if not isinstance(document, dict) or "@context" not in document:
            raise MalformedValueError(f"context document {context!r} has no @context")
        return inline_context(document["@context"], loader, _depth + 1)
    if isinstance(context, list):
        result: list[Any] = []
        for item in context:
            inlined = inline_context(item, loader, _depth)
            if isinstance(inlined, list):
                result.extend(inlined)
            else:
                result.append(inlined)
        return result
    if isinstance(context, dict):
        if "@import" in context:
            raise ProofTransformationError("contexts that use @import are not supported")
        out: dict[str, Any] = {}
        for key, value in context.items():
            if isinstance(value, dict) and "@context" in value:
                value = {**value, "@context": inline_context(value["@context"], loader, _depth + 1)}
            out[key] = value
        return out
    return context


def inline_document(document: Any, loader: Loader = default_loader) -> Any:
    """Return a copy of ``document`` whose embedded contexts are all inline objects."""
    if isinstance(document, dict):
        out = {}
        for key, value in document.items():
            out[key] = inline_context(value, loader) if key == "@context" else inline_document(value, loader)
        return out
    if isinstance(document, list):
        return [inline_document(item, loader) for item in document]
    return document


def to_rdf(document: dict[str, Any], loader: Loader = default_loader) -> ox.Dataset:
    """Convert a JSON-LD document to an RDF dataset (JSON-LD 1.1 Deserialize JSON-LD to RDF)."""
    text = json.dumps(inline_document(document, loader), ensure_ascii=False)
    try:
        return ox.Dataset(ox.parse(text, format=ox.RdfFormat.JSON_LD))
    except (SyntaxError, ValueError) as exc:
        raise ProofTransformationError(f"JSON-LD to RDF failed: {exc}") from exc


def canonical_nquads(dataset: ox.Dataset) -> str:
    """Canonicalize ``dataset`` with RDFC-1.0 and serialize it as sorted canonical N-Quads."""
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return "".join(sorted(f"{quad} .\n" for quad in dataset))


def canonize(document: dict[str, Any], loader: Loader = default_loader) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a JSON-LD document."""
    return canonical_nquads(to_rdf(document, loader))


def canonize_nquads(text: str) -> str:
    """Return the RDFC-1.0 canonical form of an N-Quads document."""
    try:
        dataset = ox.Dataset(ox.parse(text, format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise ProofTransformationError(f"invalid N-Quads: {exc}") from exc
    return canonical_nquads(dataset)
