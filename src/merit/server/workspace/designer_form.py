"""The micro-credential designer's form: HTML form fields to a specification (the JSON of
``docs/specification-format.md``) and back.

The form is the specification itself, field for field, so that what the designer shows is exactly what is saved,
linted and published. :func:`form_from_spec` and :func:`spec_from_form` are inverses on every valid specification
(tested with the examples and generated specifications). Values the form cannot turn into JSON (a workload that is
not a number, an unknown language code) become :class:`FormError` entries and keep the text the user typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
MAX_OUTCOMES = 200
MAX_SKILLS = 100
# Text given per language: form field prefix → where it lives in the specification.
TEXTS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "description": ("description",),
    "assessment_description": ("assessment", "description"),
    "qa_description": ("qualityAssurance", "description"),
    "prerequisites": ("prerequisites",),
    "grading_description": ("grading", "description"),
    "integration_description": ("integration", "description"),
    "criteria": ("criteria",),
}
# Plain text fields: form field → where it lives in the specification.
STRINGS: dict[str, tuple[str, ...]] = {
    "spec_id": ("id",),
    "spec_version": ("version",),
    "ab_name": ("awardingBody", "name"),
    "ab_country": ("awardingBody", "country"),
    "ab_region": ("awardingBody", "region"),
    "ab_url": ("awardingBody", "url"),
    "ab_email": ("awardingBody", "email"),
    "ab_registrationId": ("awardingBody", "registrationId"),
    "ab_registrationScheme": ("awardingBody", "registrationScheme"),
    "nqf_framework": ("nationalLevel", "framework"),
    "nqf_level": ("nationalLevel", "level"),
    "nqf_iri": ("nationalLevel", "iri"),
    "isced": ("iscedField",),
    "mode": ("participation", "mode"),
    "setting": ("participation", "setting"),
    "qa_type": ("qualityAssurance", "type"),
    "qa_body": ("qualityAssurance", "body"),
    "qa_url": ("qualityAssurance", "url"),
    "supervision": ("supervision",),
    "grading_type": ("grading", "type"),
    "integration_option": ("integration", "option"),
    "furtherInformation": ("furtherInformation",),
}
NUMBERS: dict[str, tuple[str, ...]] = {"ects": ("workload", "ects"), "hours": ("workload", "hours")}
# Lists typed one item a line (or separated by commas, for grades): form field → where, and the separator.
LISTS: dict[str, tuple[tuple[str, ...], str]] = {
    "grading_values": (("grading", "allowedValues"), ","),
    "integration_partOf": (("integration", "partOf"), "\n"),
}
# The order of the specification's keys, so that saved JSON reads like the examples.
ORDER = [
    "$schema",
    "id",
    "version",
    "language",
    "title",
    "description",
    "awardingBody",
    "learningOutcomes",
    "workload",
    "eqfLevel",
    "nationalLevel",
    "iscedField",
    "assessment",
    "participation",
    "qualityAssurance",
    "prerequisites",
    "supervision",
    "grading",
    "integration",
    "furtherInformation",
    "criteria",
]
SCHEMA = "https://purl.org/merit/schema/microcredential-spec/v1"


@dataclass
class Outcome:
    text: dict[str, str] = field(default_factory=dict)
    skills: list[str] = field(default_factory=list)


@dataclass
class FormError:
    """A value the form could not put into the specification; ``field`` is the input's name."""

    field: str
    message: str


@dataclass
class DesignerForm:
    """What the designer's inputs hold: the default language first in ``languages``."""

    languages: list[str] = field(default_factory=lambda: ["en"])
    values: dict[str, str] = field(default_factory=dict)
    assessment_types: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=lambda: [Outcome()])
    errors: list[FormError] = field(default_factory=list)

    @property
    def language(self) -> str:
        return self.languages[0]

    @property
    def other_languages(self) -> str:
        return " ".join(self.languages[1:])

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def error_for(self, name: str) -> str | None:
        return next((e.message for e in self.errors if e.field == name), None)


def _clean(text: str) -> str:
    """Browsers send text-area line breaks as CRLF; the specification keeps plain newlines."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _languages(default: str, others: str, errors: list[FormError]) -> list[str]:
    languages: list[str] = []
    default = default.strip() or "en"
    if not LANGUAGE_TAG.match(default):
        errors.append(
            FormError("language", _("%(code)s is not a language code (such as sv or en).") % {"code": default})
        )
        default = "en"
    languages.append(default)
    for code in re.split(r"[\s,;]+", others.strip()):
        if not code:
            continue
        if not LANGUAGE_TAG.match(code):
            message = _("%(code)s is not a language code (such as sv or en).") % {"code": code}
            errors.append(FormError("languages", message))
        elif code not in languages:
            languages.append(code)
    return languages[:10]


def form_from_post(post: QueryDict) -> DesignerForm:
    """The form as the browser sent it; nothing is lost, even values that are not valid yet."""
    errors: list[FormError] = []
    languages = _languages(post.get("language", ""), post.get("languages", ""), errors)
    values: dict[str, str] = {}
    for name in [*STRINGS, *NUMBERS, *LISTS, "eqf"]:
        values[name] = _clean(post.get(name, ""))
    for prefix in TEXTS:
        for language in languages:
            values[f"{prefix}__{language}"] = _clean(post.get(f"{prefix}__{language}", ""))
    try:
        count = max(0, min(int(post.get("outcomes", "1")), MAX_OUTCOMES))
    except ValueError:
        count = 1
    outcomes = [
        Outcome(
            {language: _clean(post.get(f"outcome_{i}__{language}", "")) for language in languages},
            list(dict.fromkeys(post.getlist(f"outcome_{i}_skill")))[:MAX_SKILLS],
        )
        for i in range(count)
    ]
    return DesignerForm(languages, values, post.getlist("assessment_types")[:20], outcomes, errors)


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _number_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def form_from_spec(data: dict[str, Any]) -> DesignerForm:
    """The form showing a saved specification."""
    text_values: list[Any] = [_dig(data, path) for path in TEXTS.values()]
    text_values += [o.get("text") for o in data.get("learningOutcomes") or [] if isinstance(o, dict)]
    default = data.get("language") if isinstance(data.get("language"), str) else "en"
    languages = [default]
    for text in text_values:
        if isinstance(text, dict):
            languages += [code for code in text if isinstance(code, str) and code not in languages]
    values: dict[str, str] = {}
    for name, path in STRINGS.items():
        found = _dig(data, path)
        values[name] = found if isinstance(found, str) else ""
    for name, path in NUMBERS.items():
        values[name] = _number_text(_dig(data, path))
    for name, (path, separator) in LISTS.items():
        found = _dig(data, path)
        joiner = ", " if separator == "," else "\n"
        values[name] = joiner.join(str(item) for item in found) if isinstance(found, list) else ""
    eqf = data.get("eqfLevel")
    values["eqf"] = str(eqf) if isinstance(eqf, int) else ""
    for prefix, path in TEXTS.items():
        text = _dig(data, path)
        for language in languages:
            values[f"{prefix}__{language}"] = text.get(language, "") if isinstance(text, dict) else ""
    outcomes = [
        Outcome(
            {lang: (o.get("text") or {}).get(lang, "") for lang in languages},
            [s for s in o.get("escoSkills") or [] if isinstance(s, str)],
        )
        for o in data.get("learningOutcomes") or []
        if isinstance(o, dict)
    ]
    types = _dig(data, ("assessment", "types"))
    return DesignerForm(
        languages,
        values,
        [t for t in types if isinstance(t, str)] if isinstance(types, list) else [],
        outcomes or [Outcome()],
    )


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def _number(text: str) -> float | int | None:
    """A number typed with a decimal point or a decimal comma (Swedish, Finnish, Polish, Norwegian)."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        return None
    number = float(cleaned)
    return int(number) if number.is_integer() and "." not in cleaned else number


def spec_from_form(form: DesignerForm) -> dict[str, Any]:
    """The specification the form describes; empty inputs are left out, so the lint names what is missing.

    Values that cannot be represented are added to ``form.errors`` (and left out of the specification).
    """
    data: dict[str, Any] = {"$schema": SCHEMA, "language": form.language}
    for prefix, path in TEXTS.items():
        text = {lang: form.value(f"{prefix}__{lang}") for lang in form.languages}
        text = {lang: value for lang, value in text.items() if value.strip()}
        if text:
            _put(data, path, text)
    for name, path in STRINGS.items():
        value = form.value(name).strip()
        if value:
            _put(data, path, value.upper() if name == "ab_country" else value)
    for name, path in NUMBERS.items():
        raw = form.value(name)
        if raw.strip():
            number = _number(raw)
            if number is None:
                form.errors.append(FormError(name, _("Enter a number, such as 7.5.")))
            else:
                _put(data, path, number)
    for name, (path, separator) in LISTS.items():
        items = [item.strip() for item in form.value(name).split(separator) if item.strip()]
        if items:
            _put(data, path, items)
    if form.value("eqf").strip():
        try:
            data["eqfLevel"] = int(form.value("eqf"))
        except ValueError:
            form.errors.append(FormError("eqf", _("Choose an EQF level from the list.")))
    if form.assessment_types:
        _put(data, ("assessment", "types"), list(form.assessment_types))
    outcomes = []
    for outcome in form.outcomes:
        text = {lang: value for lang, value in outcome.text.items() if value.strip()}
        if not text and not outcome.skills:
            continue
        entry: dict[str, Any] = {"text": text} if text else {}
        if outcome.skills:
            entry["escoSkills"] = list(outcome.skills)
        outcomes.append(entry)
    if outcomes:
        data["learningOutcomes"] = outcomes
    return {key: data[key] for key in ORDER if key in data}


def apply_action(form: DesignerForm, action: str) -> str | None:
    """Carry out one of the form's own buttons; returns the id of the input to focus afterwards."""
    name, _sep, argument = action.partition(":")
    if name == "add-outcome" and len(form.outcomes) < MAX_OUTCOMES:
        form.outcomes.append(Outcome(dict.fromkeys(form.languages, "")))
        return f"outcome_{len(form.outcomes) - 1}__{form.language}"
    index_text, _sep, uri = argument.partition(":")
    if not index_text.isdigit() or int(index_text) >= len(form.outcomes):
        return None
    index = int(index_text)
    if name == "remove-outcome":
        del form.outcomes[index]
        if not form.outcomes:
            form.outcomes.append(Outcome(dict.fromkeys(form.languages, "")))
        return "add-outcome"
    skills = form.outcomes[index].skills
    if name == "add-skill" and uri:
        if uri not in skills and len(skills) < MAX_SKILLS:
            skills.append(uri)
        return f"esco_q_{index}"
    if name == "remove-skill" and uri in skills:
        skills.remove(uri)
        return f"esco_q_{index}"
    return None
