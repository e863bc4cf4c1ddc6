"""What a credential's PDF shows: the readable elements of one credential, in the reader's language.

The elements come from the credential's :class:`~merit.core.credview.CredentialView` (either of Merit's
encodings); the issuer's web address and registration are read from the credential here.
A text in a language map is shown in the reader's language when the credential has it, otherwise in the
credential's own language; each text keeps the language it is written in, so that the page can mark it.
Every value is untrusted: the template escapes it and nothing here turns it into markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from merit.core import credview, texts
from merit.core.credview import Concept, CredentialView
from merit.core.microcredential.view import view_of
from merit.server.workspace import vocabulary

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class Text:
    """A piece of the credential's text and the language it is written in (``None`` when unknown)."""

    text: str
    lang: str | None = None


@dataclass(frozen=True)
class Fact:
    """One row of the key facts: its name, its values, and a longer text that explains them."""

    label: str
    values: list[Text]
    detail: Text | None = None


@dataclass
class Display:
    """Everything the PDF template shows, already chosen in the reader's language."""

    title: Text
    issuer: Text
    language: str
    micro: bool = False
    description: Text | None = None
    learner: Text | None = None
    issuer_place: str = ""
    issuer_url: str = ""
    issuer_registration: str = ""
    issued: str = ""
    valid_until: str = ""
    credential_id: str = ""
    facts: list[Fact] = field(default_factory=list)
    outcomes: list[Text] = field(default_factory=list)
    skills: list[Text] = field(default_factory=list)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _tag(language: Any) -> str | None:
    """``language`` when it looks like a BCP 47 language tag (the page marks texts with it), else ``None``."""
    return language if isinstance(language, str) and _LANGUAGE_TAG.match(language) else None


def pick(value: Any, language: str, default: str | None) -> Text | None:
    """``value`` in ``language``, else in ``default`` (the credential's own language), else as
    :func:`merit.core.texts.pick` chooses, with the language tag the page marks it with."""
    text, tag = texts.pick(value, [language, default])
    return None if text is None else Text(text, _tag(tag or default))


def _date(value: Any) -> str:
    """An ISO 8601 date-time as a date in the active language, or the text as it is when it does not parse."""
    if not isinstance(value, str) or not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return str(formats.date_format(moment, "DATE_FORMAT"))


def _number(value: Any) -> str | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return str(formats.number_format(number.normalize() if number == number.to_integral() else number))


def _present(*found: Text | None) -> list[Text]:
    return [text for text in found if text is not None]


def _concept(concept: Concept | None, names: dict[str, Any]) -> Text | None:
    """A concept's label in the reader's language when Merit's vocabulary knows it (by its code), else the
    credential's own label."""
    if concept is None:
        return None
    if concept.code is not None and concept.code in names:
        return Text(str(names[concept.code]))
    return Text(concept.label)


def _workload(view: CredentialView) -> list[Text]:
    parts = []
    if (ects := _number(view.ects)) is not None:
        parts.append(Text(_("%(n)s ECTS credits") % {"n": ects}))
    if view.hours is not None and (hours := _number(view.hours.quantize(Decimal("0.1")))) is not None:
        parts.append(Text(_("%(n)s hours") % {"n": hours}))
    return parts


def _levels(view: CredentialView) -> list[Text]:
    levels = []
    if view.eqf_level:
        levels.append(Text(_("EQF level %(level)s") % {"level": view.eqf_level}))
    national = view.national_level
    if national is not None and national.framework and national.level:
        levels.append(
            Text(_("%(framework)s level %(level)s") % {"framework": national.framework, "level": national.level})
        )
    return levels


def _issuer_registration(issuer: dict[str, Any]) -> str:
    for entry in issuer.get("otherIdentifier") or []:
        if isinstance(entry, dict) and isinstance(entry.get("identifier"), str):
            scheme = str(entry.get("identifierType", "")).removeprefix("ext:").replace("_", " ")
            return f"{scheme} {entry['identifier']}".strip()
    return ""


def _web_url(value: Any) -> str:
    """``value`` when it is an http(s) URL, the only kind of link from a credential the PDF makes clickable."""
    return value if isinstance(value, str) and re.match(r"^https?://[^\s]+$", value) else ""


def display(credential: dict[str, Any], language: str) -> Display:
    """The readable elements of ``credential`` for a reader of ``language`` (call with that language active)."""
    view = view_of(credential)
    issuer = _dict(credential.get("issuer"))
    default = _tag(view.language)

    def text(value: dict[str, str]) -> Text | None:
        found, tag = credview.pick(value, [language, default])
        return None if found is None else Text(found, _tag(tag or default))

    result = Display(
        title=text(view.title) or pick(credential.get("name"), language, default) or Text(_("Credential")),
        issuer=Text(view.awarding_body) if view.awarding_body else Text(str(view.issuer_id or "")),
        language=language,
        description=text(view.description),
        learner=Text(view.learner_name) if view.learner_name else None,
        issuer_place=", ".join(p for p in (view.region, view.country) if p),
        issuer_url=_web_url(issuer.get("url")),
        issuer_registration=_issuer_registration(issuer),
        issued=_date(view.issued),
        valid_until=_date(view.valid_until),
        credential_id=str(credential.get("id") or ""),
        micro=view.micro,
    )
    if result.description is not None and result.description.text == result.title.text:
        result.description = None  # Merit's renderer repeats the title when there is no description.
    field_of_study = text(view.field_of_study)
    facts = [
        Fact(_("Level"), _levels(view)),
        Fact(_("Workload"), _workload(view)),
        Fact(_("Field of education"), _present(field_of_study)),
        Fact(
            _("Type of assessment"),
            _present(*(_concept(c, vocabulary.ASSESSMENT_TYPES) for c in view.assessment)),
            text(view.assessment_description),
        ),
        Fact(
            _("Form of participation"),
            _present(_concept(view.mode, vocabulary.MODES), _concept(view.learning_setting, vocabulary.SETTINGS)),
        ),
        Fact(
            _("Type of quality assurance"),
            _present(
                _concept(view.quality_assurance, vocabulary.QUALITY_ASSURANCE),
                Text(view.quality_assurance_body) if view.quality_assurance_body else None,
            ),
            text(view.quality_assurance_description),
        ),
        Fact(
            _("Supervision and identity verification during assessment"),
            _present(_concept(view.supervision, vocabulary.SUPERVISION)),
        ),
        Fact(_("Prerequisites"), _present(text(view.prerequisites))),
        Fact(
            _("Integration and stackability"),
            _present(_concept(view.integration, vocabulary.INTEGRATION)),
            text(view.integration_description),
        ),
        Fact(_("Grade"), _present(Text(view.grade) if view.grade else None)),
    ]
    result.facts = [fact for fact in facts if fact.values or fact.detail]
    result.outcomes = [t for t in (text(o.text) for o in view.outcomes) if t]
    result.skills = [Text(str(s.label or s.uri), "en") for s in view.skills if s.label or s.uri]
    return result
