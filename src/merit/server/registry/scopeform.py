"""The scope picker shared by the application form and the authority's decision: EQF levels, fields of education,
credential types and countries chosen by name (ISO 3166-2 subdivisions typed as codes), and the scope a posted form
describes, with what is wrong said in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from merit.core import trust
from merit.core.errors import MeritError
from merit.core.trust.scope import MAX_QUALIFICATIONS, region_code
from merit.server.registry import wording
from merit.server.workspace.vocabulary import eqf_levels, isced_choices

MAX_CODES = 50


def qualification_choices() -> list[tuple[str, str]]:
    """The qualifications an institution may ask to award, by name (code and title in the reader's language or the
    qualification's own): every active qualification of this installation, as (IRI, name)."""
    from merit.server.qualifications.models import Qualification  # The registry does not depend on it elsewhere.

    language = (get_language() or "en").split("-")[0]
    found = []
    for row in Qualification.objects.filter(status=Qualification.Status.ACTIVE).only(
        "iri", "code", "title", "language"
    ):
        title = row.title.get(language) or row.title.get(row.language) or next(iter(row.title.values()), row.iri)
        found.append((row.iri, f"{row.code} {title}".strip()))
    return found


class ScopeError(ValueError):
    """The form does not describe a scope; the message is for the reader."""


def scope_from_post(post: Any) -> trust.Scope:
    """The scope a form describes; :class:`ScopeError` says what is wrong."""

    def level(name: str) -> int | None:
        value = post.get(name, "")
        return int(value) if value.isdigit() and 1 <= int(value) <= 8 else None

    low, high = level("eqf_min"), level("eqf_max")
    if low is not None and high is not None and low > high:
        raise ScopeError(_("The lowest EQF level is above the highest."))
    regions = [code for code in post.getlist("regions") if code in wording.COUNTRIES]
    for code in post.get("subdivisions", "").replace(",", " ").split():
        try:
            regions.append(region_code(code))
        except MeritError:
            raise ScopeError(_("%(code)s is not a region code such as SE-AC.") % {"code": code}) from None
    try:
        return trust.Scope(
            eqf_min=low,
            eqf_max=high,
            isced_fields=tuple(dict.fromkeys(post.getlist("isced_fields")))[:MAX_CODES],
            credential_types=tuple(t for t in post.getlist("credential_types") if t in wording.CREDENTIAL_TYPES),
            regions=tuple(dict.fromkeys(regions))[:MAX_CODES],
            qualifications=_qualifications(post.getlist("qualifications")),
        )
    except MeritError:
        raise ScopeError(_("Choose fields of education from the list.")) from None


def _qualifications(chosen: list[str]) -> tuple[str, ...]:
    """The chosen qualification IRIs, each one this installation knows; raises :class:`ScopeError` otherwise."""
    if not chosen:
        return ()
    known = {iri for iri, _name in qualification_choices()}
    if not set(chosen) <= known:
        raise ScopeError(_("Choose qualifications from the list."))
    return tuple(dict.fromkeys(chosen))[:MAX_QUALIFICATIONS]


def picker(scope: trust.Scope | None) -> dict[str, Any]:
    """What ``registry/_scope_fields.html`` needs: the choices by name and what is chosen."""
    scope = scope or trust.Scope()
    countries = wording.country_choices()
    return {
        "eqf": eqf_levels(),
        "isced": isced_choices(),
        "types": [(code, str(name)) for code, name in wording.CREDENTIAL_TYPES.items()],
        "countries": countries,
        "qualifications": qualification_choices(),
        "scope_qualifications": list(scope.qualifications),
        "scope_eqf_min": "" if scope.eqf_min is None else str(scope.eqf_min),
        "scope_eqf_max": "" if scope.eqf_max is None else str(scope.eqf_max),
        "scope_fields": list(scope.isced_fields),
        "scope_types": list(scope.credential_types),
        "scope_countries": [code for code in scope.regions if code in wording.COUNTRIES],
        "scope_subdivisions": " ".join(code for code in scope.regions if code not in wording.COUNTRIES),
    }


def picker_posted(post: Any) -> dict[str, Any]:
    """The picker showing what was posted (after a refusal, so that nothing typed is lost)."""
    chosen = picker(None)
    chosen.update(
        {
            "scope_eqf_min": post.get("eqf_min", ""),
            "scope_eqf_max": post.get("eqf_max", ""),
            "scope_fields": post.getlist("isced_fields"),
            "scope_types": post.getlist("credential_types"),
            "scope_countries": post.getlist("regions"),
            "scope_subdivisions": post.get("subdivisions", ""),
            "scope_qualifications": post.getlist("qualifications"),
        }
    )
    return chosen
