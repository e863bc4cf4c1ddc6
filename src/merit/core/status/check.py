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
from merit.core.status.bitstring import StatusList
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
        bits = StatusList.decode(encoded if isinstance(encoded, str) else "")
    if not bits.get(index):
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
