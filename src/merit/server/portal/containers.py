"""Finding the credential in what a visitor gives the portal: JSON, a PDF, a baked PNG or SVG badge.

* JSON: a credential, a presentation, or a VC-API request body (``{"verifiableCredential": ...}``,
  https://w3c-ccg.github.io/vc-api/#verify-credential).
* PDF: a JSON file embedded in the document's ``/Names /EmbeddedFiles`` tree or listed in its ``/AF`` associated
  files (ISO 32000-2 §7.11.4 and §14.13), such as the ``credential.json`` that Merit's PDFs carry.
* PNG and SVG: a baked Open Badge (``merit.core.baking``).
* A compact JWS, as a ``.jwt`` file or pasted text.

A baked or embedded text may also be a URL (an Open Badges 2.0 hosted assertion); the caller fetches it through
``netfetch``. A compact JWS (VC-JOSE, an Open Badges 3.0 JWT, a signed Open Badges 2.0 assertion) stays the text
it is, since its signature covers those bytes; one that holds no credential Merit recognises is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from io import BytesIO
from typing import Any, Literal

from django.utils.translation import gettext as _

from merit.core import formats
from merit.core.baking import BakingError, extract_from_png, extract_from_svg
from merit.core.errors import InvalidError, MeritError
from merit.core.verify.parsing import MAX_BYTES, parse_json

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""The largest file the portal accepts (10 MiB)."""
Container = Literal["json", "pdf", "png", "svg", "url", "text"]
Problem = Literal[
    "empty",
    "unsupported-file",
    "not-json",
    "pdf-unreadable",
    "pdf-no-credential",
    "image-unreadable",
    "image-no-credential",
    "jws",
    "too-large",
]
_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")
_JSON_TYPES = ("/application/json", "/application/vc+ld+json", "/application/ld+json", "/application/vc+json")


class ContainerError(InvalidError):
    """The input holds no credential Merit can read; ``problem`` names which case (for the page's message)."""

    code = "CONTAINER_ERROR"

    def __init__(self, message: str, problem: Problem) -> None:
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True)
class Found:
    """What was found: the credential's JSON text (exact bytes) or a URL to fetch it from."""

    container: Container
    data: bytes = b""
    url: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _sniff(data: bytes) -> Container | None:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith(b"<") and b"<svg" in data[:65536]:
        return "svg"
    return None


def _text(container: Container, text: str) -> Found:
    """A baked or embedded text: JSON, a URL, or a compact JWS."""
    stripped = text.strip()
    if stripped.startswith(("https://", "http://")) and len(stripped) < 2048 and not any(c.isspace() for c in stripped):
        return Found(container, url=stripped)
    if _JWS.match(stripped):
        if formats.detect(stripped) == "unknown":
            raise ContainerError("the compact JWS holds no credential Merit recognises", "jws")
        return Found(container, stripped.encode("ascii"))
    return Found(container, stripped.encode("utf-8"))


def _pdf_json(data: bytes) -> bytes:
    """The first JSON file embedded in or associated with a PDF."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
        from pypdf.generic import ArrayObject, DictionaryObject
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency.
        raise ContainerError("PDF support is not installed", "pdf-unreadable") from exc
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        candidates: list[tuple[str, str | None, Any]] = []
        for attachment in reader.attachment_list:
            candidates.append((attachment.name, attachment.subtype, lambda a=attachment: a.content))
        associated = reader.trailer["/Root"].get_object().get("/AF")
        associated = associated.get_object() if associated is not None else []
        for spec in associated if isinstance(associated, ArrayObject) else []:
            spec = spec.get_object()
            if not isinstance(spec, DictionaryObject) or "/EF" not in spec:
                continue
            stream = spec["/EF"].get_object().get("/F")
            if stream is None:
                continue
            stream = stream.get_object()
            name = str(spec.get("/UF") or spec.get("/F") or "")
            subtype = str(stream.get("/Subtype")) if stream.get("/Subtype") is not None else None
            candidates.append((name, subtype, stream.get_data))
        for name, subtype, content in candidates:
            kind = (subtype or "").replace("#2F", "/").lower()
            if name.lower().endswith(".json") or kind in _JSON_TYPES:
                body = content()
                if len(body) > MAX_BYTES:
                    raise ContainerError("the credential attached to the PDF is larger than 2 MiB", "too-large")
                return bytes(body)
    except ContainerError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        # PyPdfError: also LimitReachedError, a stream that inflates past pypdf's limit (a decompression bomb).
        raise ContainerError("the PDF could not be read", "pdf-unreadable") from exc
    raise ContainerError("This PDF has no credential attached", "pdf-no-credential")


def open_file(data: bytes) -> Found:
    """The credential in an uploaded file, or a :class:`ContainerError` saying why there is none."""
    if not data.strip():
        raise ContainerError("the file is empty", "empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ContainerError("the file is larger than 10 MB", "too-large")
    kind = _sniff(data)
    if kind == "json":
        return Found("json", data)
    if kind == "pdf":
        return Found("pdf", _pdf_json(data))
    if kind in ("png", "svg"):
        try:
            text = extract_from_png(data) if kind == "png" else extract_from_svg(data)
        except BakingError as exc:
            raise ContainerError(f"the image could not be read: {exc.message}", "image-unreadable") from exc
        if text is None:
            raise ContainerError("this image has no credential baked into it", "image-no-credential")
        return _text(kind, text)
    compact = data.strip().decode("ascii", errors="replace")
    if _JWS.match(compact):
        return _text("text", compact)  # A .jwt file: VC-JOSE, an Open Badges 3.0 JWT, a signed OB 2.0 assertion.
    raise ContainerError("Merit reads JSON, PDF, PNG and SVG files; this is none of them", "unsupported-file")


def open_text(text: str) -> Found:
    """The credential in pasted text (JSON, or a compact JWS)."""
    if not text.strip():
        raise ContainerError("nothing was pasted", "empty")
    found = _text("text", text)
    if found.url is not None:
        return found
    return Found("json", found.data)


def parse(found: Found) -> Any:
    """The JSON object in ``found``, unwrapped from a VC-API request body when it is one; a compact JWS stays the
    text it is, since its signature covers those bytes."""
    if _JWS.match(found.data.decode("ascii", errors="replace").strip()):
        return found.data.decode("ascii").strip()
    try:
        document = parse_json(found.data)
    except MeritError as exc:
        raise ContainerError(f"not valid JSON: {exc.message}", "not-json") from exc
    if "@context" not in document:
        for key in ("verifiableCredential", "verifiablePresentation"):
            inner = document.get(key)
            if isinstance(inner, dict):
                return inner
    return document


def message(error: ContainerError) -> str:
    """What ``error`` means, in the reader's language (the portal and the passport say the same)."""
    messages = {
        "empty": _("The file or text is empty."),
        "unsupported-file": _("Merit reads JSON, PDF, PNG and SVG files; this file is none of them."),
        "not-json": _("This is not valid JSON."),
        "pdf-unreadable": _("This PDF could not be read."),
        "pdf-no-credential": _("This PDF has no credential attached."),
        "image-unreadable": _("This image could not be read; it may be damaged."),
        "image-no-credential": _("This image has no credential baked into it."),
        "jws": _("This compact JWS holds no credential Merit recognises."),
        "too-large": _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 1_048_576},
    }
    return messages.get(error.problem, error.message)
