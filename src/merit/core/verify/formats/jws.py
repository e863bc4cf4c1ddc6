"""JSON Web Signatures around credentials: reading a compact JWS, the key it names, the signature.

Shared by VC-JOSE (:mod:`.jose`, https://www.w3.org/TR/vc-jose-cose/) and the Open Badges 3.0 JWT
(:mod:`.ob3jwt`, https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof). RFC 7515 (JWS), RFC 7518 and RFC 8037
(algorithms); signatures are checked with ``joserfc``. The key comes from the header's ``kid`` through the
verifier's DID resolver (``did:key``, ``did:web``: ``publicKeyJwk`` or Multikey), from a ``kid`` URL through the
caller's ``fetch_json``, or from the header's own ``jwk`` (which proves integrity, not who signed). The header
rule (``alg``, ``crit``) is :func:`merit.core.formats.jws_algorithm`, which signed Open Badges 2.0 assertions
follow too.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from merit.core import formats
from merit.core.errors import (
    CouldNotVerifyError,
    DidResolutionError,
    MalformedProofError,
    MalformedValueError,
    ParsingError,
    ProofVerificationError,
)
from merit.core.proofs import MethodResolver, ProofResult
from merit.core.verify import parsing
from merit.core.verify.formats.base import FetchJson

KEY_TYPES: dict[str, tuple[str, str | None]] = {
    "EdDSA": ("OKP", "Ed25519"),
    "Ed25519": ("OKP", "Ed25519"),
    "ES256": ("EC", "P-256"),
    "ES384": ("EC", "P-384"),
    "RS256": ("RSA", None),
}
"""The JOSE algorithms Merit verifies, with the key type (and curve) each needs."""
JOSE_ALGORITHMS = frozenset({"EdDSA", "Ed25519", "ES256", "ES384"})
"""What VC-JOSE credentials are checked with (the key types of Merit's DID documents; ``Ed25519`` is RFC 9864's
fully specified name for what ``EdDSA`` means here)."""
CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf", "nonce")
"""JWT claims that may stand beside the data model's properties in a payload (RFC 7519 section 4.1, ``nonce``,
``cnf``): checked against them, and left out of the JSON-LD checks, since they are not data-model terms."""


_SIZES = {"max_header_length": 16_384, "max_payload_length": 3 * parsing.MAX_BYTES, "max_signature_length": 2_048}
"""Merit's own size limits for joserfc (``read`` has enforced them): a header with an RSA ``jwk`` is larger than
joserfc's default 512 bytes, a credential larger than its 128 kB."""


@dataclass(frozen=True)
class Token:
    """A compact JWS, read but not yet checked: the text (what the signature covers), header and payload."""

    text: str
    header: dict[str, Any]
    payload: dict[str, Any]


@dataclass(frozen=True)
class Key:
    """The public key a token names, as a JWK, with the method that names it and the controller it belongs to
    (``None`` when nothing ties the key to anyone: a ``jwk`` in the header)."""

    jwk: dict[str, Any]
    method: str
    controller: str | None


def read(document: Any, max_bytes: int = parsing.MAX_BYTES) -> Token:
    """A compact JWS from text or bytes; raises :class:`ParsingError` or :class:`RangeError`."""
    if isinstance(document, bytes):
        try:
            document = document.decode("ascii")
        except UnicodeDecodeError as exc:
            raise ParsingError("a compact JWS is ASCII text") from exc
    if not isinstance(document, str):
        raise ParsingError("a compact JWS is a string of three base64url parts separated by dots")
    text = document.strip()
    header, payload = formats.jws_parts(text, max_bytes)
    return Token(text, header, payload)


def media_type(value: Any) -> str | None:
    """A ``typ`` or ``cty`` value without the optional ``application/`` prefix (RFC 7515 section 4.1.9)."""
    if not isinstance(value, str):
        return None
    lowered = value.lower()
    return lowered.removeprefix("application/")


def _same_origin(url: str, issuer: str) -> bool:
    one, two = urlsplit(url), urlsplit(issuer)
    return bool(one.netloc) and (one.scheme, one.netloc.lower()) == (two.scheme, two.netloc.lower())


def key_of(
    header: dict[str, Any],
    *,
    issuer: str | None,
    purpose: str,
    resolve: MethodResolver,
    fetch_json: FetchJson | None = None,
    allow_jwk: bool = False,
) -> Key:
    """The key that the header names: ``kid`` (a DID URL, a fragment of the issuer's DID, or an ``https`` URL of a
    JWK) or, when ``allow_jwk``, the header's own ``jwk``."""
    kid = header.get("kid")
    if isinstance(kid, str) and kid:
        if kid.startswith("did:"):
            url = kid
        elif issuer is not None and issuer.startswith("did:") and not urlsplit(kid).scheme:
            url = f"{issuer}{kid}" if kid.startswith("#") else f"{issuer}#{kid}"
        elif kid.startswith(("https://", "http://")):
            return _fetched(kid, issuer, fetch_json)
        else:
            raise MalformedProofError(f"the header's kid {kid[:80]!r} names no key Merit can find")
        method = resolve(url, purpose)
        return Key(method.public_key.jwk(), url, method.controller)
    jwk = header.get("jwk")
    if allow_jwk and isinstance(jwk, dict):
        if "d" in jwk:
            raise MalformedProofError("the header's jwk contains a private key")
        return Key(jwk, "the key in the header (jwk)", _did_of(jwk, issuer))
    raise MalformedProofError("the JOSE header names no key (kid)" + (" or jwk" if allow_jwk else ""))


def _fetched(kid: str, issuer: str | None, fetch_json: FetchJson | None) -> Key:
    if fetch_json is None:
        raise DidResolutionError(f"the key is at {kid}, and fetching it was not allowed")
    jwk = fetch_json(kid)
    if not isinstance(jwk, dict) or "kty" not in jwk:
        raise MalformedProofError(f"the document at {kid} is not a JSON Web Key")
    if "d" in jwk:
        raise MalformedProofError(f"the JWK at {kid} contains a private key")
    # A key published on the issuer's own site speaks for it, as Open Badges 2.0 hosted verification assumes.
    controller = issuer if issuer is not None and _same_origin(kid, issuer) else None
    return Key(jwk, kid, controller)


def _did_of(jwk: dict[str, Any], issuer: str | None) -> str | None:
    """The issuer, when it is a ``did:key`` of exactly this key; otherwise nothing ties the key to the issuer."""
    if issuer is None or not issuer.startswith("did:key:"):
        return None
    from merit.core.keys import PublicKey

    try:
        mine = PublicKey.from_multibase(issuer.removeprefix("did:key:")).jwk()
    except MalformedValueError:
        return None
    same = all(jwk.get(name) == mine[name] for name in mine)
    return issuer if same else None


def check_signature(token: Token, key: Key, alg: str) -> None:
    """Verify the token's signature with ``key`` (RFC 7515 section 5.2); the key must be of the kind ``alg`` needs."""
    kty, crv = KEY_TYPES[alg]
    if key.jwk.get("kty") != kty or (crv is not None and key.jwk.get("crv") != crv):
        found = "/".join(str(key.jwk.get(k)) for k in ("kty", "crv") if key.jwk.get(k))
        raise ProofVerificationError(f"{alg} needs a {kty}{'/' + crv if crv else ''} key; {key.method} is {found}")
    from joserfc import jws  # Loaded when a signature is checked: merit verify starts without it.
    from joserfc.errors import JoseError, SecurityWarning
    from joserfc.jwk import JWKRegistry
    from joserfc.jws import JWSRegistry

    registry = JWSRegistry(algorithms=list(KEY_TYPES))
    for name, size in _SIZES.items():
        setattr(registry, name, size)
    try:
        public = JWKRegistry.import_key(dict(key.jwk))
        with warnings.catch_warnings():
            # joserfc warns that RFC 9864 deprecates "EdDSA"; VC-JOSE and Open Badges issuers use it, and the key
            # type is checked above, which is what the deprecation is about.
            warnings.simplefilter("ignore", SecurityWarning)
            jws.deserialize_compact(token.text, public, algorithms=[alg], registry=registry)
    except JoseError as exc:
        if "signature" in str(exc).lower():
            raise ProofVerificationError("the JWS signature does not match") from exc
        raise MalformedProofError(f"the JWS could not be checked: {exc}") from exc
    except ValueError as exc:
        raise MalformedProofError(f"the key {key.method} is not a usable JWK: {exc}") from exc


def result(alg: str, key: Key, issuer: str, purpose: str, form: str) -> ProofResult:
    """The proof result the verifier's issuer check reads; a key that nothing ties to anyone is attributed to the
    issuer here and :func:`unbound` then says plainly that this was not checked."""
    return ProofResult(f"{form} {alg}", key.method, key.controller or issuer, purpose, None)


def unbound(key: Key, issuer: str) -> CouldNotVerifyError:
    """Why an issuer could not be confirmed for a key that nothing ties to it."""
    return CouldNotVerifyError(f"the token is signed with {key.method}, which nothing ties to the issuer {issuer}")


def moment(value: Any, name: str) -> datetime:
    """A JWT NumericDate (RFC 7519 section 2) as a date-time."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedValueError(f"the JWT claim {name} is not a NumericDate (seconds since 1970)")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise MalformedValueError(f"the JWT claim {name} is out of range") from exc
