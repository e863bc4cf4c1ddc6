"""Translated names for the micro-credential vocabulary that pages show (the codes are
``merit.core.microcredential.vocab``'s; the labels here are for people, in their language)."""

from __future__ import annotations

import functools

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from merit.core.microcredential import vocab

ASSESSMENT_TYPES = {
    "written-examination": _("Written examination"),
    "oral-examination": _("Oral examination"),
    "practical-assessment": _("Practical assessment"),
    "project-work": _("Project work"),
    "portfolio": _("Portfolio"),
    "quiz": _("Quiz"),
    "marked-assignment": _("Marked assignment"),
    "continuous-evaluation": _("Continuous evaluation"),
    "peer-assessment": _("Peer assessment"),
    "peer-review": _("Peer review"),
    "group-performance": _("Group performance"),
    "attendance": _("Level of attendance"),
    "problem-based-learning": _("Problem-based learning"),
    "artefact-assessment": _("Artefact assessment"),
}
MODES = {
    "online": _("Online"),
    "blended": _("Blended (online and on site)"),
    "onsite": _("On site"),
    "work-based": _("Work-based"),
    "project-based": _("Project-based"),
    "research-lab": _("Research lab"),
}
SETTINGS = {"formal": _("Formal learning"), "non-formal": _("Non-formal learning")}
QUALITY_ASSURANCE = {
    "internal": _("Internal quality assurance"),
    "external": _("External quality assurance"),
    "accredited": _("Provided by an accredited or recognised provider"),
}
SUPERVISION = {
    "supervised-with-id": _("Supervised, with identity verification"),
    "supervised-without-id": _("Supervised, without identity verification"),
    "unsupervised-with-id": _("Unsupervised, with identity verification"),
    "unsupervised-without-id": _("Unsupervised, without identity verification"),
}
INTEGRATION = {
    "standalone": _("Stand-alone"),
    "stackable": _("Stackable into a larger credential"),
    "integrated": _("Part of a larger credential or qualification"),
}
GRADING = {
    "LetterGrade": _("Letter grade"),
    "Percent": _("Percentage"),
    "PassFail": _("Pass or fail"),
    "Points": _("Points"),
    "Result": _("Other result"),
}


def eqf_levels() -> list[tuple[str, str]]:
    """The EQF levels for a select, in the active language (a function: a lazy text formatted with ``%`` at import
    would be fixed in the language of the moment, English)."""
    return [(str(level), gettext("EQF level %(level)s") % {"level": level}) for level in range(1, 9)]


# Each Annex I mandatory element (lint's dotted path) → its name on the page and the input it is typed in.
MANDATORY = {
    "title": (_("Title of the micro-credential"), "title"),
    "awardingBody.name": (_("Awarding body"), "ab_name"),
    "awardingBody.country": (_("Country of the awarding body"), "ab_country"),
    "learningOutcomes": (_("Learning outcomes"), "outcome_0"),
    "workload": (_("Notional workload (ECTS credits or hours)"), "ects"),
    "assessment.types": (_("Type of assessment"), "assessment_types"),
    "participation.mode": (_("Form of participation"), "mode"),
    "qualityAssurance.type": (_("Type of quality assurance"), "qa_type"),
}

# The optional elements worth adding (lint's dotted path → their name on the page).
OPTIONAL = {
    "eqfLevel": _("EQF level"),
    "description": _("Description"),
    "iscedField": _("Field of education (ISCED-F)"),
    "prerequisites": _("Prerequisites needed to enrol"),
    "supervision": _("Supervision and identity verification during assessment"),
    "grading": _("Grading"),
    "integration": _("Integration and stackability"),
    "furtherInformation": _("Further information"),
}


# The ISCED-F 2013 broad fields by name in the reader's language (the narrower fields are named in English, as
# the bundled ISCED-F list is, and marked ``lang="en"`` where shown on other pages).
ISCED_BROAD = {
    "00": _("Generic programmes and qualifications"),
    "01": _("Education"),
    "02": _("Arts and humanities"),
    "03": _("Social sciences, journalism and information"),
    "04": _("Business, administration and law"),
    "05": _("Natural sciences, mathematics and statistics"),
    "06": _("Information and Communication Technologies (ICTs)"),
    "07": _("Engineering, manufacturing and construction"),
    "08": _("Agriculture, forestry, fisheries and veterinary"),
    "09": _("Health and welfare"),
    "10": _("Services"),
    "99": _("Field unknown"),
}


@functools.cache
def _isced_fields() -> dict[str, str]:
    return vocab.isced_fields()


def isced_label(code: str) -> str:
    """An ISCED-F field as its code and name, such as ``07 Engineering, manufacturing and construction``."""
    if code in ISCED_BROAD:
        return f"{code} {ISCED_BROAD[code]}"
    name = _isced_fields().get(code)
    return f"{code} {name}" if name else code


def isced_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """ISCED-F 2013 fields grouped under their broad fields (two-digit codes), for a select with groups."""
    fields = vocab.isced_fields()
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for code, label in sorted(fields.items()):
        if len(code) == 2:
            groups.append((isced_label(code), []))
        elif groups and code.startswith(groups[-1][0][:2]):
            groups[-1][1].append((code, f"{code} {'· ' * (len(code) - 3)}{label}"))
    return groups


def concepts() -> list[tuple[str, str, str]]:
    """Every EU concept Merit's credentials use, as (IRI, the core's English name, the name in the active
    language), for pages that show other issuers' credentials."""
    tables = (
        (vocab.ASSESSMENT_TYPES, ASSESSMENT_TYPES),
        (vocab.MODES, MODES),
        (vocab.LEARNING_SETTINGS, SETTINGS),
        (vocab.QUALITY_ASSURANCE, QUALITY_ASSURANCE),
        (vocab.SUPERVISION, SUPERVISION),
        (vocab.INTEGRATION, INTEGRATION),
    )
    return [(iri, english, str(names[code])) for core, names in tables for code, (iri, english) in core.items()]


def label(table: dict[str, object], code: object) -> str:
    """The page's name for ``code``, or the code itself when the vocabulary does not know it."""
    return str(table.get(code, code)) if isinstance(code, str) else ""
