"""Completeness of a micro-credential specification against Annex I of Council Recommendation 2022/C 243/02.

https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32022H0627(02) . ``lint_spec`` never raises: any JSON
value gets a report naming each missing mandatory element, each invalid value, and optional elements worth adding.
The learner's identification and the date of issuing are added when a credential is issued, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from merit.core.microcredential import vocab
from merit.core.microcredential.schema import compiled, schema_errors

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCO = re.compile(r"^http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# Each mandatory element: (Annex I name, how to tell it is present).
MANDATORY: tuple[tuple[str, str], ...] = (
    ("title of the micro-credential", "title"),
    ("awarding body", "awardingBody.name"),
    ("country/region of the issuer", "awardingBody.country"),
    ("learning outcomes", "learningOutcomes"),
    ("notional workload (ECTS credits or hours)", "workload"),
    ("type of assessment", "assessment.types"),
    ("form of participation in the learning activity", "participation.mode"),
    ("type of quality assurance", "qualityAssurance.type"),
)
OPTIONAL: tuple[tuple[str, str], ...] = (
    ("EQF level", "eqfLevel"),
    ("description", "description"),
    ("field of education (ISCED-F)", "iscedField"),
    ("prerequisites needed to enrol", "prerequisites"),
    ("supervision and identity verification during assessment", "supervision"),
    ("grade achieved", "grading"),
    ("integration or stackability options", "integration"),
    ("further information", "furtherInformation"),
)


@dataclass(frozen=True)
class LintIssue:
    """One error, with a stable ``code`` and its ``params`` so that pages can say it in the reader's language;
    ``message`` is the English text (what ``errors`` lists)."""

    code: str
    message: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class LintReport:
    """What ``merit lint`` prints: errors block issuing; suggestions do not."""

    errors: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    issues: list[LintIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, code: str, message: str, **params: object) -> None:
        self.errors.append(message)
        self.issues.append(LintIssue(code, message, {k: str(v) for k, v in params.items()}))

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "errors": self.errors, "missing": self.missing, "suggestions": self.suggestions}


SPEC_SCHEMA = "merit-microcredential-spec.schema.json"


def _get(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def has_element(data: dict[str, Any], dotted: str) -> bool:
    """Whether the specification gives the element at ``dotted`` (``awardingBody.name``, say) a value."""
    return _present(_get(data, dotted))


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [s for key, child in value.items() for s in _strings(child, f"{path}.{key}" if path else str(key))]
    if isinstance(value, list):
        return [s for index, child in enumerate(value) for s in _strings(child, f"{path}[{index}]")]
    return []


def _check_values(data: dict[str, Any], report: LintReport) -> None:
    eqf = data.get("eqfLevel")
    if eqf is not None and not (isinstance(eqf, int) and not isinstance(eqf, bool) and 1 <= eqf <= 8):
        report.error("eqf-level", f"EQF level must be a whole number from 1 to 8, not {eqf!r}", value=eqf)
    field_code = data.get("iscedField")
    if field_code is not None and field_code not in vocab.isced_fields():
        message = f"ISCED-F field {field_code!r} is not an ISCED-F 2013 code (for example 0613)"
        report.error("isced-field", message, value=field_code)
    for index, outcome in enumerate(data.get("learningOutcomes") or []):
        if isinstance(outcome, dict):
            if not _present(outcome.get("text")):
                report.error("outcome-text", f"learning outcome {index + 1} has no text", number=index + 1)
            for skill in outcome.get("escoSkills") or []:
                if isinstance(skill, str) and not _ESCO.match(skill):
                    message = f"{skill!r} is not an ESCO skill URI (http://data.europa.eu/esco/skill/…)"
                    report.error("esco-skill", message, value=skill)
    workload = data.get("workload")
    if isinstance(workload, dict) and not (_present(workload.get("ects")) or _present(workload.get("hours"))):
        report.error("workload", "notional workload needs ECTS credits or hours")
    if isinstance(workload, dict) and isinstance(workload.get("ects"), int | float) and workload["ects"] * 2 % 1:
        report.error("ects-step", "ECTS credits are counted in steps of 0.5")
    checks = (
        ("assessment.types", vocab.ASSESSMENT_TYPES, "type of assessment"),
        ("participation.mode", vocab.MODES, "form of participation"),
        ("participation.setting", vocab.LEARNING_SETTINGS, "learning setting"),
        ("qualityAssurance.type", vocab.QUALITY_ASSURANCE, "type of quality assurance"),
        ("supervision", vocab.SUPERVISION, "supervision"),
        ("integration.option", vocab.INTEGRATION, "integration option"),
    )
    for dotted, table, name in checks:
        value = _get(data, dotted)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item not in table:
                allowed = ", ".join(table)
                report.error("vocabulary", f"{name} {item!r} is not one of: {allowed}", field=dotted, value=item)
    language = data.get("language")
    for dotted in ("title", "description"):
        text = data.get(dotted)
        if isinstance(text, dict) and isinstance(language, str) and text and language not in text:
            message = f"{dotted} has no text in the default language {language!r}"
            report.error("default-language", message, field=dotted, language=language)


def lint_spec(data: Any) -> LintReport:
    """Check a specification (parsed JSON) and report; never raises."""
    report = LintReport()
    if not isinstance(data, dict):
        report.error("not-an-object", "a specification must be a JSON object")
        return report
    for path, detail in schema_errors(compiled(SPEC_SCHEMA), data):
        where = path or "specification"
        report.error("schema", f"invalid value at {where}: {detail}", field=where, detail=detail)
    for path, text in _strings(data, ""):
        if _CONTROL.search(text):
            message = f"{path} contains control characters (remove them; only tab and newline are allowed)"
            report.error("control-characters", message, field=path)
    for name, dotted in MANDATORY:
        if not has_element(data, dotted):
            report.missing.append(name)
            report.error("missing", f"missing mandatory element: {name} ({dotted})", field=dotted)
    if not _present(data.get("language")):
        report.error("language", "missing the default language (language), for example 'en' or 'sv'")
    if not report.errors or all(not e.startswith("invalid value") for e in report.errors):
        _check_values(data, report)
    for name, dotted in OPTIONAL:
        if not has_element(data, dotted):
            report.suggestions.append(f"consider adding the {name} ({dotted})")
    return report
