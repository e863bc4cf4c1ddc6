"""Signing keys and public keys as Multikey (Ed25519, P-256, P-384).

https://www.w3.org/TR/cid-1.0/#Multikey . A key pair's secret never appears in ``repr`` or in
:meth:`KeyPair.public_multikey`; only :meth:`KeyPair.to_secret_json` writes it, for storage the caller protects.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from merit.core import multibase as mb
from merit.core.errors import MalformedValueError, ProofVerificationError

Algorithm = Literal["Ed25519", "P-256", "P-384"]

_CURVES: dict[str, tuple[ec.EllipticCurve, hashes.HashAlgorithm, int]] = {
    "P-256": (ec.SECP256R1(), hashes.SHA256(), 32),
    "P-384": (ec.SECP384R1(), hashes.SHA384(), 48),
}
_PUB_HEADERS: dict[bytes, Algorithm] = {mb.ED25519_PUB: "Ed25519", mb.P256_PUB: "P-256", mb.P384_PUB: "P-384"}
_PRIV_HEADERS: dict[bytes, Algorithm] = {mb.ED25519_PRIV: "Ed25519", mb.P256_PRIV: "P-256", mb.P384_PRIV: "P-384"}
_HEADER_OF_PUB = {v: k for k, v in _PUB_HEADERS.items()}
_HEADER_OF_PRIV = {v: k for k, v in _PRIV_HEADERS.items()}


def _b64url(data: bytes) -> str:
    return mb.encode_base64url(data)[1:]  # Without the multibase prefix "u".


@dataclass(frozen=True)
class PublicKey:
    """A public key that verifies signatures; :meth:`verify` raises on a bad signature."""

    algorithm: Algorithm
    raw: bytes  # Ed25519: 32 bytes; ECDSA: the compressed SEC1 point.

    @classmethod
    def from_multibase(cls, value: str) -> PublicKey:
        """Read a Multikey ``publicKeyMultibase`` (base58btc, multicodec header)."""
        data = mb.decode_base58btc(value)
        algorithm = _PUB_HEADERS.get(data[:2])
        if algorithm is None:
            raise MalformedValueError("publicKeyMultibase has an unsupported multicodec header")
        raw = data[2:]
        expected = {"Ed25519": 32, "P-256": 33, "P-384": 49}[algorithm]
        if len(raw) != expected:
            raise MalformedValueError(f"{algorithm} public key must be {expected} bytes, got {len(raw)}")
        key = cls(algorithm, raw)
        _ = key._loaded  # Validates the point now rather than at first use.
        return key

    @property
    def multibase(self) -> str:
        """The key as Multikey ``publicKeyMultibase``."""
        return mb.encode_base58btc(_HEADER_OF_PUB[self.algorithm] + self.raw)

    @cached_property
    def _loaded(self) -> ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey:
        """The key as ``cryptography`` holds it, loaded once (decompressing an ECDSA point takes 20–45 µs)."""
        try:
            if self.algorithm == "Ed25519":
                return ed25519.Ed25519PublicKey.from_public_bytes(self.raw)
            curve = _CURVES[self.algorithm][0]
            return ec.EllipticCurvePublicKey.from_encoded_point(curve, self.raw)
        except ValueError as exc:
            raise MalformedValueError(f"invalid {self.algorithm} public key: {exc}") from exc

    def jwk(self) -> dict[str, str]:
        """The key as a public JSON Web Key: ``OKP``/``Ed25519`` (RFC 8037), or ``EC`` with ``x`` and ``y``."""
        key = self._loaded
        if isinstance(key, ed25519.Ed25519PublicKey):
            return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(self.raw)}
        numbers, size = key.public_numbers(), _CURVES[self.algorithm][2]
        x, y = numbers.x.to_bytes(size, "big"), numbers.y.to_bytes(size, "big")
        return {"kty": "EC", "crv": self.algorithm, "x": _b64url(x), "y": _b64url(y)}

    def verify(self, signature: bytes, data: bytes) -> None:
        """Verify ``signature`` over ``data``; raise :class:`ProofVerificationError` if it does not match.

        ECDSA signatures are the IEEE P1363 form (r ‖ s), hashed with the curve's own hash (SHA-256 for P-256,
        SHA-384 for P-384) as ecdsa-rdfc-2019 requires.
        """
        key = self._loaded
        try:
            if isinstance(key, ed25519.Ed25519PublicKey):
                key.verify(signature, data)
                return
            _, digest, size = _CURVES[self.algorithm]
            if len(signature) != 2 * size:
                raise ProofVerificationError(f"{self.algorithm} signature must be {2 * size} bytes")
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(digest))
        except InvalidSignature as exc:
            raise ProofVerificationError("the signature does not match the signed data") from exc


class KeyPair:
    """A private signing key with its public key."""

    def __init__(self, private: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey, algorithm: Algorithm):
        self._private = private
        self.algorithm: Algorithm = algorithm
        if isinstance(private, ed25519.Ed25519PrivateKey):
            raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        else:
            raw = private.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
        self.public_key = PublicKey(algorithm, raw)

    def __repr__(self) -> str:
        return f"KeyPair({self.algorithm}, {self.public_key.multibase})"

    @classmethod
    def generate(cls, algorithm: Algorithm = "Ed25519") -> KeyPair:
        """Generate a new key pair."""
        if algorithm == "Ed25519":
            return cls(ed25519.Ed25519PrivateKey.generate(), algorithm)
        if algorithm in _CURVES:
            return cls(ec.generate_private_key(_CURVES[algorithm][0]), algorithm)
        raise MalformedValueError(f"unsupported key algorithm {algorithm!r}")

    @classmethod
    def from_secret_multibase(cls, value: str) -> KeyPair:
        """Read a Multikey ``secretKeyMultibase`` (multicodec ``ed25519-priv``, ``p256-priv`` or ``p384-priv``)."""
        data = mb.decode_base58btc(value)
        algorithm = _PRIV_HEADERS.get(data[:2])
        if algorithm is None:
            raise MalformedValueError("secretKeyMultibase has an unsupported multicodec header")
        secret = data[2:]
        try:
            if algorithm == "Ed25519":
                return cls(ed25519.Ed25519PrivateKey.from_private_bytes(secret), algorithm)
            curve = _CURVES[algorithm][0]
            return cls(ec.derive_private_key(int.from_bytes(secret, "big"), curve), algorithm)
        except ValueError as exc:
            raise MalformedValueError(f"invalid {algorithm} secret key: {exc}") from exc

    @property
    def secret_multibase(self) -> str:
        """The secret key as Multikey ``secretKeyMultibase``; handle it as a secret."""
        if isinstance(self._private, ed25519.Ed25519PrivateKey):
            secret = self._private.private_bytes_raw()
        else:
            size = _CURVES[self.algorithm][2]
            secret = self._private.private_numbers().private_value.to_bytes(size, "big")
        return mb.encode_base58btc(_HEADER_OF_PRIV[self.algorithm] + secret)

    def private_jwk(self) -> dict[str, str]:
        """The key pair as a private JSON Web Key (the public JWK with ``d``, RFC 8037 / RFC 7518); a secret."""
        if isinstance(self._private, ed25519.Ed25519PrivateKey):
            secret = self._private.private_bytes_raw()
        else:
            size = _CURVES[self.algorithm][2]
            secret = self._private.private_numbers().private_value.to_bytes(size, "big")
        return {**self.public_key.jwk(), "d": _b64url(secret)}

    def sign(self, data: bytes) -> bytes:
        """Sign ``data``: Ed25519 (64 bytes) or ECDSA with the curve's hash in IEEE P1363 form (r ‖ s)."""
        if isinstance(self._private, ed25519.Ed25519PrivateKey):
            return self._private.sign(data)
        _, digest, size = _CURVES[self.algorithm]
        r, s = decode_dss_signature(self._private.sign(data, ec.ECDSA(digest)))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def did_key(public_key: PublicKey) -> str:
    """The ``did:key`` DID of a public key."""
    return f"did:key:{public_key.multibase}"


@dataclass(frozen=True)
class SigningKey:
    """A key pair bound to a verification method of a controller (a DID)."""

    key_pair: KeyPair
    controller: str
    verification_method: str

    @classmethod
    def for_did_key(cls, key_pair: KeyPair) -> SigningKey:
        """Bind a key pair to its own ``did:key``."""
        did = did_key(key_pair.public_key)
        return cls(key_pair, did, f"{did}#{key_pair.public_key.multibase}")

    def to_secret_json(self) -> dict[str, Any]:
        """The Multikey document including ``secretKeyMultibase``: store it as a secret."""
        return {
            "type": "Multikey",
            "id": self.verification_method,
            "controller": self.controller,
            "publicKeyMultibase": self.key_pair.public_key.multibase,
            "secretKeyMultibase": self.key_pair.secret_multibase,
        }

    @classmethod
    def from_secret_json(cls, data: dict[str, Any]) -> SigningKey:
        """Read the document written by :meth:`to_secret_json`."""
        try:
            key_pair = KeyPair.from_secret_multibase(data["secretKeyMultibase"])
            controller = data["controller"]
            method = data["id"]
        except (KeyError, TypeError) as exc:
            raise MalformedValueError(f"key file lacks {exc}") from exc
        if data.get("publicKeyMultibase") not in (None, key_pair.public_key.multibase):
            raise MalformedValueError("key file's publicKeyMultibase does not match its secret key")
        if not isinstance(controller, str) or not isinstance(method, str) or not method.startswith(controller + "#"):
            raise MalformedValueError("key file's id must be a fragment of its controller")
        return cls(key_pair, controller, method)

    def public_multikey(self) -> dict[str, Any]:
        """The verification method as published in a DID document (no secret)."""
        return {
            "id": self.verification_method,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": self.key_pair.public_key.multibase,
        }
