"""The stacked credential: an Open Badges 3.0 credential awarding a full or partial qualification, or one of its
units, and the component credentials and recognised units it rests on (``docs/decisions/0028-stacked-credentials.md``).

* ``achievementType``: OB 3.0's enumeration has no qualification term (``Certification``, ``Diploma`` and
  ``Degree`` say other things), so Merit uses its extension rule (``ext:`` and a name): ``ext:FullQualification``,
  ``ext:PartialQualification`` and ``ext:QualificationUnit``.
* The achievement's ``id`` is the register IRI of the qualification (or of the unit); each unit awarded is an
  ``ext:QualificationUnit`` alignment covering it fully and the qualification a ``ceterms:Credential`` alignment
  with its IRI and code, exactly as a micro-credential names the units it covers (decision 0025). The EQF and
  national levels are alignments as in every micro-credential Merit issues (decision 0011).
* ``evidence``: one entry per component credential, whose ``id`` is the component's credential id and whose
  ``digestSRI`` (VC 2.0 §5.3, a term of the VC 2.0 context) is the SHA-256 of its bytes exactly as verified at the
  award; one entry per unit recognised by validation, whose ``id`` is the decision's IRI. ``genre`` tells them
  apart. :func:`cited` reads them back for a verifier.

The learner is identified as in every other credential (a DID, or a salted hash of the e-mail address). Status
entries and the proof are added by the issuer's signing service.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from merit.core import vc
from merit.core.errors import MalformedValueError
from merit.core.microcredential import vocab
from merit.core.microcredential.render import OB3, OB3_EXTENSIONS, VC2, Learner, achievement_subject
from merit.core.microcredential.schema import OB3_SCHEMA_URL
from merit.core.microcredential.units import UnitCover
from merit.core.microcredential.units import alignments as units_alignments
from merit.core.qualifications.basis import Basis
from merit.core.qualifications.model import Qualification, Rule, Unit

FULL_QUALIFICATION = "ext:FullQualification"
PARTIAL_QUALIFICATION = "ext:PartialQualification"
QUALIFICATION_UNIT = "ext:QualificationUnit"
AWARD_TYPES = (FULL_QUALIFICATION, PARTIAL_QUALIFICATION, QUALIFICATION_UNIT)
QUALIFICATION_ALIGNMENT = "ceterms:Credential"
COMPONENT = "Component credential"
RECOGNITION = "Recognition of prior learning"
"""The ``genre`` of an evidence entry: a component credential, or a unit recognised by validation."""
FRAMEWORKS = {
    "PL": "Polska Rama Kwalifikacji (PRK)",
    "SE": "Sveriges referensram för kvalifikationer (SeQF)",
    "NO": "Nasjonalt kvalifikasjonsrammeverk (NKR)",
    "FI": "Kansallinen tutkintojen ja osaamisen viitekehys",
}


def digest_sri(data: bytes) -> str:
    """The Subresource Integrity digest (``sha256-`` and base64) of ``data``."""
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def _alignment(
    kind: str, name: str, url: str, *, code: str | None = None, framework: str | None = None
) -> dict[str, Any]:
    alignment: dict[str, Any] = {"type": ["Alignment"], "targetType": kind, "targetName": name, "targetUrl": url}
    if framework:
        alignment["targetFramework"] = framework
    if code:
        alignment["targetCode"] = code
    return alignment


def _rule_text(qualification: Qualification, rule: Rule) -> str:
    def codes(iris: tuple[str, ...]) -> str:
        units = [qualification.unit(iri) for iri in iris] if iris else list(qualification.units)
        return ", ".join(unit.code or unit.iri for unit in units if unit is not None)

    if rule.kind == "all":
        return f"every unit of {codes(rule.units)}"
    if rule.kind == "choose":
        return f"{rule.count} of {codes(rule.units)}"
    if rule.kind == "credits":
        return f"{rule.credits:g} credits from {codes(rule.units)}"
    return f"the qualification {rule.qualification}"


def _levels(qualification: Qualification) -> list[dict[str, Any]]:
    found = []
    if qualification.eqf_level is not None:
        found.append(
            _alignment(
                vocab.EQF_LEVEL,
                f"EQF level {qualification.eqf_level}",
                vocab.eqf_iri(qualification.eqf_level),
                code=str(qualification.eqf_level),
                framework="European Qualifications Framework",
            )
        )
    if qualification.nqf_level:
        framework = FRAMEWORKS.get(qualification.country or "", "National qualifications framework")
        level = qualification.extra.get("nqfLevelCode") if isinstance(qualification.extra, dict) else None
        name = f"{framework} level {level}" if level else f"{framework} level"
        found.append(
            _alignment(
                vocab.NQF_LEVEL,
                name,
                qualification.nqf_level,
                code=str(level) if level else None,
                framework=framework,
            )
        )
    return found


def _evidence(qualification: Qualification, basis: Basis, names: dict[str, str]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for piece in basis.pieces:
        entries.append(
            {
                "id": piece.credential_id,
                "type": ["Evidence"],
                "name": names.get(piece.credential_id) or "Component credential",
                "genre": COMPONENT,
                "digestSRI": digest_sri(piece.document),
            }
        )
    for recognition in basis.recognitions:
        unit = qualification.unit(recognition.unit)
        title = qualification.text(unit.title) if unit is not None else recognition.unit
        by = f" by {recognition.assessor}" if recognition.assessor else ""
        supervision = (
            f"; {vocab.SUPERVISION[recognition.supervision][1]}" if recognition.supervision in vocab.SUPERVISION else ""
        )
        entries.append(
            {
                "id": recognition.decision,
                "type": ["Evidence"],
                "name": f"Recognised: {unit.code + ' ' if unit is not None and unit.code else ''}{title}",
                "genre": RECOGNITION,
                "description": recognition.unit,
                "narrative": f"The unit was recognised{by} after {recognition.method} on "
                f"{vc.stamp(recognition.decided_at)[:10]}{supervision}.",
            }
        )
    return entries


def render_award(
    qualification: Qualification,
    basis: Basis,
    learner: Learner,
    issuer: dict[str, Any],
    *,
    units: tuple[Unit, ...] | None = None,
    unit: str | None = None,
    credential_id: str | None = None,
    issued: datetime | None = None,
    salt: str | None = None,
    names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The unsigned credential awarding ``qualification`` (or, with ``unit``, that one unit of it) to ``learner``,
    issued by ``issuer`` (an OB 3.0 ``Profile`` with the institution's DID as ``id``), resting on ``basis``.

    ``units`` are the units completed (every unit of the qualification when not given); ``names`` the component
    credentials' names by id, for the evidence entries. Whether the basis meets the rules is the caller's check
    (:func:`merit.core.qualifications.rules.progress`); this only renders.
    """
    if basis.qualification != qualification.iri:
        raise MalformedValueError("the basis is for another qualification")
    if not isinstance(issuer, dict) or not str(issuer.get("id", "")).startswith("did:"):
        raise MalformedValueError("the issuer must be a Profile whose id is a DID")
    if not basis.pieces and not basis.recognitions:
        raise MalformedValueError("a qualification credential must rest on at least one credential or recognition")
    ids = [piece.credential_id for piece in basis.pieces]
    if len(set(ids)) != len(ids):
        raise MalformedValueError("the basis cites a component credential twice")
    for cited_id in ids:
        if not vc.is_url(cited_id):
            raise MalformedValueError(f"the component credential id {cited_id!r} is not a URL")
    issued = issued or datetime.now(UTC)
    title = qualification.text(qualification.title) or qualification.code
    awarded: Unit | None = None
    if unit is not None:
        awarded = qualification.unit(unit)
        if awarded is None:
            raise MalformedValueError(f"{unit} is not a unit of {qualification.iri}")
    covered = (awarded,) if awarded is not None else (units if units is not None else qualification.units)
    if awarded is not None:
        unit_title = qualification.text(awarded.title) or awarded.code
        name = f"{unit_title} ({title})"
        kind = QUALIFICATION_UNIT
        description = f"A unit (set of learning outcomes) of the qualification {qualification.code} {title}."
        outcomes = [qualification.text(o.text) or "" for o in awarded.outcomes]
        criteria = (
            "Learning outcomes verified: " + "; ".join(o for o in outcomes if o)
            if any(outcomes)
            else f"The learning outcomes of the unit {awarded.code or awarded.iri} were verified."
        )
        achievement_id = awarded.iri
    else:
        name = title
        kind = FULL_QUALIFICATION if qualification.kind == "full" else PARTIAL_QUALIFICATION
        words = "full" if qualification.kind == "full" else "partial"
        description = qualification.text(qualification.description) or f"A {words} qualification: {title}."
        rules = "; ".join(_rule_text(qualification, rule) for rule in qualification.effective_rules)
        criteria = f"Awarded when the completion rules are met: {rules}."
        achievement_id = qualification.iri
    covers = [
        UnitCover(
            unit=u.iri,
            unit_name=qualification.text(u.title) or u.code or u.iri,
            qualification=qualification.iri,
            qualification_name=title,
            coverage="full",
            unit_code=u.code,
            qualification_code=qualification.code,
        )
        for u in covered
    ]
    # The units awarded and the qualification, as a micro-credential names the units it covers (decision 0025).
    alignments = [*units_alignments(covers), *_levels(qualification)]
    if not covers:
        alignments.insert(
            0, _alignment(QUALIFICATION_ALIGNMENT, title, qualification.iri, code=qualification.code or None)
        )
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": kind,
        "name": name,
        "description": description,
        "criteria": {"narrative": criteria},
        "creator": issuer,
        "alignment": alignments,
    }
    if qualification.credits is not None and awarded is None:
        achievement["alignment"].append(
            _alignment(
                vocab.CREDIT_POINT,
                f"{qualification.credits:g} credits",
                vocab.ELM + "creditPoint",
                code=f"{qualification.credits:g}",
            )
        )
    subject = achievement_subject(learner, salt)
    subject["achievement"] = achievement
    credential: dict[str, Any] = {
        "@context": [VC2, OB3, OB3_EXTENSIONS],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": issuer,
        "validFrom": vc.stamp(issued),
        "credentialSubject": subject,
        "evidence": _evidence(qualification, basis, names or {}),
        "credentialSchema": [{"id": OB3_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    return credential


@dataclass(frozen=True)
class Cited:
    """What a stacked credential's ``evidence`` entry says: a component credential (``kind`` ``component``: its id
    and ``digest``, a ``digestSRI`` value) or a recognised unit (``recognition``: the decision's IRI and the unit)."""

    kind: str
    id: str
    name: str
    digest: str | None = None
    unit: str | None = None
    narrative: str | None = None


def is_award(credential: Any) -> bool:
    """Whether ``credential`` says it awards a qualification or a unit (its achievement's type)."""
    if not isinstance(credential, dict):
        return False
    subject = credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    return isinstance(achievement, dict) and achievement.get("achievementType") in AWARD_TYPES


def _text(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return value if isinstance(value, str) else None


def cited(credential: dict[str, Any]) -> list[Cited]:
    """The components and recognitions a stacked credential's ``evidence`` cites; an entry without an id, or a
    component without a digest, is listed with what it has (the caller reports it as not checkable)."""
    found: list[Cited] = []
    for entry in vc.as_list(credential.get("evidence")):
        if not isinstance(entry, dict):
            continue
        ident, name = _text(entry, "id") or "", _text(entry, "name") or ""
        if entry.get("genre") == RECOGNITION:
            found.append(
                Cited("recognition", ident, name, unit=_text(entry, "description"), narrative=_text(entry, "narrative"))
            )
        else:
            found.append(Cited("component", ident, name, _text(entry, "digestSRI")))
    return found
