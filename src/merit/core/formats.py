"""Telling credential formats apart, and the display view that every format's reader fills in.

:func:`detect` names the format of a document a learner brings in, so a caller can dispatch it to the right
verifier: a W3C verifiable credential or presentation with Data Integrity proofs
(https://www.w3.org/TR/vc-data-model-2.0/, and 1.1), one secured with JOSE (``application/vc+jwt`` and
``application/vp+jwt``, https://www.w3.org/TR/vc-jose-cose/, also enveloped), an Open Badges 3.0 credential as a
JWT (https://www.imsglobal.org/spec/ob/v3p0/#jwt-proof), an Open Badges 2.0 assertion
(https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html, plain JSON or signed as a JWS) or a
Europass Digital Credential (ELM v3, https://europa.eu/europass/elm-browser/, plain or sealed in a JAdES envelope).
It never fetches anything and never raises. Each format's own rule is in its module of
:mod:`merit.core.verify.formats`; :func:`sample` is what they all look at.

:func:`complete_view` gives the views of :mod:`merit.core.openbadges2` and :mod:`merit.core.edc` the keys of
:func:`merit.core.microcredential.view.extract_spec_view`, so one template can show all of them.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from merit.core.credview import VIEW_KEYS
from merit.core.errors import MalformedProofError, MeritError, ParsingError, RangeError, UnsupportedCryptosuiteError
from merit.core.microcredential.view import missing_elements
from merit.core.vc import as_list
from merit.core.vc import is_url as is_iri
from merit.core.verify import parsing

__all__ = ["ELM_CONTEXT", "OB2_CONTEXT", "Format", "Sample", "as_list", "complete_view", "detect", "is_iri", "sample"]

Format = Literal["vc", "vp", "vc-jose", "vp-jose", "ob3-jwt", "ob2", "edc", "unknown"]

VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
OB2_CONTEXT_ALIASES = frozenset({OB2_CONTEXT, "https://openbadgespec.org/v2/context.json"})
ELM_CONTEXT = "http://data.europa.eu/snb/model/context/edc-ap"
"""The EDC application profile context (ELM 3.x), as the EU sample credentials and the EDC issuer write it."""
ELM_CONTEXTS = frozenset({ELM_CONTEXT, "https://data.europa.eu/snb/model/context/edc-ap"})

ENVELOPE_MEDIA: dict[Format, str] = {
    "vc-jose": "application/vc+jwt",
    "vp-jose": "application/vp+jwt",
    "ob3-jwt": "application/jwt",
}
"""The media type in the ``data:`` URL of an enveloped credential or presentation (VC 2.0 section 4.13), by format.

VC-JOSE-COSE (section 3.3) envelopes ``application/vc+jwt`` and ``vp+jwt``, whose payload *is* the VC 2.0
document. An Open Badges 3.0 JWT (OB 3.0 section 8.2) is not one of those: its header's ``typ`` is ``JWT`` and its
payload carries the credential in the ``vc`` claim (VC 1.1's JWT encoding), or beside the JWT claims, so under
``application/vc+jwt`` a VC-JOSE verifier would read the JWT claims as the credential and refuse the ``typ``. Its
media type is the one its ``typ`` names, ``application/jwt`` (RFC 7519 sections 5.1 and 10.3.1); VC 2.0 section
4.13 lets the ``data:`` URL hold any enveloping mechanism. The token goes into the envelope byte for byte: it is not
re-signed as VC-JOSE (the holder cannot; only the issuer could)."""
ENVELOPE_TYPES = ("EnvelopedVerifiableCredential", "EnvelopedVerifiablePresentation")

_LIST_KEYS = frozenset({"learningOutcomes", "skills", "assessment"})


def contexts(document: dict[str, Any]) -> list[str]:
    """The context URLs a document names (embedded context objects are skipped)."""
    return [c for c in as_list(document.get("@context")) if isinstance(c, str)]


def types(document: dict[str, Any]) -> list[str]:
    """The type names of a document, from ``type`` or ``@type``."""
    value = document.get("type", document.get("@type"))
    return [t for t in as_list(value) if isinstance(t, str)]


def envelope_media(document: dict[str, Any]) -> str | None:
    """The media type of the ``data:`` URL that an enveloped credential or presentation is (VC 2.0 section 4.13),
    ``""`` for a ``data:`` URL that names none; None when ``document`` is not enveloped or its id is no ``data:``
    URL."""
    named = contexts(document)
    if not named or named[0] != VC2_CONTEXT or not any(t in ENVELOPE_TYPES for t in types(document)):
        return None
    value = document.get("id")
    if not isinstance(value, str) or not value.startswith("data:"):
        return None
    return value[5:].split(",", 1)[0]


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url (RFC 7515 section 2) strictly, or raise :class:`ValueError`."""
    if not text or any(c not in _B64URL for c in text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as exc:
        raise ValueError("not base64url") from exc


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def jws_parts(text: str, max_bytes: int = parsing.MAX_BYTES) -> tuple[dict[str, Any], dict[str, Any]]:
    """The protected header and the JSON payload of a JWS compact serialisation (RFC 7515 section 7.1), both read
    with :func:`merit.core.verify.parsing.parse_json`; the signature is not checked."""
    if len(text) > max_bytes * 2:
        raise RangeError(f"the signed document is larger than {max_bytes * 2 // 1_048_576} MiB")
    parts = text.strip().split(".")
    if len(parts) != 3:
        raise ParsingError("not a JWS compact serialisation (it needs three parts separated by dots)")
    try:
        header = parsing.parse_json(b64url_decode(parts[0]), 16_384)
        payload = parsing.parse_json(b64url_decode(parts[1]), max_bytes)
        b64url_decode(parts[2])
    except ValueError as exc:
        raise ParsingError("a part of the JWS is not base64url") from exc
    if not isinstance(header.get("alg"), str):
        raise ParsingError("the JWS header has no algorithm (alg)")
    return header, payload


def jws_algorithm(header: dict[str, Any], allowed: Collection[str]) -> str:
    """The header's ``alg``, if it is a public-key signature in ``allowed`` (RFC 7515 section 4.1.1), and no
    ``crit`` parameter asks for an extension Merit does not know (section 4.1.11): the header rule of every JWS
    Merit verifies (VC-JOSE, the Open Badges 3.0 JWT, signed Open Badges 2.0 assertions)."""
    alg = str(header.get("alg"))
    if alg == "none" or alg.startswith("HS"):
        raise MalformedProofError(f"the JWS uses {alg}, which is not a public-key signature")
    if alg not in allowed:
        raise UnsupportedCryptosuiteError(f"the JWS algorithm {alg} is not supported ({', '.join(sorted(allowed))})")
    if header.get("crit"):
        raise UnsupportedCryptosuiteError("the JWS has critical header parameters (crit) that Merit does not know")
    return alg


def jws_payload(text: str, max_bytes: int = parsing.MAX_BYTES) -> dict[str, Any]:
    """The JSON object inside a JWS compact serialisation (RFC 7515 section 7.1), without checking its signature.

    Raises :class:`merit.core.errors.ParsingError` or :class:`merit.core.errors.RangeError` like
    :func:`merit.core.verify.parsing.parse_json`.
    """
    return jws_parts(text, max_bytes)[1]


def jws_header(text: str, max_bytes: int = parsing.MAX_BYTES) -> dict[str, Any]:
    """The protected header of a JWS compact serialisation, parsed like :func:`jws_payload`."""
    return jws_parts(text, max_bytes)[0]


def jades_payload(document: dict[str, Any], max_bytes: int = parsing.MAX_BYTES) -> dict[str, Any] | None:
    """The credential inside a JAdES/JWS JSON serialisation (``payload`` + ``signatures``), or None if it is not one.

    Europass seals credentials this way (ETSI TS 119 182-1), usually with an unencoded payload (``b64: false``).
    """
    payload = document.get("payload")
    if not isinstance(payload, str) or not isinstance(document.get("signatures", document.get("signature")), list):
        return None
    text = payload.lstrip()
    if text.startswith("{"):
        return parsing.parse_json(payload, max_bytes)
    try:
        decoded = b64url_decode(payload)
    except ValueError:
        return None
    return parsing.parse_json(decoded, max_bytes)


@dataclass(frozen=True)
class Sample:
    """What format detection looks at: the JSON object, or a compact JWS's protected header and JSON payload."""

    document: dict[str, Any]
    header: dict[str, Any] | None = None
    """The JWS protected header when the input was a compact JWS (then ``document`` is its payload)."""


def sample(document: Any, max_bytes: int = parsing.MAX_BYTES) -> Sample:
    """The :class:`Sample` of a JSON object, its text or bytes, or a compact JWS string.

    Raises :class:`~merit.core.errors.ParsingError` or :class:`~merit.core.errors.RangeError` like
    :func:`merit.core.verify.parsing.parse_json` when it is none of them.
    """
    if isinstance(document, bytes):
        try:
            document = document.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParsingError(f"the document is not UTF-8 text (byte {exc.start})") from exc
    if isinstance(document, str):
        text = document.strip()
        if text.startswith("{"):
            return Sample(parsing.parse_json(text, max_bytes))
        header, payload = jws_parts(text, max_bytes)
        return Sample(payload, header)
    if isinstance(document, dict):
        parsing.check_depth(document)
        return Sample(document)
    raise ParsingError("the document must be a JSON object or a compact JWS")


def detect(document: Any) -> Format:
    """The format of ``document`` (a JSON object, its text, or a JWS compact string): ``vc``, ``vp``,
    ``vc-jose``, ``vp-jose``, ``ob3-jwt``, ``ob2``, ``edc`` or ``unknown``.

    EDC is recognised by the ELM context (https://europa.eu/europass/elm-browser/), also inside a JAdES seal; OB 2.0
    by its context ``https://w3id.org/openbadges/v2`` or ``type: Assertion``, also as a signed JWS; VC-JOSE by the
    ``vc+jwt``/``vp+jwt`` header or a VC 2.0 payload, and enveloped credentials and presentations by their type;
    an Open Badges 3.0 JWT by its ``vc`` claim; W3C VCs and VPs by the VC 1.1 or 2.0 context and their type.
    Malformed or oversized input is ``unknown``.
    """
    from merit.core.verify.formats import find  # The formats' modules import this one.

    try:
        seen = sample(document)
    except (MeritError, RecursionError):
        return "unknown"
    found = find(seen)
    return found.name if found is not None else "unknown"


def complete_view(view: dict[str, Any], format_name: Format) -> dict[str, Any]:
    """``view`` with every key of ``extract_spec_view`` (absent ones None or empty) and ``missing``, the mandatory
    Annex I elements it lacks, computed as ``extract_spec_view`` does; ``format`` names where it came from."""
    for key in VIEW_KEYS:
        view.setdefault(key, [] if key in _LIST_KEYS else None)
    view["missing"] = missing_elements(view)
    view["format"] = format_name
    return view
