"""Presentations: holder binding, challenge and domain, the credentials inside, and the proof set for verifiers
that check a presentation for assertion (docs/decisions/0012-presentation-proofs.md)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from merit.core.errors import InvalidError
from merit.core.issue import default_suite
from merit.core.keys import KeyPair, SigningKey
from merit.core.present import presentation, sign_presentation
from merit.core.proofs import sign
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


def _sign(document: dict[str, Any], key: SigningKey, **options: Any) -> dict[str, Any]:
    """A proof added as it is, whatever its purpose, in the key's own suite."""
    return sign(document, key, suite=default_suite(key), **options)


def _proof_set(signed: dict[str, Any], holder: SigningKey) -> dict[str, Any]:
    unsigned = presentation([signed], holder.controller)
    return sign_presentation(unsigned, holder, challenge="c-123", domain="jobs.example", for_assertion_verifiers=True)


def test_the_proof_set_for_assertion_verifiers(signed: dict[str, Any], holder: SigningKey) -> None:
    """Two proofs by the holder key, authentication then assertionMethod, each bound to the challenge and domain;
    Merit verifies both."""
    vp = _proof_set(signed, holder)
    assert [p["proofPurpose"] for p in vp["proof"]] == ["authentication", "assertionMethod"]
    assert {(p["verificationMethod"], p["challenge"], p["domain"]) for p in vp["proof"]} == {
        (holder.verification_method, "c-123", "jobs.example")
    }
    report = VERIFIER.verify_presentation(vp, challenge="c-123", domain="jobs.example")
    assert report.verified, report.to_json()
    proof = report.check("proof")
    assert proof is not None
    assert proof.details == {"proofs": 2}
    assert report.check("holder") is not None
    assert VERIFIER.verify_presentation(vp).verified, "no challenge expected"
    without = sign_presentation(presentation([signed], holder.controller), holder, challenge="c-123")
    assert [p["proofPurpose"] for p in [without["proof"]]] == ["authentication"], "only when asked"


@pytest.mark.parametrize(("challenge", "domain"), [("other", "jobs.example"), ("c-123", "evil.example")])
def test_the_proof_set_keeps_challenge_and_domain(
    signed: dict[str, Any], holder: SigningKey, challenge: str, domain: str
) -> None:
    report = VERIFIER.verify_presentation(_proof_set(signed, holder), challenge=challenge, domain=domain)
    assert report.outcome == "invalid"
    assert report.reason.startswith("challenge_and_domain: ")


def test_an_assertion_proof_alone_does_not_authenticate_the_holder(signed: dict[str, Any], holder: SigningKey) -> None:
    """What verifier-core accepts, an assertionMethod proof only, is no holder authentication: Merit refuses it,
    with or without a challenge (the assertion proof's own challenge does not stand in for one)."""
    unsigned = presentation([signed], holder.controller)
    vp = _sign(unsigned, holder, purpose="assertionMethod", challenge="c-123", domain="jobs.example")
    for options in ({"challenge": "c-123", "domain": "jobs.example"}, {}):
        report = VERIFIER.verify_presentation(vp, **options)
        assert report.outcome == "invalid"
        assert report.reason == "proof: the document has no authentication proof (only assertionMethod)"
    stripped = _proof_set(signed, holder)
    stripped["proof"] = stripped["proof"][1:]
    assert VERIFIER.verify_presentation(stripped, challenge="c-123", domain="jobs.example").outcome == "invalid"


@pytest.mark.parametrize("index", [0, 1], ids=["authentication", "assertionMethod"])
@pytest.mark.parametrize("field", ["created", "proofValue"])
def test_tampering_either_proof_fails(signed: dict[str, Any], holder: SigningKey, index: int, field: str) -> None:
    """No proof of the set is passed over: a changed assertionMethod proof fails as a changed authentication one."""
    vp = _proof_set(signed, holder)
    # A signature by the same key for the same purpose, over another presentation.
    other = sign_presentation(presentation([signed], holder.controller, "urn:uuid:other"), holder, challenge="c-123")
    forged = copy.deepcopy(vp)
    forged["proof"][index][field] = "2020-01-01T00:00:00Z" if field == "created" else other["proof"]["proofValue"]
    report = VERIFIER.verify_presentation(forged, challenge="c-123", domain="jobs.example")
    assert report.outcome == "invalid"
    assert report.reason == "proof: the signature does not match the signed data", report.reason
    forged = copy.deepcopy(vp)
    forged["holder"] = "did:example:mallory"
    assert VERIFIER.verify_presentation(forged, challenge="c-123", domain="jobs.example").outcome == "invalid"


def test_an_assertion_proof_by_someone_else_fails_the_holder_check(signed: dict[str, Any], holder: SigningKey) -> None:
    vp = _sign(_proof_set(signed, holder), SigningKey.for_did_key(KeyPair.generate()), purpose="assertionMethod")
    report = VERIFIER.verify_presentation(vp, challenge="c-123", domain="jobs.example")
    assert report.outcome == "invalid"
    assert report.reason.startswith("holder: the presentation was not signed by its holder")


def test_the_assertion_proofs_own_challenge(signed: dict[str, Any], holder: SigningKey) -> None:
    """An assertionMethod proof without a challenge is checked for its signature only; one with a challenge must
    carry the one expected, like the authentication proof."""
    unsigned = _sign(presentation([signed], holder.controller), holder, purpose="authentication", challenge="c-123")
    plain = _sign(unsigned, holder, purpose="assertionMethod")
    assert VERIFIER.verify_presentation(plain, challenge="c-123").verified
    elsewhere = _sign(unsigned, holder, purpose="assertionMethod", challenge="c-999")
    report = VERIFIER.verify_presentation(elsewhere, challenge="c-123")
    assert report.outcome == "invalid"
    assert report.reason.startswith("challenge_and_domain: ")
    assert VERIFIER.verify_presentation(elsewhere).verified


@pytest.mark.parametrize("purpose", ["capabilityInvocation", "capabilityDelegation", "keyAgreement"])
def test_a_proof_of_any_other_purpose_is_refused(signed: dict[str, Any], holder: SigningKey, purpose: str) -> None:
    vp = _sign(_proof_set(signed, holder), holder, purpose=purpose, challenge="c-123", domain="jobs.example")
    report = VERIFIER.verify_presentation(vp, challenge="c-123", domain="jobs.example")
    assert report.outcome == "invalid"
    assert report.reason == f"proof: proof purpose is {purpose!r}, expected 'authentication'"
