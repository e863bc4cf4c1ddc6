"""Sharing exactly what the learner chooses: share links (public, expiring, revocable, with a QR code) that
re-verify live, signed presentations for a verifier's challenge, and adding a credential to a LinkedIn profile."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.core.errors import MeritError
from merit.server.accounts.models import Organisation, did_prefix
from merit.server.delivery.services import qr_svg
from merit.server.passport import display, links, services, status
from merit.server.passport.models import HeldCredential, Share
from merit.server.passport.views import held_by
from merit.server.portal.corewords import code_text

LINKEDIN = "https://www.linkedin.com/profile/add"


def linkedin_id_of(issuer_id: str) -> str:
    """The LinkedIn organisation id of the issuer ``issuer_id`` when it is an organisation on this installation
    whose profile gives one, else ``""``."""
    prefix = did_prefix()
    if not issuer_id.startswith(prefix):
        return ""
    found = Organisation.objects.filter(slug=issuer_id.removeprefix(prefix)).values_list("linkedin_id", flat=True)
    return str(found.first() or "")


def _chosen(request: HttpRequest) -> list[HeldCredential]:
    wanted = [int(pk) for pk in request.POST.getlist("credential") if pk.isdigit()]
    return list(HeldCredential.objects.filter(owner_id=request.user.pk, pk__in=wanted))


@login_required
@require_http_methods(["GET", "POST"])
def shares(request: HttpRequest) -> HttpResponse:
    held = list(
        HeldCredential.objects.filter(owner_id=request.user.pk).only(
            "pk", "title", "titles", "issuer_name", "issued_at", "subject_match"
        )
    )
    context: dict[str, object] = {
        "held": held,
        "days": services.SHARE_DAYS,
        "chosen": set(),
        "section": "shares",
        "shown_name": links.default_name(request.user),  # type: ignore[arg-type]
    }
    if request.method == "POST":
        chosen = _chosen(request)
        context["chosen"] = {h.pk for h in chosen}
        context["shown_name"] = request.POST.get("shown_name", "").strip()[:200]
        try:
            days = int(request.POST.get("days", "30"))
            share, token = services.create_share(
                request.user,  # type: ignore[arg-type]
                chosen,
                days=days,
                label=request.POST.get("label", ""),
                shown_name=str(context["shown_name"]),
            )
        except (ValueError, PermissionError):
            context["error"] = _("Choose at least one credential and how long the link works.")
        else:
            url = services.share_url(token)
            context.update({"created": share, "url": url, "qr": qr_svg(url)})
    found = Share.objects.filter(owner_id=request.user.pk).prefetch_related("credentials")
    context["shares"] = [{"share": share, "url": links.url_of(share)} for share in found]
    return render(request, "passport/shares.html", context)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    share = Share.objects.filter(owner_id=request.user.pk, pk=pk).first()
    if share is None:
        raise Http404("no such share")
    services.revoke_share(request.user, share)  # type: ignore[arg-type]
    messages.success(request, _("The link no longer works."))
    return redirect("passport:shares")


@require_GET
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The public page of a share: every credential re-verified now, with its report."""
    try:
        share = services.open_share(token)
    except Share.DoesNotExist as exc:
        raise Http404("no such share") from exc
    except services.ShareGone:
        response = render(request, "passport/share_gone.html", status=410)
        response["Referrer-Policy"] = "same-origin"
        return response
    held = list(share.credentials.all())
    current = status.states(held)
    words, whose = status.labels(), display.subject_words(visitor=True)
    items = []
    for h in held:
        report, view = services.examine(h)
        item = {"held": h, "content": display.content(h, view), "badge": status.badge(current[h.pk], words)}
        item["subject"] = display.subject_note(h, whose)
        items.append({**item, "verification": display.verification(report)})
    response = render(request, "passport/shared.html", {"share": share, "items": items})
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def presentation(request: HttpRequest) -> HttpResponse:
    """Download a Verifiable Presentation signed with the learner's holder key, for a verifier's challenge."""
    held = list(HeldCredential.objects.filter(owner_id=request.user.pk, format__in=services.W3C_FORMATS))
    context: dict[str, object] = {"held": held, "form": request.POST, "section": "presentation"}
    if request.method == "POST":
        chosen = _chosen(request)
        challenge = request.POST.get("challenge", "").strip()[:500]
        domain = request.POST.get("domain", "").strip()[:500]
        if not chosen:
            context["error"] = _("Choose at least one credential.")
        else:
            try:
                signed = services.signed_presentation(request.user, chosen, challenge=challenge, domain=domain)  # type: ignore[arg-type]
            except services.ImportRefused as exc:  # Already in the reader's language.
                context["error"] = exc.message
            except MeritError as exc:  # The core's code in words, never its English (portal.corewords).
                context["error"] = _("The presentation could not be made: %(reason)s.") % {
                    "reason": code_text(exc.code)
                }
            except PermissionError:
                context["error"] = _("Choose only credentials from your own passport.")
            else:
                response = HttpResponse(
                    json.dumps(signed, ensure_ascii=False, indent=2), content_type="application/vp+ld+json"
                )
                response["Content-Disposition"] = 'attachment; filename="presentation.json"'
                return response
    context["did"] = services.holder_key(request.user).controller  # type: ignore[arg-type]
    return render(request, "passport/presentation.html", context, status=400 if context.get("error") else 200)


@login_required
@require_POST
def linkedin(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the credential to the learner's LinkedIn profile: the credential's one LinkedIn share link is the public
    verification page that LinkedIn links to (LinkedIn's add-to-profile URL, https://addtoprofile.linkedin.com/),
    and the issuer's LinkedIn organisation id, when its profile on this installation has one, makes LinkedIn show
    the issuer's logo (``organizationId``; otherwise the name, ``organizationName``)."""
    held = held_by(request, pk)
    _share, token = services.purpose_link(request.user, held, Share.Purpose.LINKEDIN)  # type: ignore[arg-type]
    query = {"startTask": "CERTIFICATION_NAME", "name": held.title}
    organisation_id = linkedin_id_of(held.issuer_id)
    if organisation_id:
        query["organizationId"] = organisation_id
    else:
        query["organizationName"] = held.issuer_name
    if held.issued_at:
        query.update({"issueYear": str(held.issued_at.year), "issueMonth": str(held.issued_at.month)})
    if held.valid_until:
        query.update({"expirationYear": str(held.valid_until.year), "expirationMonth": str(held.valid_until.month)})
    query.update({"certUrl": services.share_url(token), "certId": held.credential_id})
    return HttpResponseRedirect(f"{LINKEDIN}?{urlencode(query)}")
