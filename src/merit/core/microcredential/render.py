"""Rendering a specification and a learner into an Open Badges 3.0 ``OpenBadgeCredential`` (W3C VC 2.0).

https://www.imsglobal.org/spec/ob/v3p0/ . Every Annex I element is carried machine-readably: EQF level and ESCO
skills as OB alignments with the EU framework URIs (mirrors for plain OB 3.0 wallets), ECTS and hours as ELM
credit points and volume of learning, and the other elements through Merit's extension context
(``https://purl.org/merit/ns/eu-mc/v1``, bundled; every term defined so JSON-LD safe mode passes). The learner is
identified by DID, or else by a salted SHA-256 hash of the e-mail address, never the address itself.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from merit.core import vc
from merit.core.errors import MalformedValueError
from merit.core.microcredential import vocab
from merit.core.microcredential.schema import OB3_SCHEMA_URL
from merit.core.microcredential.spec import AwardingBody, Spec, Text

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
MERIT_CONTEXT = "https://purl.org/merit/ns/eu-mc/v1"
_RESULT_TYPES = {"LetterGrade": "LetterGrade", "Percent": "Percent", "PassFail": "Status", "Points": "RawScore"}


@dataclass(frozen=True)
class Learner:
    """The person a credential is issued to: a DID, an e-mail address, or both; a name to display if given."""

    email: str | None = None
    did: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if not self.email and not self.did:
            raise MalformedValueError("a learner needs an e-mail address or a DID")
        if self.email and ("@" not in self.email or any(c.isspace() for c in self.email)):
            raise MalformedValueError(f"{self.email!r} is not an e-mail address")
        if self.did and not self.did.startswith("did:"):
            raise MalformedValueError(f"{self.did!r} is not a DID")


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 ``identityHash``: ``sha256$`` and the hex SHA-256 of the normalised address followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def _hours(value: float) -> str:
    return f"PT{int(value)}H" if float(value).is_integer() else f"PT{int(value * 60)}M"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _achievement(spec: Spec, issuer: dict[str, Any]) -> dict[str, Any]:
    name = spec.text(spec.title) or ""
    criteria = spec.text(spec.criteria) or spec.text(spec.assessment_description)
    outcomes = [spec.text(o.text) or "" for o in spec.learning_outcomes]
    achievement: dict[str, Any] = {
        "id": spec.id or f"urn:uuid:{secrets.token_hex(16)}",
        "type": ["Achievement", "EUMicroCredential"],
        "achievementType": "MicroCredential",
        "name": name,
        "description": spec.text(spec.description) or name,
        "criteria": {"narrative": criteria or "Learning outcomes: " + "; ".join(outcomes)},
        "inLanguage": spec.language,
        "creator": issuer,
        "title": spec.title,
    }
    if spec.version:
        achievement["version"] = spec.version
    if spec.description:
        achievement["descriptionTranslations"] = spec.description
    if spec.criteria:
        achievement["criteriaTranslations"] = spec.criteria
    achievement["learningOutcome"] = [_outcome(o.text, o.esco_skills) for o in spec.learning_outcomes]
    alignments = [
        _esco_alignment(uri, spec.text(outcome.text) or uri)
        for outcome in spec.learning_outcomes
        for uri in outcome.esco_skills
    ]
    if spec.eqf_level is not None:
        achievement["eqfLevel"] = vocab.eqf_iri(spec.eqf_level)
        alignments.append(
            {
                "type": ["Alignment"],
                "targetType": "ext:EQFLevel",
                "targetFramework": "European Qualifications Framework",
                "targetName": f"EQF level {spec.eqf_level}",
                "targetCode": str(spec.eqf_level),
                "targetUrl": vocab.eqf_iri(spec.eqf_level),
            }
        )
    if spec.national_level:
        level: dict[str, Any] = {"type": "NationalQualificationLevel"}
        if spec.national_level.get("iri"):
            level["id"] = spec.national_level["iri"]
        level["nqfFramework"] = spec.national_level.get("framework", "")
        level["nqfLevelCode"] = spec.national_level.get("level", "")
        achievement["nationalQualificationLevel"] = level
    if spec.isced_field:
        achievement["thematicArea"] = vocab.isced_iri(spec.isced_field)
        achievement["fieldOfStudy"] = vocab.isced_fields()[spec.isced_field]
    credits = []
    if spec.ects is not None:
        credits.append({"type": "CreditPoint", "framework": vocab.ECTS, "point": _number(spec.ects)})
    if credits:
        achievement["creditPoint"] = credits
    if spec.hours is not None:
        achievement["volumeOfLearning"] = _hours(spec.hours)
    achievement["assessmentType"] = [vocab.ASSESSMENT_TYPES[t][0] for t in spec.assessment_types]
    if spec.assessment_description:
        achievement["assessmentDescription"] = spec.assessment_description
    achievement["mode"] = vocab.MODES[spec.mode][0]
    if spec.learning_setting:
        achievement["learningSetting"] = vocab.LEARNING_SETTINGS[spec.learning_setting][0]
    if spec.supervision:
        achievement["supervision"] = vocab.SUPERVISION[spec.supervision][0]
    achievement["qualityAssurance"] = [_quality(spec)]
    alignments.append(
        {
            "type": ["Alignment"],
            "targetType": "ext:QualityAssurance",
            "targetName": vocab.QUALITY_ASSURANCE[spec.qa_type][1],
            "targetUrl": spec.qa_url or vocab.QUALITY_ASSURANCE[spec.qa_type][0],
        }
    )
    if spec.prerequisites:
        achievement["prerequisites"] = spec.prerequisites
    if spec.integration_option:
        achievement["integrationOption"] = vocab.INTEGRATION[spec.integration_option][0]
    if spec.part_of:
        achievement["partOf"] = list(spec.part_of)
    if spec.integration_description:
        achievement["integrationDescription"] = spec.integration_description
    if spec.further_information:
        achievement["furtherInformation"] = spec.further_information
    if spec.grading:
        achievement["resultDescription"] = [_result_description(spec)]
    achievement["alignment"] = alignments
    return achievement


def _outcome(text: Text, skills: tuple[str, ...]) -> dict[str, Any]:
    outcome: dict[str, Any] = {"type": "LearningOutcome", "title": text}
    if skills:
        outcome["relatedESCOSkill"] = list(skills)
    return outcome


def _esco_alignment(uri: str, fallback: str) -> dict[str, Any]:
    return {
        "type": ["Alignment"],
        "targetType": "ext:ESCOSkill",
        "targetFramework": "ESCO",
        "targetName": vocab.esco_label(uri) or fallback,
        "targetCode": vocab.ESCO_VERSION,
        "targetUrl": uri,
    }


def _quality(spec: Spec) -> dict[str, Any]:
    quality: dict[str, Any] = {}
    if spec.qa_url:
        quality["id"] = spec.qa_url
    quality["type"] = "QualityAssurance"
    quality["qaType"] = vocab.QUALITY_ASSURANCE[spec.qa_type][0]
    if spec.qa_body:
        quality["accreditingAgent"] = spec.qa_body
    if spec.qa_description:
        quality["qaDescription"] = spec.qa_description
    return quality


def _result_description(spec: Spec) -> dict[str, Any]:
    assert spec.grading is not None
    description: dict[str, Any] = {
        "id": f"{spec.id or 'urn:merit'}#grade",
        "type": ["ResultDescription"],
        "name": spec.text(spec.grading.description) or "Grade",
        "resultType": _RESULT_TYPES.get(spec.grading.type, "Result"),
    }
    if spec.grading.allowed_values:
        description["allowedValue"] = list(spec.grading.allowed_values)
    return description


def issuer_profile(spec: Spec, issuer_id: str) -> dict[str, Any]:
    """The OB 3.0 issuer ``Profile`` of the awarding body, identified by ``issuer_id`` (its DID)."""
    body = spec.awarding_body
    profile: dict[str, Any] = {"id": issuer_id, "type": ["Profile"], "name": body.name}
    if body.url:
        profile["url"] = body.url
    if body.email:
        profile["email"] = body.email
    address: dict[str, Any] = {"type": ["Address"], "addressCountryCode": body.country}
    if body.region:
        address["addressRegion"] = body.region
    profile["address"] = address
    if body.registration_id:
        profile["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": body.registration_id,
                "identifierType": f"ext:{body.registration_scheme or 'registryId'}".replace(" ", "_"),
            }
        ]
    return profile


def render_credential(
    spec: Spec,
    learner: Learner,
    issuer_id: str,
    *,
    credential_id: str | None = None,
    issued: datetime | None = None,
    valid_until: datetime | None = None,
    salt: str | None = None,
    grade: str | None = None,
    status_entries: list[dict[str, Any]] | None = None,
    awarding_body: AwardingBody | None = None,
    creator: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An unsigned Open Badges 3.0 credential for ``learner``, issued by ``issuer_id``.

    When an organisation issues a micro-credential that another one created (a grant of issuing rights),
    ``awarding_body`` is the issuing organisation (Annex I's awarding body) and ``creator`` the creator's
    ``Profile``, which becomes ``achievement.creator``; otherwise the specification's awarding body is both.
    """
    issued = issued or datetime.now(UTC)
    if awarding_body is not None:
        spec = replace(spec, awarding_body=awarding_body)
    profile = issuer_profile(spec, issuer_id)
    achievement = _achievement(spec, creator or {"id": issuer_id, "type": ["Profile"], "name": spec.awarding_body.name})
    subject: dict[str, Any] = {}
    if learner.did:
        subject["id"] = learner.did
    subject["type"] = ["AchievementSubject"]
    identifiers = []
    if learner.email:
        salt = salt or secrets.token_hex(16)
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(learner.email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        )
    if learner.name:
        identifiers.append(
            {"type": "IdentityObject", "identityHash": learner.name, "identityType": "name", "hashed": False}
        )
    if identifiers:
        subject["identifier"] = identifiers
    subject["achievement"] = achievement
    if grade is not None:
        if spec.grading is None:
            raise MalformedValueError("the specification defines no grading, so no grade can be given")
        allowed = spec.grading.allowed_values
        if allowed and grade not in allowed:
            raise MalformedValueError(f"grade {grade!r} is not one of {', '.join(allowed)}")
        subject["result"] = [
            {"type": ["Result"], "resultDescription": achievement["resultDescription"][0]["id"], "value": grade}
        ]
    credential: dict[str, Any] = {
        "@context": [VC2, OB3, OB3_EXTENSIONS, MERIT_CONTEXT],
        "id": credential_id or f"urn:uuid:{_uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement["name"],
        "issuer": profile,
        "validFrom": vc.stamp(issued),
    }
    if valid_until is not None:
        credential["validUntil"] = vc.stamp(valid_until)
    credential["credentialSubject"] = subject
    credential["credentialSchema"] = [{"id": OB3_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}]
    if status_entries:
        credential["credentialStatus"] = status_entries[0] if len(status_entries) == 1 else status_entries
    return credential


def _uuid4() -> str:
    import uuid

    return str(uuid.uuid4())
