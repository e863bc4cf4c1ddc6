"""Bitstring Status List v1.0 (https://www.w3.org/TR/vc-bitstring-status-list/), and reading StatusList2021.

A status list is a bitstring, GZIP-compressed and encoded as multibase base64url without padding. Index 0 is
the most significant bit of the first byte. Lists hold at least 131,072 entries (16 KiB) so that one
credential's entry hides among many ("herd privacy"), and indexes are allocated at random.
"""

from __future__ import annotations

import base64
import gzip
import secrets
import zlib
from collections.abc import Collection, Sequence
from typing import Any

from merit.core import multibase as mb
from merit.core.errors import MalformedValueError, RangeError, StatusListLengthError

MIN_ENTRIES = 131_072
MAX_DECODED_BYTES = 16 * 1024 * 1024
"""The largest decompressed list accepted (128 Mi entries): a guard against decompression bombs."""
PURPOSES = ("revocation", "suspension", "refresh", "message")


def _gunzip(data: bytes) -> bytes:
    try:
        decompressor = zlib.decompressobj(wbits=31)
        raw = decompressor.decompress(data, MAX_DECODED_BYTES + 1)
    except zlib.error as exc:
        raise MalformedValueError(f"the status list is not valid GZIP: {exc}") from exc
    if len(raw) > MAX_DECODED_BYTES or decompressor.unconsumed_tail:
        raise RangeError("the status list decompresses to more than 16 MiB")
    return raw


class StatusList:
    """A mutable bitstring of credential statuses."""

    def __init__(self, size: int = MIN_ENTRIES, data: bytes | None = None) -> None:
        if size < MIN_ENTRIES or size % 8:
            raise StatusListLengthError(f"a status list needs at least {MIN_ENTRIES} entries, in whole bytes")
        self.size = size
        self._bits = bytearray(data if data is not None else size // 8)

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.size:
            raise StatusListLengthError(f"index {index} is outside the list of {self.size} entries")
        return index // 8, 7 - index % 8

    def get(self, index: int) -> bool:
        byte, bit = self._locate(index)
        return bool(self._bits[byte] >> bit & 1)

    def set(self, index: int, value: bool = True) -> None:
        byte, bit = self._locate(index)
        if value:
            self._bits[byte] |= 1 << bit
        else:
            self._bits[byte] &= ~(1 << bit) & 0xFF

    def clear(self, index: int) -> None:
        self.set(index, False)

    def value(self, index: int, size: int = 1) -> int:
        """The status of entry ``index`` when each entry has ``size`` bits (``statusSize``): bits ``index * size``
        to ``index * size + size - 1``, the first the most significant."""
        if size < 1:
            raise MalformedValueError("statusSize must be a positive integer")
        if not 0 <= index < self.size // size:
            raise StatusListLengthError(f"index {index} is outside the list of {self.size // size} entries")
        found = 0
        for position in range(index * size, index * size + size):
            found = found << 1 | self.get(position)
        return found

    def to_bytes(self) -> bytes:
        """The raw bitstring (for storage)."""
        return bytes(self._bits)

    def encode(self) -> str:
        """The ``encodedList`` value: multibase base64url (no padding) of the GZIP of the bitstring."""
        return mb.encode_base64url(gzip.compress(bytes(self._bits), mtime=0))

    @classmethod
    def decode(cls, encoded: str, minimum: int = MIN_ENTRIES) -> StatusList:
        """Read an ``encodedList`` (Bitstring Status List form, ``u`` prefix)."""
        raw = _gunzip(mb.decode_base64url(encoded))
        if len(raw) * 8 < minimum:
            raise StatusListLengthError(f"the status list has {len(raw) * 8} entries; at least {minimum} are required")
        return cls(len(raw) * 8, raw)

    @classmethod
    def decode_2021(cls, encoded: str) -> StatusList:
        """Read a StatusList2021 ``encodedList`` (base64url, no multibase prefix, padding optional)."""
        if not isinstance(encoded, str):
            raise MalformedValueError("encodedList must be a string")
        try:
            data = base64.urlsafe_b64decode(encoded.rstrip("=") + "=" * (-len(encoded.rstrip("=")) % 4))
        except ValueError as exc:
            raise MalformedValueError(f"invalid base64url status list: {exc}") from exc
        raw = _gunzip(data)
        if len(raw) * 8 < MIN_ENTRIES:
            raise StatusListLengthError(
                f"the status list has {len(raw) * 8} entries; at least {MIN_ENTRIES} are required"
            )
        return cls(len(raw) * 8, raw)

    def allocate(self, taken: Collection[int]) -> int:
        """A random free index (not in ``taken``); raises when the list is full."""
        if len(taken) >= self.size:
            raise StatusListLengthError("the status list is full")
        while True:
            index = secrets.randbelow(self.size)
            if index not in taken:
                return index


def status_list_credential(
    list_id: str, issuer: str, purpose: str, status_list: StatusList, valid_from: str, valid_until: str | None = None
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` for ``status_list``; the caller signs it."""
    if purpose not in PURPOSES:
        raise MalformedValueError(f"statusPurpose must be one of {', '.join(PURPOSES)}")
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
    }
    if valid_until is not None:
        credential["validUntil"] = valid_until
    credential["credentialSubject"] = {
        "id": f"{list_id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": status_list.encode(),
    }
    return credential


def status_entry(list_url: str, index: int, purpose: str = "revocation") -> dict[str, Any]:
    """A ``BitstringStatusListEntry`` pointing at ``index`` of the list credential at ``list_url``."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def credential_status(entries: Sequence[dict[str, Any]]) -> dict[str, Any] | list[dict[str, Any]]:
    """The ``credentialStatus`` value for ``entries``: one entry as an object, several as an array (VC 2.0 §4.10
    allows both). Merit gives every credential it issues, Open Badges 3.0 ones included, a revocation and a
    suspension entry (``docs/decisions/0017-open-badges-suspension.md``)."""
    if not entries:
        raise MalformedValueError("a credential status needs at least one entry")
    purposes = [entry.get("statusPurpose") for entry in entries]
    if len(set(purposes)) != len(purposes):
        raise MalformedValueError("each status purpose may appear only once in a credential")
    return dict(entries[0]) if len(entries) == 1 else [dict(entry) for entry in entries]
