"""Qualifications in words for the pages: texts in the reader's language, levels, and the completion rules."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from merit.core.qualifications import levels, model
from merit.server import esco
from merit.server.qualifications.models import Qualification

STATUS_LABELS = dict(Qualification.Status.choices)


def _reader() -> str:
    return (get_language() or "en").split("-")[0]


def text(q: model.Qualification, value: model.Text | None) -> str:
    return q.text(value, _reader()) or ""


def shown(q: model.Qualification, value: model.Text | None) -> dict[str, str]:
    """``value`` in the reader's language, else the qualification's, else any: ``{"text", "lang"}``, for the page to
    mark a text in another language than its own with ``lang``."""
    if not value:
        return {"text": "", "lang": ""}
    for language in (_reader(), q.language):
        if value.get(language):
            return {"text": value[language], "lang": language}
    language, found = next(iter(value.items()))
    return {"text": found, "lang": language}


def _skill(iri: str) -> dict[str, str]:
    """An ESCO skill's label in the reader's language (else English, marked), or its IRI when ESCO lacks it."""
    found = esco.label(iri)
    return {"iri": iri, "text": found.text if found else iri, "lang": found.lang if found else ""}


def level(q: model.Qualification) -> str:
    concept = levels.level(q.nqf_level) if q.nqf_level else None
    parts = [concept.label] if concept else []
    if q.eqf_level is not None:
        parts.append(_("EQF level %(level)s") % {"level": q.eqf_level})
    return " · ".join(parts) or _("no level stated")


def _units(q: model.Qualification, iris: tuple[str, ...]) -> str:
    names = []
    for iri in iris or tuple(unit.iri for unit in q.units):
        unit = q.unit(iri)
        names.append(f"{unit.code} {text(q, unit.title)}".strip() if unit else iri)
    return "; ".join(names)


def rule(q: model.Qualification, r: model.Rule) -> str:
    if r.label:
        return text(q, r.label)
    if r.kind == "all":
        return _("All of: %(units)s") % {"units": _units(q, r.units)}
    if r.kind == "choose":
        count = r.count or 0
        return ngettext("%(count)s unit of: %(units)s", "%(count)s units of: %(units)s", count) % {
            "count": count,
            "units": _units(q, r.units),
        }
    if r.kind == "credits":
        return _("At least %(credits)s credits from: %(units)s") % {
            "credits": f"{r.credits or 0:g}",
            "units": _units(q, r.units),
        }
    return _("The qualification %(iri)s completed too") % {"iri": r.qualification}


def detail(q: model.Qualification) -> dict[str, Any]:
    """What the detail page shows, each text in the reader's language."""
    return {
        "title": shown(q, q.title),
        "description": shown(q, q.description),
        "level": level(q),
        "status": STATUS_LABELS.get(q.status, q.status),
        "rules": [rule(q, r) for r in q.effective_rules],
        "units": [
            {
                "code": unit.code,
                "iri": unit.iri,
                "title": shown(q, unit.title),
                "credits": unit.credits,
                "status": STATUS_LABELS.get(unit.status, unit.status),
                "verification": shown(q, unit.verification),
                "outcomes": [
                    {
                        "text": shown(q, outcome.text),
                        "esco": [_skill(iri) for iri in outcome.esco],
                        "criteria": [shown(q, c) for c in outcome.criteria],
                    }
                    for outcome in unit.outcomes
                ],
            }
            for unit in q.units
        ],
    }
