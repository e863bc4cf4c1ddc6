"""The learner's claim page and downloads (the credential as issued, and as a PDF).

The claim link's token is in every path here, so each answer keeps it out of other sites' Referer headers and
caches, and its 404 and 410 answers out of the request log."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from merit.server import requestchecks
from merit.server.delivery import services
from merit.server.delivery.models import ClaimLink


def private(response: HttpResponse) -> HttpResponse:
    # "no-referrer" would also make Chromium send "Origin: null" with the page's own form, which Django's CSRF
    # check rightly refuses; "same-origin" keeps the secret from every other site.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    if response.status_code >= 400:
        # Django logs the path of every 4xx response; this path holds the link's secret.
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def open_or_answer(request: HttpRequest, token: str) -> ClaimLink | HttpResponse:
    """The claim link of ``token``, or the 404 or 410 answer to give (kept out of the request log)."""
    try:
        return services.open_link(token)
    except ClaimLink.DoesNotExist:
        message = _("This claim link is not valid. Copy the whole link from the e-mail.")
        return private(requestchecks.error_page(request, 404, _("This claim link is not valid"), message))
    except services.LinkGone as exc:
        return private(requestchecks.gone(request, str(exc)))


@require_GET
def claim(request: HttpRequest, token: str) -> HttpResponse:
    """What was earned, in the reader's language, and one way to take it: "Add to my passport"."""
    from merit.server.passport import display
    from merit.server.passport.models import HeldCredential
    from merit.server.passport.services import ImportRefused, preview

    link = open_or_answer(request, token)
    if isinstance(link, HttpResponse):
        return link
    record = link.credential
    context: dict[str, object] = {
        "title": record.document.get("name", ""),
        "organisation": record.organisation.name,
        "state": record.state,
        "state_label": record.get_state_display(),
        "download_url": f"/claim/{token}/credential.json",
        "pdf_url": None if record.is_jwt else f"/claim/{token}/credential.pdf",
        "passport_url": f"/claim/{token}/passport",
        "next": f"/claim/{token}",
        "qr": services.qr_svg(services.claim_url(token)),
        "expires": link.expires_at,
    }
    user = request.user if request.user.is_authenticated else None
    try:
        held, _report, view = preview(record.document_json.encode("utf-8"), user)  # type: ignore[arg-type]
    except ImportRefused:
        held = None  # The page still offers the credential; the passport says why it would not take it.
    if held is not None:
        content = display.content(held, view)
        context.update({"content": content, "title": content["title"], "standing": display.card_standing(held)})
        if user is not None:
            kept = HeldCredential.objects.filter(owner_id=user.pk, sha256=held.sha256).values_list("pk", flat=True)
            context["kept"] = kept.first()
            if held.subject_match != HeldCredential.SubjectMatch.YES:
                context["subject"] = display.subject_note(held)
    return private(render(request, "delivery/claim.html", context))


@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    link = open_or_answer(request, token)
    if isinstance(link, HttpResponse):
        return link
    services.mark_claimed(link)
    record = link.credential
    response = HttpResponse(record.document_json, content_type=f"{record.media_type}; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_filename(record.document)}.{"jwt" if record.is_jwt else "json"}"'
    )
    return private(response)


@require_GET
def pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The credential as an accessible PDF with the signed credential attached byte for byte. Its QR code opens
    the verification portal, where the PDF itself can be checked (no public link is made for a learner who has
    no passport yet)."""
    from merit.server.passport.display import reader_language
    from merit.server.pdf.render import credential_pdf

    link = open_or_answer(request, token)
    if isinstance(link, HttpResponse):
        return link
    record = link.credential
    if record.is_jwt:
        message = _("A PDF is made of credentials issued as JSON; download this one as it was issued.")
        return private(requestchecks.error_page(request, 404, _("This claim link is not valid"), message))
    services.mark_claimed(link)
    content = credential_pdf(
        record.document_json.encode("utf-8"),
        verification_url=f"{settings.BASE_URL}/verify/",
        status=record.state,
        language=reader_language(),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(record.document)}.pdf"'
    return private(response)


def _filename(document: dict[str, object]) -> str:
    name = "".join(c if c.isalnum() else "-" for c in str(document.get("name") or "credential"))[:60].strip("-")
    return name or "credential"
