"""Controlled vocabularies for EU micro-credentials, with the EU concept IRIs Merit writes into credentials.

EQF levels, ISCED-F fields, credit systems, assessment types, modes and learning settings are the EU
controlled vocabularies (http://data.europa.eu/snb/..., from the ELM XSD enumerations, EUPL-1.2). Where the EU
has no published vocabulary that Merit could copy here (quality-assurance types, supervision, integration),
Merit defines concepts in its own namespace (:data:`MERIT_NS`); ``docs/specification-format.md`` maps them to
their Annex I wording and ELM equivalents.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

SNB = "http://data.europa.eu/snb/"
MERIT_NS = "https://purl.org/merit/ns/eu-mc#"
ESCO_SKILL = "http://data.europa.eu/esco/skill/"
ECTS = SNB + "education-credit/6fcec5c5af"
ECVET = SNB + "education-credit/60b314e826"


def eqf_iri(level: int) -> str:
    """The EU concept IRI of EQF level 1 to 8."""
    return f"{SNB}eqf/{level}"


@cache
def isced_fields() -> dict[str, str]:
    """ISCED-F 2013 fields of education and training: code → English label."""
    text = resources.files(__package__).joinpath("data/isced-f.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def isced_iri(code: str) -> str:
    return f"{SNB}isced-f/{code}"


ASSESSMENT_TYPES: dict[str, tuple[str, str]] = {
    "peer-assessment": (SNB + "assessment/19a2e5e671", "peer assessment"),
    "marked-assignment": (SNB + "assessment/2939dae15f", "marked assignment"),
    "continuous-evaluation": (SNB + "assessment/3484bd7e51", "continuous evaluation"),
    "portfolio": (SNB + "assessment/4f03b91c0e", "portfolio"),
    "group-performance": (SNB + "assessment/56539a6507", "group performance"),
    "practical-assessment": (SNB + "assessment/6a4db9f11d", "practical assessment"),
    "written-examination": (SNB + "assessment/6e6cb2cc78", "written examination"),
    "attendance": (SNB + "assessment/7331eb4762", "level of attendance"),
    "project-work": (SNB + "assessment/795dac4096", "project work"),
    "peer-review": (SNB + "assessment/812e3b0ae1", "peer review"),
    "quiz": (SNB + "assessment/b1b68f6735", "quiz"),
    "problem-based-learning": (SNB + "assessment/c4256a2726", "problem based learning"),
    "oral-examination": (SNB + "assessment/d30284d7df", "oral examination"),
    "artefact-assessment": (SNB + "assessment/de4d165a6c", "artefact assessment"),
}
MODES: dict[str, tuple[str, str]] = {
    "work-based": (SNB + "learning-assessment/729f3bed4b", "work-based"),
    "project-based": (SNB + "learning-assessment/7813801c77", "project-based"),
    "onsite": (SNB + "learning-assessment/9191af2ed9", "on site (presential)"),
    "online": (SNB + "learning-assessment/920fbb3cbe", "online"),
    "blended": (SNB + "learning-assessment/e92d221e4d", "blended"),
    "research-lab": (SNB + "learning-assessment/ed4c557045", "research-lab based"),
}
LEARNING_SETTINGS: dict[str, tuple[str, str]] = {
    "formal": (SNB + "learning-setting/6fd4685715", "formal learning"),
    "non-formal": (SNB + "learning-setting/e207a81fc7", "non-formal learning"),
}
QUALITY_ASSURANCE: dict[str, tuple[str, str]] = {
    "internal": (MERIT_NS + "InternalQualityAssurance", "internal quality assurance"),
    "external": (MERIT_NS + "ExternalQualityAssurance", "external quality assurance"),
    "accredited": (MERIT_NS + "AccreditedProvider", "provided by an accredited or recognised provider"),
}
SUPERVISION: dict[str, tuple[str, str]] = {
    "supervised-with-id": (MERIT_NS + "SupervisedWithIdVerification", "supervised, with identity verification"),
    "supervised-without-id": (MERIT_NS + "SupervisedWithoutIdVerification", "supervised, no identity verification"),
    "unsupervised-with-id": (MERIT_NS + "UnsupervisedWithIdVerification", "unsupervised, with identity verification"),
    "unsupervised-without-id": (
        SNB + "supervision-verification/c598449d64",
        "unsupervised, no identity verification",
    ),
}
INTEGRATION: dict[str, tuple[str, str]] = {
    "standalone": (MERIT_NS + "Standalone", "stand-alone, independent micro-credential"),
    "stackable": (MERIT_NS + "Stackable", "can be combined into a larger credential"),
    "integrated": (MERIT_NS + "Integrated", "part of a larger credential or qualification"),
}
ALL_CONCEPTS: dict[str, str] = {
    iri: label
    for table in (ASSESSMENT_TYPES, MODES, LEARNING_SETTINGS, QUALITY_ASSURANCE, SUPERVISION, INTEGRATION)
    for iri, label in table.values()
}


@cache
def esco_skill_labels() -> dict[str, str]:
    """ESCO v1.1.1 skills: the last segment of the skill URI → English preferred label (from the bundled taxonomy,
    see :mod:`merit.core.microcredential.esco`)."""
    from merit.core.microcredential import esco

    return esco.skill_labels()


def esco_label(uri: str) -> str | None:
    """The English preferred label of an ESCO skill URI, if ESCO v1.1.1 knows it."""
    if not uri.startswith(ESCO_SKILL):
        return None
    return esco_skill_labels().get(uri.removeprefix(ESCO_SKILL))


ESCO_VERSION = "ESCO v1.1.1"

ELM = SNB + "model/elm/"
"""The European Learning Model's namespace: where Merit has no concept IRI for a value, an alignment's ``targetUrl``
is the ELM property that defines the element (decision 0011)."""

# Open Badges 3.0 ``Alignment.targetType`` of each Annex I element Merit carries as an alignment (decision 0011).
EQF_LEVEL = "ext:EQFLevel"
NQF_LEVEL = "ext:NQFLevel"
ISCED_FIELD = "ext:ISCEDField"
CREDIT_POINT = "ext:CreditPoint"
VOLUME_OF_LEARNING = "ext:VolumeOfLearning"
LEARNING_OUTCOME = "ext:LearningOutcome"
ESCO_SKILL_TYPE = "ext:ESCOSkill"
ASSESSMENT_TYPE = "ext:AssessmentType"
ASSESSMENT_DESCRIPTION = "ext:AssessmentDescription"
MODE = "ext:Mode"
LEARNING_SETTING = "ext:LearningSetting"
SUPERVISION_TYPE = "ext:Supervision"
QUALITY_ASSURANCE_TYPE = "ext:QualityAssurance"
QUALITY_ASSURANCE_BODY = "ext:QualityAssuranceBody"
PREREQUISITES = "ext:Prerequisites"
INTEGRATION_OPTION = "ext:IntegrationOption"
PART_OF = "ext:PartOf"
FURTHER_INFORMATION = "ext:FurtherInformation"
QUALIFICATION_UNIT = "ext:QualificationUnit"
"""A unit of a qualification the micro-credential covers (decision 0025, ``merit.core.microcredential.units``)."""
TARGET_TYPES = frozenset(
    {
        EQF_LEVEL,
        NQF_LEVEL,
        ISCED_FIELD,
        CREDIT_POINT,
        VOLUME_OF_LEARNING,
        LEARNING_OUTCOME,
        ESCO_SKILL_TYPE,
        ASSESSMENT_TYPE,
        ASSESSMENT_DESCRIPTION,
        MODE,
        LEARNING_SETTING,
        SUPERVISION_TYPE,
        QUALITY_ASSURANCE_TYPE,
        QUALITY_ASSURANCE_BODY,
        PREREQUISITES,
        INTEGRATION_OPTION,
        PART_OF,
        FURTHER_INFORMATION,
        QUALIFICATION_UNIT,
    }
)
"""Every ``targetType`` Merit writes; other issuers' alignments are read by their targets instead."""
