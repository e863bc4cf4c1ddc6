"""DID resolution: did:key built locally, did:web only through an allowed fetcher, methods checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from merit.core import multibase as mb
from merit.core.dids import Resolver, did_web_document, did_web_url, resolve_did_key
from merit.core.errors import (
    CouldNotVerifyError,
    DidResolutionError,
    InvalidDidError,
    InvalidError,
    MethodNotSupportedError,
)
from merit.core.keys import KeyPair, SigningKey

VECTORS = Path(__file__).parents[2] / "data" / "vectors"


@pytest.mark.parametrize(
    "path", [VECTORS / "w3c-vc-di-eddsa" / "keyPair.json", VECTORS / "w3c-vc-di-ecdsa" / "p256KeyPair.json"]
)
def test_did_key_of_the_vector_keys(path: Path) -> None:
    public = json.loads(path.read_text())["publicKeyMultibase"]
    did = f"did:key:{public}"
    document = resolve_did_key(did)
    assert document["id"] == did
    method = Resolver().resolve_verification_method(f"{did}#{public}", "assertionMethod")
    assert method.controller == did
    assert method.public_key.multibase == public


def test_a_document_supplied_for_a_did_key_decides_even_after_the_did_key_was_resolved() -> None:
    """did:key methods are worked out once, but a caller that supplies its own document for the DID is answered from
    that document, not from what was worked out for everyone else."""
    key = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    did, url = key.controller, key.verification_method
    first = Resolver().resolve_verification_method(url, "assertionMethod")
    assert Resolver().resolve_verification_method(url, "assertionMethod") is first
    assert first.public_key == key.key_pair.public_key
    other = KeyPair.generate("Ed25519").public_key.multibase
    supplied = {
        "id": did,
        "verificationMethod": [{"id": url, "type": "Multikey", "controller": did, "publicKeyMultibase": other}],
        "assertionMethod": [url],
    }
    resolver = Resolver(documents={did: supplied})
    assert resolver.resolve_verification_method(url, "assertionMethod").public_key.multibase == other
    with pytest.raises(InvalidError, match="not authorised for authentication"):
        resolver.resolve_verification_method(url, "authentication")
    assert Resolver().resolve_verification_method(url, "authentication").public_key == key.key_pair.public_key


@pytest.mark.parametrize("did", ["did:key:zQ3sh", "did:key:xyz", "did:key:z" + "1" * 10])
def test_invalid_did_keys(did: str) -> None:
    with pytest.raises(InvalidDidError):
        Resolver().resolve(did)


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
        ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
        ("did:web:example.com%3A3000:issuers:42", "https://example.com:3000/issuers/42/did.json"),
    ],
)
def test_did_web_urls(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:web:exa mple.com",
        "did:web:evil.com%2Fpath",
        "did:key:abc",
        "did:web:example.com:%2E%2E:admin",
        "did:web:example.com:..:admin",
        "did:web:example.com:a%2Fb",
        "did:web:user@example.com",
        "did:web:example.com%3A99999",
    ],
)
def test_invalid_did_web(did: str) -> None:
    with pytest.raises(InvalidDidError):
        did_web_url(did)


@pytest.fixture
def org() -> tuple[str, SigningKey, dict[str, Any]]:
    did = "did:web:issuer.example:orgs:7"
    pair = KeyPair.generate()
    key = SigningKey(pair, did, f"{did}#key-1")
    return did, key, did_web_document(did, [key])


def test_did_web_is_not_fetched_without_permission(org: tuple[str, SigningKey, dict[str, Any]]) -> None:
    _, key, _ = org
    with pytest.raises(DidResolutionError, match="not allowed"):
        Resolver().resolve_verification_method(key.verification_method, "assertionMethod")


def test_did_web_through_fetcher_with_cache(org: tuple[str, SigningKey, dict[str, Any]]) -> None:
    did, key, document = org
    calls: list[str] = []
    now = [0.0]

    def fetch(url: str) -> bytes:
        calls.append(url)
        return json.dumps(document).encode()

    resolver = Resolver(web_fetcher=fetch, cache_ttl=60, clock=lambda: now[0])
    method = resolver.resolve_verification_method(key.verification_method, "assertionMethod")
    assert method.public_key == key.key_pair.public_key
    resolver.resolve(did)
    assert calls == ["https://issuer.example/orgs/7/did.json"]
    now[0] = 61
    resolver.resolve(did)
    assert len(calls) == 2


def test_supplied_document_is_used_offline(org: tuple[str, SigningKey, dict[str, Any]]) -> None:
    did, key, document = org
    method = Resolver(documents={did: document}).resolve_verification_method(key.verification_method, "authentication")
    assert method.id == key.verification_method


def test_document_with_another_id_is_refused(org: tuple[str, SigningKey, dict[str, Any]]) -> None:
    did, _, document = org
    resolver = Resolver(web_fetcher=lambda url: json.dumps({**document, "id": "did:web:other.example"}).encode())
    with pytest.raises(InvalidError, match="does not have id"):
        resolver.resolve(did)


def test_fetch_failure_could_not_verify(org: tuple[str, SigningKey, dict[str, Any]]) -> None:
    did, _, _ = org

    def fail(url: str) -> bytes:
        raise OSError("connection refused")

    with pytest.raises(CouldNotVerifyError, match="connection refused"):
        Resolver(web_fetcher=fail).resolve(did)


def test_method_not_authorised_for_purpose(org: tuple[str, SigningKey, dict[str, Any]]) -> None:
    did, key, document = org
    document = {**document, "assertionMethod": []}
    with pytest.raises(InvalidError, match="not authorised for assertionMethod"):
        Resolver(documents={did: document}).resolve_verification_method(key.verification_method, "assertionMethod")


def test_method_controlled_by_someone_else(org: tuple[str, SigningKey, dict[str, Any]]) -> None:
    did, key, document = org
    methods = [{**document["verificationMethod"][0], "controller": "did:web:attacker.example"}]
    document = {**document, "verificationMethod": methods}
    with pytest.raises(InvalidError, match="controlled by"):
        Resolver(documents={did: document}).resolve_verification_method(key.verification_method, "assertionMethod")


def test_unknown_method_and_not_a_did() -> None:
    with pytest.raises(MethodNotSupportedError, match="did:ion"):
        Resolver().resolve("did:ion:abc")
    with pytest.raises(MethodNotSupportedError, match="not a DID"):
        Resolver().resolve_verification_method("https://example.edu/issuers/1#key", "assertionMethod")


@pytest.mark.parametrize("algorithm", ["Ed25519", "P-256"])
def test_json_web_keys(algorithm: str) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    pair = KeyPair.generate(algorithm)  # type: ignore[arg-type]
    did = "did:web:jwk.example"
    if algorithm == "Ed25519":
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": mb.encode_base64url(pair.public_key.raw)[1:]}
    else:
        point = pair._private.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": mb.encode_base64url(point[1:33])[1:],
            "y": mb.encode_base64url(point[33:])[1:],
        }
    method = {"id": f"{did}#k", "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk}
    document = {"id": did, "verificationMethod": [method], "assertionMethod": [f"{did}#k"]}
    resolved = Resolver(documents={did: document}).resolve_verification_method(f"{did}#k", "assertionMethod")
    assert resolved.public_key == pair.public_key
