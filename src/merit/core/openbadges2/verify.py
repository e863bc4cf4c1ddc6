"""Verifying an Open Badges 2.0 assertion: the report of named checks, and hosted verification.

https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html#implementation-verification and
``#HostedBadge``; signed assertions are in :mod:`merit.core.openbadges2.signed`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from merit.core import formats
from merit.core.errors import (
    CouldNotVerifyError,
    InvalidError,
    MalformedValueError,
    ProofVerificationError,
    StatusRetrievalError,
)
from merit.core.openbadges2 import signed
from merit.core.openbadges2.model import (
    HOSTED,
    Clock,
    ExpiredError,
    Fetcher,
    FetchJson,
    GoneError,
    RevokedError,
    Stop,
    badge_and_issuer,
    check_assertion,
    link_id,
    parse_date,
    step,
    verification_of,
)
from merit.core.verify import parsing
from merit.core.verify.report import ISSUER, PARSE, PROOF, STATUS, STRUCTURE, VALIDITY, Check, VerificationReport

_NO_COPY = "not checked: there is no trustworthy copy of the assertion from its issuer"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _same_hosted(presented: dict[str, Any], hosted: dict[str, Any]) -> str | None:
    """The first important field in which the hosted copy differs from the presented assertion, if any."""
    if hosted.get("id") != presented.get("id"):
        return "id"
    if not set(formats.types(verification_of(hosted))) & HOSTED:
        return "verification"
    mine, theirs = presented.get("recipient") or {}, hosted.get("recipient") or {}
    for key in ("type", "identity", "hashed", "salt"):
        if (mine.get(key) if isinstance(mine, dict) else None) != (
            theirs.get(key) if isinstance(theirs, dict) else None
        ):
            return f"recipient.{key}"
    if link_id(presented.get("badge")) != link_id(hosted.get("badge")):
        return "badge"
    for key in ("issuedOn", "expires"):
        if presented.get(key) != hosted.get(key):
            try:
                if parse_date(presented.get(key), key) == parse_date(hosted.get(key), key):
                    continue
            except MalformedValueError:
                pass
            return key
    return None


def _in_scope(assertion_id: str, profile: dict[str, Any]) -> None:
    """The hosted assertion's id must be within the issuer's verification policy (``startsWith``,
    ``allowedOrigins``, or by default the origin of the issuer profile's id)."""
    policy = profile.get("verification")
    policy = policy if isinstance(policy, dict) else {}
    starts = [s for s in formats.as_list(policy.get("startsWith")) if isinstance(s, str)]
    origins = [o.lower() for o in formats.as_list(policy.get("allowedOrigins")) if isinstance(o, str)]
    where = urlsplit(assertion_id)
    if starts and not any(assertion_id.startswith(s) for s in starts):
        raise InvalidError(f"the assertion {assertion_id} is outside the paths its issuer allows ({starts[0]} ...)")
    if origins and (where.hostname or "") not in origins:
        raise InvalidError(f"the assertion is hosted on {where.hostname}, which its issuer does not allow")
    if not starts and not origins:
        issuer = urlsplit(str(profile.get("id")))
        if (where.scheme, where.netloc.lower()) != (issuer.scheme, issuer.netloc.lower()):
            raise InvalidError(f"the assertion is hosted on {where.netloc}, not on its issuer's {issuer.netloc}")


def _parse(report: VerificationReport, assertion: Any, max_bytes: int) -> tuple[dict[str, Any], str | None]:
    with step(report, PARSE, stop=True):
        token: str | None = None
        if isinstance(assertion, bytes):
            try:
                assertion = assertion.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise MalformedValueError("the assertion is not UTF-8 text") from exc
        if isinstance(assertion, str) and not assertion.lstrip().startswith(("{", "[")):
            token = assertion.strip()
            parsed = formats.jws_payload(token, max_bytes)
            message = "a well-formed JWS with a JSON assertion inside"
        elif isinstance(assertion, str):
            parsed, message = parsing.parse_json(assertion, max_bytes), "well-formed JSON object"
        elif isinstance(assertion, dict):
            parsing.check_depth(assertion)
            parsed, message = assertion, "well-formed JSON object"
        else:
            raise MalformedValueError("the assertion must be a JSON object or a signed JWS")
        report.add(Check(PARSE, "passed", message))
        report.document = parsed
        return parsed, token
    raise AssertionError("unreachable")  # pragma: no cover


def verify_assertion(
    assertion: Any,
    *,
    fetch_json: FetchJson | None = None,
    clock: Clock = _utc_now,
    max_bytes: int = parsing.MAX_BYTES,
    clock_skew: timedelta = timedelta(minutes=5),
) -> VerificationReport:
    """Verify an Open Badges 2.0 assertion: a JSON object or its text (hosted), or a JWS compact string (signed).

    The report names the checks ``parse``, ``structure``, ``proof``, ``issuer``, ``validity_period`` and ``status``.
    https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html#implementation-verification
    """
    report = VerificationReport("credential")
    now = clock()
    report.checked_at = _stamp(now)
    fetcher = Fetcher(fetch_json)
    try:
        presented, token = _parse(report, assertion, max_bytes)
        with step(report, STRUCTURE, stop=True):
            method = check_assertion(presented, report.warnings)
            revoked = " (marked revoked)" if presented.get("revoked") is True else ""
            message = f"an Open Badges 2.0 assertion, {method} verification{revoked}"
            report.add(Check(STRUCTURE, "passed", message, details={"format": "ob2"}))
        if method == "hosted":
            if token is not None:
                report.warnings.append("the assertion is signed but declares hosted verification; it was checked so")
            current = _hosted(report, presented, fetcher)
        else:
            current = presented
            signed.check_signature(report, presented, token, fetcher)
        _issuer(report, current, method, fetcher)
        _validity(report, current or presented, now, clock_skew, confirmed=current is not None)
        with step(report, STATUS):
            if method == "hosted":
                report.add(_hosted_status(report, presented, current))
            else:
                report.add(signed.revocation_status(presented, fetcher))
    except Stop:
        pass
    return report


def _hosted(report: VerificationReport, presented: dict[str, Any], fetcher: Fetcher) -> dict[str, Any] | None:
    """Fetch the hosted copy and compare it (the proof check); the copy, which the spec says to trust from then on."""
    url = presented["id"]
    with step(report, PROOF):
        try:
            hosted = fetcher.get(url, "the hosted assertion", gone_ok=True)
        except GoneError:
            report.add(Check(PROOF, "passed", f"the issuer's server says the assertion at {url} is gone (revoked)"))
            return {"id": url, "revoked": True}
        if hosted.get("revoked") is True and hosted.get("id") == url:
            report.add(Check(PROOF, "passed", f"the issuer hosts the assertion at {url}, marked revoked"))
            return hosted
        differs = _same_hosted(presented, hosted)
        if differs is not None:
            raise ProofVerificationError(f"the assertion at its URL differs from the one presented ({differs})")
        report.add(Check(PROOF, "passed", f"the assertion at its URL {url} matches the one presented"))
        return hosted
    return None


def _issuer(report: VerificationReport, current: dict[str, Any] | None, method: str, fetcher: Fetcher) -> None:
    if current is not None and current.get("revoked") is True and "badge" not in current:
        report.add(Check(ISSUER, "not_applicable", "the issuer's copy is revoked and names no badge"))
        return
    with step(report, ISSUER):
        if current is None:
            raise CouldNotVerifyError(_NO_COPY)
        badge, profile = badge_and_issuer(current, fetcher, report.warnings)
        if method == "hosted":
            _in_scope(current["id"], profile)
        report.add(
            Check(
                ISSUER,
                "passed",
                f"issued by {profile['name']} ({profile['id']}) for {badge['name']!r}",
                details={"issuedBy": profile["id"], "issuerName": profile["name"], "verification": method},
            )
        )


def _validity(
    report: VerificationReport, current: dict[str, Any], now: datetime, skew: timedelta, *, confirmed: bool
) -> None:
    """The dates of the issuer's copy; without one, the presented dates can still show the badge expired."""
    if current.get("revoked") is True and "issuedOn" not in current:
        report.add(Check(VALIDITY, "not_applicable", "the issuer's copy is revoked and carries no dates"))
        return
    with step(report, VALIDITY):
        issued = parse_date(current.get("issuedOn"), "issuedOn")
        if issued - skew > now:
            raise InvalidError(f"issued on {_stamp(issued)}, which is in the future")
        expires = parse_date(current["expires"], "expires") if current.get("expires") is not None else None
        if expires is not None and expires + skew < now:
            raise ExpiredError(f"expired on {_stamp(expires)}")
        if not confirmed:
            raise CouldNotVerifyError(f"the dates were not confirmed: {_NO_COPY.removeprefix('not checked: ')}")
        until = f", until {_stamp(expires)}" if expires is not None else " (no expiry date)"
        report.add(Check(VALIDITY, "passed", f"valid now{until}"))


def _hosted_status(report: VerificationReport, presented: dict[str, Any], current: dict[str, Any] | None) -> Check:
    for document in (current, presented):
        if document is not None and document.get("revoked") is True:
            reason = document.get("revocationReason")
            raise RevokedError(f"revoked by the issuer{': ' + reason if isinstance(reason, str) else ''}")
    if current is None:
        raise StatusRetrievalError(_NO_COPY)
    return Check(STATUS, "passed", "not revoked: the issuer's copy is not marked revoked")
