"""Fixtures for the trust registry: an authority, an issuer, and their signed accreditations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.trust import Scope, accreditation_credential

SCOPE = Scope(3, 5, ("07",), ("micro-credential",), ("SE",))
START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2027, 12, 31, 23, 59, 59, tzinfo=UTC)
AGENCY = "the national agency for vocational education"

Accredit = Callable[..., dict[str, Any]]


@pytest.fixture(scope="session")
def authority() -> SigningKey:
    return SigningKey.for_did_key(KeyPair.generate())


@pytest.fixture(scope="session")
def issuer() -> SigningKey:
    return SigningKey.for_did_key(KeyPair.generate())


def unsigned_accreditation(authority_did: str, issuer_did: str, /, **overrides: Any) -> dict[str, Any]:
    """An unsigned accreditation of Skellefteå kommun for EQF 3–5 in ISCED-F 07 in Sweden, 2025–2027."""
    arguments: dict[str, Any] = {
        "credential_id": "urn:uuid:7d3b4a52-9c1e-4f0e-8d55-0a1b2c3d4e5f",
        "authority": authority_did,
        "authority_name": "Myndigheten för yrkeshögskolan",
        "issuer": issuer_did,
        "issuer_name": "Skellefteå kommun",
        "accrediting_body": AGENCY,
        "qa_framework": "ESG 2015",
        "scope": SCOPE,
        "valid_from": START,
        "valid_until": END,
    }
    arguments.update(overrides)
    return accreditation_credential(**arguments)


@pytest.fixture
def accredit(authority: SigningKey, issuer: SigningKey) -> Accredit:
    """Sign an accreditation of ``issuer`` by ``key`` (the authority unless given), with fields overridden."""

    def make(key: SigningKey | None = None, **overrides: Any) -> dict[str, Any]:
        key = key or authority
        unsigned = unsigned_accreditation(key.controller, overrides.pop("issuer", issuer.controller), **overrides)
        return sign_credential(unsigned, key, created="2025-01-01T00:00:00Z")

    return make
