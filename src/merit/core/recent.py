"""The quads of the documents converted last, so that checking and then signing or verifying convert once.

Verifying checks safe mode on the whole credential and then canonicalizes it without its proof; signing checks and
canonicalizes the same document. :func:`remember` (called by the safe-mode check) converts a document natively
(:mod:`merit.core.tordf`) and keeps its quads and those of the document without its ``proof``; :func:`recall`
(called by canonicalization) returns them for an equal document. They are kept per set of loadable documents
(:mod:`merit.core.ctxcache`), keyed by the document's JSON text and checked against its values, never its
identity, so a document changed in place is converted again.
"""

from __future__ import annotations

import json
from typing import Any

from merit.core import ctxcache
from merit.core.documents import Loader
from merit.core.tordf import Quad, Unsupported, convert

_LIMIT = 64


def _text(document: Any) -> str | None:
    try:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False)
    except (TypeError, ValueError, RecursionError):
        return None


def _keep(partition: ctxcache.Partition, document: Any, quads: set[Quad]) -> None:
    text = _text(document)
    if text is None:
        return
    if len(partition.recent) >= _LIMIT:
        # Cleared rather than trimmed: iterating a dict that another thread changes would raise.
        partition.recent.clear()
    partition.recent[text] = (json.loads(text), frozenset(quads))


def remember(document: Any, loader: Loader) -> bool:
    """Convert ``document`` and keep its quads, and those of the document without its ``proof``, for :func:`recall`.

    Returns whether the conversion succeeded, which also means that the document passes safe mode. Verifying
    checks safe mode on the whole credential and then canonicalizes it without its proof, and signing checks and
    canonicalizes the same document, so each does one conversion, not two.
    """
    try:
        quads, _ = convert(document, loader, aside="proof")
    except Unsupported:
        return False
    partition = ctxcache.partition(loader)
    if partition is not None:
        # A signed document is canonicalized without its proof; nothing canonicalizes it with the proof included.
        signed = "proof" in document
        _keep(
            partition, {key: value for key, value in document.items() if key != "proof"} if signed else document, quads
        )
    return True


def recall(document: Any, loader: Loader) -> frozenset[Quad] | None:
    """The quads :func:`remember` kept for a document equal to ``document`` (same JSON text and same values)."""
    partition = ctxcache.partition(loader)
    text = _text(document) if partition is not None else None
    if partition is None or text is None:
        return None
    found = partition.recent.get(text)
    # Equal text with unequal values would be a tuple where a list was, or a key that is not a string.
    return found[1] if found is not None and found[0] == document else None
