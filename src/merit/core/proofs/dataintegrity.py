"""Adding and verifying Data Integrity proofs, including proof sets and proof chains.

https://www.w3.org/TR/vc-data-integrity/#algorithms . A failed check raises (an :class:`InvalidError` when the
proof is wrong, a :class:`CouldNotVerifyError` when Merit cannot decide); success returns a
:class:`ProofResult` describing what was verified.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from merit.core import multibase as mb
from merit.core import vc
from merit.core.documents import Loader, default_loader
from merit.core.errors import (
    InvalidChallengeError,
    InvalidDomainError,
    MalformedProofError,
    ProofGenerationError,
    ProofVerificationError,
    UnsupportedCryptosuiteError,
)
from merit.core.keys import PublicKey, SigningKey
from merit.core.proofs.suites import SUITES, Suite, hash_data, suite_of
from merit.core.rdfc import Quad

_DATETIME = re.compile(r"^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
_REQUIRED = ("type", "verificationMethod", "proofPurpose", "proofValue")


class ResolvedMethod(Protocol):
    """What a resolver returns for a verification method: its id, controller and public key."""

    @property
    def id(self) -> str: ...

    @property
    def controller(self) -> str: ...

    @property
    def public_key(self) -> PublicKey: ...


MethodResolver = Callable[[str, str], ResolvedMethod]
"""Resolves ``(verification method URL, proof purpose)``; raises when the method is not authorised."""


@dataclass(frozen=True)
class ProofResult:
    """A proof that verified."""

    suite: str
    verification_method: str
    controller: str
    purpose: str
    created: str | None


def now_utc() -> str:
    """The current time as an XML Schema dateTime in UTC with second precision (``...Z``)."""
    return vc.stamp(datetime.now(UTC))


def _without_proof(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "proof"}


def _proof_list(document: dict[str, Any]) -> list[Any]:
    proof = document.get("proof")
    if proof is None:
        return []
    return list(proof) if isinstance(proof, list) else [proof]


def _previous_proofs(previous: Any, proofs: list[Any]) -> list[dict[str, Any]]:
    """Return the proofs named by a ``previousProof`` value, failing when one is missing."""
    wanted = [previous] if isinstance(previous, str) else previous
    if not isinstance(wanted, list) or not wanted or not all(isinstance(item, str) for item in wanted):
        raise MalformedProofError("previousProof must be a proof id or a list of proof ids")
    matches = [p for p in proofs if isinstance(p, dict) and p.get("id") in wanted]
    if len(matches) != len(wanted):
        raise MalformedProofError("previousProof names a proof that is not in the document")
    return matches


def _input_document(unsecured: dict[str, Any], previous: list[dict[str, Any]]) -> dict[str, Any]:
    if not previous:
        return unsecured
    return {**unsecured, "proof": previous[0] if len(previous) == 1 else previous}


def create_proof(
    document: dict[str, Any],
    key: SigningKey,
    *,
    suite: str = "eddsa-rdfc-2022",
    purpose: str = "assertionMethod",
    created: str | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    loader: Loader = default_loader,
    document_quads: AbstractSet[Quad] | None = None,
) -> dict[str, Any]:
    """Create a proof over ``document`` (https://www.w3.org/TR/vc-data-integrity/#add-proof).

    ``document_quads`` are the RDF quads of ``document`` without its proofs when the caller has them already (from
    :func:`merit.core.jsonld.safe_quads`); a proof that chains to earlier ones signs more, so they are not used then.
    """
    chosen = SUITES.get(suite)
    if chosen is None:
        raise ProofGenerationError(f"unknown cryptosuite {suite!r}; choose one of {', '.join(SUITES)}")
    if key.key_pair.algorithm not in chosen.algorithms:
        raise ProofGenerationError(
            f"{suite} needs a {' or '.join(chosen.algorithms)} key, not {key.key_pair.algorithm}"
        )
    if "@context" not in document:
        raise ProofGenerationError("the document has no @context")
    options: dict[str, Any] = {}
    if proof_id is not None:
        options["id"] = proof_id
    options["type"] = chosen.proof_type
    if chosen.cryptosuite is not None:
        options["cryptosuite"] = chosen.cryptosuite
    options["created"] = created or now_utc()
    options["verificationMethod"] = key.verification_method
    options["proofPurpose"] = purpose
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    if previous_proof is not None:
        options["previousProof"] = previous_proof
    previous = _previous_proofs(previous_proof, _proof_list(document)) if previous_proof is not None else []
    unsecured = _input_document(_without_proof(document), previous)
    config = {**options, "@context": document["@context"]}
    quads = document_quads if previous_proof is None else None
    signature = key.key_pair.sign(hash_data(chosen, key.key_pair.algorithm, unsecured, config, loader, quads))
    proof = dict(options)
    if chosen.proof_has_context:
        proof["@context"] = document["@context"]
    proof["proofValue"] = mb.encode_base58btc(signature)
    return proof


def sign(document: dict[str, Any], key: SigningKey, **options: Any) -> dict[str, Any]:
    """Return a copy of ``document`` with a new proof added; existing proofs make it a proof set."""
    proof = create_proof(document, key, **options)
    existing = _proof_list(document)
    return {**document, "proof": [*existing, proof] if existing else proof}


def _check_options(proof: dict[str, Any], purpose: str, challenge: str | None, domain: str | None) -> Suite:
    missing = [name for name in _REQUIRED if name not in proof]
    if missing:
        raise MalformedProofError(f"proof lacks {', '.join(missing)}")
    suite = suite_of(proof)
    if suite is None:
        name = proof.get("cryptosuite") or proof.get("type")
        raise UnsupportedCryptosuiteError(f"proof type or cryptosuite {name!r} is not supported")
    for name in ("verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof[name], str):
            raise MalformedProofError(f"proof {name} must be a string")
    created = proof.get("created")
    if created is not None and (not isinstance(created, str) or not _DATETIME.match(created)):
        raise MalformedProofError("proof created is not a valid dateTime")
    if proof["proofPurpose"] != purpose:
        raise MalformedProofError(f"proof purpose is {proof['proofPurpose']!r}, expected {purpose!r}")
    if challenge is not None and proof.get("challenge") != challenge:
        raise InvalidChallengeError("the presentation's challenge is missing or differs from the one expected")
    if domain is not None:
        given = proof.get("domain")
        domains = given if isinstance(given, list) else [given]
        if domain not in domains:
            raise InvalidDomainError("the presentation's domain is missing or differs from the one expected")
    return suite


def verify_proof(
    document: dict[str, Any],
    proof: dict[str, Any],
    resolve: MethodResolver,
    *,
    purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    all_proofs: list[Any] | None = None,
    loader: Loader = default_loader,
    document_quads: AbstractSet[Quad] | None = None,
) -> ProofResult:
    """Verify one proof of ``document`` (https://www.w3.org/TR/vc-data-integrity/#verify-proof).

    ``document_quads`` are the RDF quads of ``document`` without its proofs when the caller has them already (from
    :func:`merit.core.jsonld.safe_quads`); they stand for that document only when this proof chains to no other.
    """
    if not isinstance(proof, dict):
        raise MalformedProofError("proof must be a JSON object")
    suite = _check_options(proof, purpose, challenge, domain)
    signature = mb.decode_base58btc(proof["proofValue"])
    method = resolve(proof["verificationMethod"], purpose)
    algorithm = method.public_key.algorithm
    if algorithm not in suite.algorithms:
        raise ProofVerificationError(f"{suite.name} cannot be verified with a {algorithm} key")
    unsecured = _without_proof(document)
    options = {key: value for key, value in proof.items() if key != "proofValue"}
    if "@context" in options:
        # The document's context must start with the proof's, which then stands for the whole document's.
        proof_context = options["@context"]
        doc_context = document.get("@context")
        head = proof_context if isinstance(proof_context, list) else [proof_context]
        body = doc_context if isinstance(doc_context, list) else [doc_context]
        if body[: len(head)] != head:
            raise ProofVerificationError("the document's @context does not start with the proof's @context")
        unsecured["@context"] = proof_context
    options["@context"] = unsecured.get("@context")
    previous = proof.get("previousProof")
    if previous is not None or "@context" in proof:
        document_quads = None
    if previous is not None:
        unsecured = _input_document(unsecured, _previous_proofs(previous, all_proofs or []))
    data = hash_data(suite, algorithm, unsecured, options, loader, document_quads)
    method.public_key.verify(signature, data)
    return ProofResult(suite.name, method.id, method.controller, purpose, proof.get("created"))


def verify_proofs(
    document: dict[str, Any],
    resolve: MethodResolver,
    *,
    purpose: str = "assertionMethod",
    other_purposes: AbstractSet[str] = frozenset(),
    challenge: str | None = None,
    domain: str | None = None,
    loader: Loader = default_loader,
    document_quads: AbstractSet[Quad] | None = None,
) -> list[ProofResult]:
    """Verify every proof of ``document``; a missing, duplicated or failing proof raises.

    Each proof must have the purpose ``purpose``, or one of ``other_purposes`` in a proof set that also has a
    ``purpose`` proof (a presentation's ``assertionMethod`` proof next to its ``authentication`` one, decision 0012).
    No proof is skipped: every one must verify, its method authorised for the purpose it declares. ``challenge`` and
    ``domain`` must match in every ``purpose`` proof, and in any other proof that carries one.

    ``document_quads``: the quads of ``document`` without its proofs, if the caller has them (see :func:`verify_proof`).
    """
    proofs = _proof_list(document)
    if not proofs:
        raise MalformedProofError("the document has no proof")
    values = [p.get("proofValue") for p in proofs if isinstance(p, dict)]
    if len(values) != len(set(map(str, values))):
        raise MalformedProofError("the document contains the same proof twice")
    results = []
    for proof in proofs:
        declared = proof.get("proofPurpose") if isinstance(proof, dict) else None
        own = declared if isinstance(declared, str) and declared in other_purposes else purpose
        other = own != purpose
        results.append(
            verify_proof(
                document,
                proof,
                resolve,
                purpose=own,
                challenge=challenge if not other or "challenge" in proof else None,
                domain=domain if not other or "domain" in proof else None,
                all_proofs=proofs,
                loader=loader,
                document_quads=document_quads,
            )
        )
    if all(result.purpose != purpose for result in results):
        found = ", ".join(sorted({result.purpose for result in results}))
        raise MalformedProofError(f"the document has no {purpose} proof (only {found})")
    return results
