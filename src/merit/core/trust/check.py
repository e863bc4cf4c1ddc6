"""Checking that a credential's issuer was accredited, for this credential, when it was issued.

The walk is: trust anchor (an authority DID the verifier trusts) → an accreditation credential signed by it,
naming the credential's issuer, valid at the credential's issuance (``validFrom``) and covering it (EQF level,
ISCED-F field, credential type, region) → the issuer DID → the credential's own signature (checked by the
verifier before this check). Accreditations come from a :class:`~merit.core.trust.registry.TrustRegistry`; the
model follows the EBSI Trusted Issuers Registry (https://hub.ebsi.eu/) with W3C VC 2.0 credentials
(https://www.w3.org/TR/vc-data-model-2.0/) revoked through Bitstring Status Lists
(https://www.w3.org/TR/vc-bitstring-status-list/). ``docs/decisions/0008-trust-registry.md`` explains the outcomes:
an issuer without an accreditation from any anchor is ``not_applicable`` ("issuer not accredited"), which does not
make its credentials invalid.
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
from merit.core.trust.claims import is_accreditation, read_accreditation
from merit.core.trust.registry import TrustRegistry
from merit.core.verify.report import ACCREDITATION, VALIDITY, Check

if TYPE_CHECKING:
    from merit.core.verify.verifier import Verifier

_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
Kind = Literal["good", "bad", "unknown", "untrusted"]


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


def _assess(
    accreditation: Any,
    credential: dict[str, Any],
    issued: datetime,
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
    at_issuance = dataclasses.replace(verifier, clock=lambda: issued, trust=None)
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
    start, end = vc.validity_window(accreditation, 2)
    when = _date(issued)
    if start is not None and issued < start:
        return _Finding(
            "bad",
            f"the credential was issued on {when}, before the accreditation began on {_date(start)}",
            "ACCREDITATION_NOT_YET_VALID",
        )
    if end is not None and issued > end:
        verb = "was withdrawn" if read_accreditation(accreditation).decision == "withdrawn" else "expired"
        return _Finding(
            "bad",
            f"the accreditation {verb} on {_date(end)}, before the credential was issued on {when}",
            "ACCREDITATION_WITHDRAWN" if verb == "was withdrawn" else "ACCREDITATION_EXPIRED",
        )
    claims = read_accreditation(accreditation)
    scope = claims.scope
    eqf, fields, kind, region = credential_facts(credential)
    wanted: list[str | None] = list(fields) or [None]
    reasons = [r for isced in wanted for r in scope.covers(eqf, isced, kind, region)]
    if reasons:
        return _Finding(
            "bad",
            f"outside the accreditation's scope: {'; '.join(dict.fromkeys(reasons))}",
            "ACCREDITATION_SCOPE_MISMATCH",
            details={"scope": scope.describe()},
        )
    if "credentialStatus" in accreditation:
        # Revocation is checked now: a revoked accreditation credential has been withdrawn or superseded, and its
        # dated replacement (see merit.core.trust.render.withdrawal) is what still covers earlier credentials.
        status = dataclasses.replace(verifier, trust=None).status_check(accreditation, verifier.clock())
        if status.outcome == "failed":
            return _Finding(
                "bad", f"the accreditation {name} was withdrawn ({status.message})", "ACCREDITATION_WITHDRAWN", rank=1
            )
        if status.outcome == "could_not_check":
            return _Finding(
                "unknown",
                f"the status of the accreditation {name} could not be checked ({status.message})",
                status.code or "STATUS_RETRIEVAL_ERROR",
            )
    period = f"from {_date(start)} to {_date(end)}" if end is not None else f"from {_date(start)}, with no end date"
    if start is None:
        period = f"until {_date(end)}" if end is not None else "with no end date"
    body = claims.accrediting_body or authority
    message = f"Issued by {claims.issuer_name or issuer}, accredited by {body} for {scope.describe()} {period}"
    return _Finding("good", message, details={"accreditation": name, "authority": authority, "scope": scope.to_json()})


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
    reached (an accreditation that might still pass), ``failed`` with the rule broken (forged, expired or
    withdrawn before issuance, issued before it began, outside its scope, for another issuer), and
    ``not_applicable`` with ``details["accredited"] = False`` when no anchor accredits the issuer at all.
    """
    issuer = vc.issuer_id(credential)
    issued = issued_at(credential)
    if issued is None:
        return Check(
            ACCREDITATION,
            "could_not_check",
            "the credential states no issuance date (validFrom), so its "
            "issuer's accreditation at issuance cannot be checked",
            "ACCREDITATION_UNCHECKED",
        )
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
    by_kind = {kind: [f for f in findings if f.kind == kind] for kind in ("good", "unknown", "bad", "untrusted")}
    if by_kind["good"]:
        good = by_kind["good"][0]
        return Check(ACCREDITATION, "passed", good.message, details={"accredited": True, **good.details})
    if by_kind["unknown"]:
        unknown = by_kind["unknown"][0]
        return Check(ACCREDITATION, "could_not_check", unknown.message, unknown.code)
    if by_kind["bad"]:
        bad = min(by_kind["bad"], key=lambda f: f.rank)
        return Check(ACCREDITATION, "failed", bad.message, bad.code, {"accredited": False, **bad.details})
    strangers = sorted({f.details["a"] for f in by_kind["untrusted"]})
    if strangers:
        message = f"issuer not accredited by a trusted authority (only by {', '.join(strangers)})"
        return Check(ACCREDITATION, "not_applicable", message, details={"accredited": False, "authorities": strangers})
    return Check(ACCREDITATION, "not_applicable", "issuer not accredited", details={"accredited": False})
