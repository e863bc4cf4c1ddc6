"""The document loader: the only way Merit's core reads a JSON-LD context or other remote document.

The default loader serves the contexts bundled in :mod:`merit.core.contexts` and refuses every other URL
with :class:`~merit.core.errors.DocumentNotAllowedError`. A caller that wants more passes its own documents
(``extra``) or a ``fallback`` callable that decides for itself; nothing in the core opens a network connection.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from merit.core.contexts import CONTEXT_FILES
from merit.core.errors import DocumentNotAllowedError, ParsingError

Document = Any
Loader = Callable[[str], Document]


@cache
def bundled_document(url: str) -> Document:
    """Return the parsed bundled document for ``url``; the result is shared and must not be mutated."""
    name = CONTEXT_FILES.get(url)
    if name is None:
        raise DocumentNotAllowedError(f"document {url!r} is not bundled with Merit and loading it was not allowed")
    text = resources.files("merit.core.contexts").joinpath(name).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except ValueError as exc:  # pragma: no cover - bundled files are checked by the tests.
        raise ParsingError(f"bundled document {name} is not JSON: {exc}") from exc


class DocumentLoader:
    """A loader over the bundled contexts, extra documents given by the caller, then an optional fallback."""

    def __init__(self, extra: Mapping[str, Document] | None = None, fallback: Loader | None = None) -> None:
        self._extra = dict(extra or {})
        self._fallback = fallback

    @property
    def extra(self) -> dict[str, Document]:
        """The documents given by the caller, by URL."""
        return self._extra

    @property
    def fallback(self) -> Loader | None:
        """The callable asked for every URL that is neither extra nor bundled."""
        return self._fallback

    def __call__(self, url: str) -> Document:
        if url in self._extra:
            return self._extra[url]
        if url in CONTEXT_FILES:
            return bundled_document(url)
        if self._fallback is not None:
            return self._fallback(url)
        raise DocumentNotAllowedError(f"document {url!r} is not bundled with Merit and loading it was not allowed")


default_loader = DocumentLoader()
