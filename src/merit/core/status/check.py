"""Checking a credential's status entries (https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm).

Fetching and verifying the status list credential are the caller's (both are passed in). A list that could not
be fetched gives "could not check", never "valid"; a set revocation bit gives "revoked", never "verified".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import rfc8785

from merit.core.errors import (
    CouldNotVerifyError,
    InvalidError,
    MalformedValueError,
    MeritError,
    StatusVerificationError,
)
from merit.core.status.bitstring import MIN_ENTRIES, StatusList
from merit.core.vc import issuer_id, parse_datetime

State = Literal["valid", "revoked", "suspended", "flagged", "could_not_check", "invalid"]
_ENTRY_TYPES = {
    "BitstringStatusListEntry": ("BitstringStatusListCredential", "BitstringStatusList"),
    "StatusList2021Entry": ("StatusList2021Credential", "StatusList2021"),
}
_INDEX = re.compile(r"^(0|[1-9][0-9]*)$")


@dataclass(frozen=True)
class StatusResult:
    """The status of one entry, with a one-line reason and the hash of the list it was read from."""

    purpose: str
    state: State
    reason: str
    index: int | None = None
    list_url: str | None = None
    list_sha256: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "state": self.state,
            "reason": self.reason,
            "index": self.index,
            "statusListCredential": self.list_url,
            "statusListSha256": self.list_sha256,
        }


def _index(value: Any) -> int:
    if isinstance(value, bool):
        raise MalformedValueError("statusListIndex must be a non-negative integer")
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and _INDEX.match(value):
        return int(value)
    raise MalformedValueError("statusListIndex must be a non-negative integer written in base 10")


def _size(entry: dict[str, Any]) -> int:
    """The entry's ``statusSize`` (bits per entry; 1 when absent), Bitstring Status List v1.0 §2.1."""
    size = entry.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 16:
        raise MalformedValueError("statusSize must be an integer from 1 to 16")
    return size


def _messages(entry: dict[str, Any], size: int) -> dict[int, str]:
    """The entry's ``statusMessage`` by status value; required, one per possible value, when ``statusSize`` > 1."""
    given = entry.get("statusMessage")
    if given is None and size == 1:
        return {}
    if not isinstance(given, list) or (size > 1 and len(given) != 2**size):
        raise MalformedValueError(f"statusMessage must list the {2**size} values of a {size}-bit status")
    messages: dict[int, str] = {}
    for item in given:
        status = item.get("status") if isinstance(item, dict) else None
        if not isinstance(status, str) or not re.fullmatch(r"0x[0-9a-fA-F]+", status):
            raise MalformedValueError("each statusMessage needs a status written as a hexadecimal string")
        messages[int(status, 16)] = str(item.get("message", ""))
    return messages


def _check_entry(
    credential: dict[str, Any],
    entry: dict[str, Any],
    fetch_list: Callable[[str], dict[str, Any]],
    verify_list: Callable[[dict[str, Any]], None],
    now: datetime,
    skew: timedelta,
) -> StatusResult:
    purpose = str(entry.get("statusPurpose", "unknown"))
    kind = entry.get("type")
    if kind not in _ENTRY_TYPES:
        return StatusResult(purpose, "could_not_check", f"the status entry type {kind!r} is not supported")
    index = _index(entry.get("statusListIndex"))
    size = _size(entry)
    messages = _messages(entry, size)
    url = entry.get("statusListCredential")
    if not isinstance(url, str) or not url:
        raise MalformedValueError("statusListCredential must be a URL")
    try:
        list_credential = fetch_list(url)
    except InvalidError:
        raise
    except MeritError as exc:
        return StatusResult(purpose, "could_not_check", exc.message, index, url)
    except Exception as exc:
        return StatusResult(purpose, "could_not_check", f"could not fetch the status list {url}: {exc}", index, url)
    digest = hashlib.sha256(rfc8785.dumps(list_credential)).hexdigest()
    try:
        verify_list(list_credential)
    except CouldNotVerifyError as exc:
        return StatusResult(purpose, "could_not_check", exc.message, index, url, digest)
    credential_type, subject_type = _ENTRY_TYPES[kind]
    types = list_credential.get("type", [])
    if credential_type not in (types if isinstance(types, list) else [types]):
        raise StatusVerificationError(f"the list at {url} is not a {credential_type}")
    if list_credential.get("id", url) != url:
        raise StatusVerificationError(f"the list at {url} says its id is {list_credential.get('id')}")
    if issuer_id(list_credential) != issuer_id(credential):
        raise StatusVerificationError(f"the status list at {url} was not issued by the credential's issuer")
    for name, late in (("validFrom", False), ("validUntil", True)):
        if name in list_credential:
            moment = parse_datetime(list_credential[name], name)
            if (now - skew > moment) if late else (now + skew < moment):
                raise StatusVerificationError(f"the status list at {url} is not valid now ({name} {moment})")
    subject = list_credential.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != subject_type:
        raise StatusVerificationError(f"the list at {url} has no {subject_type} subject")
    purposes = subject.get("statusPurpose")
    if purpose not in (purposes if isinstance(purposes, list) else [purposes]):
        raise StatusVerificationError(f"the list at {url} is for {purposes}, not {purpose}")
    encoded = subject.get("encodedList")
    if kind == "StatusList2021Entry" and isinstance(encoded, str) and not encoded.startswith("u"):
        bits = StatusList.decode_2021(encoded)
    else:
        # Herd privacy counts entries, not bits: a list of 2-bit entries needs twice the bits (§3.2 step 10).
        bits = StatusList.decode(encoded if isinstance(encoded, str) else "", minimum=MIN_ENTRIES * size)
    value = bits.value(index, size)
    if size > 1:
        # A multi-bit status (the "message" purpose): the issuer's message for the value; 0 is taken as not set.
        said = messages.get(value, "")
        reason = f"{purpose} status {index} is {value:#x}" + (f" ({said})" if said else "")
        if not value:
            return StatusResult(purpose, "valid", reason, index, url, digest)
        state_of: State = {"revocation": "revoked", "suspension": "suspended"}.get(purpose, "flagged")  # type: ignore[assignment]
        return StatusResult(purpose, state_of, reason, index, url, digest)
    if not value:
        return StatusResult(purpose, "valid", f"{purpose} bit {index} is not set", index, url, digest)
    state: State = {"revocation": "revoked", "suspension": "suspended"}.get(purpose, "flagged")  # type: ignore[assignment]
    return StatusResult(purpose, state, f"the credential is {state} ({purpose} bit {index} is set)", index, url, digest)


def check_status(
    credential: dict[str, Any],
    fetch_list: Callable[[str], dict[str, Any]],
    verify_list: Callable[[dict[str, Any]], None],
    now: datetime,
    skew: timedelta = timedelta(minutes=5),
) -> list[StatusResult]:
    """Check every ``credentialStatus`` entry of ``credential``; ``skew`` is the clock difference tolerated."""
    entries = credential.get("credentialStatus", [])
    results = []
    for entry in entries if isinstance(entries, list) else [entries]:
        purpose = str(entry.get("statusPurpose", "unknown")) if isinstance(entry, dict) else "unknown"
        try:
            if not isinstance(entry, dict):
                raise MalformedValueError("a status entry must be an object")
            results.append(_check_entry(credential, entry, fetch_list, verify_list, now, skew))
        except InvalidError as exc:
            results.append(StatusResult(purpose, "invalid", exc.message))
    return results
