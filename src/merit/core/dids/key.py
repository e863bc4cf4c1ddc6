"""The did:key method (https://w3c-ccg.github.io/did-key-spec/) for Ed25519, P-256 and P-384 Multikeys."""

from __future__ import annotations

from typing import Any

from merit.core.errors import InvalidDidError, MalformedValueError
from merit.core.keys import PublicKey

RELATIONSHIPS = ("assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation")


def resolve_did_key(did: str) -> dict[str, Any]:
    """Return the DID document of a ``did:key`` DID, built locally (nothing is fetched)."""
    if not did.startswith("did:key:"):
        raise InvalidDidError(f"{did!r} is not a did:key DID")
    value = did.removeprefix("did:key:")
    try:
        key = PublicKey.from_multibase(value)
    except MalformedValueError as exc:
        raise InvalidDidError(f"{did!r} does not hold a supported public key: {exc}") from exc
    method_id = f"{did}#{value}"
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": method_id, "type": "Multikey", "controller": did, "publicKeyMultibase": key.multibase}
        ],
    }
    for relationship in RELATIONSHIPS:
        document[relationship] = [method_id]
    return document
