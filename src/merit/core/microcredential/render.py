"""Rendering a specification and a learner into an Open Badges 3.0 ``OpenBadgeCredential`` (W3C VC 2.0).

https://www.imsglobal.org/spec/ob/v3p0/ . The credential names only the VC 2.0 and OB 3.0.3 contexts (and OB 3.0's
``extensions.json`` for the schema validator type), which every Open Badges verifier bundles
(``docs/decisions/0011-standard-vocabularies.md``). Every Annex I element is machine-readable and signed: OB 3.0
built-ins where they fit (``achievementType`` MicroCredential, ``criteria``, ``inLanguage``, ``fieldOfStudy``,
``resultDescription``, ``creator``, ``version``), every other element an ``alignment`` whose ``targetType`` names it
(``ext:EQFLevel``, ``ext:CreditPoint``...) and whose ``targetUrl`` is the EU concept IRI, and the texts in other
languages ``related`` achievements. The learner is identified by DID, or else by a salted SHA-256 hash of the
e-mail address, never the address itself.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from merit.core import vc
from merit.core.errors import MalformedValueError
from merit.core.microcredential import vocab
from merit.core.microcredential.schema import OB3_SCHEMA_URL
from merit.core.microcredential.spec import AwardingBody, Spec, Text
from merit.core.microcredential.units import UnitCover, alignments
from merit.core.recipients import check_did, check_email

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB3_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
MERIT_CONTEXT = "https://purl.org/merit/ns/eu-mc/v1"
"""The context of Merit's first encoding (before decision 0011): no longer issued, still bundled for verifying."""
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
        if self.email:
            check_email(self.email)
        if self.did:
            check_did(self.did)


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 ``identityHash``: ``sha256$`` and the hex SHA-256 of the normalised address followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def _hours(value: float) -> str:
    return f"PT{int(value)}H" if float(value).is_integer() else f"PT{int(value * 60)}M"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _alignment(
    target_type: str,
    name: str,
    url: str,
    *,
    framework: str | None = None,
    code: str | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """An OB 3.0 ``Alignment`` (``targetName`` and ``targetUrl`` are required by the OB 3.0 schema)."""
    alignment: dict[str, Any] = {"type": ["Alignment"], "targetType": target_type, "targetName": name, "targetUrl": url}
    if framework:
        alignment["targetFramework"] = framework
    if code:
        alignment["targetCode"] = code
    if description:
        alignment["targetDescription"] = description
    return alignment


def _part(iri: str, name: str) -> str:
    """An IRI for a part of the achievement ``iri``: a fragment, or a suffix when it has one already."""
    return f"{iri}-{name}" if "#" in iri else f"{iri}#{name}"


def _texts(spec: Spec, achievement_id: str, language: str | None) -> list[dict[str, Any]]:
    """The alignments whose texts depend on the language: learning outcomes, prerequisites, the assessment's
    description, quality assurance and integration (their description). ``language`` None is the default one."""

    def say(value: Text | None) -> str | None:
        if language is None:
            return spec.text(value)
        return value.get(language) if value else None

    found = []
    for number, outcome in enumerate(spec.learning_outcomes, start=1):
        if text := say(outcome.text):
            found.append(
                _alignment(vocab.LEARNING_OUTCOME, text, _part(achievement_id, f"outcome-{number}"), code=str(number))
            )
    if text := say(spec.assessment_description):
        found.append(_alignment(vocab.ASSESSMENT_DESCRIPTION, text, vocab.ELM + "LearningAssessmentSpecification"))
    if text := say(spec.prerequisites):
        found.append(_alignment(vocab.PREREQUISITES, text, vocab.ELM + "entryRequirement"))
    qa_iri, qa_label = vocab.QUALITY_ASSURANCE[spec.qa_type]
    if language is None or say(spec.qa_description):
        found.append(
            _alignment(
                vocab.QUALITY_ASSURANCE_TYPE,
                qa_label,
                qa_iri,
                framework="EU micro-credentials: type of quality assurance",
                code=spec.qa_type,
                description=say(spec.qa_description),
            )
        )
    if spec.integration_option and (language is None or say(spec.integration_description)):
        iri, label = vocab.INTEGRATION[spec.integration_option]
        found.append(
            _alignment(
                vocab.INTEGRATION_OPTION,
                label,
                iri,
                framework="EU micro-credentials: integration and stackability",
                code=spec.integration_option,
                description=say(spec.integration_description),
            )
        )
    return found


def _concept(target_type: str, table: dict[str, tuple[str, str]], key: str, framework: str) -> dict[str, Any]:
    iri, label = table[key]
    return _alignment(target_type, label, iri, framework=framework, code=key)


def _translations(spec: Spec, achievement_id: str) -> list[dict[str, Any]]:
    """OB 3.0 ``related`` achievements, one a language other than the default: the same achievement's name,
    description, criteria (``narrative``) and language-dependent alignments in that language."""
    criteria = spec.criteria or spec.assessment_description
    texts = [spec.title, spec.description, criteria, spec.prerequisites, spec.assessment_description]
    texts += [spec.qa_description, spec.integration_description, *(o.text for o in spec.learning_outcomes)]
    languages = dict.fromkeys(tag for text in texts if text for tag in text if tag != spec.language)
    related = []
    for language in languages:
        entry: dict[str, Any] = {
            "id": _part(achievement_id, f"lang-{language}"),
            "type": ["Related"],
            "inLanguage": language,
        }
        for key, value in (("name", spec.title), ("description", spec.description), ("narrative", criteria)):
            if value and value.get(language):
                entry[key] = value[language]
        if alignments := _texts(spec, achievement_id, language):
            entry["alignment"] = alignments
        related.append(entry)
    return related


def _achievement(spec: Spec, issuer: dict[str, Any]) -> dict[str, Any]:
    """The OB 3.0 ``Achievement``: built-in properties where OB 3.0 has them, every other Annex I element as an
    ``alignment`` whose ``targetType`` names it and whose ``targetUrl`` is its EU concept IRI (decision 0011)."""
    achievement_id = spec.id or f"urn:uuid:{_uuid4()}"
    name = spec.text(spec.title) or ""
    criteria = spec.text(spec.criteria) or spec.text(spec.assessment_description)
    outcomes = [spec.text(o.text) or "" for o in spec.learning_outcomes]
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "MicroCredential",
        "name": name,
        "description": spec.text(spec.description) or name,
        "criteria": {"narrative": criteria or "Learning outcomes: " + "; ".join(outcomes)},
        "inLanguage": spec.language,
        "creator": issuer,
    }
    if spec.version:
        achievement["version"] = spec.version
    if spec.isced_field:
        achievement["fieldOfStudy"] = vocab.isced_fields()[spec.isced_field]
    alignments = _texts(spec, achievement_id, None)
    for outcome in spec.learning_outcomes:
        for uri in outcome.esco_skills:
            alignments.append(
                _alignment(
                    vocab.ESCO_SKILL_TYPE,
                    vocab.esco_label(uri) or spec.text(outcome.text) or uri,
                    uri,
                    framework="ESCO",
                    code=vocab.ESCO_VERSION,
                    description=spec.text(outcome.text),
                )
            )
    if spec.eqf_level is not None:
        alignments.append(
            _alignment(
                vocab.EQF_LEVEL,
                f"EQF level {spec.eqf_level}",
                vocab.eqf_iri(spec.eqf_level),
                framework="European Qualifications Framework",
                code=str(spec.eqf_level),
            )
        )
    if spec.national_level:
        framework = spec.national_level.get("framework", "")
        level = spec.national_level.get("level", "")
        alignments.append(
            _alignment(
                vocab.NQF_LEVEL,
                f"{framework} level {level}".strip(),
                spec.national_level.get("iri") or vocab.ELM + "nqfLevel",
                framework=framework,
                code=level,
            )
        )
    if spec.isced_field:
        alignments.append(
            _alignment(
                vocab.ISCED_FIELD,
                vocab.isced_fields()[spec.isced_field],
                vocab.isced_iri(spec.isced_field),
                framework="ISCED-F 2013",
                code=spec.isced_field,
            )
        )
    if spec.ects is not None:
        alignments.append(
            _alignment(
                vocab.CREDIT_POINT,
                f"{_number(spec.ects)} ECTS credits",
                vocab.ECTS,
                framework="European Credit Transfer and Accumulation System",
                code=_number(spec.ects),
            )
        )
    if spec.hours is not None:
        alignments.append(
            _alignment(
                vocab.VOLUME_OF_LEARNING,
                f"{_number(spec.hours)} hours",
                vocab.ELM + "volumeOfLearning",
                framework="ISO 8601 duration",
                code=_hours(spec.hours),
            )
        )
    for kind in spec.assessment_types:
        alignments.append(_concept(vocab.ASSESSMENT_TYPE, vocab.ASSESSMENT_TYPES, kind, "EU assessment types"))
    alignments.append(_concept(vocab.MODE, vocab.MODES, spec.mode, "EU learning and assessment modes"))
    if spec.learning_setting:
        alignments.append(
            _concept(vocab.LEARNING_SETTING, vocab.LEARNING_SETTINGS, spec.learning_setting, "EU learning settings")
        )
    if spec.supervision:
        alignments.append(
            _concept(vocab.SUPERVISION_TYPE, vocab.SUPERVISION, spec.supervision, "EU supervision and verification")
        )
    if spec.qa_body or spec.qa_url:
        qa_iri = vocab.QUALITY_ASSURANCE[spec.qa_type][0]
        body_url = spec.qa_url or qa_iri
        alignments.append(_alignment(vocab.QUALITY_ASSURANCE_BODY, spec.qa_body or body_url, body_url))
    for iri in spec.part_of:
        alignments.append(_alignment(vocab.PART_OF, iri, iri))
    if spec.further_information:
        alignments.append(_alignment(vocab.FURTHER_INFORMATION, spec.further_information, spec.further_information))
    if spec.grading:
        achievement["resultDescription"] = [_result_description(spec)]
    achievement["alignment"] = alignments
    if related := _translations(spec, achievement_id):
        achievement["related"] = related
    return achievement


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


def achievement_subject(learner: Learner, salt: str | None = None) -> dict[str, Any]:
    """The OB 3.0 ``AchievementSubject`` of ``learner`` without its achievement: the DID as ``id``, the e-mail
    address as a salted SHA-256 ``IdentityObject`` (a fresh salt unless one is given), the name in plain text."""
    subject: dict[str, Any] = {}
    if learner.did:
        subject["id"] = learner.did
    subject["type"] = ["AchievementSubject"]
    identifiers: list[dict[str, Any]] = []
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
    return subject


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
    units: Sequence[UnitCover] = (),
) -> dict[str, Any]:
    """An unsigned Open Badges 3.0 credential for ``learner``, issued by ``issuer_id``.

    ``units`` are the units of qualifications the specification covers (its approved mappings), carried as
    ``alignment`` entries to the unit and qualification IRIs (:mod:`merit.core.microcredential.units`).

    When an organisation issues a micro-credential that another one created (a grant of issuing rights),
    ``awarding_body`` is the issuing organisation (Annex I's awarding body) and ``creator`` the creator's
    ``Profile``, which becomes ``achievement.creator``; otherwise the specification's awarding body is both.
    """
    issued = issued or datetime.now(UTC)
    if awarding_body is not None:
        spec = replace(spec, awarding_body=awarding_body)
    profile = issuer_profile(spec, issuer_id)
    achievement = _achievement(spec, creator or {"id": issuer_id, "type": ["Profile"], "name": spec.awarding_body.name})
    if units:
        achievement["alignment"] = [*achievement["alignment"], *alignments(units)]
    subject = achievement_subject(learner, salt)
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
        "@context": [VC2, OB3, OB3_EXTENSIONS],
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
