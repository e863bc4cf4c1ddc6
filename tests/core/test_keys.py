"""Multikey keys: the W3C vector keys, round trips, and malformed input."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from merit.core import multibase as mb
from merit.core.errors import MalformedValueError, ProofVerificationError
from merit.core.keys import KeyPair, PublicKey, SigningKey

VECTORS = Path(__file__).parents[1] / "data" / "vectors"
KEY_FILES = [
    VECTORS / "w3c-vc-di-eddsa" / "keyPair.json",
    VECTORS / "w3c-vc-di-ecdsa" / "p256KeyPair.json",
    VECTORS / "w3c-vc-di-ecdsa" / "p384KeyPair.json",
]


@pytest.mark.parametrize("path", KEY_FILES, ids=lambda p: p.name)
def test_vector_keys_derive_their_public_keys(path: Path) -> None:
    data = json.loads(path.read_text())
    secret = data.get("secretKeyMultibase") or data["privateKeyMultibase"]
    pair = KeyPair.from_secret_multibase(secret)
    assert pair.public_key.multibase == data["publicKeyMultibase"]
    assert pair.secret_multibase == secret
    assert PublicKey.from_multibase(data["publicKeyMultibase"]) == pair.public_key


@pytest.mark.parametrize("algorithm", ["Ed25519", "P-256", "P-384"])
def test_sign_and_verify_round_trip(algorithm: str) -> None:
    pair = KeyPair.generate(algorithm)  # type: ignore[arg-type]
    signature = pair.sign(b"hello")
    assert len(signature) == {"Ed25519": 64, "P-256": 64, "P-384": 96}[algorithm]
    pair.public_key.verify(signature, b"hello")
    with pytest.raises(ProofVerificationError):
        pair.public_key.verify(signature, b"hellO")
    flipped = bytes([signature[0] ^ 1]) + signature[1:]
    with pytest.raises(ProofVerificationError):
        pair.public_key.verify(flipped, b"hello")


def test_wrong_length_ecdsa_signature_is_rejected() -> None:
    pair = KeyPair.generate("P-256")
    with pytest.raises(ProofVerificationError, match="64 bytes"):
        pair.public_key.verify(pair.sign(b"x")[:-1], b"x")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "z",
        "u7QE",  # Not base58btc.
        "z0OIl",  # Characters outside the base58 alphabet.
        mb.encode_base58btc(b"\x00\x01" + bytes(32)),  # Unknown multicodec header.
        mb.encode_base58btc(mb.ED25519_PUB + bytes(31)),  # Too short.
        mb.encode_base58btc(mb.P256_PUB + b"\x02" + b"\xff" * 32),  # x is not a field element.
    ],
)
def test_malformed_public_keys(value: str) -> None:
    with pytest.raises(MalformedValueError):
        PublicKey.from_multibase(value)


def test_secret_never_appears_in_repr_or_public_document() -> None:
    key = SigningKey.for_did_key(KeyPair.generate())
    secret = key.key_pair.secret_multibase
    assert secret not in repr(key.key_pair)
    assert secret not in json.dumps(key.public_multikey())
    again = SigningKey.from_secret_json(key.to_secret_json())
    assert again.key_pair.public_key == key.key_pair.public_key
    assert (again.controller, again.verification_method) == (key.controller, key.verification_method)


def test_key_file_with_mismatched_public_key_is_refused() -> None:
    data = SigningKey.for_did_key(KeyPair.generate()).to_secret_json()
    data["publicKeyMultibase"] = KeyPair.generate().public_key.multibase
    with pytest.raises(MalformedValueError, match="does not match"):
        SigningKey.from_secret_json(data)


def test_did_key_binding() -> None:
    key = SigningKey.for_did_key(KeyPair.generate())
    assert key.controller.startswith("did:key:z6Mk")
    assert key.verification_method == f"{key.controller}#{key.controller.removeprefix('did:key:')}"


@pytest.mark.parametrize("suffix", [" ", "\n", "\t", "0", "O", "l", "I", "+"])
def test_base58btc_is_strict(suffix: str) -> None:
    """A signature with anything appended must not decode to the same bytes."""
    value = mb.encode_base58btc(b"\x01\x02signature")
    with pytest.raises(MalformedValueError):
        mb.decode_base58btc(value + suffix)


def test_base64url_multibase() -> None:
    assert mb.decode_base64url(mb.encode_base64url(b"\xff\xfe")) == b"\xff\xfe"
    with pytest.raises(MalformedValueError):
        mb.decode_base64url("u__8=")
    with pytest.raises(MalformedValueError):
        mb.decode_base64url("z123")
    for other_alphabet in ("u+/8", "u//8", "uAA A"):
        with pytest.raises(MalformedValueError):
            mb.decode_base64url(other_alphabet)


@pytest.mark.parametrize("algorithm", ["Ed25519", "P-256", "P-384"])
def test_a_private_jwk_signs_what_the_public_key_verifies(algorithm: str) -> None:
    """The private JWK (RFC 8037 for Ed25519, RFC 7518 for the curves) opens in an independent JOSE library and
    signs what Merit's public key verifies: it is the same key, exported."""
    from joserfc import jwk, jws

    pair = KeyPair.generate(algorithm)  # type: ignore[arg-type]
    private = pair.private_jwk()
    assert {k: v for k, v in private.items() if k != "d"} == pair.public_key.jwk()
    alg = {"Ed25519": "Ed25519", "P-256": "ES256", "P-384": "ES384"}[algorithm]
    token = jws.serialize_compact({"alg": alg}, b"held by me", jwk.import_key(private), algorithms=[alg])
    header, payload, signature = token.split(".")
    pair.public_key.verify(
        base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)), f"{header}.{payload}".encode()
    )
