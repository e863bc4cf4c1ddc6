"""Multibase and multicodec encodings used by Multikey, Data Integrity proofs and status lists.

https://www.w3.org/TR/cid-1.0/#multibase-0 and https://github.com/multiformats/multicodec .
"""

from __future__ import annotations

import base64
import re

import base58

from merit.core.errors import MalformedValueError

# Multicodec headers (unsigned varints) for the key types Merit handles.
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"
P256_PUB = b"\x80\x24"
P256_PRIV = b"\x86\x26"
P384_PUB = b"\x81\x24"
P384_PRIV = b"\x87\x26"

# Strict alphabets: the libraries would otherwise skip white space or accept the other base64 alphabet, letting
# a changed value decode to the same bytes (a signature with a space appended would still verify).
_BASE58BTC = re.compile(r"z[1-9A-HJ-NP-Za-km-z]+")
_BASE64URL = re.compile(r"u[A-Za-z0-9_-]*")


def encode_base58btc(data: bytes) -> str:
    """Return ``data`` as multibase base58btc (prefix ``z``)."""
    return "z" + base58.b58encode(data).decode("ascii")


def decode_base58btc(value: str) -> bytes:
    """Decode a multibase base58btc string; any other base is refused."""
    if not isinstance(value, str) or not _BASE58BTC.fullmatch(value):
        raise MalformedValueError("expected a multibase base58btc value ('z' and base58 characters only)")
    try:
        return bytes(base58.b58decode(value[1:]))
    except ValueError as exc:
        raise MalformedValueError(f"invalid base58btc value: {exc}") from exc


def encode_base64url(data: bytes) -> str:
    """Return ``data`` as multibase base64url without padding (prefix ``u``)."""
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(value: str) -> bytes:
    """Decode a multibase base64url (no padding) string; any other base is refused."""
    if not isinstance(value, str) or not _BASE64URL.fullmatch(value):
        raise MalformedValueError("expected a multibase base64url value ('u' and base64url characters, no padding)")
    body = value[1:]
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True)
    except ValueError as exc:
        raise MalformedValueError(f"invalid base64url value: {exc}") from exc
