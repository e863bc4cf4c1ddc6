"""The learner's validation pages in the passport: their cases with each decision and its reason, a new application
to an institution that may award the qualification, and withdrawing a case not yet decided."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.server.accounts.models import Organisation
from merit.server.passport import services as passport
from merit.server.passport.models import HeldCredential
from merit.server.qualifications import access as awarding
from merit.server.qualifications.models import Qualification
from merit.server.validation import services, wording
from merit.server.validation.models import Case

MAX_LISTED = 200


def offered() -> list[tuple[Qualification, list[Organisation]]]:
    """The qualifications in force that some institution may award now, with those institutions."""
    found = []
    for qualification in Qualification.objects.filter(status=Qualification.Status.ACTIVE)[:MAX_LISTED]:
        institutions = awarding.institutions_for(qualification)
        if institutions:
            found.append((qualification, institutions))
    return found


@login_required
@require_GET
def cases(request: HttpRequest) -> HttpResponse:
    found = [wording.case_row(case) for case in services.learner_cases(request.user)]  # type: ignore[arg-type]
    return render(request, "validation/learner_cases.html", {"section": "validation", "cases": found})


def _files(request: HttpRequest) -> list[services.File]:
    uploads = request.FILES.getlist("evidence")
    if len(uploads) > services.MAX_FILES:
        raise services.Refused(_("Attach at most %(n)d evidence files.") % {"n": services.MAX_FILES})
    found = []
    for upload in uploads:
        if (upload.size or 0) > services.MAX_FILE_BYTES:
            raise services.Refused(_("“%(name)s” is larger than 5 MB.") % {"name": upload.name})
        found.append(services.File(upload.name or "evidence", upload.read()))
    return found


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """Choose a qualification, then the institution, the units, the credentials, evidence files and a statement."""
    choices = offered()
    chosen = request.POST.get("qualification") or request.GET.get("qualification") or ""
    qualification = next((q for q, _i in choices if str(q.pk) == chosen), None)
    context: dict[str, Any] = {"section": "validation", "choices": choices, "qualification": qualification}
    status = 200
    if qualification is not None:
        institutions = dict(choices)[qualification]
        held = HeldCredential.objects.filter(owner=request.user, format__in=passport.W3C_FORMATS)
        context.update(
            institutions=institutions,
            units=[u for u in qualification.units.all() if u.status == "active"],
            held=held,
            posted=request.POST,
            posted_units=request.POST.getlist("unit"),
            posted_held=request.POST.getlist("credential"),
        )
        if request.method == "POST":
            institution = next((i for i in institutions if str(i.pk) == request.POST.get("institution")), None)
            try:
                if institution is None:
                    raise services.Refused(_("Choose the institution to apply to."))
                case = services.apply(
                    request.user,  # type: ignore[arg-type]
                    institution,
                    qualification,
                    units=request.POST.getlist("unit"),
                    held=[int(v) for v in request.POST.getlist("credential") if v.isdigit()],
                    statement=request.POST.get("statement", ""),
                    files=_files(request),
                )
            except services.Refused as exc:
                context["error"], status = exc.message, 400
            else:
                messages.success(request, _("Your application was sent. You will see each decision here."))
                return redirect("validation:learner-case", pk=case.pk)
    elif request.method == "POST":
        context["error"], status = _("Choose a qualification."), 400
    return render(request, "validation/learner_apply.html", context, status=status)


@login_required
@require_GET
def case(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = services.learner_case(request.user, pk)  # type: ignore[arg-type]
    except Case.DoesNotExist:
        raise Http404("no such case") from None
    context = {"section": "validation", **wording.case_page(found)}
    return render(request, "validation/learner_case.html", context)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = services.learner_case(request.user, pk)  # type: ignore[arg-type]
        services.withdraw(found, request.user)  # type: ignore[arg-type]
    except (Case.DoesNotExist, services.NotAllowed):
        raise Http404("no such case") from None
    except services.Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect("validation:learner-case", pk=pk)
