"""Checking that a credential's issuer was accredited, for this credential, when it was issued.

The walk is: trust anchor (an authority DID the verifier trusts) → an accreditation credential signed by it,
naming the credential's issuer, valid at the credential's issuance (``validFrom``) and covering it (EQF level,
ISCED-F field, credential type, region) → the issuer DID → the credential's own signature (checked by the
verifier before this check). Accreditations come from a :class:`~merit.core.trust.registry.TrustRegistry`; the
model follows the EBSI Trusted Issuers Registry (https://hub.ebsi.eu/) with W3C VC 2.0 credentials
(https://www.w3.org/TR/vc-data-model-2.0/) revoked through Bitstring Status Lists
(https://www.w3.org/TR/vc-bitstring-status-list/). ``docs/decisions/0008-trust-registry.md`` explains the outcomes:
an issuer without an accreditation from any anchor is ``not_applicable`` ("issuer not accredited"), and a credential
that its issuer's accreditation does not cover is a ``warning`` ("not covered: ..."): neither makes an authentic
credential invalid.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from merit.core import vc
from merit.core.errors import CouldNotVerifyError, MeritError
from merit.core.trust.claims import Accreditation, is_accreditation, read_accreditation
from merit.core.trust.registry import TrustRegistry
from merit.core.trust.scope import Gap
from merit.core.verify.report import ACCREDITATION, VALIDITY, Check

if TYPE_CHECKING:
    from merit.core.verify.verifier import Verifier

_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
NOT_COVERED = "the accreditation does not cover this credential: "
Kind = Literal["good", "bad", "unknown", "outside", "untrusted"]


@dataclass(frozen=True)
class _Finding:
    """What one accreditation credential says about the credential; a lower ``rank`` is a more telling failure."""

    kind: Kind
    message: str
    code: str = ""
    rank: int = 0
    details: dict[str, Any] = field(default_factory=dict)


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _achievement(credential: dict[str, Any]) -> dict[str, Any]:
    subject = _first(credential.get("credentialSubject"))
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    return achievement if isinstance(achievement, dict) else {}


def _kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name.removeprefix("ext:")).lower()


QUALIFICATION_TYPES = {
    "ext:FullQualification": "qualification",
    "ext:PartialQualification": "qualification",
    "ext:QualificationUnit": "unit-of-qualification",
}
"""The stacked credentials' achievement types (``merit.core.qualifications.award``, decision 0028) and the credential
type an accreditation scope names for them."""


def awarded_qualification(credential: dict[str, Any]) -> str | None:
    """The register IRI of the qualification a qualification credential awards: its qualification alignment
    (``ceterms:Credential``, as a micro-credential names the qualification of the units it covers; decisions 0025
    and 0028), or None."""
    for alignment in vc.as_list(_achievement(credential).get("alignment")):
        if isinstance(alignment, dict) and alignment.get("targetType") == "ceterms:Credential":
            url = alignment.get("targetUrl")
            return url if isinstance(url, str) else None
    return None


def credential_type_of(credential: dict[str, Any]) -> str:
    """The credential type an accreditation scope names: ``micro-credential`` for EU micro-credentials.

    Open Badges 3.0 credentials are typed by their achievement (``EUMicroCredential`` or ``achievementType``
    ``MicroCredential`` is a micro-credential; another ``achievementType`` such as ``Certificate`` becomes
    ``certificate``); other credentials by their first type after ``VerifiableCredential``, in lower-case words.
    """
    achievement = _achievement(credential)
    types = achievement.get("type", [])
    kind = achievement.get("achievementType")
    if "EUMicroCredential" in (types if isinstance(types, list) else [types]) or kind == "MicroCredential":
        return "micro-credential"
    if isinstance(kind, str) and kind in QUALIFICATION_TYPES:
        return QUALIFICATION_TYPES[kind]
    if isinstance(kind, str) and kind:
        return _kebab(kind)
    declared = credential.get("type")
    declared = declared if isinstance(declared, list) else [declared]
    own = [t for t in declared if isinstance(t, str) and t != "VerifiableCredential"]
    return _kebab(own[0]) if own else "credential"


def credential_facts(credential: dict[str, Any]) -> tuple[int | None, list[str], str, str | None]:
    """The EQF level, ISCED-F codes, credential type and region of ``credential``, as scopes read them.

    The EQF level and the ISCED-F field are read as the credential's view has them (either of Merit's encodings,
    :func:`merit.core.microcredential.view.view_of`), the region from the issuer's ``address``: ``addressRegion``
    when it is an ISO 3166-2 code of the issuer's country, otherwise ``addressCountryCode``.
    """
    from merit.core.microcredential.view import view_of

    view = view_of(credential)
    eqf = view.eqf_level
    fields = [view.isced_field] if view.isced_field else []
    issuer = credential.get("issuer")
    address = issuer.get("address") if isinstance(issuer, dict) else None
    address = address if isinstance(address, dict) else {}
    country = address.get("addressCountryCode")
    country = country.upper() if isinstance(country, str) else None
    region = address.get("addressRegion")
    region = region.upper() if isinstance(region, str) else None
    if region and _SUBDIVISION.match(region) and (country is None or region.startswith(country + "-")):
        return eqf, fields, credential_type_of(credential), region
    return eqf, fields, credential_type_of(credential), country


def _date(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment is not None else ""


def _apart(first: datetime, second: datetime) -> tuple[str, str]:
    """Two moments as dates, or as date-times when they fall on the same day (so that the order shows)."""
    if first.date() == second.date():
        return vc.stamp(first), vc.stamp(second)
    return _date(first), _date(second)


def _named(accreditation: dict[str, Any], claims: Accreditation, issuer: str, authority: str) -> dict[str, Any]:
    """What a report needs to say who accredited whom for what and when, as data (a page composes its own words)."""
    start, end = vc.validity_window(accreditation, 2)
    return {
        "accreditation": accreditation.get("id"),
        "authority": authority,
        "issuerName": claims.issuer_name or issuer,
        "accreditingBody": claims.accrediting_body or authority,
        "validFrom": _date(start) or None,
        "validUntil": _date(end) or None,
        "scope": claims.scope.facts(),
    }


def _outside(message: str, code: str, named: dict[str, Any], **details: Any) -> _Finding:
    """A finding that the accreditation does not cover the credential (a warning, never a failure)."""
    return _Finding("outside", NOT_COVERED + message, code, details={**named, "covered": False, **details})


def _assess(
    accreditation: Any,
    credential: dict[str, Any],
    issued: datetime | None,
    anchors: Sequence[str],
    verifier: Verifier,
) -> _Finding:
    if not isinstance(accreditation, dict):
        return _Finding(
            "bad", "the registry returned an accreditation that is not a JSON object", "ACCREDITATION_FORGED"
        )
    name = accreditation.get("id", "(no id)")
    if not is_accreditation(accreditation):
        return _Finding("bad", f"{name} is not an accreditation credential", "ACCREDITATION_FORGED")
    authority = vc.issuer_id(accreditation)
    if authority not in anchors:
        return _Finding(
            "untrusted", f"accredited by {authority}, which is not a trusted authority", details={"a": authority}
        )
    issuer = vc.issuer_id(credential)
    subject = accreditation.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    if subject.get("id") != issuer:
        return _Finding(
            "bad",
            f"the accreditation {name} is for {subject.get('id')}, not the issuer {issuer}",
            "ACCREDITATION_SUBJECT_MISMATCH",
        )
    # The accreditation's signature is checked with the verifier's clock set to the credential's issuance, so that
    # its validity period is judged then, not now; its own accreditation is not checked (trust=None).
    at_issuance = dataclasses.replace(verifier, clock=(lambda: issued) if issued else verifier.clock, trust=None)
    report = at_issuance.verify_credential(accreditation, check_status_entries=False)
    broken = [c for c in report.checks if c.outcome == "failed" and c.name != VALIDITY]
    if broken:
        return _Finding(
            "bad",
            f"the accreditation {name} is forged or altered ({broken[0].name}: {broken[0].message})",
            "ACCREDITATION_FORGED",
        )
    unknown = [c for c in report.checks if c.outcome == "could_not_check"]
    if unknown:
        return _Finding(
            "unknown",
            f"the accreditation {name} could not be verified ({unknown[0].message})",
            unknown[0].code or "ACCREDITATION_UNCHECKED",
        )
    claims = read_accreditation(accreditation)
    scope = claims.scope
    named = _named(accreditation, claims, issuer, authority)
    if issued is None:
        return _outside(
            "it states no issuance date (validFrom), so it cannot be shown to have been issued while its issuer "
            "was accredited",
            "ACCREDITATION_NO_ISSUANCE_DATE",
            named,
        )
    start, end = vc.validity_window(accreditation, 2)
    if start is not None and issued < start:
        when, began = _apart(issued, start)
        return _outside(
            f"it was issued on {when}, before the accreditation began on {began}",
            "ACCREDITATION_NOT_YET_VALID",
            {**named, "validFrom": began},
            issued=when,
        )
    if end is not None and issued > end:
        withdrawn = claims.decision == "withdrawn"
        verb = "was withdrawn" if withdrawn else "expired"
        ended, when = _apart(end, issued)
        return _outside(
            f"the accreditation {verb} on {ended}, before the credential was issued on {when}",
            "ACCREDITATION_WITHDRAWN" if withdrawn else "ACCREDITATION_EXPIRED",
            {**named, "validUntil": ended},
            issued=when,
        )
    eqf, fields, kind, region = credential_facts(credential)
    wanted: list[str | None] = list(fields) or [None]
    if kind in QUALIFICATION_TYPES.values():
        # Only an institution accredited for a qualification may award it, and naming the qualification is what
        # accredits it: the levels, fields and kinds of credential a scope lists are for what else it issues.
        awarded = awarded_qualification(credential)
        gaps = [] if awarded is not None and scope.names(awarded) else [Gap("qualification", awarded)]
    else:
        gaps = list(dict.fromkeys(gap for isced in wanted for gap in scope.gaps(eqf, isced, kind, region)))
    if gaps:
        return _outside(
            "; ".join(scope.explain(gap) for gap in gaps),
            "ACCREDITATION_SCOPE_MISMATCH",
            named,
            gaps=[gap.to_json() for gap in gaps],
        )
    if "credentialStatus" in accreditation:
        # Revocation is checked now: a revoked accreditation credential has been withdrawn or superseded, and its
        # dated replacement (see merit.core.trust.render.withdrawal) is what still covers earlier credentials.
        status = dataclasses.replace(verifier, trust=None).status_check(accreditation, verifier.clock())
        if status.outcome == "failed":
            found = _outside(
                f"the accreditation {name} was withdrawn ({status.message})",
                "ACCREDITATION_WITHDRAWN",
                named,
            )
            return dataclasses.replace(found, rank=1)
        if status.outcome == "could_not_check":
            return _Finding(
                "unknown",
                f"the status of the accreditation {name} could not be checked ({status.message})",
                status.code or "STATUS_RETRIEVAL_ERROR",
            )
    period = f"from {_date(start)} to {_date(end)}" if end is not None else f"from {_date(start)}, with no end date"
    if start is None:
        period = f"until {_date(end)}" if end is not None else "with no end date"
    message = (
        f"Issued by {named['issuerName']}, accredited by {named['accreditingBody']} for {scope.describe()} {period}"
    )
    return _Finding("good", message, details=named)


def issued_at(credential: dict[str, Any]) -> datetime | None:
    """When the credential says it was issued: ``validFrom`` (VC 2.0) or ``issuanceDate`` (VC 1.1)."""
    for name in ("validFrom", "issuanceDate"):
        if name in credential:
            return vc.parse_datetime(credential[name], name)
    return None


def check_accreditation(
    credential: dict[str, Any], *, anchors: Sequence[str], registry: TrustRegistry, verifier: Verifier
) -> Check:
    """The ``accreditation`` check of ``credential``: was its issuer accredited for it by one of ``anchors``?

    ``passed``: an accreditation by an anchor, verified, for this issuer, valid at the credential's issuance and
    covering it. Otherwise ``could_not_check`` when the registry or an accreditation's status could not be
    reached (an accreditation that might still pass); ``failed`` when the evidence is false (an accreditation
    forged or altered, or one for another issuer); ``warning`` with ``details["covered"] = False`` when the issuer
    is accredited by an anchor but not for this credential (outside the scope, issued before the accreditation
    began or after it ended or was withdrawn, or no issuance date to judge by): the credential is as authentic as
    any unaccredited issuer's, and the report says plainly that the accreditation does not cover it. Finally
    ``not_applicable`` with ``details["accredited"] = False`` when no anchor accredits the issuer at all.
    """
    issuer = vc.issuer_id(credential)
    issued = issued_at(credential)
    try:
        accreditations = registry.accreditations(issuer)
    except CouldNotVerifyError as exc:
        return Check(
            ACCREDITATION, "could_not_check", f"the trust registry could not be checked: {exc.message}", exc.code
        )
    findings: list[_Finding] = []
    for accreditation in accreditations:
        try:
            findings.append(_assess(accreditation, credential, issued, anchors, verifier))
        except CouldNotVerifyError as exc:
            findings.append(_Finding("unknown", exc.message, exc.code))
        except MeritError as exc:
            findings.append(_Finding("bad", f"a malformed accreditation: {exc.message}", "ACCREDITATION_FORGED"))
    by_kind = {kind: [f for f in findings if f.kind == kind] for kind in ("good", "unknown", "bad", "outside")}
    if by_kind["good"]:
        good = by_kind["good"][0]
        return Check(ACCREDITATION, "passed", good.message, details={"accredited": True, **good.details})
    if by_kind["unknown"]:
        unknown = by_kind["unknown"][0]
        return Check(ACCREDITATION, "could_not_check", unknown.message, unknown.code)
    if by_kind["bad"]:
        bad = min(by_kind["bad"], key=lambda f: f.rank)
        return Check(ACCREDITATION, "failed", bad.message, bad.code, {"accredited": False, **bad.details})
    if by_kind["outside"]:
        outside = min(by_kind["outside"], key=lambda f: f.rank)
        return Check(ACCREDITATION, "warning", outside.message, outside.code, {"accredited": True, **outside.details})
    strangers = sorted({f.details["a"] for f in findings if f.kind == "untrusted"})
    if strangers:
        message = f"issuer not accredited by a trusted authority (only by {', '.join(strangers)})"
        return Check(ACCREDITATION, "not_applicable", message, details={"accredited": False, "authorities": strangers})
    return Check(ACCREDITATION, "not_applicable", "issuer not accredited", details={"accredited": False})
