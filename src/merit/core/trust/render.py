"""Rendering accreditation credentials and trust lists as unsigned W3C VC 2.0 documents.

A registry authority (the root of trust, identified by its DID) accredits an issuer organisation by signing an
accreditation credential whose subject is the issuer's DID, in the manner of the EBSI Trusted Issuers Registry
(https://hub.ebsi.eu/). A trust list bundles the signed accreditations for verifiers that work offline. Both name
only contexts every Open Badges verifier bundles (decision 0011): an accreditation is a VC 2.0 credential in the
Open Badges 3.0 vocabulary (https://www.imsglobal.org/spec/ob/v3p0/; not an ``OpenBadgeCredential``, whose
schema allows one status entry where the registry needs revocation and suspension) whose achievement is a
``QualityAssuranceCredential`` with its scope, body, framework and decision as alignments; a trust list is a VC 2.0
credential (https://www.w3.org/TR/vc-data-model-2.0/) whose ``relatedResource`` entries are the accreditations as
``data:`` URLs with their digests. :mod:`merit.core.trust.claims` reads both, and the first encoding
(``https://purl.org/merit/ns/trust/v1``) too. Signing is :func:`merit.core.issue.sign_credential` with the
authority's key; withdrawal is described in ``docs/decisions/0008-trust-registry.md``.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from merit.core import vc
from merit.core.errors import InvalidError, MalformedValueError
from merit.core.trust import claims
from merit.core.trust.scope import ISCED_IRI, Scope

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
TRUST_CONTEXT = claims.LEGACY_CONTEXT
"""The context of the first encoding: no longer issued, still bundled so that earlier credentials verify."""
ACCREDITATION_TYPE = claims.LEGACY_ACCREDITATION_TYPE
TRUST_LIST_TYPE = claims.TRUST_LIST_TYPE
DECISIONS = ("granted", "renewed", "withdrawn")
_EQF_IRI = "http://data.europa.eu/snb/eqf/"
_ISO_3166 = "https://www.iso.org/obp/ui/#iso:code:3166:"


def _required(value: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MalformedValueError(f"{name} must be a non-empty string")
    return value


def _did(value: str, name: str) -> str:
    if not isinstance(value, str) or not value.startswith("did:"):
        raise MalformedValueError(f"{name} must be a DID, not {value!r}")
    return value


def accreditation_credential(
    *,
    credential_id: str,
    authority: str,
    authority_name: str,
    issuer: str,
    issuer_name: str,
    accrediting_body: str,
    qa_framework: str,
    scope: Scope,
    valid_from: datetime,
    valid_until: datetime | None,
    status_entries: list[dict[str, Any]] | None = None,
    decision: str = "granted",
) -> dict[str, Any]:
    """An unsigned accreditation credential: ``authority`` accredits ``issuer`` for ``scope`` in a period.

    The validity period (``validFrom``/``validUntil``) is the accreditation's. ``decision`` is ``granted`` or
    ``renewed``; a withdrawal is made with :func:`withdrawal`. ``status_entries`` are Bitstring Status List entries
    (https://www.w3.org/TR/vc-bitstring-status-list/) through which the authority revokes this credential.
    """
    if not vc.is_url(credential_id):
        raise MalformedValueError("credential_id must be a URL")
    if decision not in DECISIONS:
        raise MalformedValueError(f"decision must be one of {', '.join(DECISIONS)}")
    if valid_until is not None and valid_until <= valid_from:
        raise MalformedValueError("valid_until must be after valid_from")
    issuer_name = _required(issuer_name, "issuer_name")
    body = _required(accrediting_body, "accrediting_body")
    framework = _required(qa_framework, "qa_framework")
    authority_name = _required(authority_name, "authority_name")
    credential: dict[str, Any] = {
        "@context": [VC2, OB3],
        "id": credential_id,
        "type": ["VerifiableCredential", claims.ACCREDITATION_TYPE],
        "name": f"Accreditation of {issuer_name}",
        "issuer": {"id": _did(authority, "authority"), "type": ["Profile"], "name": authority_name},
        "validFrom": vc.stamp(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = vc.stamp(valid_until)
    credential["credentialSubject"] = {
        "id": _did(issuer, "issuer"),
        "type": ["AchievementSubject"],
        "name": issuer_name,
        "achievement": {
            "id": f"{credential_id}#accreditation" if "#" not in credential_id else f"{credential_id}-accreditation",
            "type": ["Achievement"],
            "achievementType": claims.ACHIEVEMENT_TYPE,
            "name": f"Accredited issuer: {scope.describe()}",
            "description": f"{authority_name} accredits {issuer_name} for {scope.describe()}, "
            f"quality assured by {body} under {framework}.",
            "criteria": {"narrative": f"Accreditation {decision} by {authority_name} under {framework}."},
            "alignment": [*scope_alignments(scope), *_about(body, framework, decision)],
        },
    }
    if status_entries:
        credential["credentialStatus"] = status_entries[0] if len(status_entries) == 1 else list(status_entries)
    return credential


def withdrawal(
    accreditation: dict[str, Any],
    *,
    credential_id: str,
    withdrawn_at: datetime,
    status_entries: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The unsigned credential that records the withdrawal of ``accreditation`` at ``withdrawn_at``.

    It states the same accreditation with ``decision: withdrawn`` and ``validUntil`` set to the withdrawal, so a
    credential issued before it stays covered and one issued after is not. The authority signs it, publishes it
    in place of the original and sets the original's revocation bit, so the original no longer counts.
    """
    replacement = copy.deepcopy(accreditation)
    replacement.pop("proof", None)
    replacement.pop("credentialStatus", None)
    if not vc.is_url(credential_id) or credential_id == accreditation.get("id"):
        raise MalformedValueError("the withdrawal needs a new credential_id (a URL)")
    start, end = vc.validity_window(accreditation, 2)
    if start is not None and withdrawn_at <= start:
        raise InvalidError("an accreditation cannot be withdrawn before it began")
    if end is not None and withdrawn_at >= end:
        raise InvalidError("the accreditation had already ended before the withdrawal")
    replacement["id"] = credential_id
    replacement["validUntil"] = vc.stamp(withdrawn_at)
    if claims.is_legacy(replacement):
        replacement["credentialSubject"]["decision"] = "withdrawn"
    else:
        alignments = replacement["credentialSubject"]["achievement"]["alignment"]
        kept = [a for a in alignments if a.get("targetType") != claims.DECISION]
        replacement["credentialSubject"]["achievement"]["alignment"] = [*kept, _decision("withdrawn")]
        replacement["credentialSubject"]["achievement"]["criteria"] = {
            "narrative": f"Accreditation withdrawn on {vc.stamp(withdrawn_at)[:10]}."
        }
    if status_entries:
        replacement["credentialStatus"] = status_entries[0] if len(status_entries) == 1 else list(status_entries)
    return replacement


def trust_list(
    *,
    list_id: str,
    authority: str,
    authority_name: str,
    accreditations: list[dict[str, Any]],
    valid_from: datetime,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An unsigned trust list credential carrying ``accreditations`` (signed, by ``authority``) for offline use.

    The accreditations are JSON literals (``@type: @json`` in the trust context): the list's signature covers
    their exact JSON, and each keeps its own signature, checked again when the list is read.
    """
    if not vc.is_url(list_id):
        raise MalformedValueError("list_id must be a URL")
    for accreditation in accreditations:
        if "proof" not in accreditation:
            raise MalformedValueError(f"the accreditation {accreditation.get('id')} is not signed")
        if vc.issuer_id(accreditation) != authority:
            raise MalformedValueError(f"the accreditation {accreditation.get('id')} was not issued by {authority}")
    subjects: dict[str, dict[str, Any]] = {}
    for accreditation in accreditations:
        accredited = claims.read_accreditation(accreditation)
        if accredited.issuer is not None:
            subject = {"id": accredited.issuer, **({"name": accredited.issuer_name} if accredited.issuer_name else {})}
            subjects.setdefault(accredited.issuer, subject)
    credential: dict[str, Any] = {
        "@context": [VC2],
        "id": list_id,
        "type": ["VerifiableCredential", TRUST_LIST_TYPE],
        "name": f"Trust list of {_required(authority_name, 'authority_name')}",
        "description": "The issuers this authority accredits; each signed accreditation credential is a data: URL "
        "in relatedResource, with its digest.",
        "issuer": {"id": _did(authority, "authority"), "name": authority_name},
        "validFrom": vc.stamp(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = vc.stamp(valid_until)
    credential["credentialSubject"] = list(subjects.values()) or {"id": authority, "name": authority_name}
    credential["relatedResource"] = [claims.data_url(a) for a in accreditations]
    return credential


def _alignment(kind: str, name: str, url: str, code: str | None = None, framework: str | None = None) -> dict[str, Any]:
    alignment: dict[str, Any] = {"type": ["Alignment"], "targetType": kind, "targetName": name, "targetUrl": url}
    if framework:
        alignment["targetFramework"] = framework
    if code is not None:
        alignment["targetCode"] = code
    return alignment


def scope_alignments(scope: Scope) -> list[dict[str, Any]]:
    """The OB 3.0 alignments that state ``scope`` in an accreditation (decision 0011)."""
    found = []
    for kind, level in ((claims.EQF_MIN, scope.eqf_min), (claims.EQF_MAX, scope.eqf_max)):
        if level is not None:
            found.append(
                _alignment(
                    kind, f"EQF level {level}", f"{_EQF_IRI}{level}", str(level), "European Qualifications Framework"
                )
            )
    for field in scope.isced_fields:
        found.append(_alignment(claims.ISCED_FIELD, f"ISCED-F {field}", ISCED_IRI + field, field, "ISCED-F 2013"))
    for kind in scope.credential_types:
        found.append(_alignment(claims.CREDENTIAL_TYPE, kind, claims.NS + "credentialType", kind))
    for region in scope.regions:
        found.append(_alignment(claims.REGION, region, _ISO_3166 + region.split("-")[0], region, "ISO 3166"))
    for iri in scope.qualifications:
        found.append(_alignment(claims.QUALIFICATION, f"Qualification {iri}", iri))
    return found


def _decision(decision: str) -> dict[str, Any]:
    return _alignment(claims.DECISION, decision, claims.NS + decision, decision)


def _about(body: str, framework: str, decision: str) -> list[dict[str, Any]]:
    return [
        _alignment(claims.ACCREDITING_BODY, body, claims.NS + "accreditingBody"),
        _alignment(claims.QA_FRAMEWORK, framework, claims.NS + "qualityAssuranceFramework"),
        _decision(decision),
    ]
