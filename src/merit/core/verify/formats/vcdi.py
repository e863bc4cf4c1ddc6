"""W3C verifiable credentials and presentations with Data Integrity proofs (VC Data Model 2.0 and 1.1,
https://www.w3.org/TR/vc-data-model-2.0/, https://www.w3.org/TR/vc-data-integrity/): the verifier of
:mod:`merit.core.verify.verifier`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from merit.core import formats
from merit.core.credview import CredentialView
from merit.core.formats import Format, Sample
from merit.core.microcredential.view import view_of
from merit.core.verify.formats.base import Context
from merit.core.verify.report import VerificationReport

_VC_CONTEXTS = (formats.VC1_CONTEXT, formats.VC2_CONTEXT)


@dataclass(frozen=True)
class DataIntegrity:
    """A credential (``vc``) or presentation (``vp``) as a JSON-LD document carrying its own proofs."""

    name: Format
    kind: Literal["VerifiableCredential", "VerifiablePresentation"]

    def detect(self, sample: Sample) -> bool:
        if sample.header is not None:
            return False
        named = formats.contexts(sample.document)
        if not named or named[0] not in _VC_CONTEXTS:
            return False
        kinds = formats.types(sample.document)
        if self.kind == "VerifiableCredential" and "VerifiablePresentation" in kinds:
            return False
        return self.kind in kinds

    def verify(self, document: Any, context: Context) -> VerificationReport:
        if self.kind == "VerifiablePresentation":
            return context.verifier.verify_presentation(document, challenge=context.challenge, domain=context.domain)
        return context.verifier.verify_credential(document)

    def view(self, document: Any, report: VerificationReport, language: str) -> CredentialView:
        credential = report.document if isinstance(report.document, dict) else document
        if self.kind == "VerifiablePresentation" or not isinstance(credential, dict):
            return CredentialView(format=self.name)
        return view_of(credential, [language])


VC = DataIntegrity("vc", "VerifiableCredential")
VP = DataIntegrity("vp", "VerifiablePresentation")
