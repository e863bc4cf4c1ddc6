"""The verifier's outcomes: each kind of bad input gets the right outcome and a one-line reason."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential.schema import OB3_SCHEMA_URL
from merit.core.proofs import sign
from merit.core.verify import Verifier, verify_credential
from tests.core.verify.conftest import ob3_unsigned

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def verifier(**options: Any) -> Verifier:
    return Verifier(clock=lambda: NOW, **options)


def outcome_of(report: Any, name: str) -> str | None:
    check = report.check(name)
    return None if check is None else check.outcome


def test_a_signed_open_badge_verifies(signed: dict[str, Any]) -> None:
    report = verifier().verify_credential(signed)
    assert report.verified, report.to_json()
    assert [c.name for c in report.checks] == [
        "parse",
        "structure",
        "schema",
        "jsonld_safe_mode",
        "proof",
        "issuer",
        "validity_period",
        "status",
    ]
    assert outcome_of(report, "status") == "not_applicable"
    assert report.reason == "every check passed"


def test_json_text_and_bytes_are_accepted(signed: dict[str, Any]) -> None:
    assert verifier().verify_credential(json.dumps(signed)).verified
    assert verifier().verify_credential(json.dumps(signed).encode()).verified


def test_changed_value_fails_the_proof(signed: dict[str, Any]) -> None:
    signed["credentialSubject"]["achievement"]["name"] += "!"
    report = verifier().verify_credential(signed)
    assert report.outcome == "invalid"
    assert outcome_of(report, "proof") == "failed"
    assert report.reason.startswith("proof: ")


def test_undefined_term_fails_safe_mode(signed: dict[str, Any]) -> None:
    signed["credentialSubject"]["anything"] = "forged"
    report = verifier().verify_credential(signed)
    assert report.outcome == "invalid"
    assert outcome_of(report, "jsonld_safe_mode") == "failed"
    assert "anything" in report.reason


@pytest.mark.parametrize("suffix", [" ", "\n"])
def test_proof_value_with_white_space_appended(signed: dict[str, Any], suffix: str) -> None:
    signed["proof"]["proofValue"] += suffix
    report = verifier().verify_credential(signed)
    assert report.outcome == "invalid"
    assert outcome_of(report, "proof") == "failed"


def test_removed_proof(signed: dict[str, Any]) -> None:
    del signed["proof"]
    report = verifier().verify_credential(signed)
    assert report.outcome == "invalid"
    assert "no proof" in report.reason


def test_duplicated_proof(signed: dict[str, Any]) -> None:
    signed["proof"] = [signed["proof"], dict(signed["proof"])]
    report = verifier().verify_credential(signed)
    assert report.outcome == "invalid"
    assert "same proof twice" in report.reason


def test_wrong_key(signed: dict[str, Any], issuer_key: SigningKey) -> None:
    other = SigningKey(KeyPair.generate(), issuer_key.controller, issuer_key.verification_method)
    forged = sign({k: v for k, v in signed.items() if k != "proof"}, other)
    report = verifier().verify_credential(forged)
    assert report.outcome == "invalid"
    assert outcome_of(report, "proof") == "failed"


def test_proof_by_a_key_the_issuer_does_not_control(signed: dict[str, Any]) -> None:
    stranger = SigningKey.for_did_key(KeyPair.generate())
    forged = sign({k: v for k, v in signed.items() if k != "proof"}, stranger)
    report = verifier().verify_credential(forged)
    assert report.outcome == "invalid"
    assert outcome_of(report, "proof") == "passed"
    assert outcome_of(report, "issuer") == "failed"
    assert stranger.controller in report.reason


def test_unknown_cryptosuite_could_not_be_verified(signed: dict[str, Any]) -> None:
    signed["proof"]["cryptosuite"] = "bbs-2023"
    report = verifier().verify_credential(signed)
    assert report.outcome == "could_not_verify"
    assert not report.verified
    assert "bbs-2023" in report.reason


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("validUntil", "2026-05-31T23:00:00Z", "expired on 2026-05-31T23:00:00Z"),
        ("validFrom", "2026-06-01T01:00:00Z", "not yet valid"),
    ],
)
def test_validity_period(issuer_key: SigningKey, field: str, value: str, message: str) -> None:
    document = ob3_unsigned(issuer_key.controller)
    document[field] = value
    report = verifier().verify_credential(sign_credential(document, issuer_key))
    assert report.outcome == "invalid"
    assert outcome_of(report, "proof") == "passed"
    assert outcome_of(report, "validity_period") == "failed"
    assert message in report.reason


def test_small_clock_differences_are_tolerated(issuer_key: SigningKey) -> None:
    document = ob3_unsigned(issuer_key.controller)
    document["validFrom"] = "2026-06-01T00:04:00Z"  # Four minutes ahead of the verifier's clock.
    document["validUntil"] = "2026-06-01T00:10:00Z"
    assert verifier().verify_credential(sign_credential(document, issuer_key)).verified
    document["validFrom"] = "2026-06-01T00:06:00Z"  # Six minutes: beyond the five tolerated.
    assert verifier().verify_credential(sign_credential(document, issuer_key)).outcome == "invalid"


def test_control_characters_are_signed_and_verified(issuer_key: SigningKey) -> None:
    document = ob3_unsigned(issuer_key.controller)
    document["credentialSubject"]["achievement"]["description"] = "tab\there bell\u0007 nul\u0000 del\u007f é"
    signed = sign_credential(document, issuer_key)
    assert verifier().verify_credential(signed).verified
    signed["credentialSubject"]["achievement"]["description"] = "tab\there bell\u0008 nul\u0000 del\u007f é"
    assert verifier().verify_credential(signed).outcome == "invalid"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{", "malformed JSON"),
        ("[]", "must be a JSON object"),
        ("null", "must be a JSON object"),
        ('{"a":' * 200 + "1" + "}" * 200, "nested more than 64 levels"),
        ("[" * 50_000 + "]" * 50_000, "nested more than 64 levels"),
        (b'{"x": "' + b"a" * (10 * 1024 * 1024) + b'"}', "limit is 2 MiB"),
    ],
)
def test_malformed_documents_are_rejected_quickly(document: str | bytes, message: str) -> None:
    started = time.perf_counter()
    report = verify_credential(document)
    elapsed = time.perf_counter() - started
    assert report.outcome == "invalid"
    assert message in report.reason
    assert "\n" not in report.reason
    assert elapsed < 5, "a malformed document must be refused without heavy work"  # Generous: not a benchmark.


def test_structure_errors(signed: dict[str, Any]) -> None:
    signed["issuer"] = "not a url"
    report = verifier().verify_credential(signed)
    assert outcome_of(report, "structure") == "failed"
    assert "issuer must be a URL" in report.reason


def test_open_badge_schema_binds_a_credential_that_declares_it(issuer_key: SigningKey) -> None:
    unsigned = ob3_unsigned(issuer_key.controller)
    unsigned["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")  # Defines the type.
    unsigned["credentialSchema"] = [{"id": OB3_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]
    assert verifier().verify_credential(sign_credential(unsigned, issuer_key)).verified
    unsigned["credentialSubject"]["achievement"]["achievementType"] = "Masterpiece"
    report = verifier().verify_credential(sign_credential(unsigned, issuer_key))
    assert outcome_of(report, "schema") == "failed"
    assert report.outcome == "invalid"
    assert "achievementType" in report.reason


def test_an_open_badge_schema_deviation_is_a_named_warning_when_the_schema_is_not_declared(
    issuer_key: SigningKey,
) -> None:
    unsigned = ob3_unsigned(issuer_key.controller)
    assert "credentialSchema" not in unsigned
    unsigned["credentialSubject"]["achievement"]["achievementType"] = "Masterpiece"
    report = verifier().verify_credential(sign_credential(unsigned, issuer_key))
    assert report.outcome == "verified", report.to_json()
    schema = report.check("schema")
    assert schema is not None
    assert (schema.outcome, schema.code) == ("warning", "OB3_SCHEMA_DEVIATION")
    assert "achievementType" in schema.message
    assert "which it does not declare" in schema.message
    assert schema.details["declared"] is False
    assert report.to_json()["warnings"] == [f"schema: {schema.message}"]
    # The signature still protects the credential: a change after signing fails as before.
    tampered = sign_credential(unsigned, issuer_key)
    tampered["credentialSubject"]["achievement"]["name"] += "!"
    assert verifier().verify_credential(tampered).outcome == "invalid"


def test_unknown_context_could_not_be_verified(signed: dict[str, Any]) -> None:
    signed["@context"].append("https://example.com/unknown-context.json")
    report = verifier().verify_credential(signed)
    assert report.outcome == "could_not_verify"
    assert "not bundled" in report.reason


def test_report_json_is_serialisable(signed: dict[str, Any]) -> None:
    data = verifier().verify_credential(signed).to_json()
    assert json.loads(json.dumps(data))["verified"] is True
    assert data["checkedAt"] == "2026-06-01T00:00:00Z"


def test_a_credentials_proof_set_takes_only_assertion_proofs(signed: dict[str, Any], issuer_key: SigningKey) -> None:
    """The other purpose a presentation's proof set may carry (decision 0012) is not one a credential's may: an
    issuer's valid authentication proof beside its assertion proof fails the credential."""
    both = sign(signed, issuer_key, purpose="authentication")
    report = verifier().verify_credential(both)
    assert report.outcome == "invalid"
    assert report.reason == "proof: proof purpose is 'authentication', expected 'assertionMethod'"
