"""The VC data model's rules that Merit holds both issuance and verification to, and signing VC 1.1 credentials."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from merit.core import related, vc
from merit.core.errors import MalformedValueError, SafeModeError
from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.multibase import encode_base58btc, encode_base64url
from merit.core.verify import Verifier

DATA = Path(__file__).parents[1] / "data"
RESOURCE = b'{"@context": {"name": "https://schema.org/name"}}'


def credential(**fields: Any) -> dict[str, Any]:
    document = json.loads((DATA / "vectors" / "w3c-vc-di-eddsa" / "unsigned.json").read_text())
    document.update(fields)
    return dict(document)


def sri(data: bytes, algorithm: str = "sha384") -> str:
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, data).digest()).decode()


RESOURCE_ID = "https://example.org/context.jsonld"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"termsOfUse": {"id": "https://example.org/policy"}}, "each termsOfUse entry must be an object with a type"),
        ({"evidence": [{"id": "https://example.org/evidence"}]}, "each evidence entry must be an object with a type"),
        ({"refreshService": {"url": "https://example.org/r"}}, "each refreshService entry must be an object with a"),
        ({"evidence": ["https://example.org/evidence"]}, "each evidence entry must be an object with a type"),
        ({"termsOfUse": {"type": []}}, "each termsOfUse entry must be an object with a type"),
        ({"credentialSchema": {"type": "JsonSchema"}}, "each credentialSchema entry must have an id that is a URL"),
        ({"credentialSchema": {"id": "not a url", "type": "JsonSchema"}}, "must have an id that is a URL"),
        ({"relatedResource": [RESOURCE_ID]}, "each relatedResource entry must be an object"),
        ({"relatedResource": [{"digestSRI": sri(RESOURCE)}]}, "must have an id that is a URL"),
        ({"relatedResource": [{"id": RESOURCE_ID}]}, "has neither digestSRI nor digestMultibase"),
        (
            {"relatedResource": [{"id": RESOURCE_ID, "digestSRI": sri(RESOURCE)}] * 2},
            "lists https://example.org/context.jsonld twice",
        ),
        ({"relatedResource": {"id": RESOURCE_ID, "digestSRI": "md5-AAAA"}}, "must be sha256-, sha384- or sha512-"),
        ({"relatedResource": {"id": RESOURCE_ID, "digestSRI": "sha384-_rCVIV7f-tD0"}}, "must be sha256-, sha384-"),
        ({"relatedResource": {"id": RESOURCE_ID, "digestSRI": "sha384-" + "A" * 44}}, "not a sha384 digest"),
        ({"relatedResource": {"id": RESOURCE_ID, "digestMultibase": "mAAAA"}}, "a multibase 'u' or 'z' value"),
        ({"relatedResource": {"id": RESOURCE_ID, "digestMultibase": "uAAAA"}}, "not a SHA-256, SHA-384 or SHA-512"),
    ],
)
def test_malformed_entries_are_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(MalformedValueError, match=message):
        vc.check_credential(credential(**fields))


def test_well_formed_entries_are_accepted() -> None:
    digest = hashlib.sha256(RESOURCE).digest()
    document = credential(
        termsOfUse={"type": "IssuerPolicy", "id": "https://example.org/policy"},
        evidence=[{"type": ["Evidence"], "id": "https://example.org/evidence"}],
        refreshService={"type": "ManualRefreshService2018", "id": "https://example.org/r"},
        credentialSchema={"id": "https://example.org/schema.json", "type": "JsonSchema"},
        relatedResource=[
            {"id": RESOURCE_ID, "digestSRI": sri(RESOURCE), "mediaType": "application/ld+json"},
            {"id": "https://example.org/raw", "digestMultibase": encode_base64url(digest)},
            {"id": "https://example.org/multihash", "digestMultibase": encode_base58btc(b"\x12\x20" + digest)},
        ],
    )
    assert vc.check_credential(document) == 2


def test_a_digest_matches_only_the_bytes_it_was_made_from() -> None:
    entry = {"id": RESOURCE_ID, "digestSRI": sri(RESOURCE, "sha512")}
    assert related.matches(entry, RESOURCE)
    assert not related.matches(entry, RESOURCE + b" ")
    both = {**entry, "digestMultibase": encode_base64url(hashlib.sha256(RESOURCE + b" ").digest())}
    assert not related.matches(both, RESOURCE)


def vc11(issuer: str, **fields: Any) -> dict[str, Any]:
    document = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/security/data-integrity/v2",
            {"degree": "https://example.org/degree", "DegreeCredential": "https://example.org/DegreeCredential"},
        ],
        "id": "urn:uuid:6a6b1ed6-1f6c-4b1e-9d0e-0a8f5e7c2a11",
        "type": ["VerifiableCredential", "DegreeCredential"],
        "issuer": issuer,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "degree": "Bachelor"},
    }
    document.update(fields)
    return document


def test_a_vc_1_1_credential_is_signed_and_verifies() -> None:
    key = SigningKey.for_did_key(KeyPair.generate())
    signed = sign_credential(vc11(key.controller, expirationDate="2030-01-01T00:00:00Z"), key)
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    report = Verifier().verify_credential(signed)
    assert report.check("proof").outcome == "passed", report.to_json()  # type: ignore[union-attr]
    assert report.check("structure").message == "a W3C VC 1.1 credential"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"issuanceDate": None}, MalformedValueError, "issuanceDate must be a date-time"),
        ({"expirationDate": "2030-01-01"}, MalformedValueError, "expirationDate must be a date-time"),
        ({"@context": ["https://www.w3.org/2018/credentials/v1"]}, MalformedValueError, "needs the Data Integrity"),
        ({"credentialSubject": {"score": 1}}, SafeModeError, "'score' is not defined"),
    ],
)
def test_vc_1_1_rules_hold_for_signing(change: dict[str, Any], error: type[Exception], message: str) -> None:
    key = SigningKey.for_did_key(KeyPair.generate())
    document = {k: v for k, v in {**vc11(key.controller), **change}.items() if v is not None}
    with pytest.raises(error, match=message):
        sign_credential(document, key)


def test_related_resources_are_a_warning_on_an_authentic_credential_not_a_failure() -> None:
    key = SigningKey.for_did_key(KeyPair.generate())
    entries = [{"id": RESOURCE_ID, "digestSRI": sri(RESOURCE)}]
    signed = sign_credential(credential(issuer=key.controller, relatedResource=entries), key)
    report = Verifier().verify_credential(signed)
    assert report.verified, report.to_json()
    assert any("1 related resource(s) with digests that Merit did not check" in w for w in report.warnings)
