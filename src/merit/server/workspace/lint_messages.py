"""The completeness check's messages in the reader's language: ``merit.core``'s lint gives each error a stable
code and its parameters, and this module says it (falling back to the core's English text for a new code)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from merit.core.microcredential.lint import LintIssue

MESSAGES = {
    "eqf-level": _("The EQF level must be a whole number from 1 to 8."),
    "isced-field": _("%(value)s is not an ISCED-F 2013 field code (for example 0613)."),
    "outcome-text": _("Learning outcome %(number)s has no text."),
    "esco-skill": _("%(value)s is not the address of an ESCO skill (http://data.europa.eu/esco/skill/…)."),
    "workload": _("The notional workload needs ECTS credits or hours."),
    "ects-step": _("ECTS credits are counted in steps of 0.5."),
    "vocabulary": _("%(value)s is not one of the allowed values."),
    "default-language": _("There is no text in the default language (%(language)s) for %(field)s."),
    "schema": _("The value at %(field)s is not valid: %(detail)s"),
    "control-characters": _("%(field)s contains control characters; only tab and new line are allowed."),
    "language": _("Choose the default language, for example sv or en."),
    "not-an-object": _("A specification must be a JSON object."),
}


def say(issue: LintIssue) -> str:
    """``issue`` in the active language."""
    template = MESSAGES.get(issue.code)
    if template is None:
        return issue.message
    try:
        return str(template) % issue.params if "%(" in str(template) else str(template)
    except (KeyError, ValueError):
        return issue.message
