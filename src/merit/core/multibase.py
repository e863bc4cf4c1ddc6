"""Multibase and multicodec encodings used by Multikey, Data Integrity proofs and status lists.

https://www.w3.org/TR/cid-1.0/#multibase-0 and https://github.com/multiformats/multicodec .
"""

from __future__ import annotations

import base64
import re

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


_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_DIGITS = {character: value for value, character in enumerate(_ALPHABET)}


def encode_base58btc(data: bytes) -> str:
    """Return ``data`` as multibase base58btc (prefix ``z``): leading zero bytes as ``1``, the rest as a number.

    https://datatracker.ietf.org/doc/html/draft-msporny-base58 ; Python's integers do the arithmetic, which is
    several times faster than the ``base58`` package's digit loop (a signature is decoded in every verification).
    """
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, digit = divmod(number, 58)
        digits.append(_ALPHABET[digit])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "z" + "1" * zeros + "".join(reversed(digits))


def decode_base58btc(value: str) -> bytes:
    """Decode a multibase base58btc string; any other base is refused."""
    if not isinstance(value, str) or not _BASE58BTC.fullmatch(value):
        raise MalformedValueError("expected a multibase base58btc value ('z' and base58 characters only)")
    text = value[1:]
    number = 0
    for character in text:
        number = number * 58 + _DIGITS[character]
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + (number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b"")


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
