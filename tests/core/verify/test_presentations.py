"""Presentations: holder binding, challenge and domain, and the credentials inside."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from merit.core.errors import InvalidError
from merit.core.keys import KeyPair, SigningKey
from merit.core.present import presentation, sign_presentation
from merit.core.verify import Verifier

VERIFIER = Verifier(clock=lambda: datetime(2026, 6, 1, tzinfo=UTC))


@pytest.fixture(scope="module")
def holder() -> SigningKey:
    return SigningKey.for_did_key(KeyPair.generate("P-256"))


def test_presentation_verifies_with_its_challenge_and_domain(signed: dict[str, Any], holder: SigningKey) -> None:
    vp = sign_presentation(presentation([signed], holder.controller), holder, challenge="c-123", domain="jobs.example")
    report = VERIFIER.verify_presentation(vp, challenge="c-123", domain="jobs.example")
    assert report.verified, report.to_json()
    assert report.check("challenge_and_domain") is not None
    assert report.check("holder") is not None
    assert [r.verified for r in report.credentials] == [True]


@pytest.mark.parametrize(("challenge", "domain"), [("other", "jobs.example"), ("c-123", "evil.example")])
def test_wrong_challenge_or_domain(signed: dict[str, Any], holder: SigningKey, challenge: str, domain: str) -> None:
    vp = sign_presentation(presentation([signed], holder.controller), holder, challenge="c-123", domain="jobs.example")
    report = VERIFIER.verify_presentation(vp, challenge=challenge, domain=domain)
    assert report.outcome == "invalid"
    assert report.reason.startswith("challenge_and_domain: ")


def test_presentation_signed_by_someone_else(signed: dict[str, Any], holder: SigningKey) -> None:
    other = SigningKey.for_did_key(KeyPair.generate())
    with pytest.raises(InvalidError, match="not the key's controller"):
        sign_presentation(presentation([signed], holder.controller), other)
    vp = sign_presentation(presentation([signed], other.controller), other)
    vp["holder"] = holder.controller
    report = VERIFIER.verify_presentation(vp)
    assert report.outcome == "invalid"


def test_tampered_credential_inside_a_valid_presentation(signed: dict[str, Any], holder: SigningKey) -> None:
    signed["credentialSubject"]["achievement"]["name"] = "Forged"
    vp = sign_presentation(presentation([signed], holder.controller), holder, challenge="c")
    report = VERIFIER.verify_presentation(vp, challenge="c")
    proof = report.check("proof")
    assert proof is not None
    assert proof.outcome == "passed"
    assert report.outcome == "invalid"
    assert report.reason.startswith("credentials: ")
    assert report.credentials[0].reason.startswith("proof: ")
