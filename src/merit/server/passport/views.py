"""The learner's competence passport pages: the cards, a credential's page, importing, claiming and the
competence map. Services do the work; views check that the learner asks about their own data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.server import dates
from merit.server.passport import charts, competence, display, services, status
from merit.server.passport.models import HeldCredential, Share

MAX_UPLOAD = 10 * 1024 * 1024


def held_by(request: HttpRequest, pk: int) -> HeldCredential:
    """The signed-in learner's credential ``pk``; another learner's is 404, exactly like one that does not exist."""
    found = HeldCredential.objects.filter(owner_id=request.user.pk, pk=pk).first()
    if found is None:
        raise Http404("no such credential in your passport")
    return found


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    held = list(
        HeldCredential.objects.filter(owner_id=request.user.pk).only(
            "pk",
            "title",
            "titles",
            "issuer_name",
            "issuer_id",
            "issued_at",
            "valid_until",
            "eqf_level",
            "ects",
            "hours",
            "outcome",
            "status_entries",
            "accreditation",
            "accredited_by",
            "namesake_of",
            "format",
            "subject_match",
        )
    )
    current = status.states(held)
    # The cards' words are looked up once per page, not once per card: a passport may hold hundreds.
    labels, standing, whose = status.labels(), display.standing_words(), display.subject_words()
    level, credits, hours = _("EQF level %(level)s"), _("%(n)s ECTS credits"), _("%(n)s hours")
    prefix = reverse("passport:credential", args=[0]).removesuffix("0/")
    cards = []
    for h in held:
        facts = [level % {"level": h.eqf_level}] if h.eqf_level else []
        if h.ects:
            facts.append(credits % {"n": floatformat(h.ects, -1)})
        elif h.hours:
            facts.append(hours % {"n": floatformat(h.hours, -1)})
        state = current[h.pk]
        card = {
            "url": f"{prefix}{h.pk}/",
            "title": h.display_title,
            "issuer": h.issuer_name,
            "badge": status.badge(state, labels),
            "standing": display.card_standing(h, standing),
            "facts": " · ".join(facts),
            "subject": display.subject_note(h, whose) if h.subject_match != HeldCredential.SubjectMatch.YES else None,
        }
        card["issued"] = h.issued_at.date().isoformat() if h.issued_at else ""
        card["issued_text"] = dates.day(h.issued_at) if h.issued_at else ""
        cards.append(card)
    return render(request, "passport/home.html", {"cards": cards, "total": len(cards), "section": "home"})


@login_required
@require_GET
def credential(request: HttpRequest, pk: int) -> HttpResponse:
    held = held_by(request, pk)
    report, view = services.examine(held)
    context = {
        "held": held,
        "content": display.content(held, view),
        "badge": status.badge(status.states([held])[held.pk]),
        "subject": display.subject_note(held),
        "verification": display.verification(report),
        "section": "home",
        "pdf": held.format == HeldCredential.Format.VC,
    }
    return render(request, "passport/credential.html", context)


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    held = held_by(request, pk)
    media_type, extension = held.media_type
    response = HttpResponse(bytes(held.original), content_type=media_type)
    name = "".join(c if c.isalnum() else "-" for c in held.title)[:60].strip("-") or "credential"
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


@login_required
@require_GET
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The credential as an accessible PDF with the signed JSON attached; its QR code opens the credential's one PDF
    share link, made the first time and used again after (the learner sees it among their shares and can revoke
    it)."""
    from merit.server.pdf.render import credential_pdf

    held = held_by(request, pk)
    if held.format != HeldCredential.Format.VC:
        raise Http404("PDFs are made of W3C Verifiable Credentials")
    state = status.states([held])[held.pk]
    _share, token = services.purpose_link(request.user, held, Share.Purpose.PDF)  # type: ignore[arg-type]
    content = credential_pdf(
        bytes(held.original),
        verification_url=services.share_url(token),
        status=state,
        language=display.reader_language(),
    )
    response = HttpResponse(content, content_type="application/pdf")
    name = "".join(c if c.isalnum() else "-" for c in held.display_title)[:60].strip("-") or "credential"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    held = held_by(request, pk)
    services.remove_credential(request.user, held)  # type: ignore[arg-type]
    messages.success(request, _("The credential was removed from your passport. The issuer's record is unchanged."))
    return redirect("passport:home")


@login_required
@require_http_methods(["GET", "POST"])
def import_credential(request: HttpRequest) -> HttpResponse:
    """Import a credential as a file or pasted JSON; it is verified first and the report is shown."""
    context: dict[str, object] = {"pasted": "", "section": "import"}
    if request.method == "POST":
        upload = request.FILES.get("file")
        pasted = request.POST.get("json", "")
        context["pasted"] = pasted
        if upload is not None and upload.size is not None and upload.size > MAX_UPLOAD:
            context["error"] = _("The file is larger than 10 MB.")
            return render(request, "passport/import.html", context, status=413)
        content = upload.read() if upload is not None else pasted.encode("utf-8")
        if not content.strip():
            context["error"] = _("Choose a file or paste the credential's JSON.")
            return render(request, "passport/import.html", context, status=400)
        try:
            added = services.add_credential(
                request.user,  # type: ignore[arg-type]
                content,
                source=HeldCredential.Source.IMPORT,
                pasted=upload is None,
            )
        except services.ImportRefused as exc:
            context.update({"error": _("The credential was not added: %(reason)s") % {"reason": exc.message}})
            context["verification"] = display.verification(exc.report) if exc.report is not None else None
            return render(request, "passport/import.html", context, status=422)
        if added.duplicate:
            messages.info(request, _("This credential is already in your passport."))
        else:
            messages.success(request, _("The credential was verified and added to your passport."))
        return redirect("passport:credential", pk=added.held.pk)  # type: ignore[union-attr]
    return render(request, "passport/import.html", context)


@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, token: str) -> HttpResponse:
    """Take a credential from its claim link into the passport (signing in or signing up first)."""
    from merit.server.delivery.views import open_or_answer, private

    link = open_or_answer(request, token)
    if isinstance(link, HttpResponse):
        return link
    if not request.user.is_authenticated:
        return private(redirect(f"/accounts/login/?next=/claim/{token}"))
    if request.method == "GET":
        return private(redirect(f"/claim/{token}"))
    try:
        added = services.claim(request.user, link)  # type: ignore[arg-type]
    except services.ImportRefused as exc:
        messages.error(request, exc.message)
        return redirect(f"/claim/{token}")
    if added.duplicate:
        messages.info(request, _("This credential is already in your passport."))
    else:
        messages.success(request, _("The credential is now in your passport."))
    return redirect("passport:credential", pk=added.held.pk)  # type: ignore[union-attr]


@login_required
@require_GET
def competence_map(request: HttpRequest) -> HttpResponse:
    held = list(HeldCredential.objects.filter(owner_id=request.user.pk).order_by("issued_at"))
    found = competence.build(held)
    context = {
        "map": found,
        "uncounted": len(held) - found.credentials,
        "areas": charts.bars([(g.label or _("Other skills"), len(g.skills)) for g in found.groups[:12]]),
        "levels": charts.columns(found.eqf),
        "timeline": charts.timeline(found.timeline),
        "years": competence.by_year(found.timeline),
        "pillars": competence.pillars(found.groups),
        "section": "map",
    }
    return render(request, "passport/map.html", context)
