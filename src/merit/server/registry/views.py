"""The registry pages: an organisation's accreditations, decisions and its application form (owners), and the
authority's review of applications and accreditations (owners of an authority). Services do the work."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.core import trust
from merit.core.errors import MeritError
from merit.server.accounts.models import Organisation
from merit.server.issuing.models import Specification
from merit.server.registry import services
from merit.server.registry.models import (
    QA_FRAMEWORKS,
    Accreditation,
    Application,
    Authority,
    Decision,
    Evidence,
    IssuingGrant,
    QualityAssuranceBody,
)
from merit.server.workspace.access import organisation_for
from merit.server.workspace.vocabulary import EQF_LEVELS, isced_choices

CREDENTIAL_TYPES = ("micro-credential", "unit-of-qualification", "qualification")
MAX_FILES = 5


def _scope(post: Any) -> trust.Scope:
    """The scope a form describes; a :class:`MeritError` names what is wrong."""

    def level(name: str) -> int | None:
        value = post.get(name, "")
        return int(value) if value.isdigit() else None

    regions = tuple(code.strip().upper() for code in post.get("regions", "").replace(",", " ").split() if code.strip())
    return trust.Scope(
        eqf_min=level("eqf_min"),
        eqf_max=level("eqf_max"),
        isced_fields=tuple(post.getlist("isced_fields"))[:50],
        credential_types=tuple(t for t in post.getlist("credential_types") if t in CREDENTIAL_TYPES),
        regions=regions[:50],
    )


def _choices() -> dict[str, Any]:
    return {
        "eqf": EQF_LEVELS,
        "isced": isced_choices(),
        "types": CREDENTIAL_TYPES,
        "frameworks": QA_FRAMEWORKS,
        "authorities": Authority.objects.select_related("organisation"),
        "bodies": QualityAssuranceBody.objects.order_by("name"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def accreditation(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's accreditations with their decisions, its applications, and the form to apply."""
    organisation = organisation_for(request, slug, "manage")
    context: dict[str, Any] = {"organisation": organisation, "form": request.POST, **_choices()}
    status = 200
    if request.method == "POST":
        chosen = request.POST.get("authority", "")
        authority = Authority.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        files = request.FILES.getlist("evidence")[:MAX_FILES]
        try:
            if authority is None:
                raise services.RegistryRefusal(_("Choose the authority to apply to."))
            services.apply(
                organisation,
                authority,
                scope=_scope(request.POST),
                qa_framework=request.POST.get("qa_framework", "other"),
                qa_framework_detail=request.POST.get("qa_framework_detail", ""),
                accrediting_body=request.POST.get("accrediting_body", "").strip() or organisation.name,
                message=request.POST.get("message", ""),
                evidence=[
                    (f.name or "evidence", f.content_type or "application/octet-stream", f.read()) for f in files
                ],
                actor=request.user.get_username(),
            )
        except MeritError as exc:
            context["error"], status = exc.message, 400
        else:
            messages.success(request, _("Your application was sent. You will see the decision here."))
            return redirect("registry:accreditation", slug=slug)
    context["accreditations"] = Accreditation.objects.filter(organisation=organisation).select_related(
        "authority__organisation"
    )
    context["applications"] = Application.objects.filter(organisation=organisation).order_by("-created_at")
    about = Q(application__organisation=organisation) | Q(accreditation__organisation=organisation)
    context["decisions"] = Decision.objects.filter(about).distinct().order_by("-at", "-pk")
    return render(request, "registry/accreditation.html", context, status=status)


def _authority_for(request: HttpRequest) -> Authority:
    """The authority whose owner is signed in; anyone else gets 404."""
    found = Authority.objects.filter(
        organisation__memberships__user_id=request.user.pk, organisation__memberships__role="owner"
    ).first()
    if found is None:
        raise Http404("not an authority's reviewer")
    return found


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    authority = _authority_for(request)
    context = {
        "authority": authority,
        "applications": Application.objects.filter(authority=authority, state="submitted").select_related(
            "organisation"
        ),
        "accreditations": Accreditation.objects.filter(authority=authority).select_related("organisation"),
    }
    return render(request, "registry/review.html", context)


def _until(post: Any) -> datetime | None:
    day = parse_date(post.get("valid_until", "") or "")
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59))) if day else None


@login_required
@require_http_methods(["GET", "POST"])
def review_application(request: HttpRequest, pk: int) -> HttpResponse:
    authority = _authority_for(request)
    application = Application.objects.filter(authority=authority, pk=pk).select_related("organisation").first()
    if application is None:
        raise Http404("no such application")
    context: dict[str, Any] = {"authority": authority, "application": application, **_choices()}
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "approve":
                services.approve(
                    application,
                    user=request.user,
                    scope=_scope(request.POST),
                    valid_until=_until(request.POST),  # type: ignore[arg-type]
                )
                messages.success(request, _("Approved: the accreditation is signed and published."))
            else:
                services.reject(application, user=request.user, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
                messages.success(request, _("Rejected: the applicant can read your reason."))
            return redirect("registry:review")
        except MeritError as exc:
            context["error"] = exc.message
            return render(request, "registry/application.html", context, status=400)
    context["scope"] = services.scope_of(application)
    context["recognised"] = QualityAssuranceBody.objects.filter(
        authority=authority, name__iexact=application.accrediting_body.strip()
    ).first()
    return render(request, "registry/application.html", context)


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    authority = _authority_for(request)
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
    authority = _authority_for(request)
    found = Accreditation.objects.filter(authority=authority, pk=pk).first()
    if found is None:
        raise Http404("no such accreditation")
    action, reason = request.POST.get("action", ""), request.POST.get("reason", "").strip()[:2000]
    actions = {"suspend": services.suspend, "reinstate": services.reinstate, "withdraw": services.withdraw}
    if action not in actions:
        raise Http404("no such action")
    try:
        actions[action](found, user=request.user, reason=reason)  # type: ignore[operator]
        messages.success(request, _("The accreditation is now %(state)s.") % {"state": found.get_state_display()})
    except MeritError as exc:
        messages.error(request, exc.message)
    return redirect("registry:review")


@login_required
@require_http_methods(["GET", "POST"])
def grants(request: HttpRequest, slug: str) -> HttpResponse:
    """The creator's grants: let another organisation issue one of its micro-credentials, until a date; revoke."""
    organisation = organisation_for(request, slug, "manage")
    keys = sorted(set(Specification.objects.filter(organisation=organisation).values_list("key", flat=True)))
    context: dict[str, Any] = {"organisation": organisation, "keys": keys, "form": request.POST}
    status = 200
    if request.method == "POST":
        grantee = Organisation.objects.filter(slug=request.POST.get("grantee", "").strip()).first()
        try:
            if grantee is None:
                raise services.RegistryRefusal(_("No organisation has that short name."))
            services.grant(
                organisation,
                request.POST.get("key", ""),
                grantee,
                actor=request.user.get_username(),
                valid_until=_until(request.POST),
            )
        except MeritError as exc:
            context["error"], status = exc.message, 400
        else:
            messages.success(request, _("%(name)s may now issue it.") % {"name": grantee.name})
            return redirect("registry:grants", slug=slug)
    context["given"] = IssuingGrant.objects.filter(creator=organisation).select_related("grantee").order_by("-pk")
    context["received"] = IssuingGrant.objects.filter(grantee=organisation, revoked_at__isnull=True).select_related(
        "creator"
    )
    return render(request, "registry/grants.html", context, status=status)


@login_required
@require_POST
def revoke_grant(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = organisation_for(request, slug, "manage")
    found = IssuingGrant.objects.filter(creator=organisation, pk=pk).first()
    if found is None:
        raise Http404("no such grant")
    services.revoke_grant(found, actor=request.user.get_username())
    messages.success(request, _("The grant is revoked."))
    return redirect("registry:grants", slug=slug)
