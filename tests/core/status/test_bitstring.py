"""Bitstring Status List: encoding, bit order, limits, and checking entries with every outcome."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from typing import Any

import pytest

from merit.core import multibase as mb
from merit.core.errors import MalformedValueError, RangeError, StatusListLengthError, StatusRetrievalError
from merit.core.status import (
    MIN_ENTRIES,
    StatusList,
    check_status,
    credential_status,
    status_entry,
    status_list_credential,
)

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ISSUER = "did:example:issuer"
LIST = "https://status.example/lists/1"
# The example in the Bitstring Status List v1.0 specification: 131,072 entries, none set.
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def test_spec_example_decodes_to_an_empty_list() -> None:
    status = StatusList.decode(SPEC_EMPTY_LIST)
    assert status.size == MIN_ENTRIES
    assert not any(status.get(i) for i in range(0, MIN_ENTRIES, 997))


def test_index_zero_is_the_most_significant_bit_of_the_first_byte() -> None:
    status = StatusList()
    status.set(0)
    status.set(9)
    raw = gzip.decompress(mb.decode_base64url(status.encode()))
    assert raw[:2] == bytes([0b1000_0000, 0b0100_0000])
    again = StatusList.decode(status.encode())
    assert again.get(0)
    assert again.get(9)
    assert not again.get(1)
    again.clear(9)
    assert not again.get(9)


def test_limits() -> None:
    with pytest.raises(StatusListLengthError):
        StatusList(1024)
    with pytest.raises(StatusListLengthError):
        StatusList().get(MIN_ENTRIES)
    short = mb.encode_base64url(gzip.compress(bytes(1024)))
    with pytest.raises(StatusListLengthError, match="at least 131072"):
        StatusList.decode(short)
    bomb = mb.encode_base64url(gzip.compress(bytes(32 * 1024 * 1024)))
    with pytest.raises(RangeError, match="16 MiB"):
        StatusList.decode(bomb)
    with pytest.raises(MalformedValueError):
        StatusList.decode("z" + SPEC_EMPTY_LIST[1:])


def test_random_allocation_avoids_taken_indexes() -> None:
    status = StatusList()
    taken = set(range(MIN_ENTRIES - 5))
    for _ in range(20):
        assert status.allocate(taken) >= MIN_ENTRIES - 5


def _setup(bits: tuple[int, ...] = (), purpose: str = "revocation") -> tuple[dict[str, Any], dict[str, Any]]:
    status = StatusList()
    for bit in bits:
        status.set(bit)
    list_credential = status_list_credential(LIST, ISSUER, purpose, status, "2026-01-01T00:00:00Z")
    credential = {"issuer": ISSUER, "credentialStatus": status_entry(LIST, 42, purpose)}
    return credential, list_credential


def _check(credential: dict[str, Any], list_credential: dict[str, Any] | None) -> Any:
    def fetch(url: str) -> dict[str, Any]:
        if list_credential is None:
            raise StatusRetrievalError("the list server did not answer")
        return list_credential

    return check_status(credential, fetch, lambda lc: None, NOW)[0]


def test_outcomes() -> None:
    credential, lists = _setup()
    assert _check(credential, lists).state == "valid"
    credential, lists = _setup((42,))
    result = _check(credential, lists)
    assert result.state == "revoked"
    assert "bit 42 is set" in result.reason
    assert len(result.list_sha256) == 64
    credential, lists = _setup((42,), "suspension")
    assert _check(credential, lists).state == "suspended"
    credential, lists = _setup()
    assert _check(credential, None).state == "could_not_check"


def test_index_as_a_number_is_accepted_and_bad_indexes_are_invalid() -> None:
    credential, lists = _setup((42,))
    credential["credentialStatus"]["statusListIndex"] = 42
    assert _check(credential, lists).state == "revoked"
    for bad in ("-1", "4x", "", None, 1.5, True):
        credential["credentialStatus"]["statusListIndex"] = bad
        assert _check(credential, lists).state == "invalid", bad


def test_mismatches_are_invalid() -> None:
    credential, lists = _setup()
    lists["credentialSubject"]["statusPurpose"] = "suspension"
    assert "not revocation" in _check(credential, lists).reason
    credential, lists = _setup()
    lists["issuer"] = "did:example:someone-else"
    assert _check(credential, lists).state == "invalid"
    credential, lists = _setup()
    credential["credentialStatus"]["statusListIndex"] = str(MIN_ENTRIES + 1)
    assert _check(credential, lists).state == "invalid"
    credential, lists = _setup()
    lists["validUntil"] = "2026-02-01T00:00:00Z"
    assert _check(credential, lists).state == "invalid"


def test_unknown_entry_type_could_not_be_checked() -> None:
    credential, lists = _setup()
    credential["credentialStatus"]["type"] = "RevocationList2020Status"
    assert _check(credential, lists).state == "could_not_check"


def test_legacy_status_list_2021() -> None:
    status = StatusList()
    status.set(7)
    encoded = status.encode()[1:]  # StatusList2021 has no multibase prefix.
    list_credential = {
        "id": LIST,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": ISSUER,
        "credentialSubject": {"type": "StatusList2021", "statusPurpose": "revocation", "encodedList": encoded},
    }
    entry = {
        "type": "StatusList2021Entry",
        "statusPurpose": "revocation",
        "statusListIndex": "7",
        "statusListCredential": LIST,
    }
    assert _check({"issuer": ISSUER, "credentialStatus": entry}, list_credential).state == "revoked"


def test_credential_status_is_an_object_for_one_entry_and_an_array_for_several() -> None:
    revocation = status_entry("https://example.org/status/1", 7, "revocation")
    suspension = status_entry("https://example.org/status/2", 9, "suspension")
    assert credential_status([revocation]) == revocation
    both = credential_status([revocation, suspension])
    assert both == [revocation, suspension]
    assert both[0] is not revocation  # Copies: a caller's later change does not reach the signed document.
    with pytest.raises(MalformedValueError):
        credential_status([])
    with pytest.raises(MalformedValueError, match="only once"):
        credential_status([revocation, status_entry("https://example.org/status/3", 1, "revocation")])


MESSAGES = [
    {"status": "0x0", "message": "valid"},
    {"status": "0x1", "message": "under review"},
    {"status": "0x2", "message": "withdrawn by the issuer"},
    {"status": "0x3", "message": "expired"},
]


def _message_setup(bits: tuple[int, ...], entries: int = 2 * MIN_ENTRIES, **entry: Any) -> tuple[Any, Any]:
    """A ``message`` entry of two bits at index 42 (bits 84 and 85), on a list of ``entries`` bits."""
    status = StatusList(entries)
    for bit in bits:
        status.set(bit)
    list_credential = status_list_credential(LIST, ISSUER, "message", status, "2026-01-01T00:00:00Z")
    status_entry_ = {**status_entry(LIST, 42, "message"), "statusSize": 2, "statusMessage": MESSAGES, **entry}
    return {"issuer": ISSUER, "credentialStatus": status_entry_}, list_credential


def test_a_multi_bit_entry_reads_its_own_bits_with_the_first_the_most_significant() -> None:
    status = StatusList(2 * MIN_ENTRIES)
    status.set(85)
    assert status.value(42, 2) == 1
    status.set(84)
    assert status.value(42, 2) == 3
    assert status.value(43, 2) == 0
    assert status.value(42) == 0  # Bit 42, another entry's in a one-bit reading.
    with pytest.raises(StatusListLengthError):
        status.value(MIN_ENTRIES, 2)


def test_message_entries_of_two_bits_are_judged_by_their_value_and_message() -> None:
    credential, lists = _message_setup((42, 43))  # Bits a one-bit reader would read: not this entry's.
    result = _check(credential, lists)
    assert result.state == "valid"
    assert "is 0x0 (valid)" in result.reason
    credential, lists = _message_setup((84,))
    result = _check(credential, lists)
    assert result.state == "flagged"
    assert "is 0x2 (withdrawn by the issuer)" in result.reason


def test_malformed_multi_bit_entries_are_invalid() -> None:
    for bad in ({"statusSize": 0}, {"statusSize": "2"}, {"statusSize": True}, {"statusSize": 99}):
        assert _check(*_message_setup((), **bad)).state == "invalid", bad
    assert _check(*_message_setup((), statusMessage=MESSAGES[:3])).state == "invalid"  # Not one per value.
    assert _check(*_message_setup((), statusMessage=[{"status": "two"}] * 4)).state == "invalid"
    credential, lists = _message_setup(())
    del credential["credentialStatus"]["statusMessage"]
    assert _check(credential, lists).state == "invalid"
    # Herd privacy counts entries: 131,072 bits hold only 65,536 entries of two bits.
    assert _check(*_message_setup((), entries=MIN_ENTRIES)).state == "invalid"
