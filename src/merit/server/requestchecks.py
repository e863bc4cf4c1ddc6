"""What no request may bring, and the database errors no request may turn into a 500, in one place for the pages
and the API.

* NUL (U+0000) in the path, the query or a page's form field: PostgreSQL cannot store it in text (SQLite does),
  so it is refused before any view runs, on both databases alike (400). Uploaded files are bytes and are not
  checked. The API's bodies are not read here (its token is checked first): its parser refuses NUL in JSON
  (``jsonbody.py``).
* ``django.db.DataError`` (a value too long for its column, a number out of range, text PostgreSQL cannot hold)
  that a view's own checks missed: 400, never 500. A view that writes several rows does so in one transaction,
  so nothing is half-written.
* ``ObjectDoesNotExist`` that a page let through: 404.

Pages get the translated error page; the API (django-ninja's views) gets problem+json (``problems.py``), whose
handlers already catch what ninja's views raise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from merit.server import problems

NUL = "\x00"


def is_api(request: HttpRequest) -> bool:
    """Whether the request is for one of django-ninja's views (the VC-API, the REST API, the registry API)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.app_name == "ninja"


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """The translated error page (or problem+json for the API)."""
    if is_api(request):
        kind = {400: "invalid-request", 403: "forbidden", 404: "not-found", 410: "gone"}.get(status, "error")
        return problems.problem(status, title, message, kind)
    context = {"title": title, "message": message, "status": status}
    return render(request, "workspace/error.html", context, status=status)


def nul_refused(request: HttpRequest) -> HttpResponse:
    return error_page(
        request, 400, _("Bad request"), _("The request contains a NUL character (U+0000), which Merit does not accept.")
    )


def not_storable(request: HttpRequest) -> HttpResponse:
    return error_page(
        request,
        400,
        _("Bad request"),
        _("A value in the request is too long or cannot be stored; nothing was saved."),
    )


def not_found(request: HttpRequest) -> HttpResponse:
    return error_page(request, 404, _("Not found"), _("There is no such page, or it is not yours to see."))


def gone(request: HttpRequest, message: str) -> HttpResponse:
    """410: a link that worked once and no longer does (an expired claim link, say); ``message`` says why."""
    response = error_page(request, 410, _("This link no longer works"), message)
    response["Cache-Control"] = "no-store"
    return response


def _has_nul(items: Iterable[tuple[str, list[Any]]]) -> bool:
    return any(NUL in key or any(isinstance(v, str) and NUL in v for v in values) for key, values in items)


class RequestChecksMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if NUL in request.path_info or _has_nul(request.GET.lists()):
            return nul_refused(request)
        # The API's bodies are JSON, checked by its parser once the token is; a form body is not read before then.
        if request.method == "POST" and not is_api(request) and _has_nul(request.POST.lists()):
            return nul_refused(request)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DataError):
            return not_storable(request)
        if isinstance(exception, ObjectDoesNotExist):
            return not_found(request)
        return None


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: a request Django refused (a malformed upload, too many fields, a body over the limit)."""
    return error_page(request, 400, _("Bad request"), _("The request could not be read."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler404``."""
    return not_found(request)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler403``: a page the visitor may not see or an action they may not take."""
    return error_page(request, 403, _("Not allowed"), _("You may not see this page or do this."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form without its token (open too long, or sent from another site); Django's own page
    is English and unstyled. Nothing was done."""
    return error_page(
        request,
        403,
        _("The form could not be sent"),
        _(
            "Nothing was done: the page was open too long or the form came from another site. Go back, reload the page "
            "and try again."
        ),
    )
