"""What a credential's PDF shows: the readable elements of one credential, in the reader's language.

The Annex I elements come from :func:`merit.core.microcredential.extract_spec_view`; the credential's own fields
(its name, issuer, validity period, the learner's name) and the language maps of Merit's extension are read here.
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

from merit.core import texts
from merit.core.microcredential import extract_spec_view, vocab
from merit.server.workspace import vocabulary

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_DURATION = re.compile(r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+)M)?)?$")


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


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


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


def _hours(value: Any) -> str | None:
    """An ISO 8601 duration (``PT200H``, ``PT90M``, ``P2D``) in hours, or ``None``."""
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or not any(match.groupdict().values()):
        return None
    parts = {name: Decimal(amount or 0) for name, amount in match.groupdict().items()}
    total = parts["days"] * 24 + parts["hours"] + parts["minutes"] / 60
    return _number(total.quantize(Decimal("0.1")))


def _present(*found: Text | None) -> list[Text]:
    return [text for text in found if text is not None]


def _concept(label: Any, table: dict[str, tuple[str, str]], names: dict[str, Any]) -> Text | None:
    """A concept's label from the view (its English label, or its IRI when unknown), in the reader's language when
    Merit's vocabulary knows the concept."""
    if not isinstance(label, str) or not label:
        return None
    for code, (iri, english) in table.items():
        if label in (iri, english) and code in names:
            return Text(str(names[code]))
    return Text(label)


def _field(view: dict[str, Any], achievement: dict[str, Any], default: str | None) -> Text | None:
    """The field of education: Merit writes the English ISCED-F name next to the ISCED-F concept."""
    field = view.get("field")
    if not isinstance(field, str) or not field:
        return None
    isced = str(achievement.get("thematicArea", "")).startswith(vocab.SNB + "isced-f/")
    return Text(field, "en" if isced else _tag(default))


def _workload(view: dict[str, Any]) -> list[Text]:
    parts = []
    if (ects := _number(view.get("ects"))) is not None:
        parts.append(Text(_("%(n)s ECTS credits") % {"n": ects}))
    if (hours := _hours(view.get("hours"))) is not None:
        parts.append(Text(_("%(n)s hours") % {"n": hours}))
    return parts


def _levels(view: dict[str, Any], achievement: dict[str, Any]) -> list[Text]:
    levels = []
    if view.get("eqfLevel"):
        levels.append(Text(_("EQF level %(level)s") % {"level": view["eqfLevel"]}))
    national = _dict(achievement.get("nationalQualificationLevel"))
    framework, code = national.get("nqfFramework"), national.get("nqfLevelCode")
    if isinstance(framework, str) and isinstance(code, str) and framework and code:
        levels.append(Text(_("%(framework)s level %(level)s") % {"framework": framework, "level": code}))
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
    view = extract_spec_view(credential)
    subject = _dict(_first(credential.get("credentialSubject")))
    achievement = _dict(subject.get("achievement"))
    issuer = _dict(credential.get("issuer"))
    default = achievement.get("inLanguage") if isinstance(achievement.get("inLanguage"), str) else None

    def text(value: Any) -> Text | None:
        return pick(value, language, default)

    title = text(view.get("titles")) or text(view.get("title")) or text(credential.get("name"))
    result = Display(
        title=title or Text(_("Credential")),
        issuer=text(view.get("awardingBody")) or Text(str(view.get("issuerId") or "")),
        language=language,
        description=text(achievement.get("descriptionTranslations")) or text(view.get("description")),
        learner=pick(view.get("learnerName"), language, None),
        issuer_place=", ".join(str(p) for p in (view.get("region"), view.get("country")) if isinstance(p, str) and p),
        issuer_url=_web_url(issuer.get("url")),
        issuer_registration=_issuer_registration(issuer),
        issued=_date(view.get("issued")),
        valid_until=_date(view.get("validUntil")),
        credential_id=str(credential.get("id") or ""),
        micro="EUMicroCredential" in (achievement.get("type") or [])
        or achievement.get("achievementType") == "MicroCredential",
    )
    if result.description is not None and result.description.text == result.title.text:
        result.description = None  # Merit's renderer repeats the title when there is no description.
    assessment = [_concept(a, vocab.ASSESSMENT_TYPES, vocabulary.ASSESSMENT_TYPES) for a in view["assessment"]]
    qa_description = text(_dict(_first(achievement.get("qualityAssurance"))).get("qaDescription"))
    facts = [
        Fact(_("Level"), _levels(view, achievement)),
        Fact(_("Workload"), _workload(view)),
        Fact(_("Field of education"), _present(_field(view, achievement, default))),
        Fact(_("Type of assessment"), _present(*assessment), text(achievement.get("assessmentDescription"))),
        Fact(
            _("Form of participation"),
            _present(
                _concept(view.get("participation"), vocab.MODES, vocabulary.MODES),
                _concept(view.get("learningSetting"), vocab.LEARNING_SETTINGS, vocabulary.SETTINGS),
            ),
        ),
        Fact(
            _("Type of quality assurance"),
            _present(
                _concept(view.get("qualityAssurance"), vocab.QUALITY_ASSURANCE, vocabulary.QUALITY_ASSURANCE),
                text(view.get("qualityAssuranceBody")),
            ),
            qa_description,
        ),
        Fact(
            _("Supervision and identity verification during assessment"),
            _present(_concept(view.get("supervision"), vocab.SUPERVISION, vocabulary.SUPERVISION)),
        ),
        Fact(_("Prerequisites"), _present(text(view.get("prerequisites")))),
        Fact(
            _("Integration and stackability"),
            _present(_concept(view.get("integration"), vocab.INTEGRATION, vocabulary.INTEGRATION)),
            text(achievement.get("integrationDescription")),
        ),
        Fact(_("Grade"), _present(text(view.get("grade")))),
    ]
    result.facts = [fact for fact in facts if fact.values or fact.detail]
    result.outcomes = [t for t in (text(o) for o in view["learningOutcomes"]) if t]
    result.skills = [Text(str(s["label"] or s["uri"]), "en") for s in view["skills"] if s.get("label") or s.get("uri")]
    return result
