"""A credential as a tagged PDF/UA-1 document that carries the signed credential as an attachment.

The page is a Django template rendered with autoescaping (every value in it comes from the credential, which is
untrusted) and the print stylesheet ``print.css``, both laid out by WeasyPrint. WeasyPrint fetches nothing: its
URL fetcher answers only the ``data:`` URL of the QR code made here and refuses every other URL, so no text in a
credential can make the server open a connection or read a file. The signed credential is embedded byte for byte
as ``credential.json`` (``application/vc+ld+json``), listed in the ``/EmbeddedFiles`` name tree and in the
catalogue's ``/AF`` array with ``/AFRelationship /Source``, so that the PDF alone can be verified.
"""

from __future__ import annotations

import base64
import io
import json
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import pydyf
import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML, Attachment
from weasyprint.urls import URLFetcher, URLFetcherResponse

from merit.server.pdf.display import display

ATTACHMENT_NAME = "credential.json"
ATTACHMENT_MIME = "application/vc+ld+json"
ATTACHMENT_RELATIONSHIP = "Source"
STATUSES = ("valid", "revoked", "suspended", "expired")


class FetchRefused(ValueError):
    """WeasyPrint asked for a URL the PDF was not built with."""


class DataOnlyFetcher(URLFetcher):
    """A URL fetcher that serves only the ``data:`` URLs it was made with and refuses every other URL.

    Nothing reaches ``urllib``: the answers are the bytes given here, and the refused URLs are kept in
    ``refused`` (so tests can see what a document asked for).
    """

    def __init__(self, allowed: dict[str, tuple[str, bytes]]) -> None:
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
        self._allowed = dict(allowed)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url not in self._allowed:
            self.refused.append(url)
            raise FetchRefused(f"Merit's PDFs fetch nothing; refused {url[:80]!r}")
        mime, body = self._allowed[url]
        return URLFetcherResponse(url, body, {"Content-Type": mime})


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as a PNG with one pixel a module and the four-module quiet zone."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=1, border=4)
    return buffer.getvalue()


def _data_url(mime: str, body: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(body).decode('ascii')}"


def status_label(status: str) -> str:
    labels = {"valid": _("valid"), "revoked": _("revoked"), "suspended": _("suspended"), "expired": _("expired")}
    return str(labels.get(status, status))


def _stylesheet() -> str:
    return (resources.files("merit.server.pdf") / "print.css").read_text(encoding="utf-8")


def credential_html(
    document_bytes: bytes, *, verification_url: str, status: str, language: str, qr_url: str = ""
) -> str:
    """The page of the PDF, as HTML, for the signed credential ``document_bytes`` and a reader of ``language``."""
    credential = json.loads(document_bytes)
    if not isinstance(credential, dict):
        raise ValueError("a credential is a JSON object")
    try:
        labels = translation.get_supported_language_variant(language)
    except LookupError:
        labels = settings.LANGUAGE_CODE  # The page's own words are in the default language, and marked so.
    with translation.override(labels):
        printed = datetime.now(UTC)
        context = {
            "view": display(credential, language),
            "language": labels,
            "verification_url": verification_url,
            "verification_link": format_html('<a href="{0}">{0}</a>', verification_url),
            "qr_url": qr_url,
            "status": status if status in STATUSES else "other",
            "status_label": status_label(status),
            "printed": formats.date_format(printed, "DATE_FORMAT"),
            "attachment_name": ATTACHMENT_NAME,
        }
        return render_to_string("pdf/credential.html", context)


def _attach_as_source(pdf: pydyf.PDF) -> None:
    """Mark ``credential.json`` as the PDF's source: its MIME type, ``/AFRelationship`` and the ``/AF`` array."""
    subtype = "/" + ATTACHMENT_MIME.replace("/", "#2f")
    associated = pydyf.Array()
    for item in pdf.objects:
        if (
            isinstance(item, dict)
            and item.get("Type") == "/Filespec"
            and getattr(item.get("UF"), "string", None) == ATTACHMENT_NAME
        ):
            stream = pdf.objects[int(item["EF"]["F"].split()[0])]
            stream.extra["Subtype"] = subtype
            item["AFRelationship"] = "/" + ATTACHMENT_RELATIONSHIP
            associated.append(item.reference)
    if len(associated) != 1:
        raise RuntimeError("the signed credential was not embedded in the PDF")
    pdf.catalog["AF"] = associated


def credential_pdf(document_bytes: bytes, *, verification_url: str, status: str, language: str) -> bytes:
    """The credential ``document_bytes`` (the exact signed bytes) as a tagged PDF/UA-1 document.

    ``verification_url`` is the credential's verification page (shown and as a QR code), ``status`` its status at
    the time of printing (``valid``, ``revoked``, ``suspended`` or ``expired``), ``language`` the reader's language.
    """
    qr = qr_png(verification_url)
    qr_url = _data_url("image/png", qr)
    fetcher = DataOnlyFetcher({qr_url: ("image/png", qr)})
    html = credential_html(
        document_bytes, verification_url=verification_url, status=status, language=language, qr_url=qr_url
    )
    with translation.override(language if translation.check_for_language(language) else settings.LANGUAGE_CODE):
        description = _("The signed credential that this document shows")
    now = datetime.now(UTC)
    attachment = Attachment(
        string=bytes(document_bytes),
        name=ATTACHMENT_NAME,
        description=str(description),
        relationship=ATTACHMENT_RELATIONSHIP,
        created=now,
        modified=now,
        url_fetcher=fetcher,
    )
    page = HTML(string=html, url_fetcher=fetcher, base_url=None)
    pdf = page.write_pdf(
        stylesheets=[CSS(string=_stylesheet(), url_fetcher=fetcher)],
        pdf_variant="pdf/ua-1",
        attachments=[attachment],
        finisher=lambda _document, pdf: _attach_as_source(pdf),
    )
    return bytes(pdf)
