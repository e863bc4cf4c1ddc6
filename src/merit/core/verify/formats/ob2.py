"""Open Badges 2.0 assertions, hosted or signed (:mod:`merit.core.openbadges2`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from merit.core import formats
from merit.core.credview import CredentialView
from merit.core.formats import Format, Sample
from merit.core.verify.formats.base import Context
from merit.core.verify.report import VerificationReport


@dataclass(frozen=True)
class OpenBadges2:
    """An Open Badges 2.0 assertion: its context ``https://w3id.org/openbadges/v2`` or ``type: Assertion``, as JSON
    or inside a JWS; linked documents only through the context's ``fetch_json``."""

    name: Format = "ob2"

    def detect(self, sample: Sample) -> bool:
        named = formats.contexts(sample.document)
        return bool(formats.OB2_CONTEXT_ALIASES.intersection(named)) or "Assertion" in formats.types(sample.document)

    def verify(self, document: Any, context: Context) -> VerificationReport:
        from merit.core import openbadges2  # Loaded for the first assertion: merit verify starts without it.

        verifier = context.verifier
        return openbadges2.verify_assertion(
            document,
            fetch_json=context.fetch_json,
            clock=verifier.clock,
            max_bytes=verifier.max_bytes,
            clock_skew=verifier.clock_skew,
        )

    def view(self, document: Any, report: VerificationReport, language: str) -> CredentialView:
        from merit.core.openbadges2.view import view_of

        assertion = report.document if isinstance(report.document, dict) else document
        if not isinstance(assertion, dict):
            return CredentialView(format=self.name)
        badge = assertion.get("badge") if isinstance(assertion.get("badge"), dict) else None
        issuer = badge.get("issuer") if isinstance(badge, dict) and isinstance(badge.get("issuer"), dict) else None
        return view_of(assertion, [language], badge, issuer)


OB2 = OpenBadges2()
