"""Issuing credentials as JSON Web Tokens: the Open Badges 3.0 JWT form and VC-JOSE.

* ``ob3``: OB 3.0 section 8.2 (https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof): the credential in the ``vc``
  claim, with ``iss``, ``jti``, ``sub``, ``nbf`` and ``exp`` from its issuer, id, subject and validity; header
  ``typ: JWT`` and ``kid``, the issuer's verification method.
* ``vc-jose``: ``application/vc+jwt`` (https://www.w3.org/TR/vc-jose-cose/ section 3.1.1): the payload is the
  VC 2.0 credential itself; header ``typ: vc+jwt``, ``cty: vc`` and ``kid``.

The algorithm follows the key: EdDSA for Ed25519, ES256 for P-256, ES384 for P-384 (OB 3.0 also names RS256,
which needs an RSA key Merit does not make). Merit signs only what it would accept, as for Data Integrity
(:mod:`merit.core.issue`): a credential not yet signed, whose issuer is the key's controller and whose every
term is defined. The signature is the key pair's own (its secret never leaves :class:`~merit.core.keys.KeyPair`);
the verifier checks it with ``joserfc``.
"""

from __future__ import annotations

import base64
import json
from typing import Any, Literal

from merit.core import vc
from merit.core.documents import Loader, default_loader
from merit.core.errors import InvalidError, MalformedValueError
from merit.core.formats import ENVELOPE_MEDIA, jws_parts
from merit.core.jsonld import safe_quads
from merit.core.keys import SigningKey

Form = Literal["ob3", "vc-jose"]
ALGORITHMS = {"Ed25519": "EdDSA", "P-256": "ES256", "P-384": "ES384"}


def _part(value: dict[str, Any]) -> bytes:
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError as exc:
        raise MalformedValueError("the credential holds NaN or Infinity, which JSON does not allow") from exc
    return base64.urlsafe_b64encode(text.encode("utf-8")).rstrip(b"=")


def _epoch(value: Any, name: str) -> int:
    return int(vc.parse_datetime(value, name).timestamp())


def _claims(credential: dict[str, Any], issuer: str, version: int) -> dict[str, Any]:
    """The registered claims of OB 3.0 section 8.2.2 beside the ``vc`` claim."""
    claims: dict[str, Any] = {"iss": issuer}
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and isinstance(subject.get("id"), str):
        claims["sub"] = subject["id"]
    start, end = ("validFrom", "validUntil") if version == 2 else ("issuanceDate", "expirationDate")
    if start in credential:
        claims["nbf"] = _epoch(credential[start], start)
    if end in credential:
        claims["exp"] = _epoch(credential[end], end)
    return claims


def sign_jwt(credential: Any, key: SigningKey, *, form: Form = "ob3", loader: Loader = default_loader) -> str:
    """The credential signed as a compact JWS in the given ``form``."""
    if not isinstance(credential, dict):
        raise MalformedValueError("the credential must be a JSON object")
    if "proof" in credential:
        raise InvalidError("the credential already has a proof; a JWT secures an unsigned credential")
    version = vc.check_credential(credential)
    if form == "vc-jose" and version != 2:
        raise MalformedValueError(f"application/vc+jwt secures VC 2.0 credentials (@context must start with {vc.VC2})")
    issuer = vc.issuer_id(credential)
    if issuer != key.controller:
        raise InvalidError(f"the credential's issuer {issuer} is not the key's controller {key.controller}")
    safe_quads(credential, loader)
    alg = ALGORITHMS[key.key_pair.algorithm]
    if form == "ob3":
        header = {"alg": alg, "typ": "JWT", "kid": key.verification_method}
        payload = {"vc": credential, **_claims(credential, issuer, version)}
    else:
        header = {"alg": alg, "typ": "vc+jwt", "cty": "vc", "kid": key.verification_method}
        payload = credential
    signing_input = _part(header) + b"." + _part(payload)
    signature = base64.urlsafe_b64encode(key.key_pair.sign(signing_input)).rstrip(b"=")
    return (signing_input + b"." + signature).decode("ascii")


def credential_of(token: str) -> dict[str, Any]:
    """The credential a JWT that :func:`sign_jwt` made carries (the ``vc`` claim, or the VC-JOSE payload), read
    with :func:`merit.core.verify.parsing.parse_json` and not verified: for a record of what was issued."""
    payload = jws_parts(token)[1]
    inner = payload.get("vc", payload)
    if not isinstance(inner, dict):
        raise MalformedValueError("the JWT's vc claim is not a credential object")
    return inner


def enveloped(token: str, form: Form = "vc-jose") -> dict[str, Any]:
    """A JWT credential as an ``EnvelopedVerifiableCredential`` (VC 2.0 section 4.13, VC-JOSE-COSE section 3.3),
    how the VC-API returns a VC-JOSE credential and how a presentation carries either form. The ``data:`` URL's
    media type is ``application/vc+jwt`` for VC-JOSE and ``application/jwt`` for the Open Badges 3.0 JWT
    (:data:`merit.core.formats.ENVELOPE_MEDIA` says why); the token is kept byte for byte."""
    media = ENVELOPE_MEDIA["ob3-jwt" if form == "ob3" else "vc-jose"]
    return {"@context": [vc.VC2], "type": "EnvelopedVerifiableCredential", "id": f"data:{media},{token}"}
