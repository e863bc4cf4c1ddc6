"""The format protocol: what every credential format Merit reads provides, and what a verification is given.

A format is one module of :mod:`merit.core.verify.formats` holding an object with ``name``, ``detect``,
``verify`` and ``view`` (:class:`CredentialFormat`). :func:`merit.core.verify.dispatch.verify` picks the first
format whose ``detect`` accepts a document and calls its ``verify``; adding a format is adding a module and
listing it in :data:`merit.core.verify.formats.FORMATS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from merit.core.credview import CredentialView
from merit.core.formats import Format, Sample
from merit.core.verify.report import Check, VerificationReport
from merit.core.verify.verifier import Verifier

FetchJson = Callable[[str], Any]
"""Fetches a linked JSON document (as :data:`merit.core.openbadges2.FetchJson`)."""


@dataclass(frozen=True)
class Context:
    """What a format's ``verify`` may use: the verifier (DID resolver, status lists, clock, loader, trust), the
    fetcher of linked documents (Open Badges 2.0 hosted assertions and keys, JWK URLs) and a presentation's
    challenge and domain. Nothing else reaches the outside world."""

    verifier: Verifier
    fetch_json: FetchJson | None = None
    challenge: str | None = None
    domain: str | None = None


class CredentialFormat(Protocol):
    """One credential format: how to recognise it, verify it, and read it for display."""

    @property
    def name(self) -> Format: ...

    def detect(self, sample: Sample) -> bool:
        """Whether ``sample`` is in this format (never raises, never fetches)."""
        ...

    def verify(self, document: Any, context: Context) -> VerificationReport:
        """The report of named checks (parse, structure, schema, proof, issuer, accreditation, validity, status)."""
        ...

    def view(self, document: Any, report: VerificationReport, language: str) -> CredentialView:
        """The typed display view (:class:`merit.core.credview.CredentialView`) of a verified document."""
        ...


def replace_check(report: VerificationReport, check: Check) -> None:
    """Put ``check`` in the place of the report's check of the same name (or at the end if there is none)."""
    for index, existing in enumerate(report.checks):
        if existing.name == check.name:
            report.checks[index] = check
            return
    report.add(check)
