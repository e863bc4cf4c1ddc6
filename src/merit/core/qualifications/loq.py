"""The Europass/QDR ELM "Learning Opportunities and Qualifications" (LOQ) XML importer (schema v3.1.0).

A qualification is a ``qualification`` or ``learningAchievementSpecification`` entry of
``learningAchievementSpecificationReferences`` that is no other entry's part; the entries it names in ``hasPart``
are its units. Titles, descriptions, learning outcomes (``learningOutcomeReferences``, with their
``relatedESCOSkill``), how they are verified (``provenBy`` → ``learningAssessmentSpecification`` titles), EQF and NQF
levels, credits (``creditPoint/point``), ISCED-F and the first identifier's notation as the code are read; the rest of
a record is not. A ``qualification`` with ``isPartialQualification`` true is partial, any other entry full.

XML is parsed by :func:`parse_xml`: no DTD (a document with one is refused: that closes XXE, external DTDs and
entity expansion such as "billion laughs"), no network, a size limit.
"""

from __future__ import annotations

from lxml import etree

from merit.core.qualifications import codec, levels
from merit.core.qualifications.batch import Batch, ImportRefused, RecordError, check_size
from merit.core.qualifications.model import Outcome, Qualification, Text, Unit

NS = "http://data.europa.eu/snb/model/ap/loq-constraints/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ISCED_PREFIX = "http://data.europa.eu/snb/isced-f/"
STATUS_WORDS = {"suspended": "suspended", "archived": "archived", "withdrawn": "archived", "active": "active"}


def parse_xml(content: bytes) -> etree._Element:
    """The root element of ``content``; :class:`ImportRefused` for a document too large, not well formed, or with
    a DTD or entity declarations."""
    check_size(content)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    head = content[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in content.lower():
        raise ImportRefused("the XML has a document type declaration (DTD) or entities, which Merit does not accept")
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise ImportRefused(f"the file is not well-formed XML: {exc.msg}") from exc
    if root.getroottree().docinfo.doctype:
        raise ImportRefused("the XML has a document type declaration (DTD), which Merit does not accept")
    return root


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _texts(element: etree._Element, name: str) -> Text:
    found: Text = {}
    for child in element.findall(_q(name)):
        language = child.get("language") or "en"
        if child.text and child.text.strip() and language not in found:
            found[language] = child.text.strip()
    return found


def _refs(element: etree._Element, name: str) -> list[str]:
    return [child.get("idref", "") for child in element.findall(_q(name))]


def _outcomes(root: etree._Element) -> dict[str, Outcome]:
    found: dict[str, Outcome] = {}
    for element in root.iterfind(f"{_q('learningOutcomeReferences')}/{_q('learningOutcome')}"):
        title = _texts(element, "title")
        if title:
            esco = tuple(s.get("uri", "") for s in element.findall(_q("relatedESCOSkill")) if s.get("uri"))
            found[element.get("id", "")] = Outcome(text=title, esco=esco)
    return found


def _assessments(root: etree._Element) -> dict[str, Text]:
    path = f"{_q('learningAssessmentSpecificationReferences')}/{_q('learningAssessmentSpecification')}"
    return {element.get("id", ""): _texts(element, "title") for element in root.iterfind(path)}


class _Record:
    """One entry of ``learningAchievementSpecificationReferences``, read."""

    def __init__(self, element: etree._Element, position: int) -> None:
        self.element = element
        self.id = element.get("id", "")
        self.name = self.id or f"record {position}"
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.title = _texts(element, "title")
        if not self.id:
            self.problems.append("the entry has no id")
        if not self.title:
            self.problems.append("the entry has no title")
        notation = element.find(f"{_q('identifier')}/{{{SKOS}}}notation")
        self.code = notation.text.strip() if notation is not None and notation.text else ""
        self.parts = [ref for ref in _refs(element, "hasPart") if ref]
        self.credits = self._credits()
        status = (element.findtext(_q("status")) or "").strip()
        self.status = STATUS_WORDS.get(status.lower(), "active")
        self.raw_status = status if status.lower() not in STATUS_WORDS else ""

    def _credits(self) -> float | None:
        for point in self.element.iterfind(f"{_q('creditPoint')}/{_q('point')}"):
            text = (point.text or "").strip().replace(",", ".")
            try:
                value = float(text)
            except ValueError:
                self.notes.append(f"the credit points {text!r} are not a number; not read")
                continue
            if value < 0:
                self.problems.append("the credit points are negative")
                return None
            return value
        return None

    def outcomes(self, known: dict[str, Outcome]) -> tuple[Outcome, ...]:
        found = []
        for ref in _refs(self.element, "learningOutcome"):
            if ref in known:
                found.append(known[ref])
            else:
                self.problems.append(f"the learning outcome {ref} is not in learningOutcomeReferences")
        return tuple(found)

    def verification(self, assessments: dict[str, Text]) -> Text | None:
        texts: dict[str, list[str]] = {}
        for ref in _refs(self.element, "provenBy"):
            for language, text in assessments.get(ref, {}).items():
                texts.setdefault(language, []).append(text)
        return {language: "; ".join(values) for language, values in texts.items()} or None


def read(content: bytes) -> Batch:
    """The qualifications of a LOQ XML document; :class:`ImportRefused` when the file as a whole cannot be read."""
    root = parse_xml(content)
    if root.tag != _q("Courses"):
        raise ImportRefused("this is not a LOQ document (its root element must be Courses in the LOQ namespace)")
    outcomes, assessments = _outcomes(root), _assessments(root)
    entries = root.find(_q("learningAchievementSpecificationReferences"))
    records = [
        _Record(element, position)
        for position, element in enumerate(entries if entries is not None else [], start=1)
        if isinstance(element.tag, str) and element.tag in (_q("qualification"), _q("learningAchievementSpecification"))
    ]
    by_id = {record.id: record for record in records if record.id}
    parts = {part for record in records for part in record.parts}
    batch = Batch()
    for record in records:
        if record.id in parts:
            continue
        qualification = _qualification(record, by_id, outcomes, assessments)
        batch.notes += [_note(record.name, note) for note in record.notes]
        if record.problems:
            for problem in record.problems:
                batch.fail(record.name, problem)
        elif qualification is not None:
            batch.add(record.name, qualification)
    if not records:
        batch.fail("file", "the file has no qualification or learningAchievementSpecification entries")
    return batch


def _note(record: str, message: str) -> RecordError:
    return RecordError(record, message)


def _qualification(
    record: _Record, by_id: dict[str, _Record], outcomes: dict[str, Outcome], assessments: dict[str, Text]
) -> Qualification | None:
    element = record.element
    units = []
    for ref in record.parts:
        part = by_id.get(ref)
        if part is None:
            record.problems.append(f"hasPart names {ref}, which is not in the file")
            continue
        if part.parts:
            record.notes.append(f"the parts of {ref} are not read (Merit keeps one level of units)")
        record.problems += [f"part {ref}: {problem}" for problem in part.problems]
        record.notes += part.notes
        units.append(
            Unit(
                iri=part.id,
                code=part.code,
                title=part.title,
                outcomes=part.outcomes(outcomes),
                verification=part.verification(assessments),
                credits=part.credits,
                status=part.status,
            )
        )
    eqf_element = element.find(_q("EQFLevel"))
    eqf = levels.eqf_number(eqf_element.get("uri", "")) if eqf_element is not None else None
    if eqf_element is not None and eqf is None:
        record.problems.append(f"the EQF level {eqf_element.get('uri')!r} is not an EQF level concept")
    nqf, country = None, None
    for nqf_element in element.findall(_q("NQFLevel")):
        concept = levels.level(nqf_element.get("uri", ""))
        if concept is None:
            record.problems.append(f"the NQF level {nqf_element.get('uri')!r} is not in the QDR vocabulary")
        elif concept.framework and nqf is None:
            nqf, country = concept.iri, concept.country
            if eqf is not None and concept.eqf is not None and concept.eqf != eqf:
                record.problems.append(f"the EQF level {eqf} contradicts {concept.label} (EQF {concept.eqf})")
            eqf = eqf if eqf is not None else concept.eqf
    partial = (element.findtext(_q("isPartialQualification")) or "").strip() == "true"
    isced = element.find(_q("ISCEDFCode"))
    homepage = element.findtext(f"{_q('homepage')}/{_q('contentUrl')}")
    extra: dict[str, object] = {"loqElement": etree.QName(element).localname}
    own = record.outcomes(outcomes)
    if own:  # The qualification's own outcomes (its units have theirs): kept for the detail page and export.
        extra["learningOutcomes"] = [codec.outcome_to_json(o) for o in own]
    if record.raw_status:
        extra["status"] = record.raw_status
    if record.problems:
        return None
    language = next(iter(record.title))
    return Qualification(
        iri=record.id,
        code=record.code,
        kind="partial" if partial else "full",
        title=record.title,
        language=language,
        source="loq",
        description=_texts(element, "description") or None,
        country=country,
        nqf_level=nqf,
        eqf_level=eqf,
        isced=(isced.get("uri", "").removeprefix(ISCED_PREFIX) or None) if isced is not None else None,
        credits=record.credits,
        status=record.status,
        units=tuple(units),
        homepage=homepage.strip() if homepage else None,
        extra=extra,
    )
