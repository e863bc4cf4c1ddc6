"""Merit's JSON form of a qualification (the API's and the JSON export's, and how the server keeps units and rules):
:func:`to_json` and :func:`from_json`, which raises :class:`MalformedValueError` naming the first bad field."""

from __future__ import annotations

from typing import Any, cast

from merit.core.errors import MalformedValueError
from merit.core.qualifications.model import KINDS, RULE_KINDS, Outcome, Qualification, Rule, Text, Unit

FORMAT = "https://purl.org/merit/ns/qualification/v1"


def _text(value: Any, name: str, *, required: bool = False) -> Text | None:
    if value is None or value == {}:
        if required:
            raise MalformedValueError(f"{name} is required")
        return None
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise MalformedValueError(f"{name} must be a text or a map of language tags to texts")
    texts = {k: v.strip() for k, v in value.items() if v.strip()}
    if required and not texts:
        raise MalformedValueError(f"{name} is required")
    return texts or None


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise MalformedValueError(f"{name} must be a list of strings")
    return tuple(value)


def _number(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MalformedValueError(f"{name} must be a number")
    return float(value)


def _integer(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedValueError(f"{name} must be a whole number")
    return value


def _string(value: Any, name: str, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise MalformedValueError(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise MalformedValueError(f"{name} must be a string")
    return value


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, (), [], {})}


def outcome_to_json(outcome: Outcome) -> dict[str, Any]:
    return _clean({"text": outcome.text, "esco": list(outcome.esco), "criteria": list(outcome.criteria)})


def unit_to_json(unit: Unit) -> dict[str, Any]:
    return _clean(
        {
            "id": unit.iri,
            "code": unit.code,
            "title": unit.title,
            "outcomes": [outcome_to_json(o) for o in unit.outcomes],
            "verification": unit.verification,
            "credits": unit.credits,
            "status": unit.status,
            "acceptedAssessment": list(unit.accepted_assessment),
            "minSupervision": unit.min_supervision,
        }
    )


def rule_to_json(rule: Rule) -> dict[str, Any]:
    return _clean(
        {
            "kind": rule.kind,
            "units": list(rule.units),
            "count": rule.count,
            "credits": rule.credits,
            "qualification": rule.qualification,
            "label": rule.label,
        }
    )


def to_json(qualification: Qualification) -> dict[str, Any]:
    q = qualification
    return _clean(
        {
            "format": FORMAT,
            "id": q.iri,
            "code": q.code,
            "kind": q.kind,
            "title": q.title,
            "language": q.language,
            "source": q.source,
            "description": q.description,
            "country": q.country,
            "nqfLevel": q.nqf_level,
            "eqfLevel": q.eqf_level,
            "iscedField": q.isced,
            "credits": q.credits,
            "status": q.status,
            "units": [unit_to_json(u) for u in q.units],
            "rules": [rule_to_json(r) for r in q.rules],
            "validityMonths": q.validity_months,
            "awardingBodies": list(q.awarding_bodies),
            "homepage": q.homepage,
            "extra": q.extra,
        }
    )


def outcome_from_json(data: Any, name: str) -> Outcome:
    if isinstance(data, str):
        data = {"text": data}
    if not isinstance(data, dict):
        raise MalformedValueError(f"{name} must be an object")
    criteria = data.get("criteria") or []
    if not isinstance(criteria, list):
        raise MalformedValueError(f"{name}.criteria must be a list")
    return Outcome(
        text=cast(Text, _text(data.get("text"), f"{name}.text", required=True)),
        esco=_strings(data.get("esco"), f"{name}.esco"),
        criteria=tuple(cast(Text, _text(c, f"{name}.criteria", required=True)) for c in criteria),
    )


def unit_from_json(data: Any, name: str) -> Unit:
    if not isinstance(data, dict):
        raise MalformedValueError(f"{name} must be an object")
    outcomes = data.get("outcomes") or []
    if not isinstance(outcomes, list):
        raise MalformedValueError(f"{name}.outcomes must be a list")
    return Unit(
        iri=cast(str, _string(data.get("id"), f"{name}.id", required=True)),
        code=_string(data.get("code"), f"{name}.code") or "",
        title=cast(Text, _text(data.get("title"), f"{name}.title", required=True)),
        outcomes=tuple(outcome_from_json(o, f"{name}.outcomes[{i}]") for i, o in enumerate(outcomes)),
        verification=_text(data.get("verification"), f"{name}.verification"),
        credits=_number(data.get("credits"), f"{name}.credits"),
        status=_string(data.get("status"), f"{name}.status") or "active",
        accepted_assessment=_strings(data.get("acceptedAssessment"), f"{name}.acceptedAssessment"),
        min_supervision=_string(data.get("minSupervision"), f"{name}.minSupervision"),
    )


def rule_from_json(data: Any, name: str) -> Rule:
    if not isinstance(data, dict):
        raise MalformedValueError(f"{name} must be an object")
    kind = data.get("kind")
    if kind not in RULE_KINDS:
        raise MalformedValueError(f"{name}.kind must be one of {', '.join(RULE_KINDS)}")
    return Rule(
        kind=kind,
        units=_strings(data.get("units"), f"{name}.units"),
        count=_integer(data.get("count"), f"{name}.count"),
        credits=_number(data.get("credits"), f"{name}.credits"),
        qualification=_string(data.get("qualification"), f"{name}.qualification"),
        label=_text(data.get("label"), f"{name}.label"),
    )


def from_json(data: Any) -> Qualification:
    """A :class:`Qualification` from Merit's JSON form; its rules are not checked here (:func:`rules.check`)."""
    if not isinstance(data, dict):
        raise MalformedValueError("a qualification must be a JSON object")
    kind = data.get("kind")
    if kind not in KINDS:
        raise MalformedValueError(f"kind must be one of {', '.join(KINDS)}")
    units, rules, extra = data.get("units") or [], data.get("rules") or [], data.get("extra") or {}
    if not isinstance(units, list) or not isinstance(rules, list) or not isinstance(extra, dict):
        raise MalformedValueError("units and rules must be lists, extra an object")
    return Qualification(
        iri=cast(str, _string(data.get("id"), "id", required=True)),
        code=_string(data.get("code"), "code") or "",
        kind=kind,
        title=cast(Text, _text(data.get("title"), "title", required=True)),
        language=_string(data.get("language"), "language") or "en",
        source=_string(data.get("source"), "source") or "merit",
        description=_text(data.get("description"), "description"),
        country=_string(data.get("country"), "country"),
        nqf_level=_string(data.get("nqfLevel"), "nqfLevel"),
        eqf_level=_integer(data.get("eqfLevel"), "eqfLevel"),
        isced=_string(data.get("iscedField"), "iscedField"),
        credits=_number(data.get("credits"), "credits"),
        status=_string(data.get("status"), "status") or "active",
        units=tuple(unit_from_json(u, f"units[{i}]") for i, u in enumerate(units)),
        rules=tuple(rule_from_json(r, f"rules[{i}]") for i, r in enumerate(rules)),
        validity_months=_integer(data.get("validityMonths"), "validityMonths"),
        awarding_bodies=_strings(data.get("awardingBodies"), "awardingBodies"),
        homepage=_string(data.get("homepage"), "homepage"),
        extra=extra,
    )
