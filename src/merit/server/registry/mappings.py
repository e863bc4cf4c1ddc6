"""The owner's pages for mappings of micro-credentials to the units of its qualifications (decision 0025): every
member of the organisation that owns the qualifications (a registry authority, or a certifying institution that
imported them) reads the mappings; owners and issuers (``access.CAN["decide"]``) approve or refuse one, with a
reason the designer reads. ``qualifications.mapping`` does the work and audits it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from merit.core.errors import MeritError
from merit.server.accounts.models import Membership, Organisation
from merit.server.issuing.models import Specification
from merit.server.issuing.services import audit
from merit.server.qualifications import mapping
from merit.server.qualifications.models import UnitMapping
from merit.server.registry.access import CAN, authorities_of


def organisations_of(user_id: int | None, action: str) -> list[Organisation]:
    """The organisations owning qualifications (and the authorities) in which the user's role allows ``action``
    (review or decide)."""
    owning = Q(organisation__qualifications__isnull=False) | Q(organisation__authority__isnull=False)
    memberships = Membership.objects.filter(owning, user_id=user_id, role__in=CAN[action])
    memberships = memberships.select_related("organisation")
    return list({m.organisation_id: m.organisation for m in memberships}.values())


def _row(m: UnitMapping, language: str, deciders: set[int]) -> dict[str, object]:
    qualification = m.unit.qualification
    latest = Specification.objects.filter(organisation_id=m.organisation_id, key=m.specification_key)
    found = latest.order_by("-version").first()
    return {
        "mapping": m,
        "title": found.title if found else m.specification_key,
        "qualification": f"{qualification.code} {mapping.text(qualification.title, language)}".strip(),
        "unit": f"{m.unit.code} {mapping.text(m.unit.title, language)}".strip(),
        "may_decide": qualification.organisation_id in deciders,
    }


@login_required
@require_GET
def mappings(request: HttpRequest) -> HttpResponse:
    owners = organisations_of(request.user.pk, "review")
    if not owners:
        raise Http404("not a member of an organisation that owns qualifications")
    deciders = {o.pk for o in organisations_of(request.user.pk, "decide")}
    language = (get_language() or "en").split("-")[0]
    found = mapping.for_owners(owners).order_by("-requested_at", "-pk")
    context = {
        "owners": owners,
        "waiting": [_row(m, language, deciders) for m in found.filter(state=UnitMapping.State.PROPOSED)],
        "decided": [_row(m, language, deciders) for m in found.exclude(state=UnitMapping.State.PROPOSED)[:100]],
        "may_decide": bool(deciders),
        "authorities": authorities_of(request.user.pk, "decide"),
    }
    return render(request, "registry/mappings.html", context)


@login_required
@require_POST
def setting(request: HttpRequest) -> HttpResponse:
    """An authority's owners and issuers choose whether mappings to its qualifications wait for approval."""
    authorities = authorities_of(request.user.pk, "decide")
    authority = next((a for a in authorities if str(a.pk) == request.POST.get("authority", "")), None)
    if authority is None:
        raise Http404("not a decider of this authority")
    authority.requires_mapping_approval = request.POST.get("requires") == "yes"
    authority.save(update_fields=["requires_mapping_approval"])
    audit(
        authority.organisation,
        request.user.get_username(),
        "mapping.approval-setting",
        requires=authority.requires_mapping_approval,
    )
    if authority.requires_mapping_approval:
        messages.success(request, _("New mappings to your qualifications wait for your approval."))
    else:
        messages.success(request, _("New mappings to your qualifications count at once, without approval."))
    return redirect("registry:mappings")


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    deciders = organisations_of(request.user.pk, "decide")
    found = mapping.for_owners(deciders).filter(pk=pk).first() if deciders else None
    if found is None:
        raise Http404("no such mapping among those you decide")
    decision, reason = request.POST.get("decision", ""), request.POST.get("reason", "")
    try:
        if Membership.objects.filter(user_id=request.user.pk, organisation_id=found.organisation_id).exists():
            raise mapping.MappingRefused(_("You are a member of the organisation that asked: someone else decides."))
        if decision not in ("approve", "refuse"):
            raise mapping.MappingRefused(_("Choose a decision."))
        mapping.decide(found, decision == "approve", reason=reason, actor=request.user.get_username())
        if decision == "approve":
            messages.success(request, _("Approved: credentials issued from now on carry the unit."))
        else:
            messages.success(request, _("Refused: the designer can read your reason."))
    except MeritError as exc:
        messages.error(request, _("Nothing was decided: %(reason)s") % {"reason": exc})
    return redirect("registry:mappings")
