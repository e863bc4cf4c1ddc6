"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents.

https://www.w3.org/TR/rdf-canon/ . Two libraries share the work
(see docs/decisions/0002-jsonld-and-canonicalization.md):

* JSON-LD to RDF (https://www.w3.org/TR/json-ld11-api/#deserialize-json-ld-to-rdf-algorithm) by ``pyld``, the
  Python port of the reference implementation, with Merit's document loader. ``pyoxigraph``'s own JSON-LD parser
  was measured to drop quads when a node has two type-scoped contexts (the W3C "employ" test vectors), so it is
  not used for this step.
* Terms serialized as canonical N-Quads by ``pyoxigraph`` (which escapes control characters as RDFC-1.0 requires,
  where pyld does not), and RDFC-1.0 itself by :mod:`merit.core.rdfc` (decision 0009: pyoxigraph's own
  canonicalization mislabels some ties), byte-exact with the W3C test suite.

The default path converts the document natively (:mod:`merit.core.tordf`) and keeps pyld for what that
conversion is not sure of; ``cached=False`` is the general path alone, kept for differential testing.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from pyld import jsonld

from merit.core import ctxcache, rdfc, tordf
from merit.core.documents import Loader, default_loader
from merit.core.errors import MeritError, ProofTransformationError


def _unwrap(exc: BaseException) -> MeritError | None:
    """Find a Merit error that pyld wrapped in its own (a refused document, for instance)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, MeritError):
            return current
        seen.add(id(current))
        cause = getattr(current, "cause", None)
        current = cause if isinstance(cause, BaseException) else current.__cause__ or current.__context__
    return None


def _pyld_loader(loader: Loader) -> Any:
    def load(url: str, options: Any = None) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url, "document": loader(url)}

    return load


def _term(value: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    kind = value["type"]
    if kind == "IRI":
        return ox.NamedNode(value["value"])
    if kind == "blank node":
        return ox.BlankNode(value["value"][2:])
    if "language" in value:
        return ox.Literal(value["value"], language=value["language"])
    return ox.Literal(value["value"], datatype=ox.NamedNode(value["datatype"]))


def to_rdf(document: dict[str, Any], loader: Loader = default_loader, *, cached: bool = True) -> ox.Dataset:
    """Convert a JSON-LD document to an RDF dataset (JSON-LD 1.1 Deserialize JSON-LD to RDF).

    With ``cached`` (the default), processed contexts are reused across documents when the loader allows it
    (:mod:`merit.core.ctxcache`); ``cached=False`` is the general path, which shares nothing between calls.
    """
    partition = ctxcache.partition(loader) if cached else None
    load = _pyld_loader(loader)
    options = {"base": None, "documentLoader": load, "contextResolver": ctxcache.resolver(partition, load)}
    try:
        processor = ctxcache.CachingProcessor(partition) if partition is not None else jsonld.JsonLdProcessor()
        graphs = processor.to_rdf(document, options)
        quads = []
        for name, triples in graphs.items():
            if name == "@default":
                graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph = ox.DefaultGraph()
            elif name.startswith("_:"):
                graph = ox.BlankNode(name[2:])
            else:
                graph = ox.NamedNode(name)
            for triple in triples:
                subject = _term(triple["subject"])
                predicate = _term(triple["predicate"])
                quads.append(ox.Quad(subject, predicate, _term(triple["object"]), graph))  # type: ignore[arg-type]
        return ox.Dataset(quads)
    except MeritError:
        raise
    except Exception as exc:  # pyld raises JsonLdError and, on malformed input, plain Python errors.
        inner = _unwrap(exc)
        if inner is not None:
            raise inner from exc
        raise ProofTransformationError(f"JSON-LD to RDF failed: {str(exc).splitlines()[0]}") from exc


def _serialized(dataset: ox.Dataset) -> set[rdfc.Quad]:
    return {
        (
            str(quad.subject),
            str(quad.predicate),
            str(quad.object),
            "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name),
        )
        for quad in dataset
    }


def canonical_nquads(dataset: ox.Dataset, hash_name: str = "sha256") -> str:
    """Canonicalize ``dataset`` with RDFC-1.0 and serialize it as sorted canonical N-Quads.

    ``hash_name`` is RDFC-1.0's hash algorithm: SHA-256 by default, SHA-384 for ecdsa-rdfc-2019 with P-384.
    """
    return rdfc.canonicalize(_serialized(dataset), hash_name)


def canonize(
    document: dict[str, Any], loader: Loader = default_loader, hash_name: str = "sha256", *, cached: bool = True
) -> str:
    """Return the RDFC-1.0 canonical N-Quads of a JSON-LD document (``cached=False``: the general path).

    By default the document goes through the native JSON-LD to RDF conversion (:mod:`merit.core.tordf`); whatever
    that conversion is not sure of takes the general path.
    """
    if cached:
        try:
            quads = tordf.to_quads(document, loader)
        except tordf.Unsupported:
            pass
        else:
            return rdfc.canonicalize(quads, hash_name)
    return canonical_nquads(to_rdf(document, loader, cached=cached), hash_name)


def canonize_nquads(text: str, hash_name: str = "sha256") -> str:
    """Return the RDFC-1.0 canonical form of an N-Quads document."""
    try:
        dataset = ox.Dataset(ox.parse(text, format=ox.RdfFormat.N_QUADS))
    except SyntaxError as exc:
        raise ProofTransformationError(f"invalid N-Quads: {exc}") from exc
    return canonical_nquads(dataset, hash_name)
