"""What the validation pages show of a case, in the reader's language: its units with the decision in force and the
decisions it superseded, and the words for outcomes, methods and supervision."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from merit.server.passport.display import reader_language
from merit.server.validation.models import METHODS, OUTCOMES, SUPERVISION, Case, Decision

EXCLUSIONS = {
    "not-verified": lambda: _("it does not verify now"),
    "not-yours": lambda: _("it was not issued to the learner"),
    "not-accredited": lambda: _("its issuer is not accredited for this qualification"),
    "duplicate": lambda: _("it is counted already"),
    "outside-window": lambda: _("it is older than the qualification's validity window"),
    "assessment": lambda: _("its assessment is not one the unit accepts"),
    "supervision": lambda: _("its supervision is below what the unit needs"),
    "unit-inactive": lambda: _("the unit is not in force"),
    "partial": lambda: _("it covers the unit only in part"),
    "used": lambda: _("it is counted for another unit"),
}


def text(value: Any, language: str = "") -> str:
    """A language map in the reader's language, else any language it has."""
    if not isinstance(value, dict) or not value:
        return ""
    reader = language or reader_language()
    return str(value.get(reader) or value.get("en") or next(iter(value.values())))


def decision_row(decision: Decision) -> dict[str, Any]:
    return {
        "decision": decision,
        "outcome": OUTCOMES.get(decision.outcome, decision.outcome),
        "method": METHODS.get(decision.method, decision.method),
        "supervision": SUPERVISION.get(decision.supervision, decision.supervision),
    }


def case_row(case: Case) -> dict[str, Any]:
    return {
        "case": case,
        "qualification": text(case.qualification.title),
        "decided": case.decisions.count(),
        "units": len(case.units),
    }


def case_page(case: Case) -> dict[str, Any]:
    """The case with its units in order, each with the decision in force and the earlier ones (newest first)."""
    decisions = list(case.decisions.select_related("unit").order_by("decided_at", "pk"))
    units = []
    for unit in case.qualification.units.all():
        if unit.iri not in case.units:
            continue
        mine = [decision_row(d) for d in decisions if d.unit_id == unit.pk]
        units.append(
            {
                "unit": unit,
                "title": text(unit.title),
                "current": mine[-1] if mine else None,
                "earlier": list(reversed(mine[:-1])),
            }
        )
    submission = getattr(case, "submission", None)
    return {
        "case": case,
        "qualification": text(case.qualification.title),
        "units": units,
        "submission": submission,
        "evidence": list(submission.evidence.all()) if submission is not None else [],
        "may_withdraw": case.state == Case.State.OPEN and case.kind == Case.Kind.APPLICATION and not decisions,
    }


def exclusion(reason: str) -> str:
    found = EXCLUSIONS.get(reason)
    return found() if found else reason
