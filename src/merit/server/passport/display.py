"""A held credential's content, readably and in the reader's language where the credential has it."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from merit.core import texts
from merit.core.credview import Concept, CredentialView
from merit.core.microcredential.view import view_of
from merit.core.verify import VerificationReport
from merit.server import esco
from merit.server.passport.models import HeldCredential
from merit.server.portal.report import describe
from merit.server.qualifications import mapping
from merit.server.workspace import vocabulary

_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


def reader_language() -> str:
    return (get_language() or "en").split("-")[0]


def pick(value: Any, language: str | None = None) -> str:
    """Text in the reader's language (:func:`merit.core.texts.pick`: else English, else the first there is); a
    list of several texts, such as fields of study, is shown as one line."""
    language = language or reader_language()
    if isinstance(value, list) and not any(isinstance(item, dict) and "@value" in item for item in value):
        return ", ".join(text for text in (pick(item, language) for item in value) if text)
    return texts.pick(value, [language])[0] or ""


def other_language(tag: str | None) -> str:
    """``tag`` when it is a language tag other than the page's, else ``""`` (for a ``lang`` attribute)."""
    if not tag or not _TAG.fullmatch(tag) or tag.split("-")[0].lower() == reader_language():
        return ""
    return tag


def _skill(entry: dict[str, Any]) -> dict[str, str]:
    """A held credential's skill in the reader's language where ESCO labels for it are imported
    (``merit.server.esco``), with ``lang`` when the label is in another language."""
    uri, own = str(entry.get("uri") or ""), entry.get("label")
    shown = esco.skill_label(uri, own if isinstance(own, str) else None) if uri else None
    if shown is None:
        return {"label": str(own or ""), "lang": ""}
    return {"label": shown.text, "lang": shown.lang}


def concept(value: Concept | None) -> str:
    """An EU concept's name in the reader's language (credentials from other issuers keep their own text)."""
    if value is None:
        return ""
    return next((name for iri, english, name in vocabulary.concepts() if value.iri == iri), None) or next(
        (name for _iri, english, name in vocabulary.concepts() if english == value.label), value.label
    )


def content(held: HeldCredential, view: CredentialView | None = None) -> dict[str, Any]:
    """Everything the credential says, for its page: learning outcomes, skills, level, workload, assessment,
    participation and quality assurance. ``view`` is the credential's typed view, from its format's reader."""
    if view is None:
        view = view_of(held.document) if held.format == HeldCredential.Format.VC else CredentialView(held.format)
    wanted = [reader_language()]

    def text(value: dict[str, str]) -> str:
        return view.text(value, wanted) or ""

    def marked(value: dict[str, str]) -> dict[str, str]:
        """A text with ``lang``: its language when that is not the page's (``""`` when it is, or is unknown)."""
        found = text(value)
        tag = next((key for key, item in value.items() if item == found), "") if found else ""
        return {"text": found, "lang": other_language(tag)}

    titles = held.titles or {k: v for k, v in view.title.items() if k}
    title_text = pick(titles) if titles else text(view.title) or held.display_title
    title_lang = next((key for key, item in titles.items() if item == title_text), "") if titles else ""
    return {
        # What is shown in another language than the page's, for its lang attribute.
        "lang": {"title": other_language(title_lang), "description": marked(view.description)["lang"]},
        "outcomes_marked": [m for m in (marked(o.text) for o in view.outcomes) if m["text"]],
        "skills_marked": [_skill(entry) for entry in held.skills if isinstance(entry, dict)],
        "title": pick(titles) if titles else text(view.title) or held.display_title,
        "description": text(view.description),
        "issuer": view.awarding_body or held.issuer_name,
        "issuer_id": view.issuer_id or held.issuer_id,
        "country": view.country,
        "learner": view.learner_name,
        "issued": held.issued_at,
        "valid_until": held.valid_until,
        "outcomes": [t for t in (text(o.text) for o in view.outcomes) if t],
        "skills": held.skills,
        "eqf": view.eqf_level,
        "national": _national(view),
        "ects": held.ects,
        "hours": held.hours,
        "field": text(view.field_of_study),
        "assessment": [concept(a) for a in view.assessment],
        "participation": concept(view.mode),
        "setting": concept(view.learning_setting),
        "quality": concept(view.quality_assurance),
        "quality_body": view.quality_assurance_body or "",
        "supervision": concept(view.supervision),
        "prerequisites": text(view.prerequisites),
        "integration": concept(view.integration),
        "units": mapping.describe(view.units, wanted[0]),
        "grade": view.grade,
        "further": view.further_information,
        "missing": view.missing,
    }


def _national(view: CredentialView) -> str:
    """The national (NQF) level beside the EQF level, as the PDF says it (``pdf.display``)."""
    level = view.national_level
    if level is None or not level.framework or not level.level:
        return ""
    return _("%(framework)s level %(level)s") % {"framework": level.framework, "level": level.level}


def verification(report: VerificationReport) -> dict[str, Any]:
    """The report as the portal shows it (plain language, three states, never colour alone); the passport shows
    the credential's content itself, beside it."""
    described = describe(report, report.document if isinstance(report.document, dict) else None)
    described["content"] = None
    return described


_STANDING_STATES = {"passed": "verified", "warning": "warning", "failed": "invalid", "could_not_check": "unknown"}


def standing_words() -> dict[str, str]:
    """What a card says of its issuer's accreditation, by the outcome of the accreditation check at the credential's
    last verification (``""``: it made none); looked up once per page."""
    return {
        "passed": _("Accredited by %(body)s"),
        "warning": _("Accredited by %(body)s, but not for this credential"),
        "not_applicable": _("Not accredited: the name is the issuer's own claim"),
        "failed": _("Its accreditation is not genuine: do not rely on it"),
        "could_not_check": _("Its accreditation could not be checked"),
        "": _("Accreditation not checked: the name is the issuer's own claim"),
        "namesake": _("Beware: this issuer is not the accredited organisation “%(name)s”, whose name it uses."),
    }


def card_standing(held: HeldCredential, words: dict[str, str] | None = None) -> dict[str, str | None]:
    """What ``passport/_standing.html`` shows on a card: accredited or not (a state for the icon and words, never
    colour alone) and the warning about an unaccredited namesake of an accredited organisation, from the fields
    :func:`merit.server.passport.services.standing_of` kept at the last verification."""
    words = words or standing_words()
    outcome = held.accreditation if held.accreditation in words else ""
    namesake = held.namesake_of
    return {
        "state": _STANDING_STATES.get(outcome, "na"),
        "text": words[outcome] % {"body": held.accredited_by} if outcome in ("passed", "warning") else words[outcome],
        "namesake": words["namesake"] % {"name": namesake} if namesake else None,
    }


_SUBJECT_STATES = {"yes": "verified", "no": "warning", "unknown": "unknown"}


def subject_words(visitor: bool = False) -> dict[str, str]:
    """Whom a credential was issued to, said to its holder or (``visitor``) to whoever opens a share link; looked up
    once per page. Only a credential issued to the holder counts toward their skills
    (:mod:`merit.server.passport.subjects`)."""
    if visitor:
        return {
            "yes": _("Issued to the person sharing this"),
            "no": _("Not issued to the person sharing this: the credential names someone else."),
            "unknown": _("Merit cannot tell whether this was issued to the person sharing it."),
        }
    return {
        "yes": _("Issued to you"),
        "no": _("Not issued to you: it names someone else, so it does not count toward your skills."),
        "unknown": _(
            "Merit cannot tell whom this was issued to, so it does not count toward your skills. If it was issued to"
            " another address of yours, add and confirm that address."
        ),
    }


def subject_note(held: HeldCredential, words: dict[str, str] | None = None) -> dict[str, str]:
    """What ``passport/_subject.html`` shows: whether the credential was issued to its holder (a state for the icon
    and words, never colour alone)."""
    words = words or subject_words()
    match = held.subject_match if held.subject_match in _SUBJECT_STATES else "unknown"
    return {"match": match, "state": _SUBJECT_STATES[match], "text": words[match]}
