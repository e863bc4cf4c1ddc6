"""What the core's error codes and warnings mean, in the reader's language.

The core (``merit.core``) names what went wrong with an error code (``merit.core.errors``: ``MALFORMED_VALUE_ERROR``,
``PARSING_ERROR``, ...) and adds an English message for logs and the CLI. Pages never show that English as a
sentence: :func:`code_text` turns the code into words with gettext, and :func:`warning_text` recognises each
warning the core gives (by its fixed wording, taking out the facts it names) and says it again in the reader's
language. The English stays available in the report's "technical detail", marked ``lang="en"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def code_text(code: str | None) -> str:
    """What a core error code means (a clause that completes "…: "); a general clause for an unknown code."""
    texts = {
        "PARSING_ERROR": _("it could not be read as JSON"),
        "MALFORMED_VALUE_ERROR": _("a value does not have the form its specification requires"),
        "RANGE_ERROR": _("a value is outside its allowed range (too large or too deeply nested)"),
        "SAFE_MODE_VIOLATION": _("it contains properties that are not defined"),
        "LOADING_DOCUMENT_FAILED": _("it uses a vocabulary (JSON-LD context) that Merit does not know"),
        "MALFORMED_PROOF_ERROR": _("its signature block is malformed"),
        "PROOF_VERIFICATION_ERROR": _("the signature does not match"),
        "PROOF_TRANSFORMATION_ERROR": _("the signed data could not be prepared for checking"),
        "INVALID_CHALLENGE_ERROR": _("it was made for another request"),
        "INVALID_DOMAIN_ERROR": _("it was made for another site"),
        "UNSUPPORTED_CRYPTOSUITE": _("it uses a kind of signature that Merit does not support"),
        "notFound": _("the issuer's identifier could not be resolved"),
        "invalidDid": _("the issuer's identifier (DID) is not valid"),
        "methodNotSupported": _("the issuer uses a kind of identifier (DID method) that Merit cannot resolve"),
        "STATUS_RETRIEVAL_ERROR": _("the issuer's status list could not be fetched"),
        "STATUS_VERIFICATION_ERROR": _("the issuer's status list is not authentic"),
        "STATUS_LIST_LENGTH_ERROR": _("the issuer's status list is too short for this credential"),
        "TRUST_REGISTRY_ERROR": _("the trust registry could not be reached"),
        "TRUST_LIST_ERROR": _("the trust list is not valid"),
        "NOT_A_CREDENTIAL": _("it is not a credential in a format Merit reads"),
        "BAKING_ERROR": _("the badge image could not be read"),
        "FETCH_FAILED": _("a document it refers to could not be fetched"),
        "FETCH_REFUSED": _("a document it refers to is at an address Merit does not fetch from"),
        "FETCH_BUSY": _("too many verifications are fetching from other sites right now"),
    }
    return texts.get(code or "", _("it does not meet the rules of its format (see the technical detail)"))


def _related(match: re.Match[str]) -> str:
    count = int(match.group("count"))
    return ngettext(
        "It lists %(count)s related resource with a digest that Merit did not check, because Merit does not "
        "retrieve it.",
        "It lists %(count)s related resources with digests that Merit did not check, because Merit does not "
        "retrieve them.",
        count,
    ) % {"count": count}


_WARNINGS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"the credential uses the older VC Data Model 1\.1"),
        lambda m: _("It uses the older VC Data Model 1.1."),
    ),
    (
        re.compile(r"the credential has no (?P<key>\S+), which the EDC profile requires of issued credentials"),
        lambda m: _("It has no %(key)s, which the Europass profile requires of issued credentials.") % m.groupdict(),
    ),
    (re.compile(r"the credential is not sealed"), lambda m: _("It is not sealed.")),
    (
        re.compile(r"(?P<name>\S+) has no time zone; it was read as UTC"),
        lambda m: _("Its %(name)s has no time zone; it was read as UTC.") % m.groupdict(),
    ),
    (
        re.compile(r"the assertion does not name the Open Badges 2\.0 context"),
        lambda m: _("The assertion does not name the Open Badges 2.0 context."),
    ),
    (
        re.compile(r"the issuer profile has no (?P<key>\S+), which Open Badges 2\.0 requires of issuers"),
        lambda m: _("The issuer profile has no %(key)s, which Open Badges 2.0 requires of issuers.") % m.groupdict(),
    ),
    (
        re.compile(r"the assertion is signed but declares hosted verification; it was checked so"),
        lambda m: _("The assertion is signed but declares hosted verification, so it was checked as hosted."),
    ),
    (
        re.compile(r"the JOSE header has no typ \(it should be (?P<kind>\S+)\+jwt\)"),
        lambda m: _("The JOSE header has no typ (it should be %(kind)s+jwt).") % m.groupdict(),
    ),
    (re.compile(r"the credential lists (?P<count>\d+) related resource"), _related),
]


def known(warning: str) -> bool:
    """Whether :func:`warning_text` says ``warning`` in full (else its English is worth showing as detail)."""
    return any(pattern.search(warning) for pattern, _say in _WARNINGS)


def warning_text(warning: str) -> str:
    """A warning of a verification report in the reader's language; one the server does not know is said as a
    general sentence (its English is in the technical detail)."""
    for pattern, say in _WARNINGS:
        found = pattern.search(warning)
        if found is not None:
            return say(found)
    return _("The verifier gave a warning (see the technical detail).")


_FETCH_FAILURES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"the name (?P<host>\S+) (could not be resolved|has no address)"),
        lambda m: _("the name %(host)s could not be found") % m.groupdict(),
    ),
    (re.compile(r"answered HTTP (?P<status>\d+)"), lambda m: _("the site answered HTTP %(status)s") % m.groupdict()),
    (
        re.compile(r"the TLS connection to (?P<host>\S+) failed"),
        lambda m: _("the secure connection to %(host)s failed") % m.groupdict(),
    ),
    (re.compile(r"could not connect to (?P<host>\S+)"), lambda m: _("could not connect to %(host)s") % m.groupdict()),
    (re.compile(r"took too long|ran out"), lambda m: _("the site took too long to answer")),
    (re.compile(r"redirected"), lambda m: _("the site redirected without saying where")),
]


def fetch_failure(message: str) -> str:
    """Why a fetch failed (``merit.server.netfetch.FetchFailed``), in the reader's language."""
    for pattern, say in _FETCH_FAILURES:
        found = pattern.search(message)
        if found is not None:
            return say(found)
    return _("the site could not be reached")
