"""Data Integrity proofs: create and verify (https://www.w3.org/TR/vc-data-integrity/)."""

from merit.core.proofs.dataintegrity import (
    MethodResolver,
    ProofResult,
    ResolvedMethod,
    create_proof,
    now_utc,
    sign,
    verify_proof,
    verify_proofs,
)
from merit.core.proofs.suites import SUITES, Suite, hash_data, suite_of

__all__ = [
    "SUITES",
    "MethodResolver",
    "ProofResult",
    "ResolvedMethod",
    "Suite",
    "create_proof",
    "hash_data",
    "now_utc",
    "sign",
    "suite_of",
    "verify_proof",
    "verify_proofs",
]
