"""Reading the Annex I elements back out of an Open Badges 3.0 credential, for display and completeness checks.

Works on any OB 3.0 credential: elements that Merit's extension carries are read from it, and the plain OB 3.0
alignments that other issuers use (EQF, ESCO) are read too. Each mandatory element is reported present or not.
"""

from __future__ import annotations

from typing import Any

from merit.core.microcredential import vocab

_EQF = vocab.SNB + "eqf/"


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _label(iri: Any) -> str | None:
    if not isinstance(iri, str):
        return None
    return vocab.ALL_CONCEPTS.get(iri, iri)


def extract_spec_view(credential: dict[str, Any]) -> dict[str, Any]:
    """The Annex I elements of ``credential``, readable, with ``missing`` listing absent mandatory ones."""
    subject = _first(credential.get("credentialSubject")) or {}
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    achievement = achievement if isinstance(achievement, dict) else {}
    issuer = credential.get("issuer")
    issuer = issuer if isinstance(issuer, dict) else {"id": issuer}
    address = issuer.get("address")
    address = address if isinstance(address, dict) else {}
    alignments = [a for a in achievement.get("alignment", []) if isinstance(a, dict)]
    skills = [
        {"uri": a.get("targetUrl"), "label": a.get("targetName")}
        for a in alignments
        if a.get("targetFramework") == "ESCO" or str(a.get("targetUrl", "")).startswith(vocab.ESCO_SKILL)
    ]
    eqf = achievement.get("eqfLevel") or next(
        (a.get("targetUrl") for a in alignments if str(a.get("targetUrl", "")).startswith(_EQF)), None
    )
    credits = [c for c in achievement.get("creditPoint", []) if isinstance(c, dict)]
    ects = next((c.get("point") for c in credits if c.get("framework") == vocab.ECTS), None)
    outcomes = [o.get("title") for o in achievement.get("learningOutcome", []) if isinstance(o, dict)]
    criteria = achievement.get("criteria")
    if not outcomes and isinstance(criteria, dict) and criteria.get("narrative"):
        outcomes = [criteria["narrative"]]  # Plain OB 3.0 credentials state their outcomes in the criteria.
    quality = _first(achievement.get("qualityAssurance")) or {}
    identifiers = subject.get("identifier", []) if isinstance(subject, dict) else []
    view: dict[str, Any] = {
        "title": achievement.get("name"),
        "titles": achievement.get("title"),
        "description": achievement.get("description"),
        "learner": subject.get("id")
        or next((i.get("identityType") for i in identifiers if isinstance(i, dict) and i.get("hashed")), None),
        "learnerName": next(
            (i.get("identityHash") for i in identifiers if isinstance(i, dict) and i.get("identityType") == "name"),
            None,
        ),
        "awardingBody": issuer.get("name"),
        "issuerId": issuer.get("id"),
        "country": address.get("addressCountryCode"),
        "region": address.get("addressRegion"),
        "issued": credential.get("validFrom") or credential.get("issuanceDate"),
        "validUntil": credential.get("validUntil") or credential.get("expirationDate"),
        "learningOutcomes": outcomes,
        "skills": skills,
        "ects": ects,
        "hours": achievement.get("volumeOfLearning"),
        "eqfLevel": int(eqf.removeprefix(_EQF)) if isinstance(eqf, str) and eqf.removeprefix(_EQF).isdigit() else None,
        "field": achievement.get("fieldOfStudy"),
        "assessment": [_label(t) for t in achievement.get("assessmentType", [])],
        "participation": _label(achievement.get("mode")),
        "learningSetting": _label(achievement.get("learningSetting")),
        "qualityAssurance": _label(quality.get("qaType")) if isinstance(quality, dict) else None,
        "qualityAssuranceBody": quality.get("accreditingAgent") if isinstance(quality, dict) else None,
        "supervision": _label(achievement.get("supervision")),
        "prerequisites": achievement.get("prerequisites"),
        "integration": _label(achievement.get("integrationOption")),
        "partOf": achievement.get("partOf"),
        "grade": next((r.get("value") for r in subject.get("result", []) if isinstance(r, dict)), None)
        if isinstance(subject, dict)
        else None,
        "furtherInformation": achievement.get("furtherInformation"),
    }
    view["missing"] = missing_elements(view)
    return view


def missing_elements(view: dict[str, Any]) -> list[str]:
    """The Annex I mandatory elements a display view (the keys of :func:`extract_spec_view`) lacks, by name."""
    mandatory = {
        "identification of the learner": view["learner"],
        "title of the micro-credential": view["title"],
        "country/region of the issuer": view["country"],
        "awarding body": view["awardingBody"],
        "date of issuing": view["issued"],
        "learning outcomes": view["learningOutcomes"],
        "notional workload": view["ects"] or view["hours"],
        "type of assessment": view["assessment"],
        "form of participation": view["participation"],
        "type of quality assurance": view["qualityAssurance"],
    }
    return [name for name, value in mandatory.items() if not value]
