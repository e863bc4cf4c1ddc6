"""The qualification importers (LOQ XML, ZRK JSON/XML, CSV) on the samples, our fixtures and hostile input, and the
ELM export checked against the LOQ SHACL shapes."""

from __future__ import annotations

import json
import tarfile
import warnings
from pathlib import Path

import pyshacl
import pytest
import rdflib
from lxml import etree

from merit.core.qualifications import batch, codec, export, levels, loq, table, zrk
from merit.core.qualifications.batch import ImportRefused

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "examples" / "qualifications"
ZRK = (EXAMPLES / "zrk-90001.json").read_bytes()
PV = "http://data.europa.eu/esco/skill/18d3f89a-6ac5-4ca6-bf93-0baec4e13bcd"
CSV = (EXAMPLES / "seqf-solcellsinstallator.csv").read_bytes()


def zrk_record(**changes: object) -> bytes:
    record = json.loads(ZRK)["results"][0]
    record.update(changes)
    return json.dumps(record).encode()


# --- levels ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("framework", "number", "eqf", "country"),
    [("SeQF", "5", 5, "SE"), ("PQF", "3", 3, "PL"), ("FiNQF", "8", 8, "FI"), ("NKR", "5.1", 5, "NO"),
     ("NKR", "5.2", 5, "NO"), ("IE NQF", "2", None, None), ("DK NQF", "5", None, None), ("NLQF", "4+", None, None)],
)  # fmt: skip
def test_nqf_levels_map_to_eqf_only_for_one_to_one_frameworks(
    framework: str, number: str, eqf: int | None, country: str | None
) -> None:
    found = levels.find(framework, number)
    assert found is not None
    assert (found.eqf, found.country) == (eqf, country)
    assert levels.eqf_of(found.iri) == eqf


def test_an_unknown_level_concept_has_no_eqf_level() -> None:
    assert levels.level("http://example.org/level/9") is None
    assert levels.eqf_of("http://example.org/level/9") is None
    assert levels.eqf_number("http://data.europa.eu/snb/eqf/9") is None
    assert levels.eqf_number("http://data.europa.eu/snb/eqf/4") == 4


# --- LOQ XML ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "iri", "part", "eqf"),
    [("loq.xml", "http://Q-01", "http://Q-02", 2),
     ("loq_withLearningAchievementSpecification.xml", "http://LAchievementS-01", "http://LAchievementS-02", None)],
)  # fmt: skip
def test_loq_samples_give_one_qualification_with_its_part(sample: str, iri: str, part: str, eqf: int | None) -> None:
    result = loq.read((DATA / "loq" / sample).read_bytes())
    assert result.errors == []
    [q] = result.qualifications
    assert (q.iri, q.kind, q.eqf_level, q.isced, q.source) == (iri, "full", eqf, "1022", "loq")
    assert q.title["en"] == "r6Z7KzQdvNjTBUzF1z"
    [unit] = q.units
    assert (unit.iri, len(unit.outcomes)) == (part, 2)
    assert unit.verification
    # The samples' credit points are filler text: read as a note, not a number.
    assert any("not a number" in note.message for note in result.notes)
    assert q.credits is None


LOQ_HEAD = b'<?xml version="1.0"?>\n'
COURSES = b'<Courses xmlns="http://data.europa.eu/snb/model/ap/loq-constraints/" xsdVersion="3.1.0">'


@pytest.mark.parametrize(
    "content",
    [
        LOQ_HEAD + b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + COURSES + b"&x;</Courses>",
        LOQ_HEAD
        + b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        + b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        + COURSES
        + b"&c;</Courses>",
        LOQ_HEAD + b'<!DOCTYPE Courses SYSTEM "http://example.org/evil.dtd">' + COURSES + b"</Courses>",
        COURSES + b"<unclosed></Courses>",
        b"<" + b"a" * (batch.MAX_BYTES + 1) + b"/>",
        b"   ",
        b'<other xmlns="urn:x"/>',
    ],
    ids=["xxe", "billion-laughs", "external-dtd", "malformed", "oversize", "empty", "not-loq"],
)
def test_hostile_or_broken_xml_is_refused_as_a_whole(content: bytes) -> None:
    with pytest.raises(ImportRefused):
        loq.read(content)
    with pytest.raises(ImportRefused):
        zrk.read(content)


def test_loq_errors_are_per_record() -> None:
    content = (
        COURSES
        + b"<learningAchievementSpecificationReferences>"
        + b'<qualification id="urn:q:1"><title language="en">Good</title><EQFLevel uri="http://data.europa.eu/snb/eqf/4"/>'
        + b"</qualification>"
        + b'<qualification id="urn:q:2"><title language="en">Bad part</title><hasPart idref="urn:missing"/>'
        + b"</qualification>"
        + b'<qualification id="urn:q:3"><title language="en">Bad level</title><EQFLevel uri="http://x/eqf/9"/>'
        + b"</qualification>"
        + b'<qualification id="urn:q:4"><EQFLevel uri="http://data.europa.eu/snb/eqf/4"/>'
        + b'<NQFLevel uri="http://data.europa.eu/snb/qdr/c_b44f7367"/></qualification>'
        + b"</learningAchievementSpecificationReferences></Courses>"
    )
    result = loq.read(content)
    assert [q.iri for q in result.qualifications] == ["urn:q:1"]
    by_record = {e.record: e.message for e in result.errors}
    assert "urn:missing" in by_record["urn:q:2"]
    assert "not an EQF level" in by_record["urn:q:3"]
    messages = [e.message for e in result.errors if e.record == "urn:q:4"]
    assert "the entry has no title" in messages
    assert any("contradicts SeQF Level 5" in m for m in messages)


# --- ZRK ------------------------------------------------------------------------------------------------------------


def test_zrk_fixture_gives_the_partial_qualification_with_three_sets() -> None:
    result = zrk.read(ZRK)
    assert result.errors == []
    [q] = result.qualifications
    assert (q.iri, q.code, q.kind, q.status, q.eqf_level, q.country) == (
        "https://zrk.example/kwalifikacje/90001", "90001", "partial", "active", 3, "PL"
    )  # fmt: skip
    assert q.nqf_level == levels.find("PQF", "3").iri  # type: ignore[union-attr]
    assert [u.iri for u in q.units] == [f"{q.iri}#ZE{n}" for n in (1, 2, 3)]
    assert q.units[1].title["pl"] == "Obsługa wózka jezdniowego"
    assert q.units[1].outcomes[0].criteria[0]["pl"].startswith("Przeprowadza codzienną kontrolę")
    assert q.units[1].outcomes[0].esco == ("http://data.europa.eu/esco/skill/28cb374e-6261-4133-8371-f9a5470145da",)
    assert q.extra == {"dziedzina": "104", "pkd": "52.10.B", "polon": None, "zrkId": 90001}


def test_zrk_legacy_xml_fields() -> None:
    content = """<?xml version="1.0" encoding="UTF-8"?>
<kwalifikacje><kwalifikacja><id>17</id><rodzaj>1</rodzaj><status>zawieszona</status><kod>ABC-1</kod>
<nazwa>Kucharz (przykład)</nazwa><poziom>4</poziom><dziedzina>101</dziedzina><pkd>56.10</pkd><polon>1111111111</polon>
<charakterystyka>Przygotowuje potrawy.</charakterystyka>
<zestawy_efektow_uczenia_sie><zestaw><kod>Z1</kod><nazwa>Przygotowanie potraw</nazwa>
<efekty_uczenia_sie><efekt><opis>Przygotowuje zupy.</opis>
<kryteria_weryfikacji><kryterium>Dobiera składniki.</kryterium></kryteria_weryfikacji></efekt></efekty_uczenia_sie>
</zestaw></zestawy_efektow_uczenia_sie></kwalifikacja></kwalifikacje>""".encode()
    [q] = zrk.read(content, base="https://zrk.example/k/").qualifications
    assert (q.iri, q.kind, q.status, q.eqf_level, q.title) == (
        "https://zrk.example/k/ABC-1", "full", "suspended", 4, {"pl": "Kucharz (przykład)"}
    )  # fmt: skip
    assert q.extra == {"dziedzina": "101", "pkd": "56.10", "polon": "1111111111", "zrkId": "17"}
    assert q.units[0].outcomes[0].criteria == ({"pl": "Dobiera składniki."},)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rodzaj": 3}, "rodzaj must be 1"),
        ({"status": "nieznany"}, "unknown status"),
        ({"poziom": 9}, "unknown PRK level"),
        ({"nazwa": ["a list"]}, "nazwa must be a text"),
        ({"kod": None}, "kod is missing"),
        ({"zestawy_efektow_uczenia_sie": {"kod": "ZE1"}}, "must be a list"),
        ({"zestawy_efektow_uczenia_sie": [{"kod": "ZE1", "nazwa": "A"}, {"kod": "ZE1", "nazwa": "B"}]}, "twice"),
        ({"zestawy_efektow_uczenia_sie": [{"kod": "ZE1", "nazwa": "A", "punkty": "dużo"}]}, "punkty must be"),
        ({"zestawy_efektow_uczenia_sie": [{"kod": "ZE1", "nazwa": "A", "efekty_uczenia_sie": [{"opis": ["x"]}]}]},
         "set ZE1: opis must be a text"),
        ({"url": "javascript:alert(1)"}, "url must be"),
        ({"zestawy_efektow_uczenia_sie": [{"kod": "ZE1", "nazwa": "A", "efekty_uczenia_sie": [
            {"opis": "x", "esco": ["https://example.org/skill"]}]}]}, "is not an ESCO skill IRI"),
    ],
)  # fmt: skip
def test_zrk_bad_records_are_listed_with_the_record_and_what_is_wrong(changes: dict[str, object], message: str) -> None:
    good = json.loads(ZRK)["results"][0]
    bad = {**good, **changes, "kod": changes.get("kod", "BAD")}
    result = zrk.read(json.dumps([good, bad]).encode())
    assert [q.code for q in result.qualifications] == ["90001"]
    [error] = result.errors[:1]
    assert error.record.startswith("record 2")
    assert message in error.message


@pytest.mark.parametrize(
    ("content", "message"),
    [(b'{"kod": ', "not valid JSON"), (b"[1, 2", "not valid JSON"), (b'"text"', "must be a qualification"),
     (b"\xff\xfe{}", "not valid JSON"), (b"[" * 100_000, "nested too deeply")],
)  # fmt: skip
def test_malformed_json_is_refused(content: bytes, message: str) -> None:
    with pytest.raises(ImportRefused, match=message):
        zrk.read(content)


def test_a_record_that_is_not_an_object_is_an_error_of_its_own() -> None:
    result = zrk.read(b"[1]")
    assert result.qualifications == []
    assert result.errors[0].record == "record 1"


# --- CSV ------------------------------------------------------------------------------------------------------------


def test_csv_gives_the_seqf_qualification_with_its_rules() -> None:
    result = table.read(CSV)
    assert result.errors == []
    [q] = result.qualifications
    assert (q.code, q.kind, q.eqf_level, q.country, q.isced) == ("SE-SOL-5", "full", 5, "SE", "0713")
    assert [(u.code, u.credits) for u in q.units] == [("S1", 25), ("S2", 15), ("S3", 20), ("S4", 40)]
    assert q.units[0].outcomes[1].text == {"sv": "Väljer komponenter till anläggningen",
                                           "en": "Chooses the system's components"}  # fmt: skip
    assert [(r.kind, r.count, len(r.units)) for r in q.rules] == [("all", None, 2), ("choose", 1, 2)]
    assert [o.esco for o in q.units[0].outcomes] == [(PV,), ()]


def test_csv_with_semicolons_and_a_byte_order_mark() -> None:
    content = "\ufeffqualification;title_fi;framework;level;unit;unit_title_fi\nurn:q:fi;Tutkinto;FiNQF;4;T1;Osa\n"
    [q] = table.read(content).qualifications
    assert (q.eqf_level, q.country, q.units[0].iri) == (4, "FI", "urn:q:fi#T1")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("urn:q:x,X,4 of S1,S1,A", "asks for 4 of only 1 units"),
        ("urn:q:x,X,all S9,S1,A", "names S9"),
        ("urn:q:x,X,lots of things,S1,A", "is not “all"),
        ("urn:q:x,,all,S1,A", "no title"),
        ("urn:q:x,X,,S1,A,one|two,http://example.org/s", "2 outcomes"),
        ("urn:q:x,X,,S1,A,one,http://example.org/s", "is not an ESCO skill IRI"),
        ("urn:q:x,X,,S1,A\nurn:q:x,Y,,S2,B", "title_en contradicts line 2"),
        ("not-an-iri,X,,S1,A", "must be the qualification's IRI"),
        ("urn:q:x,X,,S1,\n", "has no title"),
    ],
)
def test_csv_bad_records(rows: str, message: str) -> None:
    content = "qualification,title_en,rules,unit,unit_title_en,unit_outcomes_en,unit_esco\n" + rows
    content += "\nurn:q:good,Good,,G1,Good unit,,\n"
    result = table.read(content)
    assert [q.iri for q in result.qualifications] == ["urn:q:good"]
    assert any(message in e.message for e in result.errors), result.errors


@pytest.mark.parametrize(
    ("content", "message"),
    [("code,title_en\nX,Y\n", "no qualification column"), ("qualification,colour\nurn:q:1,red\n", "unknown columns")],
)
def test_csv_refused_as_a_whole(content: str, message: str) -> None:
    with pytest.raises(ImportRefused, match=message):
        table.read(content)


def test_csv_unknown_level_and_contradicting_eqf() -> None:
    head = "qualification,title_en,framework,level,eqf\n"
    result = table.read(head + "urn:q:1,A,SeQF,9,\nurn:q:2,B,SeQF,5,4\nurn:q:3,C,XQF,1,\n")
    assert result.qualifications == []
    assert [e.message.split(" (")[0] for e in result.errors] == [
        "unknown level SeQF 9", "eqf 4 contradicts the national level", "unknown level XQF 1"
    ]  # fmt: skip


# --- export ---------------------------------------------------------------------------------------------------------


def _shacl(document: dict[str, object]) -> tuple[bool, str]:
    with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        data = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    shapes = rdflib.Graph().parse(DATA / "elm" / "LOQ-constraints.ttl")
    conforms, _graph, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    return bool(conforms), str(text)


@pytest.mark.parametrize("content", [ZRK, CSV], ids=["zrk", "csv"])
def test_elm_export_conforms_to_the_loq_shapes(content: bytes) -> None:
    reader = zrk.read if content is ZRK else table.read
    [q] = reader(content).qualifications
    assert export.gaps(q) == []
    document = export.elm(q)
    conforms, report = _shacl(document)
    assert conforms, report
    assert document["eqfLevel"]["id"] == f"http://data.europa.eu/snb/eqf/{q.eqf_level}"  # type: ignore[index]
    assert len(document["hasPart"]) == len(q.units)  # type: ignore[arg-type]


def test_elm_export_without_isced_is_reported_and_fails_the_shapes() -> None:
    [q] = zrk.read(zrk_record(isced=None)).qualifications
    assert export.gaps(q) == ["ISCED-F field"]
    conforms, report = _shacl(export.elm(q))
    assert not conforms
    assert "ISCEDFCode" in report


def test_json_form_round_trips_an_import() -> None:
    [q] = table.read(CSV).qualifications
    assert codec.from_json(json.loads(json.dumps(codec.to_json(q)))) == q


@pytest.fixture(scope="module")
def loq_schema(tmp_path_factory: pytest.TempPathFactory) -> etree.XMLSchema:
    folder = tmp_path_factory.mktemp("loq-xsd")
    with tarfile.open(Path(__file__).parent / "schemas" / "loq-xsd.tar.gz") as archive:
        archive.extractall(folder, filter="data")
    return etree.XMLSchema(etree.parse(str(folder / "loq.xsd")))


@pytest.mark.parametrize("content", [ZRK, CSV], ids=["zrk", "csv"])
def test_loq_xml_export_is_valid_against_the_schema_and_reads_back(content: bytes, loq_schema: etree.XMLSchema) -> None:
    reader = zrk.read if content is ZRK else table.read
    [q] = reader(content).qualifications
    document = export.loq_xml([q])
    assert loq_schema.validate(etree.fromstring(document)), loq_schema.error_log
    [back] = loq.read(document).qualifications
    assert (back.iri, back.kind, back.eqf_level, back.nqf_level, back.isced) == (
        q.iri, q.kind, q.eqf_level, q.nqf_level, q.isced
    )  # fmt: skip
    # Outcomes come back with their texts and ESCO skills; criteria and how a unit is verified are notes in LOQ.
    assert [(u.iri, u.title, [(o.text, o.esco) for o in u.outcomes], u.credits) for u in back.units] == [
        (u.iri, u.title, [(o.text, o.esco) for o in u.outcomes], u.credits) for u in q.units
    ]
    if content is ZRK:
        assert '<noteLiteral language="pl">Wskazuje zagrożenia'.encode() in document


def test_the_schema_check_can_fail(loq_schema: etree.XMLSchema) -> None:
    [q] = zrk.read(zrk_record(isced=None)).qualifications
    assert not loq_schema.validate(etree.fromstring(export.loq_xml([q])))
