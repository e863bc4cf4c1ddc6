"""The learner's claim page and download."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from merit.server import dates, requestchecks
from merit.server.delivery import services
from merit.server.delivery.models import ClaimLink


def _open(request: HttpRequest, token: str) -> ClaimLink | HttpResponse:
    try:
        return services.open_link(token)
    except ClaimLink.DoesNotExist as exc:
        raise Http404("unknown link") from exc
    except services.LinkGone as exc:
        return requestchecks.gone(request, str(exc))


@require_GET
def claim(request: HttpRequest, token: str) -> HttpResponse:
    link = _open(request, token)
    if isinstance(link, HttpResponse):
        return link
    record = link.credential
    context = {
        "title": record.document.get("name", ""),
        "organisation": record.organisation.name,
        "issued": dates.day(record.issued_at),
        "state": record.state,
        "state_label": record.get_state_display(),
        "download_url": f"/claim/{token}/credential.json",
        "passport_url": f"/claim/{token}/passport",
        "next": f"/claim/{token}",
        "qr": services.qr_svg(services.claim_url(token)),
    }
    response = render(request, "delivery/claim.html", context)
    # The link's secret never leaves in a Referer header to another site; "no-referrer" would also make Chromium
    # send "Origin: null" with the page's own form, which Django's CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    link = _open(request, token)
    if isinstance(link, HttpResponse):
        return link
    services.mark_claimed(link)
    record = link.credential
    response = HttpResponse(record.document_json, content_type=f"{record.media_type}; charset=utf-8")
    name = "".join(c if c.isalnum() else "-" for c in record.document.get("name", "credential"))[:60]
    response["Content-Disposition"] = (
        f'attachment; filename="{name or "credential"}.{"jwt" if record.is_jwt else "json"}"'
    )
    response["Cache-Control"] = "no-store"
    return response
