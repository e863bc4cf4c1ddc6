"""ESCO labels in other languages: reading the official CSV export, joining it on ``conceptUri``, storing, look-up
with the English fallback, and search in the reader's language (the Polish sample in ``tests/data/esco``)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from merit.core.microcredential import esco
from merit.core.microcredential import esco_languages as languages

ROOT = Path(__file__).parents[3]
SAMPLE = ROOT / "tests" / "data" / "esco" / "skills_pl.csv"
SORT_WASTE = "http://data.europa.eu/esco/skill/110d7aa3-e44e-4cce-a927-8d4de615f3d9"
CARGO = "http://data.europa.eu/esco/skill/059b2748-e1df-43d2-8a08-0331fb8d0ddf"
SOLAR = "http://data.europa.eu/esco/skill/18d3f89a-6ac5-4ca6-bf93-0baec4e13bcd"  # Not in the Polish sample.


@pytest.fixture
def polish(tmp_path: Path) -> languages.Labels:
    kept, _unknown = languages.join(languages.read_file(SAMPLE))
    languages.write(tmp_path, "pl", kept, [SAMPLE.name])
    return languages.Labels.load(tmp_path)


def test_the_polish_sample_is_read_and_every_concept_joins() -> None:
    rows = list(languages.read_file(SAMPLE))
    assert len(rows) == 22
    by_uri = {uri: (preferred, alts) for uri, preferred, alts in rows}
    assert by_uri[SORT_WASTE][0] == "sortować odpady"
    assert by_uri[CARGO][1][:2] == ("klasy ładunków", "formy ładunku")  # One alternative label a line.
    kept, unknown = languages.join(rows)
    assert unknown == 0
    assert len(kept) == 22
    assert all(esco.concept(uri) is not None for uri in kept)


def test_concepts_the_bundle_does_not_know_are_left_out() -> None:
    rows = [("http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000", "nic", ()), (SORT_WASTE, "x", ())]
    kept, unknown = languages.join(rows)
    assert list(kept) == [SORT_WASTE]
    assert unknown == 1


def test_a_file_without_the_export_columns_is_refused() -> None:
    with pytest.raises(languages.ExportError) as refused:
        list(languages.read_export(io.StringIO("email;name\na@b;c\n")))
    assert refused.value.reason == "missing-columns"
    assert refused.value.details["columns"] == ["conceptUri", "preferredLabel"]


def test_a_byte_order_mark_and_empty_rows_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "skills_sv.csv"
    path.write_text(f"conceptUri,preferredLabel,altLabels\n{SORT_WASTE},sortera avfall,\n,tom,\n", encoding="utf-8-sig")
    assert list(languages.read_file(path)) == [(SORT_WASTE, "sortera avfall", ())]


@pytest.mark.parametrize(
    ("name", "language"),
    [("skills_pl.csv", "pl"), ("skillGroups_sv.csv", "sv"), ("skills_no.csv", "nb"), ("/x/skills_fi.csv", "fi")],
)
def test_the_language_comes_from_the_file_name(name: str, language: str) -> None:
    assert languages.language_of(name) == language


def test_no_language_in_an_odd_name() -> None:
    assert languages.language_of("export.csv") is None
    with pytest.raises(languages.ExportError):
        languages.merit_language("../etc")


def test_labels_in_the_readers_language_with_english_as_the_fallback(polish: languages.Labels) -> None:
    assert polish.languages == ["pl"]
    assert polish.label(SORT_WASTE, ["pl"]) == languages.Label("sortować odpady", "pl")
    assert polish.label(SOLAR, ["pl"]) == languages.Label("install photovoltaic systems", "en")
    assert polish.label(SORT_WASTE, ["sv", "pl"]) == languages.Label("sortować odpady", "pl")
    assert polish.label(SORT_WASTE, ["sv"]) == languages.Label("sort waste", "en")
    assert polish.label("http://example.org/not-esco", ["pl"]) is None
    # A bare UUID finds the concept, as in the English look-up.
    assert polish.label(SORT_WASTE.rsplit("/", 1)[1], ["pl"]) == languages.Label("sortować odpady", "pl")


def test_no_folder_means_english_only(tmp_path: Path) -> None:
    for folder in (None, tmp_path / "absent", tmp_path):
        found = languages.Labels.load(folder)
        assert found.languages == []
        assert found.label(SORT_WASTE, ["pl"]) == languages.Label("sort waste", "en")


def test_search_in_polish_ignores_case_and_accents(polish: languages.Labels) -> None:
    found = polish.search("SORTOWAC odp", "pl")
    assert next((skill.uri, label.text, label.language) for skill, label in found) == (
        SORT_WASTE,
        "sortować odpady",
        "pl",
    )
    by_alternative = polish.search("klasyfikacje", "pl")
    assert by_alternative
    assert by_alternative[0][0].uri == CARGO
    assert by_alternative[0][1].text == "rodzaje ładunku"  # Shown by its preferred label.


def test_search_falls_back_to_english_labels(polish: languages.Labels) -> None:
    found = polish.search("install photovoltaic systems", "pl", limit=3)
    assert found
    assert found[0][0].uri == SOLAR
    assert found[0][1] == languages.Label("install photovoltaic systems", "en")
    # The English answers are ESCO's own search's, in its order.
    english = [skill.uri for skill in esco.search("photovoltaic", limit=5)]
    assert [skill.uri for skill, _label in polish.search("photovoltaic", "pl", limit=5)] == english
    assert polish.search("s", "pl") == []
    assert polish.search("sortować", "pl", limit=0) == []


def test_a_later_import_merges_and_replaces(tmp_path: Path, polish: languages.Labels) -> None:
    languages.write(tmp_path, "sv", {SORT_WASTE: ["sortera avfall", []]}, ["skills_sv.csv"])
    languages.write(tmp_path, "sv", {CARGO: ["typer av last", ["lastklasser"]]}, ["skillGroups_sv.csv"])
    languages.write(tmp_path, "sv", {SORT_WASTE: ["sortera avfallet", []]}, ["skills_sv.csv"])
    stored = json.loads(gzip.decompress((tmp_path / "esco-sv.json.gz").read_bytes()))
    assert stored["format"] == languages.FORMAT
    assert stored["language"] == "sv"
    assert stored["sources"] == ["skillGroups_sv.csv", "skills_sv.csv"]
    loaded = languages.Labels.load(tmp_path)
    assert loaded.languages == ["pl", "sv"]
    assert loaded.label(SORT_WASTE, ["sv"]) == languages.Label("sortera avfallet", "sv")
    assert loaded.alternatives(CARGO, "sv") == ("lastklasser",)


def test_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    (tmp_path / "esco-pl.json.gz").write_bytes(gzip.compress(b'{"format": "something else"}'))
    with pytest.raises(languages.ExportError):
        languages.Labels.load(tmp_path)
