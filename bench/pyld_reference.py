"""A plain pyld-based Data Integrity implementation, the reference Merit is measured against.

It follows the Data Integrity algorithm directly: URDNA2015 canonical N-Quads from ``pyld.jsonld.normalize`` for
the document and for the proof configuration, SHA-256 of each (configuration first), and a signature from
``cryptography``. It uses the same bundled contexts. It is honest only if Merit verifies what it signs, which
:func:`check` asserts before any timing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pyld import jsonld

from merit.core import multibase as mb
from merit.core.documents import bundled_document
from merit.core.keys import PublicKey, SigningKey


def _loader(url: str, options: Any = None) -> dict[str, Any]:
    return {"contextUrl": None, "documentUrl": url, "document": bundled_document(url)}


OPTIONS = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": _loader}


def _hash(document: dict[str, Any]) -> bytes:
    return hashlib.sha256(jsonld.normalize(document, OPTIONS).encode("utf-8")).digest()


def sign(document: dict[str, Any], key: SigningKey, cryptosuite: str, created: str) -> dict[str, Any]:
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": created,
        "verificationMethod": key.verification_method,
        "proofPurpose": "assertionMethod",
    }
    data = _hash({**options, "@context": document["@context"]}) + _hash(document)
    return {**document, "proof": {**options, "proofValue": mb.encode_base58btc(key.key_pair.sign(data))}}


def verify(document: dict[str, Any]) -> bool:
    proof = document["proof"]
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    data = _hash({**options, "@context": document["@context"]}) + _hash(unsigned)
    key = PublicKey.from_multibase(proof["verificationMethod"].split("#", 1)[1])
    key.verify(mb.decode_base58btc(proof["proofValue"]), data)
    return True
