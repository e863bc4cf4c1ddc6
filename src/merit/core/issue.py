"""Signing credentials as an issuer: the checks that come before a signature.

Merit signs only what it would itself accept: a VC 2.0 or VC 1.1 credential (Europass credentials are VC 1.1), not
yet signed, whose issuer is the key's controller, and whose every term is defined (JSON-LD safe mode), so that
nothing in it goes unsigned.
"""

from __future__ import annotations

from typing import Any

from merit.core import vc
from merit.core.documents import Loader, default_loader
from merit.core.errors import InvalidError, MalformedValueError
from merit.core.jsonld import safe_quads
from merit.core.keys import SigningKey
from merit.core.proofs import sign

DATA_INTEGRITY = "https://w3id.org/security/data-integrity/v2"
"""Defines ``DataIntegrityProof`` and its members, which the VC 2.0 context includes and the VC 1.1 one does not."""
DEFAULT_SUITES = {"Ed25519": "eddsa-rdfc-2022", "P-256": "ecdsa-rdfc-2019", "P-384": "ecdsa-rdfc-2019"}


def default_suite(key: SigningKey) -> str:
    """The cryptosuite Merit uses for a key: eddsa-rdfc-2022 for Ed25519, ecdsa-rdfc-2019 for P-256/P-384."""
    return DEFAULT_SUITES[key.key_pair.algorithm]


def _contexts(document: dict[str, Any]) -> list[Any]:
    context = document.get("@context")
    return context if isinstance(context, list) else [context]


def sign_credential(
    credential: Any,
    key: SigningKey,
    *,
    suite: str | None = None,
    created: str | None = None,
    loader: Loader = default_loader,
) -> dict[str, Any]:
    """Check an unsigned VC 2.0 or 1.1 credential and return it signed with an ``assertionMethod`` proof.

    VC 1.1 requires ``issuanceDate`` (and ``expirationDate``, when present, a date-time); :func:`vc.check_credential`
    holds each version to its own rules."""
    if not isinstance(credential, dict):
        raise MalformedValueError("the credential must be a JSON object")
    if "proof" in credential:
        raise InvalidError("the credential is already signed")
    if vc.check_credential(credential) == 1 and DATA_INTEGRITY not in _contexts(credential):
        raise MalformedValueError(
            f"a VC 1.1 credential needs the Data Integrity context {DATA_INTEGRITY} for its proof"
        )
    issuer = vc.issuer_id(credential)
    if issuer != key.controller:
        raise InvalidError(f"the credential's issuer {issuer} is not the key's controller {key.controller}")
    quads = safe_quads(credential, loader)
    return sign(
        credential, key, suite=suite or default_suite(key), created=created, loader=loader, document_quads=quads
    )
