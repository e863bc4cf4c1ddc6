"""The accreditation check in the reader's language: who accredited the issuer, for what and when, or why not.

The core puts the facts in the check's ``details`` (issuer name, accrediting body, dates, the scope as data, the
gaps between scope and credential; ``merit.core.trust.check``); this module composes the sentence with gettext,
so a Swedish or Polish report carries no English. ``docs/decisions/0008-trust-registry.md`` gives the outcomes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from merit.core.trust.names import name_key
from merit.core.verify import Check
from merit.server import dates


def _levels(scope: dict[str, Any]) -> str | None:
    low, high = scope.get("eqfMin"), scope.get("eqfMax")
    if low is None and high is None:
        return None
    if low == high:
        return pgettext("accreditation scope", "EQF level %(level)s") % {"level": low}
    if high is None:
        return _("EQF level %(level)s and above") % {"level": low}
    if low is None:
        return _("EQF levels up to %(level)s") % {"level": high}
    return _("EQF levels %(low)s–%(high)s") % {"low": low, "high": high}


def _kind(name: str) -> str:
    """A kind of credential of an accreditation's scope (the registry's codes), in the reader's language."""
    kinds = {
        "micro-credential": _("micro-credentials"),
        "unit-of-qualification": _("parts of qualifications"),
        "qualification": _("qualifications"),
    }
    return kinds.get(name, name)


def scope_text(scope: dict[str, Any]) -> str:
    """An accreditation's scope in words, such as "EQF levels 3–5, ISCED-F field 07, micro-credentials, in SE"."""
    parts = [_levels(scope)]
    fields = [str(code) for code in scope.get("iscedFields") or []]
    if fields:
        named = ngettext("ISCED-F field %(fields)s", "ISCED-F fields %(fields)s", len(fields))
        parts.append(named % {"fields": ", ".join(fields)})
    kinds = [_kind(str(kind)) for kind in scope.get("credentialTypes") or []]
    if kinds:
        parts.append(", ".join(kinds))
    regions = [str(code) for code in scope.get("regions") or []]
    if regions:
        parts.append(_("in %(regions)s") % {"regions": ", ".join(regions)})
    found = [part for part in parts if part]
    return ", ".join(found) if found else _("every level and field")


def _gap(gap: dict[str, Any]) -> str:
    rule, value = gap.get("rule"), gap.get("value")
    if rule == "eqf":
        if value is None:
            return _("it states no EQF level")
        return _("its EQF level %(level)s is outside the accredited levels") % {"level": value}
    if rule == "isced":
        if value is None:
            return _("it states no field of education (ISCED-F)")
        return _("its field ISCED-F %(code)s is outside the accredited fields") % {"code": value}
    if rule == "type":
        return _("its type (%(type)s) is not an accredited kind of credential") % {"type": _kind(str(value))}
    if rule == "qualification":
        if value is None:
            return _("it names no qualification")
        return _("the accreditation does not name the qualification %(iri)s") % {"iri": value}
    if value is None:
        return _("its issuer states no country or region")
    return _("its issuer's region %(region)s is outside the accredited regions") % {"region": value}


def _accredited(details: dict[str, Any]) -> str:
    facts = {
        "issuer": details.get("issuerName") or "",
        "body": details.get("accreditingBody") or "",
        "scope": scope_text(details.get("scope") or {}),
        "start": dates.day(details.get("validFrom") or ""),
        "end": dates.day(details.get("validUntil") or ""),
    }
    if facts["start"] and facts["end"]:
        return _("Issued by %(issuer)s, accredited by %(body)s for %(scope)s from %(start)s to %(end)s.") % facts
    if facts["start"]:
        return _("Issued by %(issuer)s, accredited by %(body)s for %(scope)s from %(start)s.") % facts
    if facts["end"]:
        return _("Issued by %(issuer)s, accredited by %(body)s for %(scope)s until %(end)s.") % facts
    return _("Issued by %(issuer)s, accredited by %(body)s for %(scope)s.") % facts


def _not_covered(code: str, details: dict[str, Any]) -> str:
    facts = {
        "body": details.get("accreditingBody") or "",
        "scope": scope_text(details.get("scope") or {}),
        "start": dates.day(details.get("validFrom") or ""),
        "end": dates.day(details.get("validUntil") or ""),
        "issued": dates.day(details.get("issued") or ""),
    }
    if code == "ACCREDITATION_SCOPE_MISMATCH":
        gaps = "; ".join(_gap(g) for g in details.get("gaps") or [] if isinstance(g, dict))
        return _(
            "Not covered: the issuer is accredited by %(body)s for %(scope)s, but not for this credential: %(gaps)s."
        ) % {**facts, "gaps": gaps}
    if code == "ACCREDITATION_EXPIRED":
        return (
            _(
                "Not covered: the issuer's accreditation by %(body)s ended on %(end)s, before this credential was "
                "issued on %(issued)s."
            )
            % facts
        )
    if code == "ACCREDITATION_WITHDRAWN" and facts["issued"]:
        return (
            _(
                "Not covered: the issuer's accreditation by %(body)s was withdrawn on %(end)s, before this credential "
                "was issued on %(issued)s."
            )
            % facts
        )
    if code == "ACCREDITATION_WITHDRAWN":
        return _("Not covered: the issuer's accreditation by %(body)s has been withdrawn.") % facts
    if code == "ACCREDITATION_NOT_YET_VALID":
        return (
            _(
                "Not covered: this credential was issued on %(issued)s, before the issuer's accreditation by %(body)s "
                "began on %(start)s."
            )
            % facts
        )
    return (
        _(
            "Not covered: the issuer is accredited by %(body)s, but this credential states no date of issue, so it "
            "cannot be shown to fall within the accreditation."
        )
        % facts
    )


def accreditation_text(check: Check) -> str:
    """What the ``accreditation`` check means for a person, in their language."""
    outcome, code, details = check.outcome, check.code or "", check.details
    if outcome == "passed":
        return _("Accredited: %(detail)s") % {"detail": _accredited(details)}
    if outcome == "warning":
        return _not_covered(code, details)
    if outcome == "not_applicable":
        return _("Not accredited: no trusted authority has accredited this issuer, so its name is its own claim.")
    if outcome == "failed":
        if code == "ACCREDITATION_SUBJECT_MISMATCH":
            return _("The trust registry answered with an accreditation of another issuer: do not rely on it.")
        return _("The accreditation the trust registry holds for this issuer is forged or altered.")
    if code == "TRUST_REGISTRY_ERROR":
        return _("Could not check the issuer's accreditation: the trust registry could not be reached.")
    if code.startswith("STATUS"):
        return _("Could not check the issuer's accreditation: its status list could not be fetched.")
    return _("Could not check the issuer's accreditation.")


def standing(checks: list[Check], claimed_name: str | None) -> dict[str, Any] | None:
    """Who issued the credential, as the report can vouch for it: authentic (signed with the key of its issuer's
    DID) and, separately, accredited or not; ``None`` when the signature did not verify."""
    issuer = next((c for c in checks if c.name == "issuer"), None)
    did = issuer.details.get("signedBy") if issuer is not None and issuer.outcome == "passed" else None
    if not isinstance(did, str):
        return None  # Not verified, or a format without a key signature (Open Badges 2.0 hosted, say).
    accreditation = next((c for c in checks if c.name == "accreditation"), None)
    state = "na" if accreditation is None else accreditation.outcome
    name = claimed_name or did
    if accreditation is None:
        accredited = _("Accreditation not checked: the name “%(name)s” is the issuer's own claim.") % {"name": name}
    elif state == "not_applicable":
        accredited = _("Not accredited: the name “%(name)s” is the issuer's own claim.") % {"name": name}
    else:
        accredited = accreditation_text(accreditation)
    states = {"passed": "verified", "warning": "warning", "failed": "invalid", "could_not_check": "unknown"}
    known = accreditation.details.get("issuerName") if accreditation is not None and state in states else None
    if isinstance(known, str) and claimed_name and name_key(known) == name_key(claimed_name):
        note = None
    elif isinstance(known, str) and state in ("passed", "warning"):
        note = _("The registry knows this issuer as “%(name)s”; the name in the credential is its own claim.") % {
            "name": known
        }
    else:
        note = _("The name is the issuer's own claim: no accreditation confirms it.")
    return {
        "authentic": _("Authentic: signed with the key of %(did)s.") % {"did": did},
        "accredited": accredited,
        "state": states.get(state, "na"),
        "name_note": note,
    }
