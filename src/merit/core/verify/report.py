"""The verification report: data, never a bare boolean.

A report holds one :class:`Check` per thing that was examined. Its outcome is ``verified`` only when every
check passed (or warned); ``invalid`` when any check failed; otherwise ``could_not_verify`` when some check could
not be carried out (a status list that could not be fetched, an unsupported DID method). "Could not check" is never
read as "passed". A ``warning`` is a named check that was carried out and found nothing false, but something a
person relying on the credential must know: a deviation from a schema the credential does not declare, an issuer
whose accreditation does not cover this credential, an unaccredited issuer named like an accredited one. A
warning never makes an authentic credential invalid, and it is never hidden: the JSON lists it under
``warnings`` as well.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

CheckOutcome = Literal["passed", "warning", "failed", "could_not_check", "not_applicable"]
ReportOutcome = Literal["verified", "invalid", "could_not_verify"]

# Names of the checks, in the order a report lists them.
PARSE = "parse"
STRUCTURE = "structure"
SCHEMA = "schema"
SAFE_MODE = "jsonld_safe_mode"
PROOF = "proof"
ISSUER = "issuer"
ISSUER_NAME = "issuer_name"
ACCREDITATION = "accreditation"
VALIDITY = "validity_period"
STATUS = "status"
CHALLENGE = "challenge_and_domain"
HOLDER = "holder"
CREDENTIALS = "credentials"


@dataclass(frozen=True)
class Check:
    """One named check and its outcome, with a one-line message and the spec error code when it did not pass."""

    name: str
    outcome: CheckOutcome
    message: str
    code: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "outcome": self.outcome, "message": self.message}
        if self.code:
            data["code"] = self.code
        if self.details:
            data["details"] = self.details
        return data


@dataclass
class VerificationReport:
    """The result of verifying a credential or a presentation."""

    kind: Literal["credential", "presentation"]
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    document: dict[str, Any] | None = None
    credentials: list[VerificationReport] = field(default_factory=list)
    checked_at: str | None = None

    @property
    def outcome(self) -> ReportOutcome:
        outcomes = {check.outcome for check in self.checks}
        if "failed" in outcomes:
            return "invalid"
        if "could_not_check" in outcomes or not self.checks:
            return "could_not_verify"
        return "verified"

    @property
    def verified(self) -> bool:
        return self.outcome == "verified"

    @property
    def reason(self) -> str:
        """One line: why the document is not verified, or a confirmation that it is."""
        for wanted in ("failed", "could_not_check"):
            for check in self.checks:
                if check.outcome == wanted:
                    return f"{check.name}: {check.message}"
        for check in self.checks:
            if check.outcome == "warning":
                return f"verified, with a warning: {check.name}: {check.message}"
        return "every check passed"

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    def check(self, name: str) -> Check | None:
        """The check called ``name``, if it was made."""
        return next((c for c in self.checks if c.name == name), None)

    @property
    def all_warnings(self) -> list[str]:
        """The plain warnings, then each ``warning`` check as ``name: message``."""
        named = [f"{c.name}: {c.message}" for c in self.checks if c.outcome == "warning"]
        return list(self.warnings) + named

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "verified": self.verified,
            "outcome": self.outcome,
            "reason": self.reason,
            "checks": [check.to_json() for check in self.checks],
            "warnings": self.all_warnings,
        }
        if self.checked_at:
            data["checkedAt"] = self.checked_at
        if self.credentials:
            data["credentials"] = [report.to_json() for report in self.credentials]
        return data
