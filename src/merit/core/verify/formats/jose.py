"""VC-JOSE: credentials and presentations secured with JOSE (https://www.w3.org/TR/vc-jose-cose/ section 3.1).

A ``application/vc+jwt`` (or ``vp+jwt``) is a compact JWS whose payload *is* the VC 2.0 credential (or
presentation). It also travels enveloped: an ``EnvelopedVerifiableCredential`` (or ``...Presentation``) whose
``id`` is ``data:application/vc+jwt,<the JWS>`` (section 3.3), alone or in a presentation's
``verifiableCredential``. The credential gets the same checks as one with Data Integrity proofs; the proof check
is the JWS: ``alg`` EdDSA, ES256 or ES384, the key named by ``kid`` through the DID resolver, ``typ``
``vc+jwt``/``vp+jwt`` and ``cty`` ``vc``/``vp`` when present, ``iss`` equal to the issuer (the holder for a
presentation) when present. JWT claims (``iss``, ``exp``, ``nbf``, ...) are not data-model terms: they are
checked, then left out of the JSON-LD checks. A presentation's ``nonce`` and ``aud`` are its challenge and domain.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from merit.core import formats, vc
from merit.core.credview import CredentialView
from merit.core.errors import (
    CouldNotVerifyError,
    InvalidChallengeError,
    InvalidDomainError,
    InvalidError,
    MalformedProofError,
    MalformedValueError,
    MeritError,
    UnsupportedCryptosuiteError,
)
from merit.core.formats import Format, Sample
from merit.core.microcredential.view import view_of
from merit.core.proofs import ProofResult
from merit.core.verify import parsing
from merit.core.verify.formats import jws
from merit.core.verify.formats.base import Context, replace_check
from merit.core.verify.report import HOLDER, ISSUER, PARSE, STRUCTURE, VALIDITY, Check, VerificationReport

Kind = Literal["vc", "vp"]
_ENVELOPES: dict[str, Kind] = {"EnvelopedVerifiableCredential": "vc", "EnvelopedVerifiablePresentation": "vp"}
_DATA_URL = {"vc": f"data:{formats.ENVELOPE_MEDIA['vc-jose']},", "vp": f"data:{formats.ENVELOPE_MEDIA['vp-jose']},"}


def _kind_of_payload(header: dict[str, Any], payload: dict[str, Any]) -> Kind | None:
    typ = jws.media_type(header.get("typ"))
    if typ in ("vc+jwt", "vp+jwt"):
        return "vc" if typ == "vc+jwt" else "vp"
    if typ is not None or "vc" in payload or "vp" in payload or vc.claims_open_badge(payload):
        return None  # "JWT", the vc/vp claims and an untyped Open Badge are the Open Badges 3.0 JWT (ob3jwt).
    named = formats.contexts(payload)
    if not named or named[0] != formats.VC2_CONTEXT:
        return None
    kinds = formats.types(payload)
    if "VerifiablePresentation" in kinds:
        return "vp"
    return "vc" if "VerifiableCredential" in kinds else None


def kind_of(sample: Sample) -> Kind | None:
    """``vc`` or ``vp`` when ``sample`` is secured with VC-JOSE (a compact JWS, or an enveloped credential or
    presentation), else None."""
    if sample.header is not None:
        return _kind_of_payload(sample.header, sample.document)
    named = formats.contexts(sample.document)
    if not named or named[0] != formats.VC2_CONTEXT:
        return None
    for kind_name, kind in _ENVELOPES.items():
        if kind_name in formats.types(sample.document):
            if kind == "vc" and formats.envelope_media(sample.document) == formats.ENVELOPE_MEDIA["ob3-jwt"]:
                return None  # An enveloped Open Badges 3.0 JWT (application/jwt) is the ob3jwt format's.
            return kind
    return None


def _envelope(document: dict[str, Any], kind: Kind) -> str:
    """The JWS inside an enveloped credential or presentation (VC-JOSE-COSE section 3.3)."""
    value = document.get("id")
    if not isinstance(value, str) or not value.startswith("data:"):
        raise MalformedValueError("an enveloped credential's id must be a data: URL holding the secured credential")
    media = value[5:].split(",", 1)[0]
    if not value.startswith(_DATA_URL[kind]):
        raise UnsupportedCryptosuiteError(f"the envelope holds {media or 'nothing'}; Merit reads {_DATA_URL[kind]}")
    return value[len(_DATA_URL[kind]) :]


def _token(document: Any, kind: Kind, max_bytes: int) -> tuple[jws.Token, str]:
    """The compact JWS and how it came (for the parse check's message)."""
    if isinstance(document, bytes | str):
        text = document.decode("utf-8") if isinstance(document, bytes) else document
        if text.lstrip().startswith("{"):
            document = parsing.parse_json(text, max_bytes)
        else:
            return jws.read(text, max_bytes), f"a compact JWS (application/{kind}+jwt)"
    if not isinstance(document, dict):
        raise MalformedValueError("the document must be a compact JWS or an enveloped credential")
    parsing.check_depth(document)
    return jws.read(_envelope(document, kind), max_bytes), f"an enveloped {kind.upper()} (data:application/{kind}+jwt)"


def _media(header: dict[str, Any], kind: Kind, warnings: list[str]) -> None:
    typ, cty = jws.media_type(header.get("typ")), jws.media_type(header.get("cty"))
    if typ is None:
        warnings.append(f"the JOSE header has no typ (it should be {kind}+jwt)")
    elif typ != f"{kind}+jwt":
        raise MalformedProofError(f"the JOSE header's typ is {header.get('typ')!r}, not {kind}+jwt")
    if cty is not None and cty != kind:
        raise MalformedProofError(f"the JOSE header's cty is {header.get('cty')!r}, not {kind}")


def _audience(claims: dict[str, Any]) -> list[Any]:
    return formats.as_list(claims.get("aud"))


@dataclass
class _Securing:
    """The JWS around one document: checked as the verifier's proof check, remembering the key it found."""

    token: jws.Token
    kind: Kind
    context: Context
    warnings: list[str]
    claims: dict[str, Any]
    key: jws.Key | None = None
    signer: str | None = None

    def check(self, document: dict[str, Any]) -> list[ProofResult]:
        header = self.token.header
        alg = formats.jws_algorithm(header, jws.JOSE_ALGORITHMS)
        _media(header, self.kind, self.warnings)
        iss = self.claims.get("iss")
        signer: str | None
        if self.kind == "vc":
            signer, purpose = vc.issuer_id(document), "assertionMethod"
        else:
            holder = document.get("holder")
            found = holder.get("id") if isinstance(holder, dict) else holder
            signer = found if isinstance(found, str) else iss if isinstance(iss, str) else None
            purpose = "authentication"
            self._challenge()
        self.signer = signer
        if iss is not None and iss != signer:
            raise InvalidError(f"the JWT iss {str(iss)[:100]} is not the {'issuer' if self.kind == 'vc' else 'holder'}")
        self.key = jws.key_of(header, issuer=signer, purpose=purpose, resolve=self.context.verifier.resolve)
        jws.check_signature(self.token, self.key, alg)
        form = "VC-JOSE" if self.kind == "vc" else "VP-JOSE"
        return [jws.result(alg, self.key, signer or self.key.controller or self.key.method, purpose, form)]

    def _challenge(self) -> None:
        challenge, domain = self.context.challenge, self.context.domain
        if challenge is not None and self.claims.get("nonce") != challenge:
            raise InvalidChallengeError("the presentation's nonce is not the challenge given")
        if domain is not None and domain not in _audience(self.claims):
            raise InvalidDomainError("the presentation's aud does not name the domain given")


def _window(report: VerificationReport, claims: dict[str, Any], now: Any, skew: Any) -> None:
    """The JWT's ``exp`` and ``nbf`` bound the credential's validity too."""
    if not ("exp" in claims or "nbf" in claims):
        return
    check = report.check(VALIDITY)
    if check is None or check.outcome != "passed":
        return
    try:
        if "nbf" in claims and now + skew < jws.moment(claims["nbf"], "nbf"):
            raise InvalidError(f"not yet valid: the JWT's nbf is {vc.stamp(jws.moment(claims['nbf'], 'nbf'))}")
        if "exp" in claims and now - skew > jws.moment(claims["exp"], "exp"):
            raise InvalidError(f"expired: the JWT's exp was {vc.stamp(jws.moment(claims['exp'], 'exp'))}")
    except MeritError as exc:
        replace_check(report, Check(VALIDITY, "failed", exc.message, exc.code))


def verify_jose(document: Any, context: Context, kind: Kind) -> VerificationReport:
    """Verify a VC-JOSE credential or presentation (compact, or enveloped) with the checks of the Data Integrity
    verifier, the JWS standing in for the proof."""
    verifier = context.verifier
    try:
        token, how = _token(document, kind, verifier.max_bytes)
    except MeritError as exc:
        report = VerificationReport("credential" if kind == "vc" else "presentation")
        if isinstance(exc, CouldNotVerifyError):
            report.add(Check(PARSE, "could_not_check", exc.message, exc.code))
        else:
            report.add(Check(PARSE, "failed", exc.message, exc.code))
        return report
    claims = {name: token.payload[name] for name in jws.CLAIMS if name in token.payload}
    secured = {name: value for name, value in token.payload.items() if name not in jws.CLAIMS}
    warnings: list[str] = []
    securing = _Securing(token, kind, context, warnings, claims)
    if kind == "vc":
        report = verifier.verify_credential(secured, proof=securing.check)
    else:
        report = verifier.verify_presentation(
            secured, challenge=context.challenge, domain=context.domain, proof=securing.check
        )
    report.warnings.extend(warnings)
    inside = "credential" if kind == "vc" else "presentation"
    replace_check(report, Check(PARSE, "passed", f"{how} with a JSON {inside} inside"))
    structure = report.check(STRUCTURE)
    if structure is not None and structure.outcome == "passed" and vc.context_version(secured) != 2:
        replace_check(report, Check(STRUCTURE, "failed", f"application/{kind}+jwt secures VC 2.0 only", "INVALID"))
    key = securing.key
    if key is not None and key.controller is None:
        name = ISSUER if kind == "vc" else HOLDER
        if report.check(name) is not None:
            problem = jws.unbound(key, securing.signer or "named")
            replace_check(report, Check(name, "could_not_check", problem.message, problem.code))
    if kind == "vc":
        _window(report, claims, verifier.clock(), verifier.clock_skew)
    return report


@dataclass(frozen=True)
class Jose:
    """The VC-JOSE format for credentials (``vc-jose``) or presentations (``vp-jose``)."""

    name: Format
    kind: Kind

    def detect(self, sample: Sample) -> bool:
        return kind_of(sample) == self.kind

    def verify(self, document: Any, context: Context) -> VerificationReport:
        return verify_jose(document, context, self.kind)

    def view(self, document: Any, report: VerificationReport, language: str) -> CredentialView:
        credential = report.document if isinstance(report.document, dict) else {}
        if self.kind == "vp" or not credential:
            return CredentialView(format=self.name)
        return dataclasses.replace(view_of(credential, [language]), format=self.name)


VC_JOSE = Jose("vc-jose", "vc")
VP_JOSE = Jose("vp-jose", "vp")
