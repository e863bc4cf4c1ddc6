"""Verifiable presentations: a holder wraps credentials and signs them for one verifier.

https://www.w3.org/TR/vc-data-model-2.0/#verifiable-presentations . The proof's purpose is ``authentication``;
``challenge`` and ``domain`` bind it to one verifier's request, so it cannot be replayed elsewhere.

Verifiers that check a presentation's proof for ``assertionMethod`` instead (the Digital Credentials Consortium's
verifier-core, behind Learner Credential Wallet and VerifierPlus) ignore an ``authentication`` proof; for them the
holder can add a second proof, for ``assertionMethod``, making the two a proof set (VC Data Integrity, "Proof Sets";
docs/decisions/0012-presentation-proofs.md).
"""

from __future__ import annotations

from typing import Any

from merit.core import vc
from merit.core.documents import Loader, default_loader
from merit.core.errors import InvalidError
from merit.core.issue import default_suite
from merit.core.jsonld import safe_quads
from merit.core.keys import SigningKey
from merit.core.proofs import sign


def presentation(credentials: list[dict[str, Any]], holder: str, presentation_id: str | None = None) -> dict[str, Any]:
    """An unsigned VC 2.0 presentation of ``credentials`` by ``holder``."""
    document: dict[str, Any] = {"@context": [vc.VC2], "type": ["VerifiablePresentation"]}
    if presentation_id is not None:
        document["id"] = presentation_id
    document["holder"] = holder
    document["verifiableCredential"] = list(credentials)
    return document


def sign_presentation(
    document: dict[str, Any],
    key: SigningKey,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    suite: str | None = None,
    created: str | None = None,
    for_assertion_verifiers: bool = False,
    loader: Loader = default_loader,
) -> dict[str, Any]:
    """Check a presentation and sign it as its holder with an ``authentication`` proof.

    ``for_assertion_verifiers`` adds a second proof by the same key, for ``assertionMethod``, with the same
    ``challenge`` and ``domain``: what verifiers that check a presentation for assertion (verifier-core) accept.
    Verifiers that check ``authentication`` pass over it (the Digital Bazaar stack) or verify both (Merit).
    """
    vc.check_presentation(document)
    holder = document.get("holder")
    holder_id = holder.get("id") if isinstance(holder, dict) else holder
    if holder_id is not None and holder_id != key.controller:
        raise InvalidError(f"the presentation's holder {holder_id} is not the key's controller {key.controller}")
    quads = safe_quads(document, loader)
    options: dict[str, Any] = {"suite": suite or default_suite(key), "challenge": challenge, "domain": domain}
    options.update(created=created, loader=loader, document_quads=quads)
    signed = sign(document, key, purpose="authentication", **options)
    if for_assertion_verifiers:
        signed = sign(signed, key, purpose="assertionMethod", **options)
    return signed
