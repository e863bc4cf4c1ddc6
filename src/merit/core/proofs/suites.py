"""The cryptosuites Merit implements, and how each turns a document and proof options into bytes to sign.

* ``eddsa-rdfc-2022`` and ``eddsa-jcs-2022``: https://www.w3.org/TR/vc-di-eddsa/
* ``ecdsa-rdfc-2019`` and ``ecdsa-jcs-2019`` (P-256 with SHA-256, P-384 with SHA-384): https://www.w3.org/TR/vc-di-ecdsa/
* ``Ed25519Signature2020`` (legacy, verification and signing for compatibility):
  https://w3c-ccg.github.io/di-eddsa-2020/

In every suite the bytes signed are ``hash(canonical proof configuration) ‖ hash(canonical document)``,
the proof configuration's hash first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Literal

import rfc8785

from merit.core import rdfc
from merit.core.canon import canonize
from merit.core.documents import Loader
from merit.core.errors import ProofTransformationError
from merit.core.fastcanon import proof_config_nquads

Canonicalization = Literal["rdfc", "jcs"]


@dataclass(frozen=True)
class Suite:
    """One cryptosuite: its proof ``type``, ``cryptosuite`` name, key algorithms and canonicalization."""

    name: str
    proof_type: str
    cryptosuite: str | None
    algorithms: tuple[str, ...]
    canonicalization: Canonicalization
    # JCS suites put the document's @context in the emitted proof; RDFC suites do not.
    proof_has_context: bool

    def hash_name(self, algorithm: str) -> str:
        """The hash the suite uses with a key of ``algorithm`` (SHA-384 only for P-384)."""
        return "sha384" if algorithm == "P-384" else "sha256"


SUITES: dict[str, Suite] = {
    suite.name: suite
    for suite in (
        Suite("eddsa-rdfc-2022", "DataIntegrityProof", "eddsa-rdfc-2022", ("Ed25519",), "rdfc", False),
        Suite("ecdsa-rdfc-2019", "DataIntegrityProof", "ecdsa-rdfc-2019", ("P-256", "P-384"), "rdfc", False),
        Suite("eddsa-jcs-2022", "DataIntegrityProof", "eddsa-jcs-2022", ("Ed25519",), "jcs", True),
        Suite("ecdsa-jcs-2019", "DataIntegrityProof", "ecdsa-jcs-2019", ("P-256", "P-384"), "jcs", True),
        Suite("Ed25519Signature2020", "Ed25519Signature2020", None, ("Ed25519",), "rdfc", False),
    )
}


def suite_of(proof: dict[str, Any]) -> Suite | None:
    """Find the suite a proof claims, or ``None`` when Merit does not implement it."""
    proof_type = proof.get("type")
    if proof_type == "DataIntegrityProof":
        suite = SUITES.get(str(proof.get("cryptosuite")))
        return suite if suite is not None and suite.proof_type == "DataIntegrityProof" else None
    if proof_type == "Ed25519Signature2020" and "cryptosuite" not in proof:
        return SUITES["Ed25519Signature2020"]
    return None


def canonical_bytes(suite: Suite, value: dict[str, Any], loader: Loader, hash_name: str = "sha256") -> bytes:
    """Canonicalize a document or proof configuration as the suite requires.

    RDFC-1.0 takes the suite's hash as its own hash algorithm (SHA-384 for ecdsa-rdfc-2019 with P-384).
    """
    if suite.canonicalization == "jcs":
        try:
            return bytes(rfc8785.dumps(value))
        except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
            raise ProofTransformationError(f"JCS canonicalization failed: {exc}") from exc
    return canonize(value, loader, hash_name).encode("utf-8")


def hash_data(
    suite: Suite,
    algorithm: str,
    document: dict[str, Any],
    proof_config: dict[str, Any],
    loader: Loader,
    document_quads: AbstractSet[rdfc.Quad] | None = None,
) -> bytes:
    """Return ``hash(canonical proof configuration) ‖ hash(canonical document)``.

    ``document_quads``, when given, are ``document``'s RDF quads (converted while checking safe mode), so an rdfc
    suite canonicalizes them instead of converting the document again.
    """
    name = suite.hash_name(algorithm)
    if suite.canonicalization == "rdfc":
        config_bytes = proof_config_nquads(proof_config, loader, name).encode("utf-8")
    else:
        config_bytes = canonical_bytes(suite, proof_config, loader, name)
    config_hash = hashlib.new(name, config_bytes).digest()
    if suite.canonicalization == "rdfc" and document_quads is not None:
        document_bytes = rdfc.canonicalize(document_quads, name).encode("utf-8")
    else:
        document_bytes = canonical_bytes(suite, document, loader, name)
    return config_hash + hashlib.new(name, document_bytes).digest()
