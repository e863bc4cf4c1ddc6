"""The Open Badges 2.0 data classes: required properties, dates, linked documents and the recipient.

https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html (``#Assertion``, ``#BadgeClass``,
``#Profile``, ``#IdentityObject``, ``#dateTime``, ``#data-validation``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from merit.core import formats
from merit.core.errors import (
    CouldNotVerifyError,
    DocumentNotAllowedError,
    InvalidError,
    MalformedValueError,
    MeritError,
    UnsupportedCryptosuiteError,
)
from merit.core.verify import parsing
from merit.core.verify.report import Check, VerificationReport

FetchJson = Callable[[str], Any]
Clock = Callable[[], datetime]

SIGNATURE_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
"""The JWS algorithms accepted for signed assertions (the spec recommends RS256)."""
HOSTED = frozenset({"hosted", "HostedBadge", "https://w3id.org/openbadges#HostedBadge"})
SIGNED = frozenset({"signed", "SignedBadge", "https://w3id.org/openbadges#SignedBadge"})


class GoneError(Exception):
    """Raised by a ``fetch_json`` when a server answers ``410 Gone``, which marks a hosted assertion as revoked."""


class DocumentLoadError(CouldNotVerifyError):
    """A linked document could not be fetched (network failure, not found, not JSON)."""

    code = "LOADING_DOCUMENT_FAILED"


class RevokedError(InvalidError):
    """The issuer has revoked the assertion (``revoked``, its revocation list, or ``410 Gone``)."""

    code = "REVOKED"


class ExpiredError(InvalidError):
    """The assertion's ``expires`` date has passed."""

    code = "EXPIRED"


class Stop(Exception):
    """Ends a verification after a check that the later ones depend on."""


@contextmanager
def step(report: VerificationReport, name: str, *, stop: bool = False) -> Iterator[None]:
    """Record an exception raised in the block as the outcome of check ``name``; anything unexpected fails it."""
    try:
        yield
    except CouldNotVerifyError as exc:
        report.add(Check(name, "could_not_check", exc.message, exc.code))
        if stop:
            raise Stop from exc
    except MeritError as exc:
        report.add(Check(name, "failed", exc.message, exc.code))
        if stop:
            raise Stop from exc
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        report.add(Check(name, "failed", f"unexpected error: {first}", "INTERNAL_ERROR"))
        if stop:
            raise Stop from exc


class Fetcher:
    """Fetches linked documents through the caller's ``fetch_json``, once each. The caller's fetcher limits sizes
    and redirects; here each document must be a JSON object within the nesting limit."""

    def __init__(self, fetch_json: FetchJson | None) -> None:
        self.fetch_json = fetch_json
        self.cache: dict[str, dict[str, Any]] = {}

    def get(self, url: str, what: str, *, gone_ok: bool = False) -> dict[str, Any]:
        """The document at ``url``; :class:`GoneError` passes through only when ``gone_ok``."""
        if self.fetch_json is None:
            raise DocumentNotAllowedError(f"{what} at {url} was not fetched: fetching was not allowed")
        if not is_http(url):
            raise DocumentLoadError(f"{what} {url} is not an HTTP(S) URL, so it cannot be fetched")
        if url not in self.cache:
            try:
                value = self.fetch_json(url)
            except GoneError as exc:
                if gone_ok:
                    raise
                raise DocumentLoadError(f"{what} at {url} is gone (410)") from exc
            except MeritError:
                raise
            except Exception as exc:
                raise DocumentLoadError(f"{what} at {url} could not be fetched ({type(exc).__name__})") from exc
            if not isinstance(value, dict):
                raise MalformedValueError(f"{what} at {url} is not a JSON object")
            parsing.check_depth(value)
            self.cache[url] = value
        return self.cache[url]


def is_http(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def link_id(value: Any) -> str | None:
    """The IRI of a linked value: the string itself or the object's ``id``."""
    value = value.get("id") if isinstance(value, dict) else value
    return value if isinstance(value, str) else None


def verification_of(assertion: dict[str, Any]) -> dict[str, Any]:
    value = assertion.get("verification", assertion.get("verify"))  # The context aliases "verify".
    return value if isinstance(value, dict) else {}


def parse_date(value: Any, name: str, warnings: list[str] | None = None) -> datetime:
    """An OB 2.0 DateTime (ISO 8601 with a time zone); one without a zone is read as UTC, with a warning."""
    if not isinstance(value, str):
        raise MalformedValueError(f"{name} must be an ISO 8601 date-time string")
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise MalformedValueError(f"{name} is not an ISO 8601 date-time: {value[:40]!r}") from exc
    if moment.tzinfo is None:
        if warnings is not None:
            warnings.append(f"{name} has no time zone; it was read as UTC")
        moment = moment.replace(tzinfo=UTC)
    return moment


def _require_text(document: dict[str, Any], key: str, what: str) -> None:
    if not isinstance(document.get(key), str) or not document[key].strip():
        raise MalformedValueError(f"the {what} has no {key}")


def _require_type(document: dict[str, Any], wanted: set[str], what: str) -> None:
    if not wanted.intersection(formats.types(document)):
        raise MalformedValueError(f"the {what} must have type {' or '.join(sorted(wanted))}")


def check_assertion(assertion: dict[str, Any], warnings: list[str]) -> str:
    """The required properties of an Assertion (and of an embedded BadgeClass and issuer Profile); the verification
    method, ``hosted`` or ``signed``."""
    _require_type(assertion, {"Assertion", "https://w3id.org/openbadges#Assertion"}, "assertion")
    if not formats.OB2_CONTEXT_ALIASES.intersection(formats.contexts(assertion)):
        warnings.append("the assertion does not name the Open Badges 2.0 context")
    if not formats.is_iri(assertion.get("id")):
        raise MalformedValueError("the assertion's id must be an IRI")
    if "revoked" in assertion and not isinstance(assertion["revoked"], bool):
        raise MalformedValueError("revoked must be true or false")
    kinds = set(formats.types(verification_of(assertion)))
    method = "hosted" if kinds & HOSTED else "signed" if kinds & SIGNED else None
    if method is None:
        if not kinds:
            raise MalformedValueError("the assertion has no verification type (hosted or signed)")
        raise UnsupportedCryptosuiteError(f"verification type {sorted(kinds)[0]} is not supported")
    if assertion.get("revoked") is True:
        return method  # A revoked assertion needs only id and revoked.
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict):
        raise MalformedValueError("the assertion has no recipient")
    _require_text(recipient, "identity", "recipient")
    _require_text(recipient, "type", "recipient")
    hashed = recipient.get("hashed", False)
    if not isinstance(hashed, bool) or not isinstance(recipient.get("salt", ""), str):
        raise MalformedValueError("the recipient's hashed must be true or false, and its salt a string")
    if hashed and _identity_hash(recipient["identity"]) is None:
        raise MalformedValueError("the recipient's hashed identity must be sha256$<64 hex> or md5$<32 hex>")
    badge = assertion.get("badge")
    if isinstance(badge, dict):
        check_badge_class(badge, warnings)
    elif not formats.is_iri(badge):
        raise MalformedValueError("the assertion's badge must be a BadgeClass or its IRI")
    parse_date(assertion.get("issuedOn"), "issuedOn", warnings)
    if assertion.get("expires") is not None:
        parse_date(assertion["expires"], "expires", warnings)
    if method == "hosted" and not is_http(assertion["id"]):
        raise MalformedValueError("a hosted assertion's id must be the HTTP(S) URL where it is hosted")
    return method


def check_badge_class(badge: dict[str, Any], warnings: list[str]) -> None:
    """The required properties of a BadgeClass, and of its issuer Profile when it is embedded."""
    _require_type(badge, {"BadgeClass", "https://w3id.org/openbadges#BadgeClass"}, "badge class")
    if not formats.is_iri(badge.get("id")):
        raise MalformedValueError("the badge class's id must be an IRI")
    for key in ("name", "description"):
        _require_text(badge, key, "badge class")
    if link_id(badge.get("image")) is None:
        raise MalformedValueError("the badge class has no image")
    criteria = badge.get("criteria")
    if link_id(criteria) is None and not (isinstance(criteria, dict) and isinstance(criteria.get("narrative"), str)):
        raise MalformedValueError("the badge class has no criteria")
    for alignment in formats.as_list(badge.get("alignment")):
        if not isinstance(alignment, dict) or not isinstance(alignment.get("targetName"), str):
            raise MalformedValueError("each alignment of the badge class needs a targetName")
        if not formats.is_iri(alignment.get("targetUrl")):
            raise MalformedValueError(f"the alignment {alignment['targetName']!r} needs a targetUrl")
    issuer = badge.get("issuer")
    if isinstance(issuer, dict):
        check_profile(issuer, warnings)
    elif not formats.is_iri(issuer):
        raise MalformedValueError("the badge class's issuer must be a Profile or its IRI")


def check_profile(profile: dict[str, Any], warnings: list[str]) -> None:
    """The properties an issuer Profile requires: id, type and name (url and email too, which are only warned of)."""
    _require_type(profile, {"Issuer", "Profile", "https://w3id.org/openbadges#Profile"}, "issuer profile")
    if not formats.is_iri(profile.get("id")):
        raise MalformedValueError("the issuer profile's id must be an IRI")
    _require_text(profile, "name", "issuer profile")
    for key in ("url", "email"):
        if not isinstance(profile.get(key), str):
            warnings.append(f"the issuer profile has no {key}, which Open Badges 2.0 requires of issuers")


def _linked(value: Any, fetcher: Fetcher, what: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        raise MalformedValueError(f"the {what} is missing")
    return fetcher.get(value, f"the {what}")


def badge_and_issuer(
    assertion: dict[str, Any], fetcher: Fetcher, warnings: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The BadgeClass and the issuer Profile of ``assertion``, embedded or fetched, each validated."""
    badge = _linked(assertion.get("badge"), fetcher, "badge class")
    check_badge_class(badge, warnings)
    profile = _linked(badge.get("issuer"), fetcher, "issuer profile")
    check_profile(profile, warnings)
    return badge, profile


def _identity_hash(identity: str) -> tuple[str, str] | None:
    algorithm, _, digest = identity.partition("$")
    size = {"sha256": 64, "md5": 32}.get(algorithm.lower())
    if size is None or len(digest) != size or any(c not in "0123456789abcdefABCDEF" for c in digest):
        return None
    return algorithm.lower(), digest.lower()


def recipient_matches(assertion: Any, email: str) -> bool:
    """True when ``assertion`` (an object or a signed JWS) was awarded to ``email``: its recipient has type ``email``
    and an identity equal to it, or hashed as ``sha256$``/``md5$`` of the address followed by the ``salt``.

    https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html#IdentityObject
    """
    if isinstance(assertion, str):
        try:
            assertion = formats.jws_payload(assertion)
        except MeritError:
            return False
    recipient = assertion.get("recipient") if isinstance(assertion, dict) else None
    if not isinstance(recipient, dict) or not isinstance(recipient.get("identity"), str):
        return False
    if recipient.get("type") not in ("email", "schema:email", "http://schema.org/email", "https://schema.org/email"):
        return False
    identity: str = recipient["identity"]
    address = email.strip()
    if recipient.get("hashed") is not True:
        return identity.strip().lower() == address.lower()
    parsed = _identity_hash(identity)
    salt: str = recipient["salt"] if isinstance(recipient.get("salt"), str) else ""
    if parsed is None:
        return False
    algorithm, digest = parsed
    for candidate in dict.fromkeys((address, address.lower())):
        computed = hashlib.new(algorithm, (candidate + salt).encode("utf-8"), usedforsecurity=False).hexdigest()
        if hmac.compare_digest(computed, digest):
            return True
    return False
