"""Which kind of document a credential is, read from its ``@context`` and ``type``.

* W3C Verifiable Credentials 1.1 (https://www.w3.org/TR/vc-data-model-1.1/) and 2.0
  (https://www.w3.org/TR/vc-data-model-2.0/) credentials and presentations go to Merit's verifier.
* Open Badges 2.0 assertions (https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html) and
  Europass Digital Credentials (the European Learning Model's ``edc-ap`` application profile,
  https://europa.eu/europass/elm-browser/) are recognised; their verifiers live in ``merit.core.openbadges2`` and
  ``merit.core.edc``.
"""

from __future__ import annotations

from typing import Any, Literal

Format = Literal["vc", "vp", "ob2", "edc", "unknown"]
VC_CONTEXTS = ("https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2")
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
EDC_CONTEXT_PREFIX = "http://data.europa.eu/snb/model/context/edc"


def _contexts(document: dict[str, Any]) -> list[str]:
    context = document.get("@context")
    values = context if isinstance(context, list) else [context]
    return [value for value in values if isinstance(value, str)]


def _types(document: dict[str, Any]) -> list[str]:
    kinds = document.get("type")
    values = kinds if isinstance(kinds, list) else [kinds]
    return [value for value in values if isinstance(value, str)]


def detect_format(document: Any) -> Format:
    """``vc``, ``vp``, ``ob2``, ``edc`` or ``unknown`` for a parsed JSON document."""
    if not isinstance(document, dict):
        return "unknown"
    contexts = _contexts(document)
    if any(
        c.startswith(EDC_CONTEXT_PREFIX) or c.startswith(EDC_CONTEXT_PREFIX.replace("http:", "https:"))
        for c in contexts
    ):
        return "edc"
    if contexts and contexts[0] in VC_CONTEXTS:
        return "vp" if "VerifiablePresentation" in _types(document) else "vc"
    if OB2_CONTEXT in contexts or OB2_CONTEXT + "/" in contexts:
        return "ob2"
    return "unknown"
