"""The micro-credential specification model (the EU Recommendation's "micro-credential", OB 3.0's Achievement).

The file format is documented in ``docs/specification-format.md`` and checked by the bundled JSON Schema
``merit-microcredential-spec.schema.json``. :func:`parse_spec` accepts only a specification that lints clean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from merit.core.errors import MalformedValueError
from merit.core.microcredential.lint import lint_spec

Text = dict[str, str]
"""Text in several languages: language tag → text."""


@dataclass(frozen=True)
class AwardingBody:
    name: str
    country: str
    region: str | None = None
    url: str | None = None
    email: str | None = None
    registration_id: str | None = None
    registration_scheme: str | None = None


@dataclass(frozen=True)
class LearningOutcome:
    text: Text
    esco_skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grading:
    type: str
    description: Text | None = None
    allowed_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    """A complete, valid specification; every Annex I mandatory element is present."""

    id: str | None
    language: str
    title: Text
    awarding_body: AwardingBody
    learning_outcomes: tuple[LearningOutcome, ...]
    ects: float | None
    hours: float | None
    assessment_types: tuple[str, ...]
    mode: str
    qa_type: str
    description: Text | None = None
    version: str | None = None
    eqf_level: int | None = None
    national_level: dict[str, str] | None = None
    isced_field: str | None = None
    assessment_description: Text | None = None
    learning_setting: str | None = None
    qa_body: str | None = None
    qa_url: str | None = None
    qa_description: Text | None = None
    prerequisites: Text | None = None
    supervision: str | None = None
    grading: Grading | None = None
    integration_option: str | None = None
    part_of: tuple[str, ...] = ()
    integration_description: Text | None = None
    further_information: str | None = None
    criteria: Text | None = None

    def text(self, value: Text | None, language: str | None = None) -> str | None:
        """``value`` in ``language``, else in the default language, else in any language it has."""
        if not value:
            return None
        return value.get(language or self.language) or value.get(self.language) or next(iter(value.values()))


def parse_spec(data: Any) -> Spec:
    """Build a :class:`Spec` from parsed JSON; raise :class:`MalformedValueError` naming what is wrong."""
    report = lint_spec(data)
    if not report.ok:
        more = f" (and {len(report.errors) - 3} more)" if len(report.errors) > 3 else ""
        raise MalformedValueError("; ".join(report.errors[:3]) + more)
    body = data["awardingBody"]
    workload = data["workload"]
    assessment = data["assessment"]
    participation = data["participation"]
    quality = data["qualityAssurance"]
    grading = data.get("grading")
    integration = data.get("integration") or {}
    return Spec(
        id=data.get("id"),
        version=data.get("version"),
        language=data["language"],
        title=dict(data["title"]),
        description=data.get("description"),
        awarding_body=AwardingBody(
            name=body["name"],
            country=body["country"],
            region=body.get("region"),
            url=body.get("url"),
            email=body.get("email"),
            registration_id=body.get("registrationId"),
            registration_scheme=body.get("registrationScheme"),
        ),
        learning_outcomes=tuple(
            LearningOutcome(dict(o["text"]), tuple(o.get("escoSkills", []))) for o in data["learningOutcomes"]
        ),
        ects=workload.get("ects"),
        hours=workload.get("hours"),
        eqf_level=data.get("eqfLevel"),
        national_level=data.get("nationalLevel"),
        isced_field=data.get("iscedField"),
        assessment_types=tuple(assessment["types"]),
        assessment_description=assessment.get("description"),
        mode=participation["mode"],
        learning_setting=participation.get("setting"),
        qa_type=quality["type"],
        qa_body=quality.get("body"),
        qa_url=quality.get("url"),
        qa_description=quality.get("description"),
        prerequisites=data.get("prerequisites"),
        supervision=data.get("supervision"),
        grading=Grading(grading["type"], grading.get("description"), tuple(grading.get("allowedValues", [])))
        if grading
        else None,
        integration_option=integration.get("option"),
        part_of=tuple(integration.get("partOf", [])),
        integration_description=integration.get("description"),
        further_information=data.get("furtherInformation"),
        criteria=data.get("criteria"),
    )
