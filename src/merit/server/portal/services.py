"""The portal's services: the verifier that the portal and the VC-API share, and verification receipts.

The verifier resolves this installation's organisations and status lists from the database (as
``issuing.services`` publishes them) and fetches everything else, ``did:web`` documents and status lists on other
hosts, only through :mod:`merit.server.netfetch`. A status list that cannot be fetched gives "could not check"
for the status check (https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm), never "not revoked".
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.utils.translation import gettext as _

from merit.core import openbadges2
from merit.core.dids import Resolver
from merit.core.errors import DidResolutionError, MeritError, StatusRetrievalError
from merit.core.formats import Format
from merit.core.verify import Check, VerificationReport, Verifier, dispatch
from merit.core.verify.parsing import parse_json
from merit.core.verify.report import HOLDER, PROOF
from merit.server import fetchbudget, netfetch
from merit.server.accounts.models import Organisation, did_prefix
from merit.server.issuing import services as issuing
from merit.server.portal.containers import MAX_UPLOAD_BYTES, Found, parse
from merit.server.portal.models import Receipt
from merit.server.portal.report import completeness_check
from merit.server.views import published_bytes

MAX_DOCUMENT_BYTES = 1024 * 1024
MAX_LIST_BYTES = 2 * 1024 * 1024
MAX_CREDENTIAL_BYTES = 2 * 1024 * 1024
ACCEPT_CREDENTIAL = (
    "application/vc+ld+json, application/vc+json;q=0.9, application/ld+json;q=0.8, application/json;q=0.7"
)


@dataclass
class Consulted:
    """What a verification fetched: each status list's URL, the SHA-256 of its bytes and its ``validFrom``."""

    status_lists: list[dict[str, Any]] = field(default_factory=list)

    def record(self, url: str, body: bytes, document: dict[str, Any]) -> None:
        entry = {"url": url, "sha256": hashlib.sha256(body).hexdigest(), "validFrom": document.get("validFrom")}
        if entry not in self.status_lists:
            self.status_lists.append(entry)


def _fetch_did_document(url: str) -> bytes:
    return netfetch.fetch(url, max_bytes=MAX_DOCUMENT_BYTES, accept="application/did+json, application/json")


def verifier(consulted: Consulted | None = None) -> Verifier:
    """A verifier for this installation: local organisations and lists from the database, the rest via netfetch."""
    log = consulted if consulted is not None else Consulted()
    web = Resolver(web_fetcher=_fetch_did_document)

    def resolve(method: str, purpose: str) -> Any:
        did = method.split("#", 1)[0] if isinstance(method, str) else ""
        prefix = did_prefix()
        if did.startswith(prefix):
            organisation = Organisation.objects.filter(slug=did.removeprefix(prefix)).first()
            if organisation is None:
                raise DidResolutionError(f"{did} is not an organisation of this Merit installation")
            local = Resolver(documents={did: issuing.did_document(organisation)})
            return local.resolve_verification_method(method, purpose)
        return web.resolve_verification_method(method, purpose)

    def fetch_list(url: str) -> dict[str, Any]:
        if url.startswith(f"{settings.BASE_URL}/status/"):
            document = issuing._fetch_list(url)
            body = published_bytes(document)  # What /status/... serves, so the receipt's hash matches it.
        else:
            body = netfetch.fetch(url, max_bytes=MAX_LIST_BYTES, accept=ACCEPT_CREDENTIAL)
            try:
                document = parse_json(body, MAX_LIST_BYTES)
            except MeritError as exc:
                raise StatusRetrievalError(f"the status list at {url} is not a JSON object ({exc.message})") from exc
        log.record(url, body, document)
        return document

    from merit.server.registry.published import AccreditedNames, CombinedRegistry
    from merit.server.registry.services import Anchors

    registry = CombinedRegistry()
    return Verifier(
        resolve=resolve,
        fetch_status_list=fetch_list,
        trust=(Anchors(), registry),
        namesakes=AccreditedNames(registry.remotes),
    )


def fetch_json(url: str) -> Any:
    """A linked Open Badges 2.0 document (hosted assertion, badge class, issuer, key, revocation list), fetched only
    through netfetch; HTTP 410 Gone is reported as such, since it marks a hosted assertion as revoked."""
    try:
        accept = "application/ld+json, application/json"
        body = netfetch.fetch(url, max_bytes=MAX_DOCUMENT_BYTES, accept=accept)
    except netfetch.FetchFailed as exc:
        if exc.message.endswith("answered HTTP 410"):
            raise openbadges2.GoneError(url) from exc
        raise
    return parse_json(body, MAX_DOCUMENT_BYTES)


def verify_document(
    document: Any,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    consulted: Consulted | None = None,
    expect: Literal["credential", "presentation"] | None = None,
) -> tuple[Format, VerificationReport]:
    """Verify a parsed document through ``merit.core``'s one way in (:func:`merit.core.verify.dispatch.verify`),
    with this installation's verifier and netfetch; ``expect`` is what an API endpoint was given. Without it, a
    document in no format Merit reads raises :class:`~merit.core.verify.dispatch.NotACredentialError`. Its fetches
    share one outbound budget (the request's, when there is one)."""
    with fetchbudget.budget():
        return dispatch.verify(
            document,
            verifier=verifier(consulted),
            fetch_json=fetch_json,
            challenge=challenge,
            domain=domain,
            expect=expect,
        )


def fetch_credential(url: str) -> Found:
    """A credential at ``url``, fetched through netfetch (raises netfetch's errors)."""
    body = netfetch.fetch(url, max_bytes=MAX_CREDENTIAL_BYTES, accept=ACCEPT_CREDENTIAL)
    return Found("url", body, url=url)


@dataclass
class Verification:
    """One verification on the portal: what was found, its format, the report and the receipt."""

    found: Found
    fmt: Format
    report: VerificationReport
    document: dict[str, Any]
    consulted: Consulted
    receipt: Receipt | None = None


class NotACredential(MeritError):
    """A JSON document that is not a credential Merit recognises."""

    code = "NOT_A_CREDENTIAL"


def formats_read() -> str:
    """The formats Merit reads, in words for a person (the portal's and the passport's "not a credential" messages;
    :mod:`merit.core.verify.formats` lists them for the code)."""
    return _(
        "W3C verifiable credentials and presentations with Data Integrity proofs, VC-JOSE (vc+jwt), "
        "Open Badges 3.0 as JSON or as a JWT, Open Badges 2.0 and Europass credentials"
    )


def verify_found(found: Found, *, challenge: str | None = None, domain: str | None = None) -> Verification:
    """Verify what a container held (fetching it first when it is a URL) and store a receipt."""
    with fetchbudget.budget():
        return _verify_found(found, challenge=challenge, domain=domain)


def _verify_found(found: Found, *, challenge: str | None, domain: str | None) -> Verification:
    if found.url is not None and not found.data:
        found = fetch_credential(found.url)
    if len(found.data) > MAX_UPLOAD_BYTES:
        raise NotACredential("the document is too large")
    document = parse(found)
    consulted = Consulted()
    try:
        fmt, report = verify_document(document, challenge=challenge, domain=domain, consulted=consulted)
    except dispatch.NotACredentialError as exc:
        raise NotACredential(exc.message) from exc
    if not isinstance(document, dict):
        document = report.document if isinstance(report.document, dict) else {}
    verification = Verification(found, fmt, report, document, consulted)
    verification.receipt = save_receipt(verification)
    return verification


def _methods(document: dict[str, Any] | None) -> list[str]:
    proofs = (document or {}).get("proof", [])
    proofs = proofs if isinstance(proofs, list) else [proofs]
    return [str(p["verificationMethod"]) for p in proofs if isinstance(p, dict) and "verificationMethod" in p]


def _issuer(document: dict[str, Any] | None) -> str | None:
    issuer = (document or {}).get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    return value if isinstance(value, str) else None


def _check_json(check: Check, presentation: bool) -> dict[str, Any]:
    message = check.message
    if presentation and check.name in (PROOF, HOLDER):
        # These messages name the holder; a receipt keeps no personal data.
        message = {"passed": "signed by its holder", "failed": "not signed by its holder"}.get(
            check.outcome, check.outcome.replace("_", " ")
        )
        if check.name == PROOF and check.outcome == "failed":
            message = "the holder's signature does not verify"
    data: dict[str, Any] = {"name": check.name, "outcome": check.outcome, "message": message}
    if check.code:
        data["code"] = check.code
    return data


def _credential_section(report: VerificationReport, sha256: str | None) -> dict[str, Any]:
    document = report.document or {}
    section: dict[str, Any] = {
        "kind": report.kind,
        "outcome": report.outcome,
        "id": document.get("id") if isinstance(document.get("id"), str) else None,
        "sha256": sha256,
        "issuer": _issuer(document) if report.kind == "credential" else None,
        "verificationMethod": _methods(document) if report.kind == "credential" else [],
        "checks": [_check_json(c, report.kind == "presentation") for c in report.checks],
    }
    if report.kind == "credential" and report.document is not None:
        section["checks"].append(completeness_check(report.document).to_json())
    if report.kind == "presentation":
        section.pop("issuer")
        section.pop("verificationMethod")
        section["credentials"] = [
            _credential_section(inner, _canonical_sha256(inner.document)) for inner in report.credentials
        ]
    return section


def _canonical_sha256(document: dict[str, Any] | None) -> str | None:
    if document is None:
        return None
    return hashlib.sha256(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def receipt_document(verification: Verification, public_id: str) -> dict[str, Any]:
    """The receipt: when, what (the SHA-256 of the exact bytes verified), each check, and each status list."""
    report = verification.report
    body: dict[str, Any] = {
        "type": "MeritVerificationReceipt",
        "id": f"{settings.BASE_URL}/verify/receipt/{public_id}.json",
        "verifier": settings.BASE_URL,
        "checkedAt": report.checked_at,
        "format": verification.fmt,
        "container": verification.found.container,
        **_credential_section(report, verification.found.sha256),
        "statusLists": list(verification.consulted.status_lists),
    }
    return body


def save_receipt(verification: Verification) -> Receipt:
    public_id = secrets.token_urlsafe(18)
    document = receipt_document(verification, public_id)
    return Receipt.objects.create(
        public_id=public_id,
        credential_sha256=verification.found.sha256,
        outcome=verification.report.outcome,
        receipt_json=json.dumps(document, ensure_ascii=False, indent=2),
    )


def status_change(document: dict[str, Any]) -> dict[str, Any] | None:
    """When and why the issuer revoked or suspended ``document``, if it is a credential an organisation of this
    installation issued (found by the organisation's DID and the credential's id): ``state``, ``at`` (aware, or
    ``None`` for a change recorded before Merit kept the time) and the issuer's ``reason`` (its own words)."""
    issuer, credential_id = _issuer(document), document.get("id")
    prefix = did_prefix()
    if not isinstance(issuer, str) or not issuer.startswith(prefix) or not isinstance(credential_id, str):
        return None
    from merit.server.issuing.models import IssuedCredential  # The portal reads the issuer's record only here.

    record = (
        IssuedCredential.objects.filter(organisation__slug=issuer.removeprefix(prefix), credential_id=credential_id)
        .exclude(state=IssuedCredential.State.VALID)
        .only("state", "state_reason", "state_changed_at")
        .first()
    )
    if record is None:
        return None
    return {"state": record.state, "at": record.state_changed_at, "reason": record.state_reason}
