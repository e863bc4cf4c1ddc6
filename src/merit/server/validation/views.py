"""The institution's validation pages (``/workspace/<org>/validation/``), for its assessors and owners only: the
cases received, a case with its presentation verified (each credential with its own report), its evidence (sent as
attachments), the decision form unit by unit, the "Award" section, and opening a workplace case."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.server.portal.report import describe
from merit.server.qualifications import access as awarding
from merit.server.qualifications.models import Qualification
from merit.server.validation import basis as casebasis
from merit.server.validation import services, wording
from merit.server.validation.access import institution_for
from merit.server.validation.models import METHODS, OUTCOMES, SUPERVISION, Case, Evidence


def _case(request: HttpRequest, slug: str, pk: int) -> Case:
    institution = institution_for(request.user, slug)
    found = Case.objects.filter(institution=institution, pk=pk).select_related("institution", "qualification").first()
    if found is None:
        raise Http404("no such case")
    return found


def _awardable(institution: Any) -> list[Qualification]:
    return [
        q
        for q in Qualification.objects.filter(status=Qualification.Status.ACTIVE)[:200]
        if awarding.accreditation_for(institution, q) is not None
    ]


@login_required
@require_GET
def cases(request: HttpRequest, slug: str) -> HttpResponse:
    institution = institution_for(request.user, slug)
    found = Case.objects.filter(institution=institution).select_related("qualification")
    context = {"organisation": institution, "cases": [wording.case_row(c) for c in found]}
    return render(request, "validation/cases.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def workplace(request: HttpRequest, slug: str) -> HttpResponse:
    """Open a workplace case: the learner, the qualification and units, the site, the date and the observer."""
    institution = institution_for(request.user, slug)
    qualifications = _awardable(institution)
    chosen = request.POST.get("qualification") or request.GET.get("qualification") or ""
    qualification = next((q for q in qualifications if str(q.pk) == chosen), None)
    context: dict[str, Any] = {
        "organisation": institution,
        "qualifications": qualifications,
        "qualification": qualification,
        "units": [u for u in qualification.units.all() if u.status == "active"] if qualification else [],
        "posted": request.POST,
        "posted_units": request.POST.getlist("unit"),
    }
    status = 200
    if request.method == "POST" and qualification is None:
        context["error"], status = _("Choose a qualification."), 400
    elif request.method == "POST" and qualification is not None and "open" in request.POST:
        try:
            found = services.open_workplace(
                institution,
                request.user,  # type: ignore[arg-type]
                qualification,
                units=request.POST.getlist("unit"),
                email=request.POST.get("email", ""),
                name=request.POST.get("name", ""),
                employer=request.POST.get("employer", ""),
                place=request.POST.get("place", ""),
                observed_on=_date(request.POST.get("observed_on", "")),
                observer=request.POST.get("observer", ""),
            )
        except services.Refused as exc:
            context["error"], status = exc.message, 400
        else:
            messages.success(request, _("The workplace case is open: decide its units below."))
            return redirect("validation:case", slug=slug, pk=found.pk)
    return render(request, "validation/workplace.html", context, status=status)


def _date(value: str) -> date | None:
    try:
        return parse_date(value or "")
    except ValueError:
        return None


def _context(case: Case, post: Any = None) -> dict[str, Any]:
    report = casebasis.live_report(case)
    progress = casebasis.award_progress(case, report)
    return {
        **wording.case_page(case),
        "organisation": case.institution,
        "verification": describe(report, report.document) if report is not None else None,
        "received": case.submission.report if hasattr(case, "submission") else None,
        "outcomes": list(OUTCOMES.items()),
        "methods": list(METHODS.items()),
        "supervision": list(SUPERVISION.items()),
        "progress": progress,
        "progress_units": [
            {"title": wording.text(s.unit.title), "code": s.unit.code, "state": s.state, "recognised": s.recognised}
            for s in progress.units
        ],
        "exclusions": [
            {"key": e.key, "unit": e.unit, "reason": wording.exclusion(e.reason)} for e in progress.excluded
        ],
        "posted": post or {},
    }


@login_required
@require_GET
def case(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return render(request, "validation/case.html", _context(_case(request, slug, pk)))


@login_required
@require_POST
def decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _case(request, slug, pk)
    try:
        services.decide(
            found,
            request.user,  # type: ignore[arg-type]
            unit=request.POST.get("unit", ""),
            outcome=request.POST.get("outcome", ""),
            method=request.POST.get("method", ""),
            supervision=request.POST.get("supervision", ""),
            identity_checked=request.POST.get("identity_checked") == "yes",
            identity_method=request.POST.get("identity_method", ""),
            reason=request.POST.get("reason", ""),
        )
    except services.Refused as exc:
        context = {**_context(found, request.POST), "error": exc.message}
        return render(request, "validation/case.html", context, status=400)
    messages.success(request, _("The decision is recorded; the learner can read it."))
    return redirect("validation:case", slug=slug, pk=pk)


@login_required
@require_POST
def site(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Record where, when and by whom an applicant was observed at work."""
    found = _case(request, slug, pk)
    try:
        services.record_site(
            found,
            request.user,  # type: ignore[arg-type]
            employer=request.POST.get("employer", ""),
            place=request.POST.get("place", ""),
            observed_on=_date(request.POST.get("observed_on", "")),
            observer=request.POST.get("observer", ""),
        )
    except services.Refused as exc:
        context = {**_context(found), "site_error": exc.message, "site": request.POST}
        return render(request, "validation/case.html", context, status=400)
    messages.success(request, _("The observation at the workplace is recorded."))
    return redirect("validation:case", slug=slug, pk=pk)


@login_required
@require_GET
def evidence(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An evidence file, always as an attachment (never rendered inline)."""
    institution = institution_for(request.user, slug)
    document = Evidence.objects.filter(submission__case__institution=institution, pk=pk).first()
    if document is None:
        raise Http404("no such document")
    response = HttpResponse(bytes(document.data), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{document.sha256[:12]}-evidence"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
