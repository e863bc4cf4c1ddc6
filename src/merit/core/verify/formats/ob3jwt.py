"""The Open Badges 3.0 JWT form (https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof, section 8.2; VC 1.1's JWT
encoding, https://www.w3.org/TR/vc-data-model-1.1/#jwt-encoding).

A compact JWS (``typ`` absent or ``JWT``) whose payload carries the credential in its ``vc`` claim (OB 3.0.0 to
3.0.2) or is the Open Badges credential itself (OB 3.0.3, as the 1EdTech validator's samples), with ``iss``
(``issuer.id``), ``nbf`` (``validFrom``/``issuanceDate``), ``jti`` (``id``), ``sub`` (``credentialSubject.id``) and
``exp`` (``validUntil``/``expirationDate``) beside it. Decoding fills a property the credential leaves out from
its claim; when both are present they must agree. The key is the header's ``kid`` (a DID URL through the
resolver, or a URL of a JWK through ``fetch_json``) or its ``jwk``; RS256, which the specification requires,
EdDSA, ES256 and ES384 are verified. A ``jwk`` proves the token is intact, not who signed it: unless the issuer
is the ``did:key`` of that very key, the issuer check says it could not be confirmed.

In a presentation the token travels enveloped: an ``EnvelopedVerifiableCredential`` whose ``id`` is
``data:application/jwt,<the token>`` (VC 2.0 section 4.13; why not ``application/vc+jwt``:
:data:`merit.core.formats.ENVELOPE_MEDIA`). The token inside must then be an Open Badges JWT (``typ`` ``JWT`` or
none), and is verified as the compact token is.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from merit.core import formats, vc
from merit.core.credview import CredentialView
from merit.core.errors import MalformedValueError, MeritError
from merit.core.formats import Format, Sample
from merit.core.microcredential.view import view_of
from merit.core.proofs import ProofResult
from merit.core.verify.formats import jws
from merit.core.verify.formats.base import Context, replace_check
from merit.core.verify.report import ISSUER, PARSE, STRUCTURE, Check, VerificationReport

ALGORITHMS = frozenset(jws.KEY_TYPES)
_PURPOSE = "assertionMethod"
_DATA_URL = f"data:{formats.ENVELOPE_MEDIA['ob3-jwt']},"


def _enveloped(document: dict[str, Any]) -> bool:
    return (
        "EnvelopedVerifiableCredential" in formats.types(document)
        and formats.envelope_media(document) == formats.ENVELOPE_MEDIA["ob3-jwt"]
    )


def _token(document: Any, max_bytes: int) -> tuple[jws.Token, str]:
    """The compact JWS, from its text or from its envelope, and how it came (for the parse check's message)."""
    if not isinstance(document, dict):
        return jws.read(document, max_bytes), "a JWT"
    value = document.get("id")
    if not _enveloped(document) or not isinstance(value, str):
        raise MalformedValueError(f"an enveloped Open Badges 3.0 JWT's id must be {_DATA_URL}<the token>")
    token = jws.read(value.removeprefix(_DATA_URL), max_bytes)
    typ = token.header.get("typ")
    if jws.media_type(typ) not in (None, "jwt"):
        raise MalformedValueError(f"the envelope says {_DATA_URL[5:-1]}, but the token's typ is {str(typ)[:40]!r}")
    return token, f"an enveloped JWT ({_DATA_URL[:-1]})"


def _subject(credential: dict[str, Any]) -> dict[str, Any] | None:
    subject = credential.get("credentialSubject")
    return subject if isinstance(subject, dict) else None


def _same_moment(text: Any, claim: datetime, name: str) -> bool:
    return int(vc.parse_datetime(text, name).timestamp()) == int(claim.timestamp())


def decode(payload: dict[str, Any]) -> dict[str, Any]:
    """The credential of a JWT payload (VC 1.1 section 6.3.2): the ``vc`` claim, completed from the registered
    claims; raises :class:`MalformedValueError` when a claim and the property it stands for disagree."""
    inner = payload.get("vc", {k: v for k, v in payload.items() if k not in jws.CLAIMS})
    if not isinstance(inner, dict):
        raise MalformedValueError("the JWT's vc claim is not a credential object")
    credential = dict(inner)
    version = vc.context_version(credential)
    start_name, end_name = ("validFrom", "validUntil") if version == 2 else ("issuanceDate", "expirationDate")
    if "iss" in payload:
        issuer = credential.get("issuer")
        named = issuer.get("id") if isinstance(issuer, dict) else issuer
        if issuer is None:
            credential["issuer"] = payload["iss"]
        elif named != payload["iss"]:
            raise MalformedValueError(f"the JWT iss {str(payload['iss'])[:100]} is not the credential's issuer")
    if "jti" in payload:
        if "id" not in credential:
            credential["id"] = payload["jti"]
        elif credential["id"] != payload["jti"]:
            raise MalformedValueError("the JWT jti is not the credential's id")
    if "sub" in payload:
        subject = _subject(credential)
        if subject is not None and "id" not in subject:
            credential["credentialSubject"] = {**subject, "id": payload["sub"]}
        elif subject is not None and subject["id"] != payload["sub"]:
            raise MalformedValueError("the JWT sub is not the credential subject's id")
    for claim, name in (("nbf", start_name), ("exp", end_name)):
        if claim not in payload:
            continue
        moment = jws.moment(payload[claim], claim)
        if name not in credential:
            credential[name] = vc.stamp(moment)
        elif not _same_moment(credential[name], moment, name):
            raise MalformedValueError(f"the JWT {claim} is not the credential's {name}")
    return credential


@dataclass
class _Securing:
    token: jws.Token
    context: Context
    key: jws.Key | None = None
    issuer: str | None = None

    def check(self, credential: dict[str, Any]) -> list[ProofResult]:
        alg = formats.jws_algorithm(self.token.header, ALGORITHMS)
        issuer = self.issuer = vc.issuer_id(credential)
        self.key = jws.key_of(
            self.token.header,
            issuer=issuer,
            purpose=_PURPOSE,
            resolve=self.context.verifier.resolve,
            fetch_json=self.context.fetch_json,
            allow_jwk=True,
        )
        jws.check_signature(self.token, self.key, alg)
        return [jws.result(alg, self.key, issuer, _PURPOSE, "JWT")]


def verify_ob3_jwt(document: Any, context: Context) -> VerificationReport:
    """Verify an Open Badges 3.0 credential in its JWT form (OB 3.0 section 8.2.4)."""
    verifier = context.verifier
    report = VerificationReport("credential")
    try:
        token, how = _token(document, verifier.max_bytes)
    except MeritError as exc:
        report.add(Check(PARSE, "failed", exc.message, exc.code))
        return report
    try:
        credential = decode(token.payload)
    except MeritError as exc:
        report.document = token.payload
        report.add(Check(PARSE, "passed", f"{how} with a JSON payload"))
        report.add(Check(STRUCTURE, "failed", exc.message, exc.code))
        return report
    securing = _Securing(token, context)
    report = verifier.verify_credential(credential, proof=securing.check)
    where = "in its vc claim" if "vc" in token.payload else "as its payload"
    replace_check(report, Check(PARSE, "passed", f"{how} (Open Badges 3.0 section 8.2) with the credential {where}"))
    key = securing.key
    if key is not None and key.controller is None and report.check(ISSUER) is not None:
        problem = jws.unbound(key, securing.issuer or "named")
        replace_check(report, Check(ISSUER, "could_not_check", problem.message, problem.code))
    return report


@dataclass(frozen=True)
class OpenBadgesJwt:
    """The Open Badges 3.0 JWT format (``ob3-jwt``)."""

    name: Format = "ob3-jwt"

    def detect(self, sample: Sample) -> bool:
        if sample.header is None:
            return _enveloped(sample.document)
        if jws.media_type(sample.header.get("typ")) not in (None, "jwt"):
            return False
        if "vc" in sample.document:
            return isinstance(sample.document["vc"], dict)
        named = formats.contexts(sample.document)
        return (
            bool(named)
            and named[0] in (formats.VC1_CONTEXT, formats.VC2_CONTEXT)
            and vc.claims_open_badge(sample.document)
        )

    def verify(self, document: Any, context: Context) -> VerificationReport:
        return verify_ob3_jwt(document, context)

    def view(self, document: Any, report: VerificationReport, language: str) -> CredentialView:
        credential = report.document if isinstance(report.document, dict) and "vc" not in report.document else {}
        if not credential:
            return CredentialView(format=self.name)
        return dataclasses.replace(view_of(credential, [language]), format=self.name)


OB3_JWT = OpenBadgesJwt()
