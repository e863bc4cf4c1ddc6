"""Fixtures for verifier tests: an issuer key and a signed Open Badges 3.0 credential."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey

DATA = Path(__file__).parents[2] / "data"


def ob3_unsigned(issuer: str) -> dict[str, Any]:
    """The 1EdTech OB 3.0 vector credential, issued by ``issuer``."""
    document: dict[str, Any] = json.loads(
        (DATA / "vectors" / "1edtech" / "obv3p0" / "credential-unsigned.json").read_text()
    )
    document["issuer"]["id"] = issuer
    return document


@pytest.fixture(scope="session")
def issuer_key() -> SigningKey:
    return SigningKey.for_did_key(KeyPair.generate())


@pytest.fixture(scope="session")
def _signed(issuer_key: SigningKey) -> dict[str, Any]:
    return sign_credential(ob3_unsigned(issuer_key.controller), issuer_key, created="2026-01-01T00:00:00Z")


@pytest.fixture
def signed(_signed: dict[str, Any]) -> dict[str, Any]:
    """A fresh copy of a signed OB 3.0 credential, safe to mutate."""
    return copy.deepcopy(_signed)
