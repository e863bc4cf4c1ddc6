"""Related resources (VC 2.0 §5.3, ``relatedResource``): their form, and their digests against retrieved bytes.

https://www.w3.org/TR/vc-data-model-2.0/#integrity-of-related-resources. Each entry is an object with an ``id``
(a URL, unique in the list) and at least one digest: ``digestSRI`` (Subresource Integrity: ``sha256-``,
``sha384-`` or ``sha512-`` and standard base64) or ``digestMultibase`` (a multibase ``u`` or ``z`` value of a
SHA-2 digest, raw or as a multihash). The specification puts the digest check on the verifier that retrieves the
resource; :func:`matches` is that check, for whoever holds the bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from merit.core.errors import MalformedValueError
from merit.core.multibase import decode_base58btc, decode_base64url

_SRI = re.compile(r"^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})$")
_SIZES = {32: "sha256", 48: "sha384", 64: "sha512"}
_MULTIHASH = {0x12: "sha256", 0x20: "sha384", 0x13: "sha512"}


def _sri(value: Any) -> tuple[str, bytes]:
    match = _SRI.match(value) if isinstance(value, str) else None
    if match is None:
        raise MalformedValueError("relatedResource digestSRI must be sha256-, sha384- or sha512- and base64")
    try:
        digest = base64.b64decode(match.group(2), validate=True)
    except binascii.Error as exc:
        raise MalformedValueError(f"relatedResource digestSRI is not valid base64: {exc}") from exc
    if _SIZES.get(len(digest)) != match.group(1):
        raise MalformedValueError(f"relatedResource digestSRI is not a {match.group(1)} digest (wrong length)")
    return match.group(1), digest


def _multibase(value: Any) -> tuple[str, bytes]:
    if not isinstance(value, str) or value[:1] not in ("u", "z"):
        raise MalformedValueError("relatedResource digestMultibase must be a multibase 'u' or 'z' value")
    data = decode_base64url(value) if value[0] == "u" else decode_base58btc(value)
    if len(data) in _SIZES:
        return _SIZES[len(data)], data
    if len(data) > 2 and data[0] in _MULTIHASH and data[1] == len(data) - 2:
        algorithm = _MULTIHASH[data[0]]
        if _SIZES.get(data[1]) == algorithm:
            return algorithm, data[2:]
    raise MalformedValueError("relatedResource digestMultibase is not a SHA-256, SHA-384 or SHA-512 digest")


def digests(entry: dict[str, Any]) -> list[tuple[str, bytes]]:
    """Every (algorithm, digest) an entry states; raises when one is malformed."""
    found = [_sri(value) for value in _as_list(entry["digestSRI"])] if "digestSRI" in entry else []
    if "digestMultibase" in entry:
        found += [_multibase(value) for value in _as_list(entry["digestMultibase"])]
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def check(value: Any, is_url: Any) -> list[dict[str, Any]]:
    """The entries of a ``relatedResource`` value, each well-formed; raises :class:`MalformedValueError`."""
    entries = _as_list(value)
    seen: set[str] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            raise MalformedValueError("each relatedResource entry must be an object with an id and a digest")
        if not is_url(entry.get("id")):
            raise MalformedValueError("each relatedResource entry must have an id that is a URL")
        if entry["id"] in seen:
            raise MalformedValueError(f"relatedResource lists {entry['id']} twice; each id must be unique")
        seen.add(entry["id"])
        if "digestSRI" not in entry and "digestMultibase" not in entry:
            raise MalformedValueError(f"relatedResource {entry['id']} has neither digestSRI nor digestMultibase")
        digests(entry)
    return entries


def matches(entry: dict[str, Any], data: bytes) -> bool:
    """True when every digest the entry states is the digest of ``data`` (the retrieved resource's bytes)."""
    return all(hashlib.new(algorithm, data).digest() == digest for algorithm, digest in digests(entry))


def unchecked(value: Any) -> str:
    """The warning a verifier that does not retrieve the resources gives: their digests are signed but unchecked."""
    count = len(_as_list(value))
    return (
        f"the credential lists {count} related resource(s) with digests that Merit did not check: it does not "
        "retrieve them (a mismatch found by whoever retrieves one makes that resource untrustworthy)"
    )
