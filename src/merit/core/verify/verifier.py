"""Verifying credentials and presentations: every check named, every outcome reported.

A :class:`Verifier` is built from what touches the outside world: how verification methods are resolved, how
status lists are fetched (nothing is fetched unless the caller gives a fetcher), the clock and the document
loader. Any error that is not Merit's own fails the check it happened in ("fail closed").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from merit.core import related, vc
from merit.core.dids import Resolver
from merit.core.documents import Loader, default_loader
from merit.core.errors import (
    CouldNotVerifyError,
    InvalidChallengeError,
    InvalidDomainError,
    InvalidError,
    MeritError,
    StatusRetrievalError,
    StatusVerificationError,
)
from merit.core.jsonld import check_safe_mode, safe_quads
from merit.core.microcredential.schema import declares_ob3_schema, validate_ob3
from merit.core.proofs import MethodResolver, ProofResult, verify_proofs
from merit.core.status import check_status
from merit.core.verify import parsing
from merit.core.verify.report import (
    ACCREDITATION,
    CHALLENGE,
    CREDENTIALS,
    HOLDER,
    ISSUER,
    ISSUER_NAME,
    PARSE,
    PROOF,
    SAFE_MODE,
    SCHEMA,
    STATUS,
    STRUCTURE,
    VALIDITY,
    Check,
    VerificationReport,
)

if TYPE_CHECKING:
    from merit.core.trust.names import NameLookup
    from merit.core.trust.registry import TrustRegistry

StatusFetcher = Callable[[str], dict[str, Any]]
Clock = Callable[[], datetime]
ProofCheck = Callable[[dict[str, Any]], list[ProofResult]]
"""A securing mechanism other than the document's Data Integrity proofs (a JWS around it, for VC-JOSE): given the
document, the signatures that verified, or an error as :meth:`Verifier._step` maps them."""


class _Stop(Exception):
    """Raised inside :meth:`Verifier._step` to end a verification after a check that others depend on."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Verifier:
    """Verifies credentials and presentations with the collaborators it is given."""

    resolve: MethodResolver = field(default_factory=lambda: Resolver().resolve_verification_method)
    fetch_status_list: StatusFetcher | None = None
    clock: Clock = _utc_now
    loader: Loader = default_loader
    max_bytes: int = parsing.MAX_BYTES
    clock_skew: timedelta = timedelta(minutes=5)
    """The difference between the issuer's clock and ours that validity checks tolerate."""
    trust: tuple[Sequence[str], TrustRegistry] | None = field(default=None, kw_only=True)
    """Trust anchors (authority DIDs) and the registry of their accreditations: when given, every credential gets
    an ``accreditation`` check after the issuer check (:func:`merit.core.trust.check_accreditation`)."""
    embedded: Callable[[Any], VerificationReport] | None = field(default=None, kw_only=True)
    """How a credential inside a presentation is verified (default :meth:`verify_credential`); the format dispatcher
    (:mod:`merit.core.verify.dispatch`) sets it so that enveloped credentials are verified as what they are."""
    namesakes: NameLookup | None = field(default=None, kw_only=True)
    """The accredited organisations by name key (:mod:`merit.core.trust.names`): when given with ``trust``, an
    issuer not accredited for the credential that calls itself by one of their names gets an ``issuer_name``
    warning."""

    @contextmanager
    def _step(self, report: VerificationReport, name: str, *, stop_on_failure: bool = False) -> Iterator[None]:
        """Record an exception raised in the block as the outcome of check ``name``."""
        try:
            yield
        except _Stop:
            raise
        except InvalidError as exc:
            report.add(Check(name, "failed", exc.message, exc.code))
            if stop_on_failure:
                raise _Stop from exc
        except CouldNotVerifyError as exc:
            report.add(Check(name, "could_not_check", exc.message, exc.code))
            if stop_on_failure:
                raise _Stop from exc
        except MeritError as exc:
            report.add(Check(name, "failed", exc.message, exc.code))
            if stop_on_failure:
                raise _Stop from exc
        except Exception as exc:  # Anything unexpected fails closed, with a one-line reason.
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            report.add(Check(name, "failed", f"unexpected error: {first}", "INTERNAL_ERROR"))
            if stop_on_failure:
                raise _Stop from exc

    def _load(self, report: VerificationReport, document: Any) -> dict[str, Any]:
        with self._step(report, PARSE, stop_on_failure=True):
            if isinstance(document, str | bytes):
                parsed = parsing.parse_json(document, self.max_bytes)
            elif isinstance(document, dict):
                parsing.check_depth(document)
                parsed = document
            else:
                raise InvalidError("the document must be a JSON object")
            report.add(Check(PARSE, "passed", "well-formed JSON object"))
            report.document = parsed
            return parsed
        raise AssertionError("unreachable")  # pragma: no cover

    def _proofs(
        self,
        report: VerificationReport,
        document: dict[str, Any],
        purpose: str,
        check: ProofCheck | None = None,
        **options: Any,
    ) -> list[ProofResult]:
        """The proof check: the document's Data Integrity proofs, or the securing mechanism ``check`` given."""
        results: list[ProofResult] = []
        try:
            if check is not None:
                results = check(document)
            else:
                results = verify_proofs(document, self.resolve, purpose=purpose, loader=self.loader, **options)
        except (InvalidChallengeError, InvalidDomainError) as exc:
            report.add(Check(CHALLENGE, "failed", exc.message, exc.code))
            return []
        except Exception:
            with self._step(report, PROOF):
                raise
            return []
        described = ", ".join(f"{r.suite} by {r.verification_method}" for r in results)
        report.add(Check(PROOF, "passed", f"signature valid ({described})", details={"proofs": len(results)}))
        return results

    def verify_credential(
        self, document: Any, *, check_status_entries: bool = True, proof: ProofCheck | None = None
    ) -> VerificationReport:
        """Verify a credential (a JSON object, or its JSON text or bytes); ``proof`` replaces its Data Integrity
        proofs by another securing mechanism (:data:`ProofCheck`)."""
        report = VerificationReport("credential")
        now = self.clock()
        report.checked_at = vc.stamp(now)
        try:
            credential = self._load(report, document)
            with self._step(report, STRUCTURE, stop_on_failure=True):
                version = vc.check_credential(credential)
                issuer = vc.issuer_id(credential)
                report.add(Check(STRUCTURE, "passed", f"a W3C VC {'2.0' if version == 2 else '1.1'} credential"))
            if version == 1:
                report.warnings.append("the credential uses the older VC Data Model 1.1")
            if "relatedResource" in credential:
                report.warnings.append(related.unchecked(credential["relatedResource"]))
            self._schema(report, credential, version)
            quads = None
            with self._step(report, SAFE_MODE, stop_on_failure=True):
                quads = safe_quads(credential, self.loader)
                report.add(Check(SAFE_MODE, "passed", "every term and type is defined"))
            results = self._proofs(report, credential, "assertionMethod", proof, document_quads=quads)
            if results:
                with self._step(report, ISSUER):
                    strangers = sorted({r.controller for r in results if r.controller != issuer})
                    if strangers:
                        raise InvalidError(f"signed by {strangers[0]}, which is not the issuer {issuer}")
                    report.add(Check(ISSUER, "passed", f"signed by the issuer {issuer}", details={"signedBy": issuer}))
                if self.trust is not None:
                    with self._step(report, ACCREDITATION):
                        report.add(self._accreditation(credential))
                    self._issuer_name(report, credential)
            with self._step(report, VALIDITY):
                report.add(self._validity(credential, version, now, self.clock_skew))
            if check_status_entries:
                self._status(report, credential, now)
        except _Stop:
            pass
        return report

    def _accreditation(self, credential: dict[str, Any]) -> Check:
        from merit.core.trust.check import check_accreditation  # The trust package imports this module.

        assert self.trust is not None
        anchors, registry = self.trust
        return check_accreditation(credential, anchors=anchors, registry=registry, verifier=self)

    def _issuer_name(self, report: VerificationReport, credential: dict[str, Any]) -> None:
        from merit.core.trust.names import check_issuer_name  # The trust package imports this module.

        accreditation = report.check(ACCREDITATION)
        if self.namesakes is None or (accreditation is not None and accreditation.outcome == "passed"):
            return
        with self._step(report, ISSUER_NAME):
            found = check_issuer_name(credential, self.namesakes)
            if found is not None:
                report.add(found)

    def _schema(self, report: VerificationReport, credential: dict[str, Any], version: int) -> None:
        """The OB 3.0 JSON Schema: binding when the credential declares it in ``credentialSchema`` (a deviation
        fails), otherwise a ``warning`` that names the deviation on a credential that may still be authentic."""
        if not vc.claims_open_badge(credential) or version != 2:
            return
        with self._step(report, SCHEMA):
            errors = validate_ob3(credential)
            declared = declares_ob3_schema(credential)
            if errors and declared:
                raise InvalidError(f"not a valid Open Badges 3.0 credential: {errors[0]}")
            if errors:
                message = f"it does not follow the Open Badges 3.0 JSON Schema, which it does not declare: {errors[0]}"
                details = {"errors": errors[:20], "declared": False}
                report.add(Check(SCHEMA, "warning", message, "OB3_SCHEMA_DEVIATION", details))
                return
            report.add(Check(SCHEMA, "passed", "valid against the Open Badges 3.0 JSON Schema"))

    @staticmethod
    def _validity(credential: dict[str, Any], version: int, now: datetime, skew: timedelta) -> Check:
        start, end = vc.validity_window(credential, version)
        if start is not None and now + skew < start:
            raise InvalidError(f"not yet valid: valid from {vc.stamp(start)}")
        if end is not None and now - skew > end:
            raise InvalidError(f"expired on {vc.stamp(end)}")
        if end is None:
            return Check(VALIDITY, "passed", "valid now (no end date)")
        return Check(VALIDITY, "passed", f"valid now, until {vc.stamp(end)}")

    def _verify_list(self, list_credential: dict[str, Any]) -> None:
        # A status list is not itself accredited: it is checked without the trust registry.
        plain = self if self.trust is None else dataclasses.replace(self, trust=None)
        report = plain.verify_credential(list_credential, check_status_entries=False)
        if report.outcome == "invalid":
            raise StatusVerificationError(f"the status list credential is invalid ({report.reason})")
        if not report.verified:
            raise CouldNotVerifyError(f"the status list credential could not be verified ({report.reason})")

    def _fetch_list(self, url: str) -> dict[str, Any]:
        if self.fetch_status_list is None:
            raise StatusRetrievalError("fetching status lists was not allowed")
        return self.fetch_status_list(url)

    def _status(self, report: VerificationReport, credential: dict[str, Any], now: datetime) -> None:
        if "credentialStatus" not in credential:
            report.add(Check(STATUS, "not_applicable", "the credential has no status entry"))
            return
        with self._step(report, STATUS):
            report.add(self.status_check(credential, now))

    def status_check(self, credential: dict[str, Any], now: datetime) -> Check:
        """The ``status`` check of ``credential``'s status entries at ``now``, with this verifier's fetcher."""
        results = check_status(credential, self._fetch_list, self._verify_list, now, self.clock_skew)
        details = {"entries": [r.to_json() for r in results]}
        bad = [r for r in results if r.state in ("revoked", "suspended", "invalid", "flagged")]
        unknown = [r for r in results if r.state == "could_not_check"]
        if bad:
            return Check(STATUS, "failed", bad[0].reason, bad[0].state.upper(), details)
        if unknown:
            return Check(STATUS, "could_not_check", unknown[0].reason, "STATUS_RETRIEVAL_ERROR", details)
        return Check(STATUS, "passed", "not revoked or suspended", details=details)

    def verify_presentation(
        self,
        document: Any,
        *,
        challenge: str | None = None,
        domain: str | None = None,
        proof: ProofCheck | None = None,
    ) -> VerificationReport:
        """Verify a presentation and every credential in it; ``challenge``/``domain`` must match when given (a
        ``proof`` check of another securing mechanism checks them itself)."""
        report = VerificationReport("presentation")
        report.checked_at = vc.stamp(self.clock())
        try:
            presentation = self._load(report, document)
            with self._step(report, STRUCTURE, stop_on_failure=True):
                vc.check_presentation(presentation)
                report.add(Check(STRUCTURE, "passed", "a W3C verifiable presentation"))
            with self._step(report, SAFE_MODE, stop_on_failure=True):
                check_safe_mode(presentation, self.loader)
                report.add(Check(SAFE_MODE, "passed", "every term and type is defined"))
            # An assertionMethod proof may stand next to the authentication one (decision 0012); both are checked.
            options = {"challenge": challenge, "domain": domain, "other_purposes": {"assertionMethod"}}
            results = self._proofs(report, presentation, "authentication", proof, **options)
            if results and (challenge is not None or domain is not None):
                report.add(Check(CHALLENGE, "passed", "challenge and domain match"))
            holder = presentation.get("holder")
            holder_id = holder.get("id") if isinstance(holder, dict) else holder
            if results and holder_id is not None:
                with self._step(report, HOLDER):
                    if any(r.controller != holder_id for r in results):
                        raise InvalidError(f"the presentation was not signed by its holder {holder_id}")
                    report.add(Check(HOLDER, "passed", f"signed by the holder {holder_id}"))
            self._embedded(report, presentation)
        except _Stop:
            pass
        return report

    def _embedded(self, report: VerificationReport, presentation: dict[str, Any]) -> None:
        credentials = presentation.get("verifiableCredential", [])
        credentials = credentials if isinstance(credentials, list) else [credentials]
        verify = self.embedded or self.verify_credential
        report.credentials = [verify(credential) for credential in credentials]
        outcomes = [r.outcome for r in report.credentials]
        count = len(outcomes)
        if "invalid" in outcomes:
            report.add(Check(CREDENTIALS, "failed", f"{outcomes.count('invalid')} of {count} credentials invalid"))
        elif "could_not_verify" in outcomes:
            report.add(Check(CREDENTIALS, "could_not_check", "a credential in it could not be fully verified"))
        else:
            report.add(Check(CREDENTIALS, "passed", f"{count} credential(s) verified"))


def verify_credential(document: Any, **options: Any) -> VerificationReport:
    """Verify a credential with a :class:`Verifier` built from ``options``."""
    return Verifier(**options).verify_credential(document)


def verify_presentation(
    document: Any, *, challenge: str | None = None, domain: str | None = None, **options: Any
) -> VerificationReport:
    """Verify a presentation with a :class:`Verifier` built from ``options``."""
    return Verifier(**options).verify_presentation(document, challenge=challenge, domain=domain)
