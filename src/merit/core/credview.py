"""One typed view of a credential's content, whatever its format: what the portal, the passport and the PDF show.

Each format's reader fills a :class:`CredentialView` (``merit.core.microcredential.view.view_of`` for Open Badges
3.0 in both of Merit's encodings, ``merit.core.openbadges2.view`` for Open Badges 2.0, ``merit.core.edc`` for
Europass): one field per Annex I element of Council Recommendation 2022/C 243/02, texts kept in every language the
credential has (:data:`Texts`, chosen for a reader with :meth:`CredentialView.text`), EU concepts with their IRI,
English label and Merit's code, and the workload as numbers (:func:`duration_hours` is the one parser of ISO 8601
durations). :meth:`CredentialView.as_dict` gives the older dictionary keys (``extract_spec_view``'s).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from merit.core import texts

Texts = dict[str, str]
"""A text in several languages: language tag → text; the key ``""`` holds a text whose language is not stated."""

_DURATION = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?)?$"
)


def duration_hours(value: Any) -> Decimal | None:
    """Hours in an ISO 8601 duration of days, hours and minutes (``PT135H``, ``PT90M``, ``P2DT4H``), else None."""
    match = _DURATION.match(value) if isinstance(value, str) else None
    if match is None or not any(match.groupdict().values()):
        return None
    parts = {name: Decimal(amount or 0) for name, amount in match.groupdict().items()}
    return parts["days"] * 24 + parts["hours"] + parts["minutes"] / 60


def number(value: Any) -> Decimal | None:
    """A finite, positive number from a JSON number or numeric string (``"5"``, ``7.5``), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        found = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return found if found.is_finite() and found > 0 else None


def as_texts(value: Any, language: str | None = None) -> Texts:
    """``value`` (a string, a language map or JSON-LD value objects) as :data:`Texts`; a plain string is taken
    to be in ``language`` (the credential's, when it states one)."""
    if isinstance(value, str):
        return {language or "": value} if value.strip() else {}
    if isinstance(value, dict) and "@value" in value:
        value = [value]
    if isinstance(value, list):
        found: Texts = {}
        for item in value:
            if isinstance(item, dict) and isinstance(item.get("@value"), str):
                found.setdefault(str(item.get("@language") or language or ""), item["@value"])
            elif isinstance(item, str) and item.strip():
                found.setdefault(language or "", item)
        return found
    if texts.is_language_map(value):
        return {k: (v[0] if isinstance(v, list) else v) for k, v in value.items() if isinstance(v, str) or v}
    return {}


def pick(value: Texts, languages: Sequence[str | None]) -> tuple[str | None, str | None]:
    """The text of ``value`` for a reader of ``languages`` and its language tag (None when not stated), by the
    rule of :func:`merit.core.texts.pick`; a text of unstated language comes last."""
    tagged = {k: v for k, v in value.items() if k}
    text, tag = texts.pick(tagged, languages) if tagged else (None, None)
    if text is None and value.get("", "").strip():
        return value[""], None
    return text, tag


@dataclass(frozen=True)
class Concept:
    """A value from a controlled vocabulary: its IRI, its label (English for EU concepts Merit knows, else the
    issuer's own text) and Merit's code for it (``online``, ``written-examination``) when Merit knows it."""

    iri: str | None
    label: str
    code: str | None = None


@dataclass(frozen=True)
class Skill:
    uri: str | None
    label: str | None


@dataclass(frozen=True)
class Outcome:
    """A learning outcome and the ESCO skills it is aligned with."""

    text: Texts
    skills: tuple[Skill, ...] = ()


@dataclass(frozen=True)
class NationalLevel:
    framework: str
    level: str
    iri: str | None = None


@dataclass(frozen=True)
class UnitAlignment:
    """A unit of a qualification (a set of learning outcomes) the credential says it covers, ``full`` or
    ``partial``, with the qualification's IRI when it names it (``docs/pathways.md``)."""

    unit: str
    coverage: str = "full"
    qualification: str | None = None


@dataclass
class CredentialView:
    """Everything a credential says that a reader is shown, one field per Annex I element."""

    format: str = "vc"
    language: str | None = None
    id: str | None = None
    title: Texts = field(default_factory=dict)
    description: Texts = field(default_factory=dict)
    criteria: Texts = field(default_factory=dict)
    learner: str | None = None
    learner_name: str | None = None
    awarding_body: str | None = None
    issuer_id: str | None = None
    issuer_url: str | None = None
    country: str | None = None
    region: str | None = None
    issued: str | None = None
    valid_until: str | None = None
    micro: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    skills: list[Skill] = field(default_factory=list)
    ects: Decimal | None = None
    hours: Decimal | None = None
    eqf_level: int | None = None
    national_level: NationalLevel | None = None
    isced_field: str | None = None
    field_of_study: Texts = field(default_factory=dict)
    assessment: list[Concept] = field(default_factory=list)
    assessment_description: Texts = field(default_factory=dict)
    mode: Concept | None = None
    learning_setting: Concept | None = None
    supervision: Concept | None = None
    quality_assurance: Concept | None = None
    quality_assurance_body: str | None = None
    quality_assurance_url: str | None = None
    quality_assurance_description: Texts = field(default_factory=dict)
    prerequisites: Texts = field(default_factory=dict)
    integration: Concept | None = None
    integration_description: Texts = field(default_factory=dict)
    part_of: list[str] = field(default_factory=list)
    units: list[UnitAlignment] = field(default_factory=list)
    grade: str | None = None
    further_information: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Format-specific keys a reader adds (the Open Badges 2.0 ``criteria`` URL, EDC's ``credentialType``...)."""

    @classmethod
    def from_keys(cls, data: dict[str, Any], format: str) -> CredentialView:
        """The view of a reader that gives the older dictionary keys (Open Badges 2.0's ``assertion_view``,
        Europass's ``edc_view``): texts in the language the reader chose (``data["language"]`` when it says),
        concepts by their label (with Merit's IRI and code when the label or IRI is one of Merit's), and the keys
        this view has no field for kept in :attr:`extra`."""
        language = data.get("language") if isinstance(data.get("language"), str) else None
        titles = data.get("titles")
        title = as_texts(titles) if texts.is_language_map(titles) else as_texts(data.get("title"), language)
        hours = data.get("hours")
        return cls(
            format=format,
            language=language,
            id=_string(data.get("id")),
            title=title,
            description=as_texts(data.get("description"), language),
            learner=_string(data.get("learner")),
            learner_name=_string(data.get("learnerName")),
            awarding_body=_string(data.get("awardingBody")),
            issuer_id=_string(data.get("issuerId")),
            issuer_url=_string(data.get("issuerUrl")),
            country=_string(data.get("country")),
            region=_string(data.get("region")),
            issued=_string(data.get("issued")),
            valid_until=_string(data.get("validUntil")),
            outcomes=[Outcome(t) for t in (as_texts(o, language) for o in data.get("learningOutcomes") or []) if t],
            skills=[
                Skill(_string(s.get("uri")), _string(s.get("label")))
                for s in data.get("skills") or []
                if isinstance(s, dict)
            ],
            ects=number(data.get("ects")),
            hours=duration_hours(hours) if isinstance(hours, str) else number(hours),
            eqf_level=data["eqfLevel"] if isinstance(data.get("eqfLevel"), int) else None,
            field_of_study=as_texts(data.get("field"), language),
            assessment=[c for c in (labelled(a) for a in data.get("assessment") or []) if c],
            mode=labelled(data.get("participation")),
            learning_setting=labelled(data.get("learningSetting")),
            supervision=labelled(data.get("supervision")),
            quality_assurance=labelled(data.get("qualityAssurance")),
            quality_assurance_body=_string(data.get("qualityAssuranceBody")),
            prerequisites=as_texts(data.get("prerequisites"), language),
            integration=labelled(data.get("integration")),
            part_of=[p for p in data.get("partOf") or [] if isinstance(p, str)],
            grade=_string(data.get("grade")),
            further_information=_string(data.get("furtherInformation")),
            extra={k: v for k, v in data.items() if k not in _KEYS},
        )

    def text(self, value: Texts, languages: Sequence[str | None]) -> str | None:
        """The text of one of this view's :data:`Texts` for a reader of ``languages``."""
        return pick(value, languages)[0]

    @property
    def missing(self) -> list[str]:
        """The Annex I mandatory elements this credential lacks, by their Annex I names."""
        return missing_elements(self.as_dict())

    def as_dict(self) -> dict[str, Any]:
        """The view in the keys of ``extract_spec_view`` (texts as language maps, concepts by label)."""

        def one(value: Texts) -> Any:
            if not value:
                return None
            return next(iter(value.values())) if list(value) == [""] else dict(value)

        def default(value: Texts) -> str | None:
            return pick(value, [self.language])[0] if value else None

        found: dict[str, Any] = {
            "title": default(self.title),
            "titles": {k: v for k, v in self.title.items() if k} or None,
            "description": default(self.description),
            "learner": self.learner,
            "learnerName": self.learner_name,
            "awardingBody": self.awarding_body,
            "issuerId": self.issuer_id,
            "country": self.country,
            "region": self.region,
            "issued": self.issued,
            "validUntil": self.valid_until,
            "learningOutcomes": [one(o.text) for o in self.outcomes if o.text],
            "skills": [{"uri": s.uri, "label": s.label} for s in self.skills],
            "ects": plain(self.ects),
            "hours": f"PT{plain(self.hours)}H" if self.hours is not None else None,
            "eqfLevel": self.eqf_level,
            "field": default(self.field_of_study),
            "assessment": [c.label for c in self.assessment],
            "participation": self.mode.label if self.mode else None,
            "learningSetting": self.learning_setting.label if self.learning_setting else None,
            "qualityAssurance": self.quality_assurance.label if self.quality_assurance else None,
            "qualityAssuranceBody": self.quality_assurance_body,
            "supervision": self.supervision.label if self.supervision else None,
            "prerequisites": one(self.prerequisites),
            "integration": self.integration.label if self.integration else None,
            "partOf": list(self.part_of) or None,
            "grade": self.grade,
            "furtherInformation": self.further_information,
            **self.extra,
        }
        found["missing"] = missing_elements(found)
        return found


def plain(value: Decimal | None) -> str | None:
    """A number as it is written for a reader: ``5``, ``7.5`` (None stays None)."""
    if value is None:
        return None
    return str(value.quantize(Decimal(1))) if value == value.to_integral() else str(value.normalize())


def missing_elements(view: dict[str, Any]) -> list[str]:
    """The Annex I mandatory elements a view in the keys of :meth:`CredentialView.as_dict` lacks, by name."""
    mandatory = {
        "identification of the learner": view.get("learner"),
        "title of the micro-credential": view.get("title"),
        "country/region of the issuer": view.get("country"),
        "awarding body": view.get("awardingBody"),
        "date of issuing": view.get("issued"),
        "learning outcomes": view.get("learningOutcomes"),
        "notional workload": view.get("ects") or view.get("hours"),
        "type of assessment": view.get("assessment"),
        "form of participation": view.get("participation"),
        "type of quality assurance": view.get("qualityAssurance"),
    }
    return [name for name, value in mandatory.items() if not value]


# The keys of extract_spec_view that a display template may read, in its order.
VIEW_KEYS = (
    "title",
    "titles",
    "description",
    "learner",
    "learnerName",
    "awardingBody",
    "issuerId",
    "country",
    "region",
    "issued",
    "validUntil",
    "learningOutcomes",
    "skills",
    "ects",
    "hours",
    "eqfLevel",
    "field",
    "assessment",
    "participation",
    "learningSetting",
    "qualityAssurance",
    "qualityAssuranceBody",
    "supervision",
    "prerequisites",
    "integration",
    "partOf",
    "grade",
    "furtherInformation",
)
_KEYS = frozenset({*VIEW_KEYS, "issuerUrl", "missing", "id"})
"""Every key of the dictionary form; anything else a reader gives is kept in ``extra``."""


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def labelled(value: Any) -> Concept | None:
    """A concept named by its label or IRI, with Merit's IRI, English label and code when it is one of Merit's."""
    if not isinstance(value, str) or not value.strip():
        return None
    from merit.core.microcredential import vocab

    tables = (vocab.ASSESSMENT_TYPES, vocab.MODES, vocab.LEARNING_SETTINGS, vocab.QUALITY_ASSURANCE)
    for table in (*tables, vocab.SUPERVISION, vocab.INTEGRATION):
        for code, (iri, english) in table.items():
            if value in (iri, english):
                return Concept(iri, english, code)
    return Concept(value if "://" in value else None, value)
