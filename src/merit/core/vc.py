"""The W3C VC Data Model's structural rules for credentials and presentations.

https://www.w3.org/TR/vc-data-model-2.0/#basic-concepts (and, for credentials still in circulation,
https://www.w3.org/TR/vc-data-model-1.1/). Each function raises :class:`MalformedValueError` with a one-line reason.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from merit.core import related
from merit.core.errors import MalformedValueError

VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")
_DATETIME_STAMP = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def is_url(value: Any) -> bool:
    """True for an absolute URL (any scheme, no whitespace)."""
    return isinstance(value, str) and bool(_URL.match(value))


def stamp(moment: datetime) -> str:
    """``moment`` as an XML Schema dateTimeStamp in UTC with second precision (``2026-01-31T12:00:00Z``), the form
    Merit writes everywhere (proofs hash ``created`` exactly as written)."""
    if moment.tzinfo is None:
        raise MalformedValueError("dates must carry a time zone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(value: Any, name: str) -> datetime:
    """Parse an XML Schema dateTimeStamp (a time zone is required)."""
    if not isinstance(value, str) or not _DATETIME_STAMP.match(value):
        raise MalformedValueError(f"{name} must be a date-time with a time zone, such as 2026-01-31T12:00:00Z")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedValueError(f"{name} is not a valid date-time: {exc}") from exc


def _types(document: dict[str, Any]) -> list[Any]:
    value = document.get("type")
    return value if isinstance(value, list) else [value]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def as_list(value: Any) -> list[Any]:
    """``value`` as a list: JSON-LD allows one value or an array of them almost everywhere; absent (``None``) is
    none. (The structural checks keep ``None`` as a value, to refuse it: :func:`_as_list`.)"""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def context_version(document: dict[str, Any]) -> int:
    """1 or 2, after the first ``@context`` entry; anything else is malformed."""
    context = document.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    if first == VC2:
        return 2
    if first == VC1:
        return 1
    raise MalformedValueError(f"@context must start with {VC2}")


def issuer_id(document: dict[str, Any]) -> str:
    """The issuer's identifier (``issuer`` or ``issuer.id``)."""
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not is_url(value):
        raise MalformedValueError("issuer must be a URL or an object whose id is a URL")
    return str(value)


def check_credential(document: dict[str, Any]) -> int:
    """Check a credential's structure; return its data model version (1 or 2)."""
    version = context_version(document)
    if "VerifiableCredential" not in _types(document):
        raise MalformedValueError("type must include VerifiableCredential")
    if "id" in document and not is_url(document["id"]):
        raise MalformedValueError("id must be a URL")
    issuer_id(document)
    subjects = _as_list(document.get("credentialSubject"))
    if not subjects or not all(isinstance(subject, dict) and subject for subject in subjects):
        raise MalformedValueError("credentialSubject must be a non-empty object or a list of them")
    if version == 2:
        for name in ("validFrom", "validUntil"):
            if name in document:
                parse_datetime(document[name], name)
    else:
        parse_datetime(document.get("issuanceDate"), "issuanceDate")
        if "expirationDate" in document:
            parse_datetime(document["expirationDate"], "expirationDate")
    _check_typed_entries(document)
    if "relatedResource" in document:
        related.check(document["relatedResource"], is_url)
    return version


_TYPED = ("credentialStatus", "credentialSchema", "termsOfUse", "evidence", "refreshService")
"""The properties whose every entry must be an object with a type (VC 2.0 §4.5 and the sections of each)."""


def _has_type(entry: Any) -> bool:
    value = entry.get("type")
    items = value if isinstance(value, list) else [value]
    return bool(items) and all(isinstance(item, str) and item for item in items)


def _check_typed_entries(document: dict[str, Any]) -> None:
    for name in _TYPED:
        for entry in _as_list(document.get(name, [])):
            if not isinstance(entry, dict) or not _has_type(entry):
                raise MalformedValueError(f"each {name} entry must be an object with a type")
    for entry in _as_list(document.get("credentialSchema", [])):
        if not is_url(entry.get("id")):
            raise MalformedValueError("each credentialSchema entry must have an id that is a URL (VC 2.0 §4.11)")


def check_presentation(document: dict[str, Any]) -> int:
    """Check a presentation's structure; return its data model version (1 or 2)."""
    version = context_version(document)
    if "VerifiablePresentation" not in _types(document):
        raise MalformedValueError("type must include VerifiablePresentation")
    holder = document.get("holder")
    if holder is not None and not is_url(holder.get("id") if isinstance(holder, dict) else holder):
        raise MalformedValueError("holder must be a URL or an object whose id is a URL")
    for credential in _as_list(document.get("verifiableCredential", [])):
        if not isinstance(credential, dict):
            raise MalformedValueError("each verifiableCredential must be an embedded credential object")
    return version


def validity_window(document: dict[str, Any], version: int) -> tuple[datetime | None, datetime | None]:
    """The credential's (valid from, valid until), either of which may be absent."""
    start_name, end_name = ("validFrom", "validUntil") if version == 2 else ("issuanceDate", "expirationDate")
    start = parse_datetime(document[start_name], start_name) if start_name in document else None
    end = parse_datetime(document[end_name], end_name) if end_name in document else None
    return start, end


def claims_open_badge(document: dict[str, Any]) -> bool:
    """True when the credential says it is an Open Badges 3.0 credential."""
    types = _types(document)
    return "OpenBadgeCredential" in types or "AchievementCredential" in types
