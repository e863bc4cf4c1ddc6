"""The public verification portal (no sign-in): upload, paste, a web address or a QR code, then the report."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from merit.server.netfetch import FetchBusy, FetchFailed, FetchRefused
from merit.server.portal import containers, services
from merit.server.portal.containers import MAX_UPLOAD_BYTES, ContainerError, Found, open_file, open_text
from merit.server.portal.corewords import fetch_failure
from merit.server.portal.middleware import too_large
from merit.server.portal.models import Receipt
from merit.server.portal.report import describe


def _refused_reason(reason: str) -> str:
    reasons = {
        "loopback": _("it points at this server itself (a loopback address)"),
        "private": _("it points into a private network"),
        "link-local": _("it points at a link-local address, such as a cloud metadata service"),
        "scheme": _("only http and https addresses are fetched"),
        "credentials": _("addresses with a user name or password are not fetched"),
        "too-large": _("the document there is too large"),
        "redirects": _("it redirects too many times"),
        "downgrade": _("it redirects from https to an insecure http address"),
        "host": _("it is not a valid web address"),
    }
    return reasons.get(reason, _("it points at an address that is not on the public internet"))


def _page(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("limit_mb", MAX_UPLOAD_BYTES // 1_048_576)
    response = render(request, "portal/verify.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # "no-referrer" would send Origin: null and fail CSRF.
    return response


def _found(request: HttpRequest, source: str) -> Found | tuple[str, str]:
    """What the visitor gave, or (field, error message)."""
    if source == "file":
        upload = request.FILES.get("file")
        if upload is None:
            return "file", _("Choose a file to verify.")
        return open_file(upload.read(MAX_UPLOAD_BYTES + 1))
    if source == "text":
        return open_text(request.POST.get("text", ""))
    url = request.POST.get("url", "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return "url", _("Enter a web address that starts with https:// (or http://).")
    return Found("url", url=url)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    if getattr(request, "merit_too_large", False):
        return too_large(request)
    source = request.POST.get("source", "")
    if source not in ("file", "text", "url"):
        return _page(request, 400, error=_("Choose how to give the credential."), error_field="file")
    values = {"url_value": request.POST.get("url", ""), "text_value": request.POST.get("text", "")}
    try:
        found = _found(request, source)
        if isinstance(found, tuple):
            return _page(request, 400, error=found[1], error_field=found[0], **values)
        challenge = request.POST.get("challenge", "").strip() or None
        domain = request.POST.get("domain", "").strip() or None
        verification = services.verify_found(found, challenge=challenge, domain=domain)
    except ContainerError as exc:
        return _page(request, 400, error=containers.message(exc), error_field=source, **values)
    except FetchRefused as exc:
        message = _("Merit will not fetch this address: %(reason)s.") % {"reason": _refused_reason(exc.reason)}
        return _page(request, 400, error=message, error_field=source, **values)
    except FetchBusy:
        message = _("Too many verifications are fetching from other sites right now. Try again in a moment.")
        response = _page(request, 503, error=message, error_field=source, **values)
        response["Retry-After"] = "5"
        return response
    except FetchFailed as exc:
        message = _("The credential could not be fetched: %(reason)s.") % {"reason": fetch_failure(exc.message)}
        return _page(request, 400, error=message, error_field=source, **values)
    except services.NotACredential:
        message = _("This is not a credential Merit recognises. Merit reads %(formats)s.") % {
            "formats": services.formats_read()
        }
        return _page(request, 400, error=message, error_field=source, **values)
    described = describe(verification.report, verification.document, verification.fmt)
    if verification.receipt is not None:
        described["receipt_url"] = reverse("portal:receipt", args=[verification.receipt.public_id])
    return _page(request, verification=described)


@require_GET
def receipt(request: HttpRequest, public_id: str) -> HttpResponse:
    found = Receipt.objects.filter(public_id=public_id).first()
    if found is None:
        raise Http404("no such receipt")
    response = HttpResponse(found.receipt_json, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="merit-receipt-{found.public_id}.json"'
    response["Cache-Control"] = "private, max-age=3600"
    return response
