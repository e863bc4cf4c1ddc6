"""The designer's page for the units of qualifications a micro-credential covers (decision 0025): find a
qualification by code or title, map the micro-credential to its units fully or partly, see each mapping's state
(awaiting approval, approved, refused with the reason) and remove one. ``qualifications.mapping`` does the work."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from merit.core.errors import MeritError
from merit.server.accounts.models import Organisation
from merit.server.issuing import services
from merit.server.issuing.models import Specification
from merit.server.qualifications import mapping
from merit.server.qualifications.models import Unit, UnitMapping
from merit.server.workspace.access import organisation_for

MAX_QUERY = 200


def reader_language() -> str:
    return (get_language() or "en").split("-")[0]


def _specification(request: HttpRequest, slug: str, key: str) -> tuple[Organisation, Specification]:
    organisation = organisation_for(request, slug, "design")
    latest = services.latest_specification(organisation, key)
    if latest is None:
        raise Http404("no such micro-credential")
    return organisation, latest


def rows(organisation: Organisation, key: str, language: str) -> list[dict[str, Any]]:
    """The mappings of ``key`` as the designer shows them."""
    return [
        {"mapping": m, "qualification": named(m.unit.qualification, language), "unit": named(m.unit, language)}
        for m in mapping.mappings_of(organisation, key)
    ]


def named(row: Any, language: str) -> str:
    """A qualification's or unit's code and title in ``language``."""
    return f"{row.code} {mapping.text(row.title, language)}".strip()


def _results(query: str, mapped: dict[int, str], language: str) -> list[dict[str, Any]]:
    return [
        {
            "qualification": q,
            "title": mapping.text(q.title, language),
            "units": [
                {"unit": u, "title": mapping.text(u.title, language), "mapped": mapped.get(u.pk, "")}
                for u in q.units.all()
                if u.status != "archived"
            ],
        }
        for q in mapping.search(query)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def units(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    organisation, specification = _specification(request, slug, key)
    language = reader_language()
    query = (request.GET.get("q") or request.POST.get("q") or "").strip()[:MAX_QUERY]
    error = None
    if request.method == "POST":
        chosen = request.POST.get("unit", "")
        found = (
            Unit.objects.filter(pk=int(chosen)).select_related("qualification__organisation").first()
            if chosen.isdigit() and len(chosen) < 12
            else None
        )
        try:
            if found is None:
                raise mapping.MappingRefused(_("Choose a unit."))
            done = mapping.propose(
                organisation, key, found, request.POST.get("coverage", ""), actor=request.user.get_username()
            )
            if done.state == UnitMapping.State.APPROVED:
                messages.success(request, _("Mapped: the unit counts from now on."))
            else:
                messages.success(request, _("Mapped: the mapping awaits the approval of the qualification's owner."))
            target = redirect("workspace:units", organisation.slug, key)
            if query:
                target["Location"] += "?" + urlencode({"q": query})
            return target
        except MeritError as exc:
            error = _("The mapping was not saved: %(reason)s") % {"reason": exc}
    current = rows(organisation, key, language)
    mapped = {r["mapping"].unit_id: r["mapping"].coverage for r in current}
    context = {
        "organisation": organisation,
        "specification": specification,
        "key": key,
        "rows": current,
        "query": query,
        "results": _results(query, mapped, language) if query else None,
        "error": error,
        "coverages": UnitMapping.Coverage.choices,
    }
    return render(request, "workspace/units.html", context, status=400 if error else 200)


@login_required
@require_POST
def remove(request: HttpRequest, slug: str, key: str, pk: int) -> HttpResponse:
    organisation, _specification_row = _specification(request, slug, key)
    found = mapping.mappings_of(organisation, key).filter(pk=pk).first()
    if found is None:
        raise Http404("no such mapping")
    mapping.remove(found, actor=request.user.get_username())
    messages.success(request, _("The mapping is removed. Credentials issued before keep what they say."))
    return redirect("workspace:units", organisation.slug, key)
