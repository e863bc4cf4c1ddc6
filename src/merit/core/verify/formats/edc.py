"""Europass Digital Credentials (ELM 3), plain or sealed in JAdES (:mod:`merit.core.edc`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from merit.core import formats
from merit.core.credview import CredentialView
from merit.core.errors import MeritError
from merit.core.formats import Format, Sample
from merit.core.verify.formats.base import Context
from merit.core.verify.report import VerificationReport


@dataclass(frozen=True)
class Europass:
    """A Europass Digital Credential: the ELM context, also inside a JAdES seal."""

    name: Format = "edc"

    def detect(self, sample: Sample) -> bool:
        document = sample.document
        try:
            sealed = formats.jades_payload(document) if sample.header is None else None
        except (MeritError, RecursionError):
            return False
        return bool(formats.ELM_CONTEXTS.intersection(formats.contexts(sealed or document)))

    def verify(self, document: Any, context: Context) -> VerificationReport:
        from merit.core import edc  # Loaded for the first Europass credential.

        verifier = context.verifier
        return edc.verify_edc(document, clock=verifier.clock, max_bytes=verifier.max_bytes)

    def view(self, document: Any, report: VerificationReport, language: str) -> CredentialView:
        from merit.core import edc

        return edc.view_of(document, [language])


EUROPASS = Europass()
