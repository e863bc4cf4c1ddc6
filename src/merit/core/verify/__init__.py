"""Verification of credentials and presentations, returning a report of named checks."""

from merit.core.verify.report import Check, VerificationReport
from merit.core.verify.verifier import Verifier, verify_credential, verify_presentation

__all__ = ["Check", "VerificationReport", "Verifier", "verify_credential", "verify_presentation"]
