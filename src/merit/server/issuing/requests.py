"""What a VC-API issue request asks for beyond the credential: its ``options``, read strictly.

https://w3c-ccg.github.io/vc-api/#issue-credential (``IssueCredentialOptions``, no other members). Merit honours
``credentialId`` (the id to refer to the credential by when it has no ``id``), ``credentialStatus`` (only the
``BitstringStatusListEntry`` type Merit allocates anyway) and ``cryptosuite`` (which the W3C suites send to choose
a Data Integrity cryptosuite), and Merit's own ``format``: ``di`` (a Data Integrity proof, the default), ``jwt``
(the Open Badges 3.0 JWT, returned as its compact text) or ``vc+jwt`` (VC-JOSE, returned enveloped); a
``cryptosuite`` goes with ``di`` only. ``mandatoryPointers`` needs a selective-disclosure cryptosuite, which
Merit does not sign with, so it is refused; any other member is refused by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from merit.core import vc
from merit.core.errors import InvalidError, MalformedValueError

ISSUING_SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "ecdsa-jcs-2019")
"""The Data Integrity cryptosuites Merit signs with (verification knows older ones too)."""
_KNOWN = ("credentialId", "credentialStatus", "cryptosuite", "format", "mandatoryPointers")
_SECURING: dict[str, Securing] = {"di": "di", "jwt": "jwt", "vc+jwt": "vc-jose", "vc-jose": "vc-jose"}
Securing = Literal["di", "jwt", "vc-jose"]
"""How a credential is secured: a Data Integrity proof, the Open Badges 3.0 JWT, or VC-JOSE."""
MAX_ID = 300
"""The longest credential id Merit records (``IssuedCredential.credential_id``)."""
MAX_EMAIL, MAX_DID, MAX_NAME, MAX_GRADE = 254, 2000, 300, 200
"""The longest learner e-mail address (RFC 5321, ``ClaimLink.email``), DID, name and grade a request may give, on
the API and in the workspace form alike (checked before anything is issued, on SQLite as on PostgreSQL)."""


def learner_too_long(identity: str, name: str, grade: str) -> int | None:
    """The limit a learner given by a form exceeds (``identity``: an e-mail address or a DID), or ``None``."""
    limit = MAX_DID if identity.startswith("did:") else MAX_EMAIL
    for value, longest in ((identity, limit), (name, MAX_NAME), (grade, MAX_GRADE)):
        if len(value) > longest:
            return longest
    return None


class CredentialExists(InvalidError):
    """The organisation already issued a credential with this id (HTTP 409)."""

    code = "DUPLICATE_CREDENTIAL_ID"


class NoKeyForSuite(InvalidError):
    """The organisation has no active key of the type the requested cryptosuite needs (HTTP 422)."""

    code = "PROOF_GENERATION_ERROR"


@dataclass(frozen=True)
class IssueOptions:
    suite: str | None = None
    credential_id: str | None = None
    securing: Securing = "di"


def require_issuer(credential: dict[str, Any], did: str) -> None:
    """The VC-API requires ``credential.issuer`` (Merit's own callers may leave it to Merit)."""
    vc.context_version(credential)  # A credential that is none says so first.
    if "issuer" not in credential:
        raise MalformedValueError(f"credential.issuer is required: the organisation's DID {did}")


def parse_options(options: Any) -> IssueOptions:
    """Read a request's ``options`` (absent or ``null``: the defaults); raise a one-line error otherwise."""
    if options is None:
        return IssueOptions()
    if not isinstance(options, dict):
        raise MalformedValueError("options must be a JSON object")
    unknown = sorted(set(options) - set(_KNOWN))
    if unknown:
        raise MalformedValueError(f"unknown option(s) {', '.join(unknown)}; Merit understands {', '.join(_KNOWN)}")
    if "mandatoryPointers" in options:
        raise MalformedValueError("mandatoryPointers needs a selective-disclosure cryptosuite; Merit signs with none")
    status = options.get("credentialStatus")
    if status is not None and (not isinstance(status, dict) or status != {"type": "BitstringStatusListEntry"}):
        raise MalformedValueError(
            'credentialStatus may only be {"type": "BitstringStatusListEntry"} (Merit allocates it)'
        )
    suite = options.get("cryptosuite")
    if suite is not None and suite not in ISSUING_SUITES:
        raise MalformedValueError(f"unknown cryptosuite {suite!r}; Merit signs with {', '.join(ISSUING_SUITES)}")
    securing = options.get("format", "di")
    if not isinstance(securing, str) or securing not in _SECURING:
        raise MalformedValueError(f"options.format must be one of {', '.join(_SECURING)}")
    if suite is not None and _SECURING[securing] != "di":
        raise MalformedValueError("options.cryptosuite names a Data Integrity cryptosuite: it goes with format di only")
    credential_id = options.get("credentialId")
    if credential_id is not None and (not vc.is_url(credential_id) or len(credential_id) > MAX_ID):
        raise MalformedValueError(f"credentialId must be a URL of at most {MAX_ID} characters")
    return IssueOptions(suite=suite, credential_id=credential_id, securing=_SECURING[securing])
