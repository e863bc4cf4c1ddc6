"""A held credential's content, readably and in the reader's language where the credential has it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from merit.core import credview, texts
from merit.core.microcredential.view import extract_spec_view, view_of
from merit.core.verify import VerificationReport
from merit.server.passport.models import HeldCredential
from merit.server.portal.report import describe
from merit.server.workspace import vocabulary


def reader_language() -> str:
    return (get_language() or "en").split("-")[0]


def pick(value: Any, language: str | None = None) -> str:
    """Text in the reader's language (:func:`merit.core.texts.pick`: else English, else the first there is); a
    list of several texts, such as fields of study, is shown as one line."""
    language = language or reader_language()
    if isinstance(value, list) and not any(isinstance(item, dict) and "@value" in item for item in value):
        return ", ".join(text for text in (pick(item, language) for item in value) if text)
    return texts.pick(value, [language])[0] or ""


def concept(label: Any) -> str:
    """An EU concept's name in the reader's language (credentials from other issuers keep their own text)."""
    text = pick(label)
    return next((name for _iri, english, name in vocabulary.concepts() if english == text), text)


def content(held: HeldCredential, view: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the credential says, for its page: learning outcomes, skills, level, workload, assessment,
    participation and quality assurance. ``view`` is the format's display view (``extract_spec_view`` keys)."""
    if view is None:
        view = extract_spec_view(held.document) if held.format == HeldCredential.Format.VC else {}
    titles = held.titles or view.get("titles")
    # The description in every language the credential has, from its typed view (either of Merit's encodings).
    described = view_of(held.document).description if held.format == HeldCredential.Format.VC else {}
    return {
        "title": pick(titles) if titles else pick(view.get("title")) or held.display_title,
        "description": credview.pick(described, [reader_language()])[0] or pick(view.get("description")),
        "issuer": view.get("awardingBody") or held.issuer_name,
        "issuer_id": view.get("issuerId") or held.issuer_id,
        "country": view.get("country"),
        "learner": view.get("learnerName"),
        "issued": held.issued_at,
        "valid_until": held.valid_until,
        "outcomes": [pick(o) for o in view.get("learningOutcomes") or [] if pick(o)],
        "skills": held.skills,
        "eqf": view.get("eqfLevel"),
        "ects": held.ects,
        "hours": held.hours,
        "field": pick(view.get("field")),
        "assessment": [concept(a) for a in view.get("assessment") or []],
        "participation": concept(view.get("participation")),
        "setting": concept(view.get("learningSetting")),
        "quality": concept(view.get("qualityAssurance")),
        "quality_body": pick(view.get("qualityAssuranceBody")),
        "supervision": concept(view.get("supervision")),
        "prerequisites": pick(view.get("prerequisites")),
        "integration": concept(view.get("integration")),
        "grade": view.get("grade"),
        "further": view.get("furtherInformation"),
        "missing": view.get("missing") or [],
    }


def verification(report: VerificationReport) -> dict[str, Any]:
    """The report as the portal shows it (plain language, three states, never colour alone); the passport shows
    the credential's content itself, beside it."""
    described = describe(report, report.document if isinstance(report.document, dict) else None)
    described["content"] = None
    return described
