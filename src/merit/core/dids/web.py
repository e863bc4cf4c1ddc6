"""The did:web method (https://w3c-ccg.github.io/did-method-web/): DID to URL, and Merit's published document."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from merit.core.errors import InvalidDidError
from merit.core.keys import SigningKey

_SEGMENT = re.compile(r"^[A-Za-z0-9._~%-]+$")


def did_web_url(did: str) -> str:
    """The HTTPS URL of a ``did:web`` DID's document."""
    if not did.startswith("did:web:"):
        raise InvalidDidError(f"{did!r} is not a did:web DID")
    parts = did.removeprefix("did:web:").split(":")
    if not parts or not all(_SEGMENT.match(part) for part in parts):
        raise InvalidDidError(f"{did!r} is not a valid did:web DID")
    host = unquote(parts[0])
    if "/" in host or "@" in host or not host:
        raise InvalidDidError(f"{did!r} has an invalid host")
    path = "/".join(unquote(part) for part in parts[1:])
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


def did_web_document(did: str, keys: list[SigningKey]) -> dict[str, Any]:
    """The DID document Merit publishes for an organisation: every key may assert and authenticate."""
    did_web_url(did)
    methods = [key.public_multikey() for key in keys]
    ids = [method["id"] for method in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }
