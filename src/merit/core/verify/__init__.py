"""Verification of credentials and presentations, returning a report of named checks.

:func:`verify` is the one way in for every format (:mod:`merit.core.verify.dispatch`); :class:`Verifier` is the
W3C Data Integrity verifier the formats build on.
"""

from typing import Any

from merit.core.verify.report import Check, VerificationReport
from merit.core.verify.verifier import Verifier, verify_credential, verify_presentation

__all__ = ["Check", "VerificationReport", "Verifier", "verify", "verify_credential", "verify_presentation"]


def verify(document: Any, **options: Any) -> tuple[str, VerificationReport]:
    """Detect the format of ``document`` and verify it: :func:`merit.core.verify.dispatch.verify`."""
    from merit.core.verify.dispatch import verify as dispatch  # Loaded on first use: it imports every format.

    return dispatch(document, **options)
