"""Open Badges 2.0: hosted and signed assertions, the recipient, the view, and bad input."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from joserfc import jws
from joserfc.jwk import ECKey, RSAKey

from merit.core.openbadges2 import GoneError, assertion_view, recipient_matches, verify_assertion
from merit.core.openbadges2.model import HOSTED, SIGNED
from merit.core.verify.parsing import MAX_DEPTH

DATA = Path(__file__).parents[1] / "data" / "ob2"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
ISSUER = "https://badges.example.edu/issuer"
BADGE = "https://badges.example.edu/badges/welding"
KEY = "https://badges.example.edu/keys/1"
REVOCATIONS = "https://badges.example.edu/revocations"
HOSTED_ID = "https://badges.example.edu/assertions/42"
EMAIL = "Ana.Andromeda@example.eu"
SALT = "deadsea"
ESCO = "http://data.europa.eu/esco/skill/fcc6d6c7-1ca8-45ae-8e75-3d4fcd1a1a74"


def clock() -> datetime:
    return NOW


def _pem(private: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.fixture(scope="module")
def rsa_private() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def ec_private() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def profile() -> dict[str, Any]:
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "id": ISSUER,
        "type": "Issuer",
        "name": "Escola Técnica Exemplo",
        "url": "https://badges.example.edu",
        "email": "badges@example.edu",
        "publicKey": KEY,
        "revocationList": REVOCATIONS,
    }


def badge_class() -> dict[str, Any]:
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "id": BADGE,
        "type": "BadgeClass",
        "name": "Welding safety",
        "description": "Safe use of MIG welding equipment.",
        "image": "https://badges.example.edu/badges/welding.png",
        "criteria": {"id": "https://badges.example.edu/criteria/welding", "narrative": "Pass the practical test."},
        "issuer": ISSUER,
        "alignment": [
            {"targetName": "weld metal", "targetUrl": ESCO, "targetFramework": "ESCO", "targetCode": "v1.1.1"},
            {"targetName": "EQF level 4", "targetUrl": "http://data.europa.eu/snb/eqf/4", "targetFramework": "EQF"},
        ],
        "extensions:ECTSExtension": {"type": ["Extension", "extensions:ECTSExtension"], "ECTS": 2.5},
    }


def salted(email: str, salt: str, algorithm: str = "sha256") -> str:
    return f"{algorithm}${hashlib.new(algorithm, (email + salt).encode()).hexdigest()}"


def assertion(verification: dict[str, Any], **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": "https://w3id.org/openbadges/v2",
        "id": HOSTED_ID if verification["type"] == "hosted" else "urn:uuid:4b4a1c5e-7d3c-4f8e-9a51-2d0a3c1e9b77",
        "type": "Assertion",
        "recipient": {"type": "email", "hashed": True, "salt": SALT, "identity": salted(EMAIL, SALT)},
        "badge": BADGE,
        "verification": verification,
        "issuedOn": "2026-01-15T10:00:00+00:00",
        "expires": "2030-01-15T10:00:00Z",
    }
    document.update(changes)
    return document


def fetcher(documents: dict[str, Any]) -> Callable[[str], Any]:
    """A ``fetch_json`` over a dict; URLs it does not hold fail as a network would."""

    def fetch(url: str) -> Any:
        if url not in documents:
            raise ConnectionError(f"no route to {url}")
        value = documents[url]
        if isinstance(value, Exception):
            raise value
        return copy.deepcopy(value)

    return fetch


def sign(document: dict[str, Any], private: Any, algorithm: str) -> str:
    key = RSAKey.import_key(private) if algorithm.startswith("RS") else ECKey.import_key(private)
    return jws.serialize_compact({"alg": algorithm}, json.dumps(document).encode(), key)


@pytest.fixture
def hosted_world() -> dict[str, Any]:
    hosted = assertion({"type": "hosted"})
    return {HOSTED_ID: hosted, BADGE: badge_class(), ISSUER: profile()}


@pytest.fixture(params=["RS256", "ES256"])
def signed_world(request: pytest.FixtureRequest, rsa_private: Any, ec_private: Any) -> dict[str, Any]:
    private = rsa_private if request.param == "RS256" else ec_private
    key = {"type": "CryptographicKey", "id": KEY, "owner": ISSUER, "publicKeyPem": _pem(private)}
    document = assertion({"type": "signed", "creator": KEY})
    revocations = {"type": "RevocationList", "id": REVOCATIONS, "issuer": ISSUER, "revokedAssertions": []}
    return {
        "documents": {BADGE: badge_class(), ISSUER: profile(), KEY: key, REVOCATIONS: revocations},
        "assertion": document,
        "token": sign(document, private, request.param),
        "private": private,
        "algorithm": request.param,
    }


def outcomes(report: Any) -> dict[str, str]:
    return {check.name: check.outcome for check in report.checks}


# Hosted verification.


def test_hosted_assertion_verifies(hosted_world: dict[str, Any]) -> None:
    report = verify_assertion(hosted_world[HOSTED_ID], fetch_json=fetcher(hosted_world), clock=clock)
    assert report.outcome == "verified", report.to_json()
    assert list(outcomes(report)) == ["parse", "structure", "proof", "issuer", "validity_period", "status"]
    assert report.check("proof").message == f"the assertion at its URL {HOSTED_ID} matches the one presented"
    assert "Escola Técnica Exemplo" in report.check("issuer").message


def test_hosted_copy_that_differs_is_invalid(hosted_world: dict[str, Any]) -> None:
    presented = copy.deepcopy(hosted_world[HOSTED_ID])
    presented["expires"] = "2099-01-01T00:00:00Z"  # The learner extends the badge's life.
    report = verify_assertion(presented, fetch_json=fetcher(hosted_world), clock=clock)
    assert report.outcome == "invalid"
    assert report.check("proof").outcome == "failed"
    assert "(expires)" in report.check("proof").message


def test_hosted_copy_for_another_recipient_is_invalid(hosted_world: dict[str, Any]) -> None:
    presented = copy.deepcopy(hosted_world[HOSTED_ID])
    presented["recipient"]["identity"] = salted("mallory@example.eu", SALT)
    report = verify_assertion(presented, fetch_json=fetcher(hosted_world), clock=clock)
    assert report.check("proof").outcome == "failed"
    assert "recipient.identity" in report.check("proof").message


def test_hosted_without_fetching_could_not_verify(hosted_world: dict[str, Any]) -> None:
    report = verify_assertion(hosted_world[HOSTED_ID], fetch_json=None, clock=clock)
    assert report.outcome == "could_not_verify"
    checks = outcomes(report)
    assert checks["proof"] == checks["issuer"] == checks["status"] == checks["validity_period"] == "could_not_check"
    assert "passed" not in (checks["proof"], checks["status"])
    assert "fetching was not allowed" in report.check("proof").message


def test_presented_expired_is_invalid_even_without_fetching() -> None:
    report = verify_assertion(assertion({"type": "hosted"}, expires="2026-01-31T00:00:00Z"), clock=clock)
    assert report.outcome == "invalid"
    assert report.check("validity_period").code == "EXPIRED"


def test_gone_badge_class_could_not_verify(hosted_world: dict[str, Any]) -> None:
    hosted_world[BADGE] = GoneError("410")
    report = verify_assertion(hosted_world[HOSTED_ID], fetch_json=fetcher(hosted_world), clock=clock)
    assert report.outcome == "could_not_verify"
    assert report.check("issuer").message == f"the badge class at {BADGE} is gone (410)"


def test_hosted_fetch_failure_could_not_verify(hosted_world: dict[str, Any]) -> None:
    del hosted_world[HOSTED_ID]
    report = verify_assertion(assertion({"type": "hosted"}), fetch_json=fetcher(hosted_world), clock=clock)
    assert report.outcome == "could_not_verify"
    assert "could not be fetched (ConnectionError)" in report.check("proof").message


def test_hosted_gone_is_revoked(hosted_world: dict[str, Any]) -> None:
    presented = hosted_world[HOSTED_ID]
    hosted_world[HOSTED_ID] = GoneError("410")
    report = verify_assertion(presented, fetch_json=fetcher(hosted_world), clock=clock)
    assert report.outcome == "invalid"
    assert report.check("status").outcome == "failed"
    assert report.check("status").code == "REVOKED"


def test_hosted_copy_marked_revoked(hosted_world: dict[str, Any]) -> None:
    presented = copy.deepcopy(hosted_world[HOSTED_ID])
    hosted_world[HOSTED_ID] = {"id": HOSTED_ID, "revoked": True, "revocationReason": "awarded in error"}
    report = verify_assertion(presented, fetch_json=fetcher(hosted_world), clock=clock)
    assert report.outcome == "invalid"
    assert report.check("status").message == "revoked by the issuer: awarded in error"


def test_hosted_outside_the_issuers_origin_is_invalid(hosted_world: dict[str, Any]) -> None:
    elsewhere = "https://badges.attacker.example/a/1"
    forged = assertion({"type": "hosted"}, id=elsewhere)
    report = verify_assertion(forged, fetch_json=fetcher({**hosted_world, elsewhere: forged}), clock=clock)
    assert report.outcome == "invalid"
    assert report.check("proof").outcome == "passed"  # The forger's server agrees with itself...
    assert report.check("issuer").outcome == "failed"  # ...but the issuer does not host it there.
    assert "badges.attacker.example" in report.check("issuer").message


def test_hosted_allowed_by_the_issuers_policy(hosted_world: dict[str, Any]) -> None:
    elsewhere = "https://cdn.example.net/a/1"
    moved = assertion({"type": "hosted"}, id=elsewhere)
    hosted_world[ISSUER]["verification"] = {"type": "VerificationObject", "allowedOrigins": ["cdn.example.net"]}
    report = verify_assertion(moved, fetch_json=fetcher({**hosted_world, elsewhere: moved}), clock=clock)
    assert report.outcome == "verified", report.reason


def test_expired_is_invalid(hosted_world: dict[str, Any]) -> None:
    hosted_world[HOSTED_ID]["expires"] = "2026-03-01T00:00:00Z"
    report = verify_assertion(hosted_world[HOSTED_ID], fetch_json=fetcher(hosted_world), clock=clock)
    assert report.outcome == "invalid"
    assert report.check("validity_period").message == "expired on 2026-03-01T00:00:00Z"
    assert report.check("validity_period").code == "EXPIRED"


def test_issued_in_the_future_is_invalid(hosted_world: dict[str, Any]) -> None:
    hosted_world[HOSTED_ID]["issuedOn"] = "2027-01-01T00:00:00Z"
    report = verify_assertion(hosted_world[HOSTED_ID], fetch_json=fetcher(hosted_world), clock=clock)
    assert report.check("validity_period").outcome == "failed"


def test_the_spec_example_is_well_formed() -> None:
    example = json.loads((DATA / "spec-concepts-example.json").read_text())
    report = verify_assertion(example, clock=clock)
    assert report.check("structure").outcome == "passed"
    assert report.outcome == "could_not_verify"
    world = {example["id"]: example}
    report = verify_assertion(example, fetch_json=fetcher(world), clock=clock)
    assert report.outcome == "verified", report.reason  # allowedOrigins example.org covers the assertion.


def test_the_verification_types_are_the_contexts() -> None:
    context = json.loads((DATA / "ob-v2-context.json").read_text())["@context"]
    assert {context["hosted"], context["HostedBadge"]} == {"obi:HostedBadge"}
    assert {context["signed"], context["SignedBadge"]} == {"obi:SignedBadge"}
    assert {"hosted", "HostedBadge"} <= HOSTED
    assert {"signed", "SignedBadge"} <= SIGNED
    assert context["verify"] == "verification"


# Signed verification.


def test_signed_assertion_verifies(signed_world: dict[str, Any]) -> None:
    fetch = fetcher(signed_world["documents"])
    report = verify_assertion(signed_world["token"], fetch_json=fetch, clock=clock)
    assert report.outcome == "verified", report.to_json()
    assert f"{signed_world['algorithm']} with the issuer's key {KEY}" in report.check("proof").message
    assert report.check("status").message == "not revoked (not in the issuer's revocation list of 0)"


def test_signed_tampered_payload_is_invalid(signed_world: dict[str, Any]) -> None:
    header, _payload, signature = signed_world["token"].split(".")
    forged = copy.deepcopy(signed_world["assertion"])
    forged["expires"] = "2099-01-01T00:00:00Z"
    payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    token = f"{header}.{payload}.{signature}"
    report = verify_assertion(token, fetch_json=fetcher(signed_world["documents"]), clock=clock)
    assert report.outcome == "invalid"
    assert report.check("proof").message == "the signature does not verify with the issuer's key"


def test_signed_with_another_key_is_invalid(signed_world: dict[str, Any]) -> None:
    other = (
        rsa.generate_private_key(65537, 2048)
        if signed_world["algorithm"] == "RS256"
        else ec.generate_private_key(ec.SECP256R1())
    )
    token = sign(signed_world["assertion"], other, signed_world["algorithm"])
    report = verify_assertion(token, fetch_json=fetcher(signed_world["documents"]), clock=clock)
    assert report.outcome == "invalid"
    assert report.check("proof").code == "PROOF_VERIFICATION_ERROR"


def test_signed_with_a_key_the_issuer_does_not_list(signed_world: dict[str, Any]) -> None:
    document = copy.deepcopy(signed_world["assertion"])
    document["verification"]["creator"] = "https://attacker.example/key"
    token = sign(document, signed_world["private"], signed_world["algorithm"])
    report = verify_assertion(token, fetch_json=fetcher(signed_world["documents"]), clock=clock)
    assert report.check("proof").outcome == "failed"
    assert "does not list" in report.check("proof").message


def test_signed_key_owned_by_someone_else(signed_world: dict[str, Any]) -> None:
    signed_world["documents"][KEY]["owner"] = "https://attacker.example/issuer"
    report = verify_assertion(signed_world["token"], fetch_json=fetcher(signed_world["documents"]), clock=clock)
    assert report.check("proof").outcome == "failed"


def test_signed_revoked_in_the_list_is_invalid(signed_world: dict[str, Any]) -> None:
    entry = {"id": signed_world["assertion"]["id"], "revocationReason": "cheating"}
    signed_world["documents"][REVOCATIONS]["revokedAssertions"] = ["urn:uuid:other", entry]
    report = verify_assertion(signed_world["token"], fetch_json=fetcher(signed_world["documents"]), clock=clock)
    assert report.outcome == "invalid"
    assert report.check("proof").outcome == "passed"
    assert report.check("status").message == "revoked by the issuer: cheating"


def test_signed_revocation_list_unreachable_could_not_verify(signed_world: dict[str, Any]) -> None:
    del signed_world["documents"][REVOCATIONS]
    report = verify_assertion(signed_world["token"], fetch_json=fetcher(signed_world["documents"]), clock=clock)
    assert report.outcome == "could_not_verify"
    assert report.check("status").outcome == "could_not_check"


def test_signed_without_fetching_could_not_verify(signed_world: dict[str, Any]) -> None:
    report = verify_assertion(signed_world["token"], clock=clock)
    assert report.outcome == "could_not_verify"
    assert report.check("proof").outcome == "could_not_check"
    assert report.check("status").outcome == "could_not_check"


def test_signed_payload_without_its_signature_could_not_verify(signed_world: dict[str, Any]) -> None:
    report = verify_assertion(signed_world["assertion"], fetch_json=fetcher(signed_world["documents"]), clock=clock)
    assert report.outcome == "could_not_verify"
    assert "without its signature" in report.check("proof").message


def test_signed_with_symmetric_algorithm_is_invalid(signed_world: dict[str, Any]) -> None:
    from joserfc.jwk import OctKey

    token = jws.serialize_compact(
        {"alg": "HS256"}, json.dumps(signed_world["assertion"]).encode(), OctKey.import_key(b"k" * 32)
    )
    report = verify_assertion(token, fetch_json=fetcher(signed_world["documents"]), clock=clock)
    assert report.check("proof").outcome == "failed"
    assert "not a public-key signature" in report.check("proof").message


def test_signed_with_embedded_key_and_no_creator(rsa_private: Any) -> None:
    issuer = profile()
    issuer["publicKey"] = {"id": KEY, "owner": ISSUER, "publicKeyPem": _pem(rsa_private)}
    del issuer["revocationList"]
    badge = badge_class()
    badge["issuer"] = issuer
    document = assertion({"type": "SignedBadge"}, badge=badge)
    report = verify_assertion(sign(document, rsa_private, "RS256"), clock=clock)
    assert report.outcome == "verified", report.reason  # Everything is embedded: nothing to fetch.
    assert report.check("status").message == "not revoked (the issuer publishes no revocation list)"


# Bad input.


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "{}",
        "a.b",
        "eyJhbGciOiJSUzI1NiJ9.!!!.c2ln",
        "eyJ0eXAiOiJKV1QifQ.e30.c2ln",
        "[1, 2]",
        '{"a":1,"a":2}',
    ],
)
def test_malformed_input_is_invalid_at_parse_or_structure(text: str) -> None:
    report = verify_assertion(text, clock=clock)
    assert report.outcome == "invalid"
    assert report.checks[-1].name in ("parse", "structure")
    assert report.checks[-1].outcome == "failed"


def test_huge_input_is_refused() -> None:
    huge = json.dumps(assertion({"type": "hosted"}, narrative="x" * (3 * 1024 * 1024)))
    report = verify_assertion(huge, clock=clock)
    assert report.check("parse").outcome == "failed"
    assert report.check("parse").code == "RANGE_ERROR"


def test_deeply_nested_input_is_refused() -> None:
    nested: Any = "bottom"
    for _ in range(MAX_DEPTH + 5):
        nested = {"n": nested}
    report = verify_assertion(assertion({"type": "hosted"}, evidence=nested), clock=clock)
    assert report.check("parse").code == "RANGE_ERROR"
    deep_text = '{"a":' * 5000 + "1" + "}" * 5000
    assert verify_assertion(deep_text, clock=clock).check("parse").outcome == "failed"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"type": "Badge"}, "must have type Assertion"),
        ({"recipient": None}, "has no recipient"),
        ({"issuedOn": "last Tuesday"}, "issuedOn is not an ISO 8601 date-time"),
        ({"verification": {"type": "blockchain"}}, "not supported"),
        ({"recipient": {"type": "email", "hashed": True, "identity": "sha1$abc"}}, "sha256$"),
        ({"id": "https://badges.example.edu/a/1", "badge": {"type": "BadgeClass", "id": BADGE}}, "has no name"),
    ],
)
def test_missing_or_wrong_fields(change: dict[str, Any], message: str) -> None:
    document = assertion({"type": "hosted"})
    document.update(change)
    report = verify_assertion(document, clock=clock)
    assert report.check("structure") is not None
    assert report.check("structure").outcome != "passed"
    assert message in report.check("structure").message


def test_unexpected_fetcher_results_do_not_pass(hosted_world: dict[str, Any]) -> None:
    hosted_world[BADGE] = ["not", "an", "object"]
    report = verify_assertion(hosted_world[HOSTED_ID], fetch_json=fetcher(hosted_world), clock=clock)
    assert report.check("issuer").outcome == "failed"
    assert report.outcome == "invalid"


# The recipient and the view.


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_recipient_hash_with_salt(algorithm: str) -> None:
    document = assertion({"type": "hosted"})
    document["recipient"]["identity"] = salted(EMAIL, SALT, algorithm).upper().replace(algorithm.upper(), algorithm)
    assert recipient_matches(document, EMAIL)
    assert recipient_matches(document, f"  {EMAIL}  ")
    assert not recipient_matches(document, "mallory@example.eu")
    document["recipient"]["salt"] = "other"
    assert not recipient_matches(document, EMAIL)


def test_recipient_hash_of_the_lower_case_address() -> None:
    document = assertion({"type": "hosted"})
    document["recipient"]["identity"] = salted(EMAIL.lower(), SALT)
    assert recipient_matches(document, EMAIL)


def test_recipient_plain_and_unsalted() -> None:
    document = assertion({"type": "hosted"}, recipient={"type": "email", "identity": "alice@example.org"})
    assert recipient_matches(document, "Alice@Example.org")
    document["recipient"] = {"type": "email", "hashed": True, "identity": salted("alice@example.org", "")}
    assert recipient_matches(document, "alice@example.org")
    document["recipient"]["type"] = "url"
    assert not recipient_matches(document, "alice@example.org")
    assert not recipient_matches({"recipient": "alice@example.org"}, "alice@example.org")


def test_recipient_inside_a_signed_badge(signed_world: dict[str, Any]) -> None:
    assert recipient_matches(signed_world["token"], EMAIL)
    assert not recipient_matches("not.a.jws", EMAIL)


def test_view_has_the_spec_view_keys() -> None:
    from merit.core.microcredential.view import extract_spec_view

    view = assertion_view(assertion({"type": "hosted"}), badge_class(), profile())
    assert set(extract_spec_view({})) <= set(view)
    assert view["title"] == "Welding safety"
    assert view["awardingBody"] == "Escola Técnica Exemplo"
    assert view["issued"] == "2026-01-15T10:00:00+00:00"
    assert view["skills"] == [{"uri": ESCO, "label": "weld metal"}]
    assert view["eqfLevel"] == 4
    assert view["ects"] == 2.5
    assert view["learningOutcomes"] == ["Pass the practical test."]
    assert view["criteria"] == {
        "url": "https://badges.example.edu/criteria/welding",
        "narrative": "Pass the practical test.",
    }
    assert view["learner"] == "email"  # The address is hashed, so only its kind is shown.
    assert view["format"] == "ob2"
    assert "form of participation" in view["missing"]
    assert "awarding body" not in view["missing"]


def test_view_of_the_spec_example() -> None:
    example = json.loads((DATA / "spec-concepts-example.json").read_text())
    view = assertion_view(example)
    assert view["title"] == "3-D Printmaster"
    assert view["awardingBody"] == "Example Maker Society"
    assert view["learner"] == "alice@example.org"
    assert view["skills"] == []
    assert view["eqfLevel"] is None


def test_signed_with_critical_header_parameters_could_not_verify(signed_world: dict[str, Any]) -> None:
    """Signed assertions follow the JWS header rule of every format (merit.core.formats.jws_algorithm): an unknown
    ``crit`` parameter stops the check before any key is tried."""
    alg = signed_world["algorithm"]
    header = {"alg": alg, "crit": ["urn:example:unknown"], "urn:example:unknown": True}
    encoded = base64.urlsafe_b64encode(json.dumps(header).encode()).decode().rstrip("=")
    token = ".".join([encoded, *signed_world["token"].split(".")[1:]])
    report = verify_assertion(token, fetch_json=fetcher(signed_world["documents"]), clock=clock)
    assert report.check("proof").outcome == "could_not_check"
    assert "critical header parameters (crit)" in report.check("proof").message


def test_the_issuer_check_names_the_issuer_profile_in_its_details(
    hosted_world: dict[str, Any], signed_world: dict[str, Any]
) -> None:
    hosted = verify_assertion(hosted_world[HOSTED_ID], fetch_json=fetcher(hosted_world), clock=clock)
    assert hosted.check("issuer").details == {
        "issuedBy": ISSUER,
        "issuerName": "Escola Técnica Exemplo",
        "verification": "hosted",
    }
    signed = verify_assertion(signed_world["token"], fetch_json=fetcher(signed_world["documents"]), clock=clock)
    assert signed.check("issuer").details["verification"] == "signed"
    assert signed.check("issuer").details["issuedBy"] == ISSUER
