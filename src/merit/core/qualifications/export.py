"""Qualifications in the ELM form for the QDR: JSON-LD of ELM ``Qualification`` (:func:`elm`), whose units are its
parts (``hasPart``, each an ELM ``Qualification`` with ``isPartialQualification`` true and the level of the whole),
with learning outcomes (``LearningOutcome``, ``relatedESCOSkill``), how they are verified (``provenBy`` a
``LearningAssessmentSpecification``), EQF and NQF levels, ISCED-F and credits (``creditPoint``, ECTS unless
``extra["creditFramework"]`` names another framework concept).

The LOQ profile requires an EQF level, an NQF level, an ISCED-F code and a learning outcome for every
qualification; :func:`gaps` says which of these a qualification lacks (its export is then not a valid QDR record).
The context is inline (full IRIs; its terms are those of the EDC application profile's context, ``eqfLevel``,
``nqfLevel``, ``thematicArea`` for ISCED-F), so that reading the export needs no network.
"""

from __future__ import annotations

from typing import Any

from merit.core.qualifications.model import Outcome, Qualification, Text, Unit

ELM = "http://data.europa.eu/snb/model/elm/"
EQF = "http://data.europa.eu/snb/eqf/"
ISCED = "http://data.europa.eu/snb/isced-f/"
ECTS = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
STATUS = {"active": "active", "suspended": "suspended", "archived": "archived"}

CONTEXT: dict[str, Any] = {
    "elm": ELM,
    "dc": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "adms": "http://www.w3.org/ns/adms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "id": "@id",
    "type": "@type",
    "Qualification": "elm:Qualification",
    "LearningOutcome": "elm:LearningOutcome",
    "LearningAssessmentSpecification": "elm:LearningAssessmentSpecification",
    "CreditPoint": "elm:CreditPoint",
    "Identifier": "elm:Identifier",
    "Concept": "skos:Concept",
    "WebResource": "elm:WebResource",
    "Note": "elm:Note",
    "title": {"@id": "dc:title", "@container": "@language"},
    "description": {"@id": "dc:description", "@container": "@language"},
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "noteLiteral": {"@id": "elm:noteLiteral", "@container": "@language"},
    "identifier": {"@id": "adms:identifier"},
    "notation": {"@id": "skos:notation"},
    "schemeName": {"@id": "elm:schemeName"},
    "homepage": {"@id": "foaf:homepage"},
    "contentUrl": {"@id": "elm:contentUrl", "@type": "xsd:anyURI"},
    "thematicArea": {"@id": "elm:ISCEDFCode"},
    "eqfLevel": {"@id": "elm:EQFLevel"},
    "nqfLevel": {"@id": "elm:NQFLevel"},
    "isPartialQualification": {"@id": "elm:isPartialQualification"},
    "learningOutcome": {"@id": "elm:learningOutcome"},
    "learningOutcomeSummary": {"@id": "elm:learningOutcomeSummary"},
    "relatedESCOSkill": {"@id": "elm:relatedESCOSkill"},
    "provenBy": {"@id": "elm:provenBy"},
    "hasPart": {"@id": "elm:hasPart"},
    "creditPoint": {"@id": "elm:creditPoint"},
    "framework": {"@id": "elm:framework"},
    "point": {"@id": "elm:point"},
    "status": {"@id": "elm:status"},
}


def _concept(iri: str) -> dict[str, Any]:
    return {"id": iri, "type": "Concept"}


def _outcome(outcome: Outcome) -> dict[str, Any]:
    found: dict[str, Any] = {"type": "LearningOutcome", "title": dict(outcome.text)}
    if outcome.esco:
        found["relatedESCOSkill"] = [_concept(iri) for iri in outcome.esco]
    return found


def _credits(value: float | None, framework: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    return [{"type": "CreditPoint", "framework": _concept(framework), "point": f"{value:g}"}]


def _levels(q: Qualification) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if q.isced:
        found["thematicArea"] = [_concept(ISCED + q.isced)]
    if q.eqf_level is not None:
        found["eqfLevel"] = _concept(f"{EQF}{q.eqf_level}")
    if q.nqf_level:
        found["nqfLevel"] = [_concept(q.nqf_level)]
    return found


def _node(
    iri: str, code: str, title: Text, outcomes: tuple[Outcome, ...], q: Qualification, partial: bool
) -> dict[str, Any]:
    node: dict[str, Any] = {"id": iri, "type": "Qualification", "title": dict(title)}
    if code:
        node["identifier"] = [{"type": "Identifier", "notation": code, "schemeName": q.source}]
    node.update(_levels(q))
    node["isPartialQualification"] = partial
    if outcomes:
        node["learningOutcome"] = [_outcome(o) for o in outcomes]
    return node


def _unit(unit: Unit, q: Qualification, framework: str) -> dict[str, Any]:
    node = _node(unit.iri, unit.code, unit.title, unit.outcomes, q, True)
    if unit.verification:
        node["provenBy"] = [{"type": "LearningAssessmentSpecification", "title": dict(unit.verification)}]
    if credits := _credits(unit.credits, framework):
        node["creditPoint"] = credits
    node["status"] = STATUS.get(unit.status, unit.status)
    return node


def _own_outcomes(q: Qualification) -> tuple[Outcome, ...]:
    stored = q.extra.get("learningOutcomes")
    if isinstance(stored, list):
        found = []
        for item in stored:
            if isinstance(item, dict) and isinstance(item.get("text"), dict):
                found.append(Outcome(text=item["text"], esco=tuple(item.get("esco") or ())))
        if found:
            return tuple(found)
    return tuple(outcome for unit in q.units for outcome in unit.outcomes)


def elm(q: Qualification) -> dict[str, Any]:
    """The ELM JSON-LD of ``q`` (a document with an inline ``@context``)."""
    framework = str(q.extra.get("creditFramework") or ECTS)
    node = _node(q.iri, q.code, q.title, _own_outcomes(q), q, q.kind == "partial")
    node["@context"] = CONTEXT
    if q.description:
        node["description"] = dict(q.description)
    if credits := _credits(q.credits, framework):
        node["creditPoint"] = credits
    if q.homepage:
        node["homepage"] = [{"type": "WebResource", "contentUrl": q.homepage}]
    node["status"] = STATUS.get(q.status, q.status)
    if q.units:
        node["hasPart"] = [_unit(unit, q, framework) for unit in q.units]
    return {"@context": node.pop("@context"), **node}


def gaps(q: Qualification) -> list[str]:
    """What the LOQ profile requires that ``q`` lacks (empty: the export is a complete QDR record)."""
    found = []
    if q.eqf_level is None:
        found.append("EQF level")
    if not q.nqf_level:
        found.append("NQF level")
    if not q.isced:
        found.append("ISCED-F field")
    if not _own_outcomes(q):
        found.append("learning outcomes")
    found += [f"learning outcomes of {unit.code or unit.iri}" for unit in q.units if not unit.outcomes]
    return found


LOQ_NS = "http://data.europa.eu/snb/model/ap/loq-constraints/"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
LANGUAGES = {
    "pl": "POL", "sv": "SWE", "en": "ENG", "fi": "FIN", "nb": "NOB", "nn": "NNO", "no": "NOR", "da": "DAN",
    "de": "DEU", "et": "EST", "lt": "LIT", "lv": "LAV", "fr": "FRA", "es": "SPA", "it": "ITA", "nl": "NLD",
    "cs": "CES", "sk": "SLK", "uk": "UKR", "is": "ISL",
}  # fmt: skip
"""ISO 639-1 tags to the EU language authority's codes that ``loq.xsd`` enumerates (the languages Merit's users
write registers in; another tag's texts are exported, the ``language`` element is then omitted)."""


def loq_xml(qualifications: list[Qualification]) -> bytes:
    """``qualifications`` as a LOQ XML document (schema v3.1.0): each a ``qualification``, its units partial
    ``qualification`` entries it names in ``hasPart``, learning outcomes in ``learningOutcomeReferences`` (ids
    ``<unit IRI>-LO<n>``, their verification criteria as ``additionalNote``s), how a unit is verified as its
    ``additionalNote``. Valid against ``loq.xsd`` when every
    qualification has what :func:`gaps` asks for and its language is in :data:`LANGUAGES`."""
    from lxml import etree

    def q(name: str) -> str:
        return f"{{{LOQ_NS}}}{name}"

    root = etree.Element(q("Courses"), nsmap={None: LOQ_NS, "skos": SKOS_NS}, xsdVersion="3.1.0")
    entries = etree.SubElement(root, q("learningAchievementSpecificationReferences"))
    outcome_list = etree.SubElement(root, q("learningOutcomeReferences"))

    def texts(parent: Any, name: str, value: Text | None) -> None:
        for language, text in (value or {}).items():
            etree.SubElement(parent, q(name), language=language).text = text

    def outcome_refs(parent: Any, owner: str, outcomes: tuple[Outcome, ...]) -> None:
        for number, outcome in enumerate(outcomes, start=1):
            iri = f"{owner}-LO{number}"
            element = etree.SubElement(outcome_list, q("learningOutcome"), id=iri)
            texts(element, "title", outcome.text)
            for criterion in outcome.criteria:  # The verification criteria, as notes (LOQ has no element for them).
                texts(etree.SubElement(element, q("additionalNote")), "noteLiteral", criterion)
            for skill in outcome.esco:
                etree.SubElement(element, q("relatedESCOSkill"), uri=skill)
            etree.SubElement(parent, q("learningOutcome"), idref=iri)

    def entry(
        owner: Qualification, iri: str, code: str, title: Text, outcomes: tuple[Outcome, ...], *, partial: bool,
        unit: Unit | None = None,
    ) -> None:  # fmt: skip
        element = etree.SubElement(entries, q("qualification"), id=iri)
        if code:
            identifier = etree.SubElement(element, q("identifier"))
            etree.SubElement(identifier, f"{{{SKOS_NS}}}notation").text = code
            etree.SubElement(identifier, q("schemeName")).text = owner.source
        texts(element, "title", title)
        if unit is None:
            texts(element, "description", owner.description)
        if unit is not None and unit.verification:
            note = etree.SubElement(element, q("additionalNote"))
            texts(note, "noteLiteral", unit.verification)
        etree.SubElement(element, q("status")).text = STATUS.get((unit or owner).status, "active")
        if owner.isced:
            etree.SubElement(element, q("ISCEDFCode"), uri=ISCED + owner.isced)
        credits = unit.credits if unit is not None else owner.credits
        if credits is not None:
            point = etree.SubElement(element, q("creditPoint"))
            etree.SubElement(point, q("framework"), uri=str(owner.extra.get("creditFramework") or ECTS))
            etree.SubElement(point, q("point")).text = f"{credits:g}"
        if owner.language in LANGUAGES:
            etree.SubElement(element, q("language"), uri=LANGUAGE + LANGUAGES[owner.language])
        outcome_refs(element, iri, outcomes)
        if unit is None and not outcomes:  # The qualification's outcomes are its units' (LOQ requires one).
            for part in owner.units:
                for number in range(1, len(part.outcomes) + 1):
                    etree.SubElement(element, q("learningOutcome"), idref=f"{part.iri}-LO{number}")
        if unit is None:
            for part in owner.units:
                etree.SubElement(element, q("hasPart"), idref=part.iri)
        else:
            etree.SubElement(element, q("isPartOf"), idref=owner.iri)
        etree.SubElement(element, q("isPartialQualification")).text = "true" if partial else "false"
        if owner.eqf_level is not None:
            etree.SubElement(element, q("EQFLevel"), uri=f"{EQF}{owner.eqf_level}")
        if owner.nqf_level:
            etree.SubElement(element, q("NQFLevel"), uri=owner.nqf_level)

    for qualification in qualifications:
        own = tuple(o for o in _own_outcomes(qualification) if not any(o in u.outcomes for u in qualification.units))
        entry(
            qualification, qualification.iri, qualification.code, qualification.title, own,
            partial=qualification.kind == "partial",
        )  # fmt: skip
        for unit in qualification.units:
            entry(qualification, unit.iri, unit.code, unit.title, unit.outcomes, partial=True, unit=unit)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
