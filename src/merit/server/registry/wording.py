"""The registry's facts in the reader's language: EQF levels, fields of education, regions and credential types by
name, an accreditation's scope in words, and why an accreditation does not cover a micro-credential (composed from
the structured findings of ``services.scope_findings`` with gettext, never from the core's English sentences)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import formats
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext
from django.utils.translation import gettext as _

from merit.core import trust
from merit.server.registry.services import Finding
from merit.server.workspace.vocabulary import isced_label

CREDENTIAL_TYPES = {
    "micro-credential": gettext_lazy("Micro-credential"),
    "unit-of-qualification": gettext_lazy("Unit of a qualification"),
    "qualification": gettext_lazy("Qualification"),
}
# The countries a pilot meets (EU, EEA, Switzerland, the United Kingdom), ISO 3166-1 alpha-2 → name. Finer regions
# (ISO 3166-2, such as SE-AC) are typed as codes and named after their country.
COUNTRIES = {
    "AT": gettext_lazy("Austria"),
    "BE": gettext_lazy("Belgium"),
    "BG": gettext_lazy("Bulgaria"),
    "CH": gettext_lazy("Switzerland"),
    "CY": gettext_lazy("Cyprus"),
    "CZ": gettext_lazy("Czechia"),
    "DE": gettext_lazy("Germany"),
    "DK": gettext_lazy("Denmark"),
    "EE": gettext_lazy("Estonia"),
    "ES": gettext_lazy("Spain"),
    "FI": gettext_lazy("Finland"),
    "FR": gettext_lazy("France"),
    "GB": gettext_lazy("United Kingdom"),
    "GR": gettext_lazy("Greece"),
    "HR": gettext_lazy("Croatia"),
    "HU": gettext_lazy("Hungary"),
    "IE": gettext_lazy("Ireland"),
    "IS": gettext_lazy("Iceland"),
    "IT": gettext_lazy("Italy"),
    "LI": gettext_lazy("Liechtenstein"),
    "LT": gettext_lazy("Lithuania"),
    "LU": gettext_lazy("Luxembourg"),
    "LV": gettext_lazy("Latvia"),
    "MT": gettext_lazy("Malta"),
    "NL": gettext_lazy("Netherlands"),
    "NO": gettext_lazy("Norway"),
    "PL": gettext_lazy("Poland"),
    "PT": gettext_lazy("Portugal"),
    "RO": gettext_lazy("Romania"),
    "SE": gettext_lazy("Sweden"),
    "SI": gettext_lazy("Slovenia"),
    "SK": gettext_lazy("Slovakia"),
}
DECISIONS = {
    "submitted": gettext_lazy("Application sent"),
    "approved": gettext_lazy("Approved"),
    "narrowed": gettext_lazy("Approved with a narrower scope"),
    "rejected": gettext_lazy("Refused"),
    "suspended": gettext_lazy("Accreditation suspended"),
    "reinstated": gettext_lazy("Accreditation reinstated"),
    "withdrawn": gettext_lazy("Accreditation withdrawn"),
}


def type_name(kind: str) -> str:
    return str(CREDENTIAL_TYPES.get(kind, kind))


def region_name(code: str) -> str:
    """A country by name (``Sweden``), a subdivision by code and country (``SE-AC (Sweden)``), else the code."""
    if code in COUNTRIES:
        return str(COUNTRIES[code])
    country = COUNTRIES.get(code[:2])
    return f"{code} ({country})" if country is not None else code


def country_choices() -> list[tuple[str, str]]:
    """The countries for a select, sorted by their name in the active language."""
    return sorted(((code, str(name)) for code, name in COUNTRIES.items()), key=lambda item: item[1])


def decision_name(action: str) -> str:
    return str(DECISIONS.get(action, action))


def levels(low: int | None, high: int | None) -> str | None:
    """EQF bounds in words, standing alone (in a list or a table cell: nominative where languages decline)."""
    if low is None and high is None:
        return None
    if low == high:
        return pgettext("registry scope", "EQF level %(level)s") % {"level": low}
    if high is None:
        return pgettext("registry scope", "EQF level %(level)s and above") % {"level": low}
    if low is None:
        return pgettext("registry scope", "EQF levels up to %(level)s") % {"level": high}
    return pgettext("registry scope", "EQF levels %(low)s–%(high)s") % {"low": low, "high": high}


def _join(items: Iterable[str]) -> str:
    return ", ".join(items)


def scope_text(scope: trust.Scope) -> str:
    """A scope in words, such as "EQF levels 4–6; Engineering, manufacturing and construction; Micro-credential;
    Sweden"."""
    parts = [
        levels(scope.eqf_min, scope.eqf_max),
        _join(isced_label(code) for code in scope.isced_fields) or None,
        _join(type_name(kind) for kind in scope.credential_types) or None,
        _join(region_name(code) for code in scope.regions) or None,
        qualifications_text(scope.qualifications),
    ]
    found = [part for part in parts if part]
    return "; ".join(found) if found else pgettext("registry scope", "every level and field")


def qualifications_text(iris: Iterable[str]) -> str | None:
    """The qualifications a scope lets an institution award, by code and title ("awarding 90001 Warehouse
    operation…"); an IRI this installation does not know is shown as it is."""
    iris = list(iris)
    if not iris:
        return None
    from merit.server.qualifications.models import Qualification

    language = (get_language() or "en").split("-")[0]
    names = {}
    for row in Qualification.objects.filter(iri__in=iris).only("iri", "code", "title", "language"):
        title = row.title.get(language) or row.title.get(row.language) or next(iter(row.title.values()), "")
        names[row.iri] = f"{row.code} {title}".strip()
    return pgettext("registry scope", "awarding %(qualifications)s") % {
        "qualifications": _join(names.get(iri, iri) for iri in iris)
    }


def gap_text(gap: trust.Gap) -> str:
    """One way the micro-credential falls outside a scope."""
    if gap.rule == "eqf":
        if gap.value is None:
            return _("it states no EQF level")
        return _("EQF level %(level)s is not among the accredited levels") % {"level": gap.value}
    if gap.rule == "isced":
        if gap.value is None:
            return _("it states no field of education (ISCED-F)")
        return _("the field %(field)s is not an accredited field") % {"field": isced_label(gap.value)}
    if gap.rule == "type":
        return _("the type %(type)s is not accredited") % {"type": type_name(str(gap.value))}
    if gap.rule == "qualification":
        return _("the accreditation does not name the qualification %(iri)s") % {"iri": gap.value or "?"}
    if gap.value is None:
        return _("your organisation states no country")
    return _("the region %(region)s is outside the accredited regions") % {"region": region_name(gap.value)}


def finding_text(finding: Finding) -> str:
    """Why one accreditation does not cover the micro-credential."""
    record = finding.accreditation
    facts = {"authority": record.authority.organisation.name}
    if finding.problem == "scope":
        gaps = "; ".join(gap_text(gap) for gap in finding.gaps)
        return _("%(authority)s accredits you for %(scope)s, and %(gaps)s") % {
            **facts,
            "scope": scope_text(finding.scope),
            "gaps": gaps,
        }
    if finding.problem == "expired" and record.valid_until is not None:
        return _("your accreditation by %(authority)s ended on %(date)s") % {
            **facts,
            "date": formats.date_format(record.valid_until, "DATE_FORMAT"),
        }
    if finding.problem == "not-yet":
        return _("your accreditation by %(authority)s begins on %(date)s") % {
            **facts,
            "date": formats.date_format(record.valid_from, "DATE_FORMAT"),
        }
    if finding.problem == "suspended":
        return _("your accreditation by %(authority)s is suspended") % facts
    return _("your accreditation by %(authority)s has been withdrawn") % facts


def warning(findings: list[Finding]) -> str:
    """The designer's warning: what is outside, and what follows from it."""
    reasons = "; ".join(finding_text(finding) for finding in findings)
    return ngettext(
        "this micro-credential is outside your accreditation: %(reasons)s. Your organisation cannot issue it until "
        "the accreditation covers it.",
        "this micro-credential is outside your accreditations: %(reasons)s. Your organisation cannot issue it until "
        "an accreditation covers it.",
        len(findings),
    ) % {"reasons": reasons}


REFUSALS = {
    "own": gettext_lazy("You are a member of this organisation, so you cannot decide about it."),
    "decided": gettext_lazy("This application has already been decided."),
    "wider": gettext_lazy("The scope can be narrowed, never widened beyond the one applied for."),
    "narrow-reason": gettext_lazy("Give a reason for narrowing the scope: the applicant reads it."),
    "reject-reason": gettext_lazy("Give a reason for refusing: the applicant reads it."),
    "withdrawn": gettext_lazy("A withdrawn accreditation cannot change again."),
    "change-reason": gettext_lazy("Give a reason: the organisation reads it."),
    "not-active": gettext_lazy("Only an active accreditation can be suspended."),
    "not-suspended": gettext_lazy("Only a suspended accreditation can be reinstated."),
    "self-apply": gettext_lazy("An authority cannot apply to itself for accreditation."),
    "evidence-size": gettext_lazy("Each evidence document may be at most 5 MB."),
    "grant-own": gettext_lazy("Your organisation needs no grant to issue its own micro-credentials."),
    "grant-unknown": gettext_lazy("Choose one of your micro-credentials."),
}


def refusal(error: Exception) -> str:
    """A registry refusal in the reader's language (its English message when the rule has no words yet); an
    issuance refused outside the accreditation names why, from the refusal's findings."""
    rule, details = getattr(error, "rule", ""), getattr(error, "details", {})
    if rule == "outside" and details.get("findings"):
        reasons = "; ".join(finding_text(finding) for finding in details["findings"])
        return _("Not issued: %(reasons)s.") % {"reasons": reasons}
    if rule == "no-grant":
        return _("%(issuer)s has no valid right from %(creator)s to issue this micro-credential.") % details
    return str(REFUSALS[rule]) if rule in REFUSALS else str(getattr(error, "message", error))
