"""VC-JOSE (application/vc+jwt, vp+jwt, enveloped) and the Open Badges 3.0 JWT, through the one way in."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from merit.core.dids import Resolver
from merit.core.errors import MalformedValueError
from merit.core.formats import detect
from merit.core.jwt import enveloped, sign_jwt
from merit.core.keys import KeyPair, SigningKey
from merit.core.present import presentation, sign_presentation
from merit.core.verify import dispatch
from merit.core.verify.report import VerificationReport
from tests.core.verify.conftest import ob3_unsigned

DATA = Path(__file__).parents[2] / "data"
VC2 = "https://www.w3.org/ns/credentials/v2"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def token(header: dict[str, Any], payload: Any, key: SigningKey) -> str:
    """A compact JWS signed with ``key`` (payload JSON text when it is a string, else serialised)."""
    body = payload if isinstance(payload, str) else json.dumps(payload)
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(body.encode())}"
    return f"{signing_input}.{b64(key.key_pair.sign(signing_input.encode()))}"


def checks(report: VerificationReport) -> dict[str, str]:
    return {c.name: c.outcome for c in report.checks}


def envelope(jwt: str, kind: str = "vc") -> dict[str, Any]:
    name = "EnvelopedVerifiableCredential" if kind == "vc" else "EnvelopedVerifiablePresentation"
    return {"@context": [VC2], "type": name, "id": f"data:application/{kind}+jwt,{jwt}"}


@pytest.fixture(scope="module", params=["Ed25519", "P-256", "P-384"])
def key(request: pytest.FixtureRequest) -> SigningKey:
    return SigningKey.for_did_key(KeyPair.generate(request.param))


@pytest.fixture(scope="module")
def ed_key() -> SigningKey:
    return SigningKey.for_did_key(KeyPair.generate())


def test_what_merit_issues_as_vc_jose_verifies(key: SigningKey) -> None:
    jwt = sign_jwt(ob3_unsigned(key.controller), key, form="vc-jose")
    assert detect(jwt) == "vc-jose"
    fmt, report = dispatch.verify(jwt)
    assert (fmt, report.outcome) == ("vc-jose", "verified"), report.reason
    alg = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384"}[key.key_pair.algorithm]
    assert report.check("proof").message == f"signature valid (VC-JOSE {alg} by {key.verification_method})"
    assert report.check("parse").message.startswith("a compact JWS (application/vc+jwt)")
    assert [c.name for c in report.checks] == [
        "parse", "structure", "schema", "jsonld_safe_mode", "proof", "issuer", "validity_period", "status"
    ]  # fmt: skip


def test_what_merit_issues_as_an_open_badges_jwt_verifies(key: SigningKey) -> None:
    credential = ob3_unsigned(key.controller)
    credential["validUntil"] = "2099-01-01T00:00:00Z"
    jwt = sign_jwt(credential, key)
    header = json.loads(base64.urlsafe_b64decode(jwt.split(".")[0] + "=="))
    payload = json.loads(base64.urlsafe_b64decode(jwt.split(".")[1] + "=="))
    assert header["typ"] == "JWT"
    assert header["kid"] == key.verification_method
    assert payload["iss"] == key.controller
    assert payload["jti"] == credential["id"]
    assert payload["nbf"] == int(datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00")).timestamp())
    assert payload["exp"] == 4070908800
    assert payload["vc"] == credential
    fmt, report = dispatch.verify(jwt)
    assert (fmt, report.outcome) == ("ob3-jwt", "verified"), report.reason


def test_a_changed_payload_or_signature_is_invalid(ed_key: SigningKey) -> None:
    jwt = sign_jwt(ob3_unsigned(ed_key.controller), ed_key, form="vc-jose")
    head, body, signature = jwt.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims["name"] = "Something else"
    forged = f"{head}.{b64(json.dumps(claims).encode())}.{signature}"
    assert dispatch.verify(forged)[1].check("proof").outcome == "failed"
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BA")
    report = dispatch.verify(f"{head}.{body}.{flipped}")[1]
    assert report.outcome == "invalid"
    assert report.check("proof").message == "the JWS signature does not match"


@pytest.mark.parametrize(
    ("header", "outcome", "message"),
    [
        ({"alg": "none", "typ": "vc+jwt"}, "failed", "not a public-key signature"),
        ({"alg": "HS256", "typ": "vc+jwt"}, "failed", "not a public-key signature"),
        ({"alg": "PS256", "typ": "vc+jwt"}, "could_not_check", "PS256 is not supported"),
        ({"alg": "EdDSA", "typ": "vc+jwt", "crit": ["exp"]}, "could_not_check", "critical header"),
        ({"alg": "EdDSA", "typ": "vc+jwt", "cty": "vp"}, "failed", "cty is 'vp', not vc"),
        ({"alg": "EdDSA", "typ": "vc+jwt"}, "failed", "names no key"),
        ({"alg": "ES256", "typ": "vc+jwt", "kid": "KID"}, "failed", "ES256 needs a EC/P-256 key"),
    ],
)
def test_header_rules(ed_key: SigningKey, header: dict[str, Any], outcome: str, message: str) -> None:
    header = {**header, "kid": ed_key.verification_method} if header.get("kid") == "KID" else header
    jwt = token(header, ob3_unsigned(ed_key.controller), ed_key)
    proof = dispatch.verify(jwt)[1].check("proof")
    assert proof is not None
    assert proof.outcome == outcome
    assert message in proof.message


def test_a_missing_typ_is_a_warning_and_a_relative_kid_is_the_issuers(ed_key: SigningKey) -> None:
    fragment = "#" + ed_key.verification_method.split("#")[1]
    jwt = token(
        {"alg": "EdDSA", "kid": fragment}, ob3_unsigned(ed_key.controller) | {"type": ["VerifiableCredential"]}, ed_key
    )
    fmt, report = dispatch.verify(jwt)
    assert (fmt, report.outcome) == ("vc-jose", "verified"), report.reason
    assert "the JOSE header has no typ (it should be vc+jwt)" in report.warnings


def test_iss_must_be_the_issuer_and_the_key_the_issuers(ed_key: SigningKey) -> None:
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": ed_key.verification_method}
    stranger = SigningKey.for_did_key(KeyPair.generate())
    report = dispatch.verify(token(header, ob3_unsigned(ed_key.controller) | {"iss": stranger.controller}, ed_key))[1]
    assert report.check("proof").outcome == "failed"
    assert "is not the issuer" in report.check("proof").message
    signed_by_stranger = {**header, "kid": stranger.verification_method}
    report = dispatch.verify(token(signed_by_stranger, ob3_unsigned(ed_key.controller), stranger))[1]
    assert checks(report)["proof"] == "passed"
    assert checks(report)["issuer"] == "failed"


def test_jwt_claims_are_checked_and_kept_out_of_the_json_ld(ed_key: SigningKey) -> None:
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": ed_key.verification_method}
    now = int(datetime.now(UTC).timestamp())
    fresh = ob3_unsigned(ed_key.controller) | {"iss": ed_key.controller, "iat": now, "exp": now + 3600}
    assert dispatch.verify(token(header, fresh, ed_key))[1].outcome == "verified"
    expired = fresh | {"exp": now - 86_400}
    report = dispatch.verify(token(header, expired, ed_key))[1]
    assert checks(report)["validity_period"] == "failed"
    assert "the JWT's exp" in report.check("validity_period").message
    undefined = fresh | {"favouriteColour": "blue"}  # Not a JWT claim: JSON-LD safe mode still refuses it.
    assert checks(dispatch.verify(token(header, undefined, ed_key))[1])["jsonld_safe_mode"] == "failed"


def test_vc_jose_is_for_vc_2_0(ed_key: SigningKey) -> None:
    header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": ed_key.verification_method}
    old = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": ed_key.controller,
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
    }
    report = dispatch.verify(token(header, old, ed_key))[1]
    assert checks(report)["structure"] == "failed"


@pytest.mark.parametrize("text", ['{"a": 1, "a": 2}', '{"a": NaN}', '{"a": Infinity}'])
def test_duplicate_keys_nan_and_infinity_in_a_payload_are_refused(ed_key: SigningKey, text: str) -> None:
    jwt = token({"alg": "EdDSA", "typ": "vc+jwt", "kid": ed_key.verification_method}, text, ed_key)
    assert detect(jwt) == "unknown"
    with pytest.raises(dispatch.NotACredentialError):
        dispatch.verify(jwt)
    _, report = dispatch.verify(jwt, expect="credential")
    assert report.check("parse").outcome == "failed"


def test_enveloped_credentials_alone_and_in_a_presentation(ed_key: SigningKey) -> None:
    jwt = sign_jwt(ob3_unsigned(ed_key.controller), ed_key, form="vc-jose")
    fmt, report = dispatch.verify(envelope(jwt))
    assert (fmt, report.outcome) == ("vc-jose", "verified"), report.reason
    assert report.check("parse").message.startswith("an enveloped VC (data:application/vc+jwt)")
    other = {**envelope(jwt), "id": f"data:application/vc+sd-jwt,{jwt}"}
    assert dispatch.verify(other)[1].check("parse").outcome == "could_not_check"
    holder = SigningKey.for_did_key(KeyPair.generate())
    vp = sign_presentation(presentation([envelope(jwt)], holder.controller, "urn:uuid:1"), holder, challenge="c1")
    fmt, report = dispatch.verify(vp, challenge="c1")
    assert (fmt, report.outcome) == ("vp", "verified"), report.reason
    assert [(r.outcome, r.check("proof").message.split(" (")[1][:7]) for r in report.credentials] == [
        ("verified", "VC-JOSE")
    ]
    forged = {**envelope(jwt), "id": envelope(jwt)["id"][:-3] + "AAA"}
    vp = sign_presentation(presentation([forged], holder.controller, "urn:uuid:2"), holder)
    report = dispatch.verify(vp)[1]
    assert report.outcome == "invalid"
    assert checks(report)["credentials"] == "failed"


def test_open_badges_jwts_travel_enveloped_as_application_jwt(ed_key: SigningKey) -> None:
    """An Open Badges 3.0 JWT in a presentation: an EnvelopedVerifiableCredential holding the token byte for byte
    under application/jwt (what its typ JWT names; formats.ENVELOPE_MEDIA), verified as the compact token is."""
    jwt = sign_jwt(ob3_unsigned(ed_key.controller), ed_key)
    wrapped = enveloped(jwt, "ob3")
    assert wrapped["id"] == f"data:application/jwt,{jwt}"
    assert detect(wrapped) == "ob3-jwt"
    fmt, report = dispatch.verify(wrapped)
    assert (fmt, report.outcome) == ("ob3-jwt", "verified"), report.reason
    assert report.check("parse").message.startswith("an enveloped JWT (data:application/jwt) (Open Badges 3.0")
    assert report.document == dispatch.verify(jwt)[1].document
    # The media type must say what the token is: each form refused under the other's.
    vc_jose = sign_jwt(ob3_unsigned(ed_key.controller), ed_key, form="vc-jose")
    mislabelled = dispatch.verify({**wrapped, "id": f"data:application/jwt,{vc_jose}"})[1]
    assert mislabelled.check("parse").outcome == "failed"
    assert "the token's typ is 'vc+jwt'" in mislabelled.check("parse").message
    as_vc_jose = dispatch.verify({**wrapped, "id": f"data:application/vc+jwt,{jwt}"})
    assert as_vc_jose[0] == "vc-jose"
    assert as_vc_jose[1].outcome == "invalid"
    assert as_vc_jose[1].check("structure").outcome == "failed", "its payload is no VC 2.0 credential"
    # In a presentation, beside a VC-JOSE credential, each verified as what it is; a changed token fails.
    holder = SigningKey.for_did_key(KeyPair.generate())
    both = [wrapped, enveloped(vc_jose)]
    vp = sign_presentation(presentation(both, holder.controller, "urn:uuid:3"), holder, challenge="c3")
    fmt, report = dispatch.verify(vp, challenge="c3")
    assert (fmt, report.outcome) == ("vp", "verified"), report.reason
    assert [r.check("proof").message.split(" (")[1].split(" ")[0] for r in report.credentials] == ["JWT", "VC-JOSE"]
    head, _body, signature = jwt.split(".")
    other = sign_jwt(ob3_unsigned(ed_key.controller) | {"name": "Another badge"}, ed_key).split(".")[1]
    forged = enveloped(f"{head}.{other}.{signature}", "ob3")
    vp = sign_presentation(presentation([forged], holder.controller, "urn:uuid:4"), holder)
    report = dispatch.verify(vp)[1]
    assert report.outcome == "invalid"
    assert checks(report)["proof"] == "passed", "the holder signed the presentation as it is"
    assert checks(report)["credentials"] == "failed"
    assert report.credentials[0].check("proof").outcome == "failed"


def test_vp_jose_with_nonce_and_audience(ed_key: SigningKey) -> None:
    holder = SigningKey.for_did_key(KeyPair.generate())
    credential = envelope(sign_jwt(ob3_unsigned(ed_key.controller), ed_key, form="vc-jose"))
    payload = {
        "@context": [VC2],
        "type": ["VerifiablePresentation"],
        "holder": holder.controller,
        "verifiableCredential": [credential],
        "nonce": "n-123",
        "aud": ["https://verifier.example"],
    }
    jwt = token({"alg": "EdDSA", "typ": "vp+jwt", "kid": holder.verification_method}, payload, holder)
    assert detect(jwt) == "vp-jose"
    fmt, report = dispatch.verify(jwt, challenge="n-123", domain="https://verifier.example")
    assert (fmt, report.outcome) == ("vp-jose", "verified"), report.reason
    assert checks(report)["holder"] == "passed"
    assert [r.outcome for r in report.credentials] == ["verified"]
    assert dispatch.verify(envelope(jwt, "vp"), challenge="n-123")[1].outcome == "verified"
    wrong = dispatch.verify(jwt, challenge="another")[1]
    assert checks(wrong)["challenge_and_domain"] == "failed"
    stranger = SigningKey.for_did_key(KeyPair.generate())
    not_holder = token({"alg": "EdDSA", "typ": "vp+jwt", "kid": stranger.verification_method}, payload, stranger)
    assert checks(dispatch.verify(not_holder)[1])["holder"] == "failed"


def test_did_web_issuers_through_the_resolver(ed_key: SigningKey) -> None:
    did = "did:web:college.example"
    pair = KeyPair.generate("P-256")
    key = SigningKey(pair, did, f"{did}#k1")
    jwk_method = {"id": key.verification_method, "type": "JsonWebKey", "controller": did}
    jwk_method["publicKeyJwk"] = pair.public_key.jwk()
    document = {"id": did, "verificationMethod": [jwk_method], "assertionMethod": [key.verification_method]}
    jwt = sign_jwt(ob3_unsigned(did), key, form="vc-jose")
    offline = dispatch.verify(jwt)[1]
    assert offline.outcome == "could_not_verify"
    resolver = Resolver(documents={did: document})
    _, report = dispatch.verify(jwt, resolve=resolver.resolve_verification_method)
    assert report.outcome == "verified", report.reason


def test_open_badges_jwt_claims_must_agree(ed_key: SigningKey) -> None:
    credential = ob3_unsigned(ed_key.controller)
    header = {"alg": "EdDSA", "typ": "JWT", "kid": ed_key.verification_method}
    sparse = {k: v for k, v in credential.items() if k not in ("issuer", "id", "validFrom")}
    filled = {"vc": sparse, "iss": ed_key.controller, "jti": "urn:uuid:5", "nbf": 1_700_000_000}
    _, report = dispatch.verify(token(header, filled, ed_key))
    assert report.check("structure").outcome == "passed"
    assert report.document is not None
    assert report.document["id"] == "urn:uuid:5"
    assert report.document["issuer"] == ed_key.controller
    assert report.document["validFrom"] == "2023-11-14T22:13:20Z"
    for claim, value in (("jti", "urn:uuid:other"), ("iss", "did:example:other"), ("nbf", 1_000)):
        disagreeing = {"vc": credential, claim: value}
        report = dispatch.verify(token(header, disagreeing, ed_key))[1]
        assert checks(report)["structure"] == "failed", claim


def test_open_badges_jwt_with_the_key_in_the_header(ed_key: SigningKey) -> None:
    credential = ob3_unsigned(ed_key.controller)
    own = {"alg": "EdDSA", "typ": "JWT", "jwk": ed_key.key_pair.public_key.jwk()}
    report = dispatch.verify(token(own, {"vc": credential}, ed_key))[1]
    assert report.outcome == "verified", report.reason  # The issuer is the did:key of that very key.
    stranger = SigningKey.for_did_key(KeyPair.generate())
    theirs = {"alg": "EdDSA", "typ": "JWT", "jwk": stranger.key_pair.public_key.jwk()}
    report = dispatch.verify(token(theirs, {"vc": credential}, stranger))[1]
    assert checks(report)["proof"] == "passed"
    assert checks(report)["issuer"] == "could_not_check"
    assert report.outcome == "could_not_verify"
    private = {**own, "jwk": {**own["jwk"], "d": "secret"}}
    assert checks(dispatch.verify(token(private, {"vc": credential}, ed_key))[1])["proof"] == "failed"


def test_open_badges_jwt_with_a_kid_url(ed_key: SigningKey) -> None:
    credential = ob3_unsigned("https://college.example/issuer")
    header = {"alg": "EdDSA", "typ": "JWT", "kid": "https://college.example/keys/1.json"}
    jwt = token(header, {"vc": credential}, ed_key)
    assert dispatch.verify(jwt)[1].check("proof").outcome == "could_not_check"
    served = {header["kid"]: ed_key.key_pair.public_key.jwk()}
    report = dispatch.verify(jwt, fetch_json=served.__getitem__)[1]
    assert checks(report)["proof"] == "passed"
    assert checks(report)["issuer"] == "passed"  # A key on the issuer's own site speaks for it.
    elsewhere = token({**header, "kid": "https://cdn.example/k.json"}, {"vc": credential}, ed_key)
    report = dispatch.verify(elsewhere, fetch_json=lambda url: ed_key.key_pair.public_key.jwk())[1]
    assert checks(report)["issuer"] == "could_not_check"


@pytest.mark.parametrize(
    ("name", "outcome", "reason"),
    [
        ("ob30-simple-jwt-svg.jwt", "could_not_verify", "issuer"),
        ("ob30-simple-jwt_v1-svg.jwt", "could_not_verify", "issuer"),
        ("ob30-simple.jwt", "could_not_verify", "jsonld_safe_mode"),
        ("ob30-velocity.jwt", "could_not_verify", "jsonld_safe_mode"),
    ],
)
def test_the_1edtech_validator_samples(name: str, outcome: str, reason: str) -> None:
    text = (DATA / "jwt" / name).read_text()
    fmt, report = dispatch.verify(text)
    assert fmt == "ob3-jwt"
    assert report.outcome == outcome
    assert report.reason.startswith(reason)
    if reason == "issuer":
        assert report.check("proof").message == "signature valid (JWT RS256 by the key in the header (jwk))"
        head, body, signature = text.strip().split(".")
        changed = f"{head}.{body}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
        assert dispatch.verify(changed)[1].check("proof").outcome == "failed"


def test_nan_is_never_signed(ed_key: SigningKey) -> None:
    credential = ob3_unsigned(ed_key.controller)
    credential["name"] = float("nan")
    with pytest.raises(MalformedValueError, match="NaN or Infinity"):
        sign_jwt(credential, ed_key)
