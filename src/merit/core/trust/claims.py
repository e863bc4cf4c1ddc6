"""What an accreditation credential or a trust list says, read from either of Merit's encodings.

Decision 0011 (``docs/decisions/0011-standard-vocabularies.md``): an accreditation is a VC 2.0 credential in the
Open Badges 3.0 vocabulary (type ``https://purl.org/merit/ns/trust#AccreditationCredential``) whose subject
(``AchievementSubject``, id = the accredited issuer's DID) holds an ``Achievement`` of ``achievementType``
``QualityAssuranceCredential``; its scope, accrediting body, framework and decision are ``alignment`` entries. A
trust list is a VC 2.0 credential carrying each signed accreditation as a ``data:`` URL in ``relatedResource``,
with its digest. Credentials issued before (Merit's ``trust/v1`` context: ``AccreditationCredential`` with
``accreditedFor``, ``TrustListCredential`` with ``trustedIssuer``) are read too.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

from merit.core import related
from merit.core.errors import MalformedValueError, MeritError
from merit.core.trust.scope import ISCED_IRI, Scope, check_eqf, strings
from merit.core.vc import as_list
from merit.core.verify import parsing

LEGACY_CONTEXT = "https://purl.org/merit/ns/trust/v1"
NS = "https://purl.org/merit/ns/trust#"
LEGACY_ACCREDITATION_TYPE = "AccreditationCredential"
LEGACY_TRUST_LIST_TYPE = "TrustListCredential"
TRUST_LIST_TYPE = NS + "TrustListCredential"
ACCREDITATION_TYPE = NS + "AccreditationCredential"
ACHIEVEMENT_TYPE = "QualityAssuranceCredential"
MEDIA_TYPE = "application/vc+ld+json"

# Alignment target types of an accreditation's achievement.
EQF_MIN = "ext:EQFMin"
EQF_MAX = "ext:EQFMax"
ISCED_FIELD = "ext:ISCEDField"
CREDENTIAL_TYPE = "ext:CredentialType"
REGION = "ext:Region"
ACCREDITING_BODY = "ext:AccreditingBody"
QA_FRAMEWORK = "ext:QualityAssuranceFramework"
DECISION = "ext:AccreditationDecision"
QUALIFICATION = "ext:Qualification"
"""A qualification the accredited institution may award: ``targetUrl`` is its register IRI (decision 0028)."""


def _subject(credential: dict[str, Any]) -> dict[str, Any]:
    subject = credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and len(subject) == 1 else subject
    return subject if isinstance(subject, dict) else {}


def _achievement(credential: dict[str, Any]) -> dict[str, Any]:
    achievement = _subject(credential).get("achievement")
    return achievement if isinstance(achievement, dict) else {}


def is_legacy(credential: dict[str, Any]) -> bool:
    return LEGACY_CONTEXT in as_list(credential.get("@context"))


def is_accreditation(credential: Any) -> bool:
    """Whether ``credential`` says it is an accreditation credential (in either encoding)."""
    if not isinstance(credential, dict):
        return False
    types = as_list(credential.get("type"))
    if is_legacy(credential):
        return LEGACY_ACCREDITATION_TYPE in types
    return ACCREDITATION_TYPE in types and _achievement(credential).get("achievementType") == ACHIEVEMENT_TYPE


def is_trust_list(credential: Any) -> bool:
    """Whether ``credential`` says it is a trust list (in either encoding)."""
    if not isinstance(credential, dict):
        return False
    types = as_list(credential.get("type"))
    return TRUST_LIST_TYPE in types or (is_legacy(credential) and LEGACY_TRUST_LIST_TYPE in types)


@dataclass(frozen=True)
class Accreditation:
    """The claims of one accreditation credential."""

    issuer: str | None
    issuer_name: str | None
    accrediting_body: str | None
    qa_framework: str | None
    decision: str | None
    scope: Scope


def _alignments(credential: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for alignment in as_list(_achievement(credential).get("alignment")):
        if isinstance(alignment, dict) and isinstance(alignment.get("targetType"), str):
            found.setdefault(alignment["targetType"], []).append(alignment)
    return found


def _codes(alignments: list[dict[str, Any]], name: str) -> tuple[str, ...]:
    return strings([a.get("targetCode") for a in alignments], name)


def _level(alignments: list[dict[str, Any]], name: str) -> int | None:
    if not alignments:
        return None
    code = alignments[0].get("targetCode")
    if not isinstance(code, str) or not code.isdigit():
        raise MalformedValueError(f"the accreditation's {name} must be an EQF level from 1 to 8")
    return check_eqf(int(code), name)


def read_accreditation(credential: dict[str, Any]) -> Accreditation:
    """The claims of an accreditation credential; raises :class:`MalformedValueError` when its scope is malformed."""
    subject = _subject(credential)
    issuer = subject.get("id") if isinstance(subject.get("id"), str) else None
    name = subject.get("name") if isinstance(subject.get("name"), str) else None
    if is_legacy(credential):
        scope = subject.get("accreditedFor")
        if not isinstance(scope, dict):
            raise MalformedValueError("the accreditation credential has no accreditedFor scope")
        return Accreditation(
            issuer,
            name,
            subject.get("accreditingBody") if isinstance(subject.get("accreditingBody"), str) else None,
            subject.get("qualityAssuranceFramework")
            if isinstance(subject.get("qualityAssuranceFramework"), str)
            else None,
            subject.get("decision") if isinstance(subject.get("decision"), str) else None,
            Scope(
                eqf_min=check_eqf(scope.get("eqfMin"), "accreditedFor.eqfMin"),
                eqf_max=check_eqf(scope.get("eqfMax"), "accreditedFor.eqfMax"),
                isced_fields=strings(scope.get("iscedField"), "accreditedFor.iscedField"),
                credential_types=strings(scope.get("credentialType"), "accreditedFor.credentialType"),
                regions=strings(scope.get("region"), "accreditedFor.region"),
                qualifications=strings(scope.get("qualification"), "accreditedFor.qualification"),
            ),
        )
    if not is_accreditation(credential):
        raise MalformedValueError("the credential is not an accreditation (no QualityAssuranceCredential achievement)")
    by_type = _alignments(credential)

    def name_of(kind: str) -> str | None:
        value = by_type.get(kind, [{}])[0].get("targetName")
        return value if isinstance(value, str) else None

    decision = by_type.get(DECISION, [{}])[0].get("targetCode")
    return Accreditation(
        issuer,
        name,
        name_of(ACCREDITING_BODY),
        name_of(QA_FRAMEWORK),
        decision if isinstance(decision, str) else None,
        Scope(
            eqf_min=_level(by_type.get(EQF_MIN, []), "lowest EQF level"),
            eqf_max=_level(by_type.get(EQF_MAX, []), "highest EQF level"),
            isced_fields=_codes(by_type.get(ISCED_FIELD, []), "ISCED-F field"),
            credential_types=_codes(by_type.get(CREDENTIAL_TYPE, []), "credential type"),
            regions=_codes(by_type.get(REGION, []), "region"),
            qualifications=strings([a.get("targetUrl") for a in by_type.get(QUALIFICATION, [])], "qualification"),
        ),
    )


def data_url(document: dict[str, Any]) -> dict[str, Any]:
    """A ``relatedResource`` entry carrying ``document`` (a signed credential) as a ``data:`` URL, with the
    SHA-384 digest (``digestSRI``) of the exact bytes it holds."""
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    digest = base64.b64encode(hashlib.sha384(raw).digest()).decode("ascii")
    return {
        "id": f"data:{MEDIA_TYPE};base64,{base64.b64encode(raw).decode('ascii')}",
        "mediaType": MEDIA_TYPE,
        "digestSRI": f"sha384-{digest}",
    }


def _decode(resource: dict[str, Any]) -> dict[str, Any]:
    url = resource.get("id")
    if not isinstance(url, str) or not url.startswith("data:") or "," not in url:
        raise MalformedValueError("a trust list entry is not a data: URL")
    header, payload = url[5:].split(",", 1)
    try:
        raw = base64.b64decode(payload, validate=True) if header.endswith(";base64") else unquote_to_bytes(payload)
    except (binascii.Error, ValueError) as exc:
        raise MalformedValueError("a trust list entry is not valid base64") from exc
    if "digestSRI" not in resource:
        raise MalformedValueError("a trust list entry has no digestSRI")
    if not related.matches(resource, raw):  # A malformed digest raises there.
        raise MalformedValueError("a trust list entry does not match its digest")
    try:
        document = parsing.parse_json(raw)
    except MeritError as exc:
        raise MalformedValueError(f"a trust list entry is not a credential: {exc.message}") from exc
    if not isinstance(document, dict):
        raise MalformedValueError("a trust list entry is not a JSON object")
    return document


def trust_list_entries(credential: dict[str, Any]) -> list[dict[str, Any]]:
    """The signed accreditations a trust list carries; raises :class:`MalformedValueError` for a malformed one."""
    if is_legacy(credential):
        entries = _subject(credential).get("trustedIssuer")
        if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
            raise MalformedValueError("the trust list's trustedIssuer must be a list of accreditation credentials")
        return entries
    resources = credential.get("relatedResource")
    if not isinstance(resources, list) or not all(isinstance(r, dict) for r in resources):
        raise MalformedValueError("the trust list's relatedResource must be a list of data: URLs")
    return [_decode(resource) for resource in resources]


__all__ = [
    "ACHIEVEMENT_TYPE",
    "ISCED_IRI",
    "TRUST_LIST_TYPE",
    "Accreditation",
    "data_url",
    "is_accreditation",
    "is_trust_list",
    "read_accreditation",
    "trust_list_entries",
]
