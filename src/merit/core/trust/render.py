"""Rendering accreditation credentials and trust lists as unsigned W3C VC 2.0 documents.

A registry authority (the root of trust, identified by its DID) accredits an issuer organisation by signing an
``AccreditationCredential`` whose subject is the issuer's DID, in the manner of the EBSI Trusted Issuers Registry
(https://hub.ebsi.eu/). A ``TrustListCredential`` bundles the signed accreditations for verifiers that work
offline. Both use the VC 2.0 context (https://www.w3.org/TR/vc-data-model-2.0/) and Merit's trust context
(``https://purl.org/merit/ns/trust/v1``, bundled). Signing is :func:`merit.core.issue.sign_credential` with the
authority's key; withdrawal is described in ``docs/decisions/0008-trust-registry.md``.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from merit.core import vc
from merit.core.errors import InvalidError, MalformedValueError
from merit.core.trust.scope import Scope

VC2 = "https://www.w3.org/ns/credentials/v2"
TRUST_CONTEXT = "https://purl.org/merit/ns/trust/v1"
ACCREDITATION_TYPE = "AccreditationCredential"
TRUST_LIST_TYPE = "TrustListCredential"
DECISIONS = ("granted", "renewed", "withdrawn")


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
    credential: dict[str, Any] = {
        "@context": [VC2, TRUST_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", ACCREDITATION_TYPE],
        "name": f"Accreditation of {_required(issuer_name, 'issuer_name')}",
        "issuer": {"id": _did(authority, "authority"), "name": _required(authority_name, "authority_name")},
        "validFrom": vc.stamp(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = vc.stamp(valid_until)
    credential["credentialSubject"] = {
        "id": _did(issuer, "issuer"),
        "type": "Accreditation",
        "name": issuer_name,
        "accreditingBody": _required(accrediting_body, "accrediting_body"),
        "qualityAssuranceFramework": _required(qa_framework, "qa_framework"),
        "accreditedFor": scope.to_json(),
        "decision": decision,
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
    replacement["credentialSubject"]["decision"] = "withdrawn"
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
    credential: dict[str, Any] = {
        "@context": [VC2, TRUST_CONTEXT],
        "id": list_id,
        "type": ["VerifiableCredential", TRUST_LIST_TYPE],
        "name": f"Trust list of {_required(authority_name, 'authority_name')}",
        "issuer": {"id": _did(authority, "authority"), "name": authority_name},
        "validFrom": vc.stamp(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = vc.stamp(valid_until)
    credential["credentialSubject"] = {"type": "TrustList", "trustedIssuer": [copy.deepcopy(a) for a in accreditations]}
    return credential
