"""Reading the Annex I elements back out of an Open Badges 3.0 credential, for display and completeness checks.

:func:`view_of` reads both of Merit's encodings into one :class:`~merit.core.credview.CredentialView`: the one
Merit issues (decision 0011: OB 3.0 built-ins, ``alignment`` entries typed ``ext:...``, translations as ``related``
achievements) and the first one (the private context ``https://purl.org/merit/ns/eu-mc/v1``), which credentials
issued before keep. It works on any OB 3.0 credential: the plain alignments other issuers use (EQF, ESCO) are read
too, and a credential without learning outcomes shows its criteria in their place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from merit.core.credview import (
    Concept,
    CredentialView,
    NationalLevel,
    Outcome,
    Skill,
    Texts,
    as_texts,
    duration_hours,
    missing_elements,
    number,
)
from merit.core.microcredential import units, vocab
from merit.core.vc import as_list

_EQF = vocab.SNB + "eqf/"
_ISCED = vocab.SNB + "isced-f/"
LEGACY_CONTEXT = "https://purl.org/merit/ns/eu-mc/v1"
_TABLES: dict[str, dict[str, tuple[str, str]]] = {
    vocab.ASSESSMENT_TYPE: vocab.ASSESSMENT_TYPES,
    vocab.MODE: vocab.MODES,
    vocab.LEARNING_SETTING: vocab.LEARNING_SETTINGS,
    vocab.SUPERVISION_TYPE: vocab.SUPERVISION,
    vocab.QUALITY_ASSURANCE_TYPE: vocab.QUALITY_ASSURANCE,
    vocab.INTEGRATION_OPTION: vocab.INTEGRATION,
}
_ALL_TABLES = (*_TABLES.values(),)

__all__ = ["LEGACY_CONTEXT", "concept", "extract_spec_view", "is_legacy", "missing_elements", "view_of"]


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def concept(
    iri: Any, label: Any = None, tables: tuple[dict[str, tuple[str, str]], ...] = _ALL_TABLES
) -> Concept | None:
    """The concept ``iri`` with Merit's English label and code when Merit's vocabulary knows it, else ``label``."""
    if not isinstance(iri, str) and not isinstance(label, str):
        return None
    for table in tables:
        for code, (known, english) in table.items():
            if iri == known:
                return Concept(known, english, code)
    text = _str(label) or _str(iri)
    return Concept(iri if isinstance(iri, str) else None, text, None) if text else None


def _eqf(iri: Any) -> int | None:
    level = iri.removeprefix(_EQF) if isinstance(iri, str) and iri.startswith(_EQF) else ""
    return int(level) if level.isdigit() and 1 <= int(level) <= 8 else None


def _common(credential: dict[str, Any], achievement: dict[str, Any], view: CredentialView) -> None:
    """What both encodings say in the same way: issuer, learner, dates, grade, name, description, criteria."""
    subject = _dict(_first(credential.get("credentialSubject")))
    issuer = credential.get("issuer")
    issuer = issuer if isinstance(issuer, dict) else {"id": issuer}
    address = _dict(issuer.get("address"))
    identifiers = [i for i in as_list(subject.get("identifier")) if isinstance(i, dict)]
    language = _str(achievement.get("inLanguage"))
    view.language = language
    view.id = _str(credential.get("id"))
    view.title = as_texts(achievement.get("name"), language) or as_texts(credential.get("name"), language)
    view.description = as_texts(achievement.get("description"), language)
    view.criteria = as_texts(_dict(achievement.get("criteria")).get("narrative"), language)
    view.learner = _str(subject.get("id")) or next(
        (i.get("identityType") for i in identifiers if i.get("hashed")), None
    )
    view.learner_name = next(
        (i.get("identityHash") for i in identifiers if i.get("identityType") == "name" and not i.get("hashed")), None
    )
    view.awarding_body = _str(issuer.get("name"))
    view.issuer_id = _str(issuer.get("id"))
    view.issuer_url = _str(issuer.get("url"))
    view.country = _str(address.get("addressCountryCode"))
    view.region = _str(address.get("addressRegion"))
    view.issued = _str(credential.get("validFrom")) or _str(credential.get("issuanceDate"))
    view.valid_until = _str(credential.get("validUntil")) or _str(credential.get("expirationDate"))
    view.micro = achievement.get("achievementType") == "MicroCredential" or "EUMicroCredential" in as_list(
        achievement.get("type")
    )
    view.grade = next((r.get("value") for r in as_list(subject.get("result")) if isinstance(r, dict)), None)


def _read_alignments(achievement: dict[str, Any], view: CredentialView) -> None:
    """The encoding of decision 0011: one alignment per element, the other languages in ``related``."""
    language = view.language
    alignments = [a for a in as_list(achievement.get("alignment")) if isinstance(a, dict)]
    translations = [r for r in as_list(achievement.get("related")) if isinstance(r, dict) and _str(r.get("inLanguage"))]

    def texts(kind: str, url: str | None, key: str) -> Texts:
        """The ``key`` text of the alignment of ``kind`` (at ``url``) in every language the credential has it."""
        found: Texts = {}
        for tag, entries in [(language or "", alignments)] + [
            (str(r["inLanguage"]), [a for a in as_list(r.get("alignment")) if isinstance(a, dict)])
            for r in translations
        ]:
            for a in entries:
                if a.get("targetType") == kind and (url is None or a.get("targetUrl") == url) and _str(a.get(key)):
                    found.setdefault(tag, a[key])
                    break
        return found

    for r in translations:
        tag = str(r["inLanguage"])
        for key, target in (("name", view.title), ("description", view.description), ("narrative", view.criteria)):
            if _str(r.get(key)):
                target.setdefault(tag, r[key])
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for a in alignments:
        kind = a.get("targetType")
        url = a.get("targetUrl")
        if kind not in vocab.TARGET_TYPES:
            # Other issuers' alignments (SURF's ``ext:EQF``, ``ext:ESCO``, or none) are known by their targets.
            framework = str(a.get("targetFramework", "")).upper()
            if str(url).startswith(vocab.ESCO_SKILL) or framework.startswith("ESCO"):
                kind = vocab.ESCO_SKILL_TYPE
            elif _eqf(url) is not None:
                kind = vocab.EQF_LEVEL
        if isinstance(kind, str):
            by_kind.setdefault(kind, []).append(a)

    def first(kind: str) -> dict[str, Any]:
        return by_kind.get(kind, [{}])[0]

    skills = [
        (Skill(_str(a.get("targetUrl")), _str(a.get("targetName"))), a.get("targetDescription"))
        for a in by_kind.get(vocab.ESCO_SKILL_TYPE, [])
    ]
    view.skills = [skill for skill, _outcome in skills]
    for a in by_kind.get(vocab.LEARNING_OUTCOME, []):
        text = texts(vocab.LEARNING_OUTCOME, _str(a.get("targetUrl")), "targetName")
        linked = tuple(skill for skill, outcome in skills if outcome == a.get("targetName"))
        view.outcomes.append(Outcome(text, linked))
    view.eqf_level = next(
        (_eqf(a.get("targetUrl")) for a in by_kind.get(vocab.EQF_LEVEL, []) if _eqf(a.get("targetUrl"))), None
    )
    if national := by_kind.get(vocab.NQF_LEVEL):
        iri = _str(national[0].get("targetUrl"))
        view.national_level = NationalLevel(
            str(national[0].get("targetFramework") or ""),
            str(national[0].get("targetCode") or ""),
            None if iri == vocab.ELM + "nqfLevel" else iri,
        )
    isced = first(vocab.ISCED_FIELD)
    view.isced_field = _str(isced.get("targetCode")) or (
        str(isced["targetUrl"]).removeprefix(_ISCED) if str(isced.get("targetUrl", "")).startswith(_ISCED) else None
    )
    view.field_of_study = as_texts(achievement.get("fieldOfStudy"), "en" if view.isced_field else language)
    view.ects = next(
        (number(a.get("targetCode")) for a in by_kind.get(vocab.CREDIT_POINT, []) if a.get("targetUrl") == vocab.ECTS),
        None,
    )
    view.hours = duration_hours(first(vocab.VOLUME_OF_LEARNING).get("targetCode"))

    def concepts(kind: str) -> list[Concept]:
        table = _TABLES[kind]
        found = (concept(a.get("targetUrl"), a.get("targetName"), (table,)) for a in by_kind.get(kind, []))
        return [c for c in found if c is not None]

    view.assessment = concepts(vocab.ASSESSMENT_TYPE)
    view.assessment_description = texts(vocab.ASSESSMENT_DESCRIPTION, None, "targetName")
    view.mode = next(iter(concepts(vocab.MODE)), None)
    view.learning_setting = next(iter(concepts(vocab.LEARNING_SETTING)), None)
    view.supervision = next(iter(concepts(vocab.SUPERVISION_TYPE)), None)
    view.quality_assurance = next(iter(concepts(vocab.QUALITY_ASSURANCE_TYPE)), None)
    view.quality_assurance_description = texts(vocab.QUALITY_ASSURANCE_TYPE, None, "targetDescription")
    body = first(vocab.QUALITY_ASSURANCE_BODY)
    body_url = _str(body.get("targetUrl"))
    view.quality_assurance_body = _str(body.get("targetName")) if body.get("targetName") != body_url else None
    view.quality_assurance_url = (
        body_url if view.quality_assurance is None or body_url != view.quality_assurance.iri else None
    )
    view.prerequisites = texts(vocab.PREREQUISITES, None, "targetName")
    view.integration = next(iter(concepts(vocab.INTEGRATION_OPTION)), None)
    view.integration_description = texts(vocab.INTEGRATION_OPTION, None, "targetDescription")
    view.part_of = [str(a["targetUrl"]) for a in by_kind.get(vocab.PART_OF, []) if _str(a.get("targetUrl"))]
    view.further_information = _str(first(vocab.FURTHER_INFORMATION).get("targetUrl"))
    view.units = units.read(alignments)


def _read_legacy(achievement: dict[str, Any], view: CredentialView) -> None:
    """Merit's first encoding (``https://purl.org/merit/ns/eu-mc/v1``), as credentials issued before 0011 have it."""
    language = view.language

    def translated(key: str, into: Texts) -> None:
        for tag, text in as_texts(achievement.get(key), language).items():
            into.setdefault(tag, text)

    view.title = {**as_texts(achievement.get("title")), **view.title} if achievement.get("title") else view.title
    translated("descriptionTranslations", view.description)
    translated("criteriaTranslations", view.criteria)
    alignments = [a for a in as_list(achievement.get("alignment")) if isinstance(a, dict)]
    view.skills = [
        Skill(_str(a.get("targetUrl")), _str(a.get("targetName")))
        for a in alignments
        if a.get("targetFramework") == "ESCO" or str(a.get("targetUrl", "")).startswith(vocab.ESCO_SKILL)
    ]
    labels = {s.uri: s for s in view.skills}
    for o in as_list(achievement.get("learningOutcome")):
        if isinstance(o, dict):
            skills = tuple(
                labels.get(u) or Skill(u, None) for u in as_list(o.get("relatedESCOSkill")) if isinstance(u, str)
            )
            view.outcomes.append(Outcome(as_texts(o.get("title"), language), skills))
    view.eqf_level = _eqf(achievement.get("eqfLevel")) or next(
        (_eqf(a.get("targetUrl")) for a in alignments if _eqf(a.get("targetUrl"))), None
    )
    national = _dict(achievement.get("nationalQualificationLevel"))
    if national:
        view.national_level = NationalLevel(
            str(national.get("nqfFramework") or ""), str(national.get("nqfLevelCode") or ""), _str(national.get("id"))
        )
    area = _first(achievement.get("thematicArea"))
    view.isced_field = area.removeprefix(_ISCED) if isinstance(area, str) and area.startswith(_ISCED) else None
    view.field_of_study = as_texts(achievement.get("fieldOfStudy"), "en" if view.isced_field else language)
    credits = [c for c in as_list(achievement.get("creditPoint")) if isinstance(c, dict)]
    view.ects = next((number(c.get("point")) for c in credits if c.get("framework") == vocab.ECTS), None)
    view.hours = duration_hours(achievement.get("volumeOfLearning"))
    view.assessment = [c for c in (concept(t) for t in as_list(achievement.get("assessmentType"))) if c]
    view.assessment_description = as_texts(achievement.get("assessmentDescription"), language)
    view.mode = concept(achievement.get("mode"))
    view.learning_setting = concept(achievement.get("learningSetting"))
    view.supervision = concept(achievement.get("supervision"))
    quality = _dict(_first(achievement.get("qualityAssurance")))
    view.quality_assurance = concept(quality.get("qaType"))
    view.quality_assurance_body = _str(quality.get("accreditingAgent"))
    view.quality_assurance_url = _str(quality.get("id"))
    view.quality_assurance_description = as_texts(quality.get("qaDescription"), language)
    view.prerequisites = as_texts(achievement.get("prerequisites"), language)
    view.integration = concept(achievement.get("integrationOption"))
    view.integration_description = as_texts(achievement.get("integrationDescription"), language)
    view.part_of = [p for p in as_list(achievement.get("partOf")) if isinstance(p, str)]
    view.further_information = _str(achievement.get("furtherInformation"))


def is_legacy(credential: dict[str, Any]) -> bool:
    """Whether ``credential`` is in Merit's first encoding (it names the eu-mc/v1 context)."""
    return LEGACY_CONTEXT in as_list(credential.get("@context"))


def view_of(credential: dict[str, Any], languages: Any = None) -> CredentialView:
    """The :class:`CredentialView` of an Open Badges 3.0 (or any VC) credential; never raises on odd content.

    ``languages`` is accepted for the format protocol's sake: the view keeps every language, and a reader picks
    with :meth:`CredentialView.text`."""
    achievement = _dict(_dict(_first(credential.get("credentialSubject"))).get("achievement"))
    view = CredentialView(format="vc")
    _common(credential, achievement, view)
    read: Callable[[dict[str, Any], CredentialView], None] = _read_legacy if is_legacy(credential) else _read_alignments
    read(achievement, view)
    if not view.outcomes and view.criteria:
        view.outcomes = [Outcome(dict(view.criteria))]  # Plain OB 3.0 credentials state their outcomes in the criteria.
    return view


def extract_spec_view(credential: dict[str, Any]) -> dict[str, Any]:
    """The Annex I elements of ``credential``, readable, with ``missing`` listing absent mandatory ones (the
    dictionary form of :func:`view_of`)."""
    return view_of(credential).as_dict()
