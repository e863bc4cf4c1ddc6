"""Format detection: W3C VC/VP, Open Badges 2.0, Europass (EDC) and unknown input."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

from merit.core.errors import MalformedProofError, UnsupportedCryptosuiteError
from merit.core.formats import complete_view, detect, jws_algorithm, jws_payload
from merit.core.microcredential.view import extract_spec_view

DATA = Path(__file__).parents[1] / "data"


def load(*parts: str) -> Any:
    return json.loads((DATA.joinpath(*parts)).read_text(encoding="utf-8"))


def b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_w3c_credentials() -> None:
    assert detect(load("vectors", "1edtech", "obv3p0", "credential-unsigned.json")) == "vc"
    assert detect(load("examples", "openbadges", "basicOpenBadgeCredential.json")) == "vc"
    vc1 = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"]}
    assert detect(vc1) == "vc"
    assert detect(json.dumps(vc1).encode()) == "vc"


def test_w3c_presentations() -> None:
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "VerifiablePresentation"}
    assert detect(vp) == "vp"


def test_open_badges_2() -> None:
    example = load("ob2", "spec-concepts-example.json")
    assert detect(example) == "ob2"
    assert detect({"type": "Assertion", "id": "urn:uuid:1"}) == "ob2"  # Some issuers leave out the context.
    token = f"{b64({'alg': 'RS256'})}.{b64(example)}.c2lnbmF0dXJl"
    assert detect(token) == "ob2"
    assert jws_payload(token) == example


def test_europass() -> None:
    assert detect(load("edc", "credential-sample.jsonld")) == "edc"  # Also a VC 1.1 document: EDC wins.
    assert detect(load("edc", "AA-Annex1-MC-signed.jsonld")) == "edc"  # Sealed in a JAdES envelope.
    assert detect(load("examples", "Sample-CertOfPart-unsigned.jsonld")) == "edc"


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"@context": ["https://www.w3.org/ns/credentials/v2"]},
        {"@context": "https://example.org/ctx", "type": "VerifiableCredential"},
        {"@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context.json"], "type": ["VerifiableCredential"]},
        "not a document",
        "{broken json",
        b"\xff\xfe",
        "a.b.c",
        [1, 2, 3],
        None,
        42,
        '{"a": 1, "a": 2}',
        "x" * (5 * 1024 * 1024),
    ],
)
def test_unknown(document: Any) -> None:
    assert detect(document) == "unknown"


def test_deep_nesting_is_unknown_not_a_crash() -> None:
    text = '{"a":' * 10_000 + "1" + "}" * 10_000
    assert detect(text) == "unknown"
    nested: Any = {}
    for _ in range(500):
        nested = {"n": nested}
    assert detect({"type": "Assertion", "evidence": nested}) == "unknown"


def test_complete_view_has_the_spec_view_keys() -> None:
    view = complete_view({"title": "Welding"}, "ob2")
    assert set(extract_spec_view({})) <= set(view)
    assert view["learningOutcomes"] == []
    assert view["format"] == "ob2"
    assert view["missing"] == extract_spec_view({"credentialSubject": {"achievement": {"name": "Welding"}}})["missing"]


@pytest.mark.parametrize(
    ("header", "error", "message"),
    [
        ({"alg": "none"}, MalformedProofError, "none, which is not a public-key signature"),
        ({"alg": "HS512"}, MalformedProofError, "HS512, which is not a public-key signature"),
        ({}, UnsupportedCryptosuiteError, "the JWS algorithm None is not supported (ES256, RS256)"),
        ({"alg": "PS256"}, UnsupportedCryptosuiteError, "the JWS algorithm PS256 is not supported (ES256, RS256)"),
        ({"alg": "RS256", "crit": ["exp"]}, UnsupportedCryptosuiteError, "critical header parameters (crit)"),
    ],
)
def test_one_jws_header_rule(header: dict[str, Any], error: type[Exception], message: str) -> None:
    """The header rule that VC-JOSE, the Open Badges 3.0 JWT and signed Open Badges 2.0 assertions share."""
    with pytest.raises(error, match=re.escape(message)):
        jws_algorithm(header, ("RS256", "ES256"))
    assert jws_algorithm({"alg": "ES256", "crit": []}, ("RS256", "ES256")) == "ES256"
