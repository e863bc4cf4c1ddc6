"""The registry pages of an organisation (owners): its accreditations, its applications with the authority's
decisions and reasons, the form to apply, and the issuing rights it gives. The authority's own pages are in
``review.py``. Services do the work."""

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
from django.views.decorators.http import require_http_methods, require_POST

from merit.core.errors import MeritError
from merit.server.accounts.models import Organisation
from merit.server.issuing.models import Specification
from merit.server.registry import scopeform, services, wording
from merit.server.registry.models import (
    QA_FRAMEWORKS,
    Accreditation,
    Application,
    Authority,
    Decision,
    IssuingGrant,
    QualityAssuranceBody,
)
from merit.server.workspace.access import organisation_for

MAX_FILES = 5


def _applications(organisation: Organisation) -> list[dict[str, Any]]:
    """The organisation's applications as it reads them: the scope asked for and granted, the decision and the
    authority's reason (also when the scope was narrowed)."""
    rows = []
    found = Application.objects.filter(organisation=organisation).select_related("authority__organisation")
    for application in found.order_by("-created_at", "-pk"):
        granted = Accreditation.objects.filter(application=application).first()
        decision = application.decisions.exclude(action="submitted").order_by("-at", "-pk").first()
        rows.append(
            {
                "application": application,
                "asked": wording.scope_text(services.scope_of(application)),
                "granted": wording.scope_text(services.scope_of(granted)) if granted else None,
                "decision": wording.decision_name(decision.action) if decision else None,
                "narrowed": decision is not None and decision.action == "narrowed",
                "reason": application.reason,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def accreditation(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's accreditations with their decisions, its applications, and the form to apply."""
    organisation = organisation_for(request, slug, "manage")
    context: dict[str, Any] = {
        "organisation": organisation,
        "form": request.POST,
        "frameworks": QA_FRAMEWORKS,
        "authorities": Authority.objects.select_related("organisation").order_by("organisation__name"),
        "bodies": QualityAssuranceBody.objects.order_by("name"),
        **scopeform.picker(None),
    }
    status = 200
    if request.method == "POST":
        chosen = request.POST.get("authority", "")
        authority = Authority.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        files = request.FILES.getlist("evidence")[:MAX_FILES]
        try:
            if authority is None:
                raise scopeform.ScopeError(_("Choose the authority to apply to."))
            services.apply(
                organisation,
                authority,
                scope=scopeform.scope_from_post(request.POST),
                qa_framework=request.POST.get("qa_framework", "other"),
                qa_framework_detail=request.POST.get("qa_framework_detail", ""),
                accrediting_body=request.POST.get("accrediting_body", "").strip() or organisation.name,
                message=request.POST.get("message", ""),
                evidence=[
                    (f.name or "evidence", f.content_type or "application/octet-stream", f.read()) for f in files
                ],
                actor=request.user.get_username(),
            )
        except scopeform.ScopeError as exc:
            context.update(scopeform.picker_posted(request.POST))
            context["error"], status = str(exc), 400
        except MeritError as exc:
            context.update(scopeform.picker_posted(request.POST))
            context["error"], status = wording.refusal(exc), 400
        else:
            messages.success(request, _("Your application was sent. You will see the decision here."))
            return redirect("registry:accreditation", slug=slug)
    records = Accreditation.objects.filter(organisation=organisation).select_related("authority__organisation")
    context["accreditations"] = [
        {"record": record, "scope": wording.scope_text(services.scope_of(record))} for record in records
    ]
    context["applications"] = _applications(organisation)
    about = Q(application__organisation=organisation) | Q(accreditation__organisation=organisation)
    context["decisions"] = [
        {"decision": d, "action": wording.decision_name(d.action)}
        for d in Decision.objects.filter(about).distinct().order_by("-at", "-pk")
    ]
    return render(request, "registry/accreditation.html", context, status=status)


def until(post: Any) -> datetime | None:
    """The end of the day a form's ``valid_until`` names, or None."""
    day = parse_date(post.get("valid_until", "") or "")
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59))) if day else None


def _grantee(text: str, organisation: Organisation) -> Organisation:
    """The organisation chosen by name (or typed by its short name); :class:`ScopeError` when none or several
    match."""
    text = " ".join(text.split())
    found = Organisation.objects.filter(slug=text).first()
    if found is not None:
        return found
    named = list(Organisation.objects.filter(name__iexact=text).exclude(pk=organisation.pk)[:5])
    if not named:
        raise scopeform.ScopeError(
            _("No organisation is called “%(name)s”: choose one from the list.") % {"name": text}
        )
    if len(named) > 1:
        raise scopeform.ScopeError(
            _("Several organisations are called “%(name)s”: type the short name of one (%(slugs)s).")
            % {"name": text, "slugs": ", ".join(o.slug for o in named)}
        )
    return named[0]


def _latest(organisation_id: int, key: str) -> Specification | None:
    return Specification.objects.filter(organisation_id=organisation_id, key=key).order_by("-version").first()


def _micro_credentials(organisation: Organisation) -> list[tuple[str, str]]:
    """The organisation's micro-credentials by title, with their latest version and its state."""
    latest: dict[str, Specification] = {}
    for specification in Specification.objects.filter(organisation=organisation).order_by("key", "-version"):
        latest.setdefault(specification.key, specification)
    choices = [
        (
            key,
            _("%(title)s (version %(version)s, %(state)s)")
            % {"title": spec.title, "version": spec.version, "state": spec.get_state_display()},
        )
        for key, spec in latest.items()
    ]
    return sorted(choices, key=lambda item: item[1].casefold())


def _titled(grants: Any) -> list[dict[str, Any]]:
    rows = []
    for grant in grants:
        spec = _latest(grant.creator_id, grant.specification_key)
        rows.append({"grant": grant, "title": spec.title if spec else grant.specification_key})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def grants(request: HttpRequest, slug: str) -> HttpResponse:
    """The creator's grants: let another organisation (chosen by name) issue one of its micro-credentials (chosen
    by title), until a date; revoke."""
    organisation = organisation_for(request, slug, "manage")
    others = Organisation.objects.exclude(pk=organisation.pk).filter(authority__isnull=True).order_by("name")
    context: dict[str, Any] = {
        "organisation": organisation,
        "micro_credentials": _micro_credentials(organisation),
        "organisations": others,
        "form": request.POST,
    }
    status = 200
    if request.method == "POST":
        try:
            grantee = _grantee(request.POST.get("grantee", ""), organisation)
            services.grant(
                organisation,
                request.POST.get("key", ""),
                grantee,
                actor=request.user.get_username(),
                valid_until=until(request.POST),
            )
        except scopeform.ScopeError as exc:
            context["error"], status = str(exc), 400
        except MeritError as exc:
            context["error"], status = wording.refusal(exc), 400
        else:
            messages.success(request, _("%(name)s may now issue it.") % {"name": grantee.name})
            return redirect("registry:grants", slug=slug)
    given = IssuingGrant.objects.filter(creator=organisation).select_related("grantee").order_by("-pk")
    received = IssuingGrant.objects.filter(grantee=organisation, revoked_at__isnull=True).select_related("creator")
    context["given"], context["received"] = _titled(given), _titled(received)
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
