"""The authority's pages (its members, ``access.py``): the applications with their evidence, the decision on one
(approve, approve with a narrower scope, refuse; with a reason the applicant reads), and the accreditations with
only the changes that apply to each (suspend, reinstate, withdraw; a reason each time). Services do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.core.errors import MeritError
from merit.server.registry import access, scopeform, services, wording
from merit.server.registry.models import Accreditation, Application, Evidence, QualityAssuranceBody
from merit.server.registry.views import until

CHANGES = {"suspend": services.suspend, "reinstate": services.reinstate, "withdraw": services.withdraw}


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    authority = access.authority_for(request)
    waiting = Application.objects.filter(authority=authority, state=Application.State.SUBMITTED)
    decided = Application.objects.filter(authority=authority).exclude(state=Application.State.SUBMITTED)
    accreditations = Accreditation.objects.filter(authority=authority).select_related("organisation")
    context = {
        "authority": authority,
        "may_decide": access.may_decide(request, authority),
        "applications": [
            {"application": a, "scope": wording.scope_text(services.scope_of(a)), "evidence": list(a.evidence.all())}
            for a in waiting.select_related("organisation").order_by("created_at", "pk")
        ],
        "decided": [
            {"application": a, "decision": wording.decision_name(d.action) if d else ""}
            for a in decided.select_related("organisation").order_by("-decided_at", "-pk")[:50]
            for d in [a.decisions.exclude(action="submitted").order_by("-at", "-pk").first()]
        ],
        "accreditations": [
            {
                "record": record,
                "scope": wording.scope_text(services.scope_of(record)),
                "actions": services.actions_for(record),
            }
            for record in accreditations.order_by("organisation__name", "pk")
        ],
    }
    return render(request, "registry/review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_application(request: HttpRequest, pk: int) -> HttpResponse:
    authority = access.authority_for(request)
    application = Application.objects.filter(authority=authority, pk=pk).select_related("organisation").first()
    if application is None:
        raise Http404("no such application")
    applied = services.scope_of(application)
    context: dict[str, Any] = {
        "authority": authority,
        "application": application,
        "applied": wording.scope_text(applied),
        "may_decide": access.may_decide(request, authority),
        "recognised": QualityAssuranceBody.objects.filter(
            authority=authority, name__iexact=application.accrediting_body.strip()
        ).first(),
        "reason": request.POST.get("reason", ""),
        "form": request.POST,
        **scopeform.picker(applied),
    }
    if request.method == "POST":
        if not context["may_decide"]:
            raise Http404("not a decider of this authority")
        decision, reason = request.POST.get("decision", ""), request.POST.get("reason", "").strip()
        try:
            if decision == "approve":
                services.approve(
                    application,
                    user=request.user,  # type: ignore[arg-type]
                    scope=scopeform.scope_from_post(request.POST),
                    valid_until=until(request.POST),
                    reason=reason,
                )
                messages.success(request, _("Approved: the accreditation is signed and published."))
            elif decision == "reject":
                services.reject(application, user=request.user, reason=reason)  # type: ignore[arg-type]
                messages.success(request, _("Refused: the applicant can read your reason."))
            else:
                raise scopeform.ScopeError(_("Choose a decision."))
            return redirect("registry:review")
        except scopeform.ScopeError as exc:
            context["error"] = str(exc)
        except MeritError as exc:
            context["error"] = wording.refusal(exc)
        context.update(scopeform.picker_posted(request.POST))
        return render(request, "registry/application.html", context, status=400)
    return render(request, "registry/application.html", context)


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    authority = access.authority_for(request)
    document = Evidence.objects.filter(application__authority=authority, pk=pk).first()
    if document is None:
        raise Http404("no such document")
    response = HttpResponse(bytes(document.data), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{document.sha256[:12]}-evidence"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def change(request: HttpRequest, pk: int) -> HttpResponse:
    """Suspend, reinstate or withdraw an accreditation, with a reason."""
    authority = access.authority_for(request, "decide")
    found = Accreditation.objects.filter(authority=authority, pk=pk).first()
    if found is None:
        raise Http404("no such accreditation")
    action, reason = request.POST.get("action", ""), request.POST.get("reason", "").strip()[:2000]
    if action not in CHANGES:
        raise Http404("no such action")
    if action == "withdraw" and reason and request.POST.get("confirm") != "yes":
        # Withdrawal is for good: say what follows before doing it (the reason typed is kept).
        context = {"accreditation": found, "scope": wording.scope_text(services.scope_of(found)), "reason": reason}
        return render(request, "registry/confirm_withdraw.html", context)
    try:
        CHANGES[action](found, user=request.user, reason=reason)  # type: ignore[operator]
        messages.success(request, _("The accreditation is now %(state)s.") % {"state": found.get_state_display()})
    except MeritError as exc:
        messages.error(request, wording.refusal(exc))
    return redirect("registry:review")
