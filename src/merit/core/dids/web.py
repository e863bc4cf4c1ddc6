"""The did:web method (https://w3c-ccg.github.io/did-method-web/): DID to URL, and Merit's published document."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from merit.core.errors import InvalidDidError
from merit.core.keys import SigningKey

_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(%3a[0-9]{1,5})?")
_SEGMENT = re.compile(r"[A-Za-z0-9._~-]+|(%[0-9A-Fa-f]{2}|[A-Za-z0-9._~-])+")


def did_web_url(did: str) -> str:
    """The HTTPS URL of a ``did:web`` DID's document.

    Only the port's colon (``%3A``) is decoded; path segments stay percent-encoded and may not be ``.`` or ``..``,
    so a DID can name neither another host nor a path outside its own.
    """
    if not did.startswith("did:web:"):
        raise InvalidDidError(f"{did!r} is not a did:web DID")
    host, *path = did.removeprefix("did:web:").split(":")
    host = host.lower()
    if not _HOST.fullmatch(host):
        raise InvalidDidError(f"{did!r} has an invalid host")
    if "%3a" in host and not 0 < int(host.rsplit("%3a", 1)[1]) < 65536:
        raise InvalidDidError(f"{did!r} has an invalid port")
    if any(not _SEGMENT.fullmatch(part) or unquote(part) in (".", "..") or "%2f" in part.lower() for part in path):
        raise InvalidDidError(f"{did!r} has an invalid path")
    authority = host.replace("%3a", ":")
    return f"https://{authority}/{'/'.join(path)}/did.json" if path else f"https://{authority}/.well-known/did.json"


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
