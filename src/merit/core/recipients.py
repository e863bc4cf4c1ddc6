"""How a credential names its recipient: the one check of a learner's e-mail address and DID, for every way a
credential is issued (bulk rows, the workspace form, the API, the command line; ``Learner`` calls it).

- An e-mail address must be valid for mail on the internet (the email-validator library: RFC 5322 / RFC 6531
  syntax, IDNA domains, a domain with a real top-level label; no DNS lookup), must not be at a special-use domain
  that never receives mail (``.test``, ``.invalid``, ``.local``, ``.localhost``, ``.onion``, ``.arpa``: RFC 6761,
  RFC 6762, RFC 7686, as email-validator lists them), and must not begin with ``=``, ``+``, ``-`` or ``@``, which
  spreadsheets read as the start of a formula (OWASP CSV injection).
- A DID must match the DID Core ABNF (https://www.w3.org/TR/did-core/#did-syntax). A ``did:web`` needs a host name
  of at least two labels, each valid per RFC 1035 and IDNA (punycode), not an IP address (the did:web method
  forbids them), with an optional port and path; a ``did:key`` must hold a public key Merit reads. Other methods
  are accepted when their syntax is valid: the learner's wallet may use a method Merit does not resolve.

A refusal is a :class:`RecipientError` whose ``reason`` says why (for translated messages in the server).
"""

from __future__ import annotations

import re

import idna
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from merit.core.dids.key import resolve_did_key
from merit.core.dids.web import did_web_url
from merit.core.errors import InvalidDidError, MalformedValueError

FORMULA_STARTS = ("=", "+", "-", "@")
MAX_DID = 2048
_ID_CHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID = re.compile(rf"did:[a-z0-9]+:(?:{_ID_CHAR}*:)*{_ID_CHAR}+")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")

# Why an address or a DID is refused.
EMAIL_FORMULA = "email_formula"
EMAIL_NO_TOP_LEVEL_DOMAIN = "email_no_top_level_domain"
EMAIL_RESERVED_DOMAIN = "email_reserved_domain"
EMAIL_SYNTAX = "email_syntax"
DID_SYNTAX = "did_syntax"
DID_WEB = "did_web"
DID_KEY = "did_key"


class RecipientError(MalformedValueError):
    """An e-mail address or a DID a credential cannot be issued to."""

    def __init__(self, message: str, *, reason: str, value: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.value = value


def check_email(value: str) -> str:
    """Return ``value`` if it is an e-mail address a credential may be issued to; raise :class:`RecipientError`."""
    if value.startswith(FORMULA_STARTS):
        raise RecipientError(
            f"{value!r} is not an e-mail address: it begins with {value[0]!r}, which spreadsheets read as a formula",
            reason=EMAIL_FORMULA,
            value=value,
        )
    domain = value.rpartition("@")[2]
    if "@" in value and domain and "." not in domain.strip("."):
        raise RecipientError(
            f"{value!r} is not an e-mail address: its domain {domain!r} has no top-level domain (such as .org)",
            reason=EMAIL_NO_TOP_LEVEL_DOMAIN,
            value=value,
        )
    name = domain.strip(".").lower()
    if "@" in value and any(name == used or name.endswith("." + used) for used in SPECIAL_USE_DOMAIN_NAMES):
        raise RecipientError(
            f"{value!r} is not an e-mail address: its domain {domain!r} is reserved and never receives mail",
            reason=EMAIL_RESERVED_DOMAIN,
            value=value,
        )
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise RecipientError(f"{value!r} is not an e-mail address: {exc}", reason=EMAIL_SYNTAX, value=value) from exc
    return value


def _web_host_ok(did: str) -> bool:
    try:
        did_web_url(did)
    except InvalidDidError:
        return False
    host = did.removeprefix("did:web:").split(":")[0].lower().split("%3a")[0]
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        return False
    if labels[-1].isdigit():  # An IPv4 address, or no real top-level domain.
        return False
    try:
        idna.decode(host)  # Each xn-- label must be valid punycode of a valid IDNA label.
    except idna.IDNAError:
        return False
    return True


def check_did(value: str) -> str:
    """Return ``value`` if it is a DID a credential may be issued to; raise :class:`RecipientError`."""
    if len(value) > MAX_DID or not _DID.fullmatch(value):
        raise RecipientError(
            f"{value!r} is not a DID (did:method:identifier, DID Core §3.1)", reason=DID_SYNTAX, value=value
        )
    if value.startswith("did:web:") and not _web_host_ok(value):
        raise RecipientError(
            f"{value!r} is not a did:web DID: it needs a host name such as example.org (not an IP address), then"
            " an optional port and path",
            reason=DID_WEB,
            value=value,
        )
    if value.startswith("did:key:"):
        try:
            resolve_did_key(value)
        except InvalidDidError as exc:
            raise RecipientError(
                f"{value!r} is not a did:key DID Merit reads: {exc}", reason=DID_KEY, value=value
            ) from exc
    return value
