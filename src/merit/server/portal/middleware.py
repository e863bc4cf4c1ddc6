"""The portal's upload limit, enforced before anything reads the request body.

Django's CSRF middleware reads the form (and so the whole upload) before a view runs; this middleware comes
first and refuses a body declared larger than the limit without reading it (413). A body sent without a length
(chunked) is counted as it streams and abandoned at the limit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from merit.server import problems
from merit.server.portal.containers import MAX_UPLOAD_BYTES

FORM_OVERHEAD = 64 * 1024
"""What a multipart form adds around the file (boundaries, the CSRF token, the other fields)."""
API_PATHS = ("/credentials/verify", "/presentations/verify")
API_LIMIT = 2 * 1024 * 1024


class _Counting(FileUploadHandler):
    """Stops an upload whose file grows past the limit, and marks the request so the view answers 413."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > MAX_UPLOAD_BYTES:
            self.request.merit_too_large = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None


def too_large(request: HttpRequest) -> HttpResponse:
    """The 413 page (or problem+json for the API), in the reader's language: this middleware runs before Django's
    LocaleMiddleware, so it reads the language from the request itself."""
    with translation.override(translation.get_language_from_request(request)):
        return _too_large(request)


def _too_large(request: HttpRequest) -> HttpResponse:
    if request.path in API_PATHS:
        detail = _("The request is larger than the limit of %(mb)s MB.") % {"mb": API_LIMIT // 1_048_576}
        return problems.problem(413, "Content Too Large", detail, "too-large")
    context = {"limit_mb": MAX_UPLOAD_BYTES // 1_048_576}
    # No "Connection: close": it is hop-by-hop, the server's to set, and waitress answers 500 to an application
    # that sets it. The server has read (or dropped) the body already.
    return render(request, "portal/too_large.html", context, status=413)


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and (request.path.startswith("/verify/") or request.path in API_PATHS):
            limit = MAX_UPLOAD_BYTES + FORM_OVERHEAD if request.path.startswith("/verify/") else API_LIMIT
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                return too_large(request)
            if request.path.startswith("/verify/"):
                request.upload_handlers.insert(0, _Counting(request))
        return self.get_response(request)
