"""Errors raised by Merit's core, named after the error codes of the specifications.

Two families matter to a verifier and are kept apart everywhere:

* :class:`InvalidError`: the input is definitely wrong (a bad signature, a forged field, a malformed value).
* :class:`CouldNotVerifyError`: Merit could not decide (a status list it may not fetch, an unknown DID method,
  a context it does not bundle). A caller must never read this as "valid".

References: https://www.w3.org/TR/vc-data-model-2.0/#algorithms (PARSING_ERROR, MALFORMED_VALUE_ERROR, ...),
https://www.w3.org/TR/vc-data-integrity/#processing-errors and
https://www.w3.org/TR/vc-bitstring-status-list/#processing-errors.
"""

from __future__ import annotations


class MeritError(Exception):
    """The base of every error Merit's core raises on purpose."""

    code = "MERIT_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidError(MeritError):
    """The input is invalid: a verifier must reject it."""

    code = "INVALID"


class CouldNotVerifyError(MeritError):
    """Merit could not reach a decision; the outcome is neither valid nor invalid."""

    code = "COULD_NOT_VERIFY"


class ParsingError(InvalidError):
    """The document is not well-formed JSON or not a JSON object."""

    code = "PARSING_ERROR"


class MalformedValueError(InvalidError):
    """A value does not have the form its specification requires."""

    code = "MALFORMED_VALUE_ERROR"


class RangeError(InvalidError):
    """A value is outside its allowed range (sizes, depths, list indexes)."""

    code = "RANGE_ERROR"


class SafeModeError(InvalidError):
    """A term or type does not expand to an absolute IRI, so it would not be signed (JSON-LD safe mode)."""

    code = "SAFE_MODE_VIOLATION"


class DocumentNotAllowedError(CouldNotVerifyError):
    """A remote document (a context, a DID document) that the caller did not allow Merit to load."""

    code = "LOADING_DOCUMENT_FAILED"


class ProofGenerationError(MeritError):
    """A proof could not be created (wrong key for the suite, issuer is not the key's controller)."""

    code = "PROOF_GENERATION_ERROR"


class ProofTransformationError(InvalidError):
    """The document could not be transformed (canonicalized) as the cryptosuite requires."""

    code = "PROOF_TRANSFORMATION_ERROR"


class MalformedProofError(InvalidError):
    """A proof is missing a required property or has one of the wrong form."""

    code = "MALFORMED_PROOF_ERROR"


class ProofVerificationError(InvalidError):
    """A proof's signature does not verify."""

    code = "PROOF_VERIFICATION_ERROR"


class InvalidChallengeError(InvalidError):
    """A presentation's proof has a missing or different challenge."""

    code = "INVALID_CHALLENGE_ERROR"


class InvalidDomainError(InvalidError):
    """A presentation's proof has a missing or different domain."""

    code = "INVALID_DOMAIN_ERROR"


class UnsupportedCryptosuiteError(CouldNotVerifyError):
    """A proof type or cryptosuite that Merit does not implement."""

    code = "UNSUPPORTED_CRYPTOSUITE"


class DidResolutionError(CouldNotVerifyError):
    """A DID could not be resolved (not found, not allowed to fetch, network failure)."""

    code = "notFound"


class InvalidDidError(InvalidError):
    """A DID or DID URL is syntactically invalid (DID Resolution ``invalidDid``)."""

    code = "invalidDid"


class MethodNotSupportedError(CouldNotVerifyError):
    """A DID method that Merit does not resolve (DID Resolution ``methodNotSupported``)."""

    code = "methodNotSupported"


class StatusRetrievalError(CouldNotVerifyError):
    """A status list credential could not be retrieved."""

    code = "STATUS_RETRIEVAL_ERROR"


class StatusVerificationError(InvalidError):
    """A status list credential failed verification or does not match the entry."""

    code = "STATUS_VERIFICATION_ERROR"


class StatusListLengthError(InvalidError):
    """A status list is shorter than the index, or shorter than the minimum size."""

    code = "STATUS_LIST_LENGTH_ERROR"


class TrustRegistryError(CouldNotVerifyError):
    """A trust registry could not be reached or read, so an issuer's accreditation could not be checked."""

    code = "TRUST_REGISTRY_ERROR"


class TrustListError(InvalidError):
    """A trust list credential failed verification or is not a well-formed trust list."""

    code = "TRUST_LIST_ERROR"
