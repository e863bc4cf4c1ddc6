"""The bundled ESCO v1.1.1 taxonomy (https://esco.ec.europa.eu/): look-up, search and the skills hierarchy."""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from merit.core.microcredential import esco, esco_index, vocab

ROOT = Path(__file__).parents[3]
SOURCE = Path("/work/shared/esco/v1.1.1")
BUILD = ROOT / "scripts" / "build-esco-data"
BUNDLE = ROOT / "src/merit/core/microcredential/data/esco-v1.1.1.json.gz"
needs_source = pytest.mark.skipif(not (SOURCE / "skills_en.csv").is_file(), reason="the ESCO CSV export is absent")


def _example_uris() -> list[str]:
    found = re.findall(
        r"http://data\.europa\.eu/esco/skill/[0-9a-f-]{36}",
        "".join(path.read_text() for path in sorted((ROOT / "examples").glob("*.json"))),
    )
    return sorted(set(found))


def _all_skills() -> list[esco.Skill]:
    taxonomy = esco._taxonomy()
    return [taxonomy.skill(i) for i in range(taxonomy.groups, len(taxonomy.rows))]


def _reference(query: str, limit: int, skill_type: str | None = None) -> list[str]:
    """The ranking rules of :func:`esco.search`, applied by brute force to every label of every skill."""
    query_words = esco.words(query)
    ranked = []
    for item in _all_skills():
        if skill_type is not None and item.skill_type != skill_type:
            continue
        keys = []
        for is_alt, label in [(False, item.label), *((True, alt) for alt in item.alt_labels)]:
            label_words = esco.words(label)
            if not all(any(word.startswith(q) for word in label_words) for q in query_words):
                continue
            text = " ".join(label_words)
            exact = not is_alt and label_words == query_words
            whole = all(q in label_words for q in query_words)
            keys.append((not exact, is_alt, not whole, len(text), text, label, item.uri))
        if keys:
            ranked.append(min(keys))
    return [key[-1] for key in sorted(ranked)[:limit]]


# Look-up and the labels used when rendering credentials.


def test_example_skills_resolve() -> None:
    uris = _example_uris()
    assert len(uris) >= 5
    for uri in uris:
        found = esco.skill(uri)
        assert found is not None
        assert found.uri == uri
        assert found.label == vocab.esco_label(uri)
        assert found.skill_type in {"skill/competence", "knowledge", ""}
        assert esco.skill(uri.rsplit("/", 1)[1]) == found


def test_esco_label_behaviour() -> None:
    forklift = "http://data.europa.eu/esco/skill/28cb374e-6261-4133-8371-f9a5470145da"
    assert vocab.esco_label(forklift) == "operate forklift"
    assert vocab.esco_label("https://example.org/skill/1") is None
    assert vocab.esco_label(vocab.ESCO_SKILL + "00000000-0000-0000-0000-000000000000") is None
    labels = vocab.esco_skill_labels()
    assert len(labels) == len(_all_skills())
    assert all(re.fullmatch(r"[0-9a-f-]{36}", uuid) for uuid in labels)
    assert esco.SKILL_PREFIX == vocab.ESCO_SKILL


def test_unknown_uris() -> None:
    assert esco.skill("http://data.europa.eu/esco/skill/not-a-skill") is None
    assert esco.skill("") is None
    # A skill group is a concept of the hierarchy, not a skill.
    root = esco.pillars()[0]
    assert esco.skill(root.uri) is None
    assert esco.concept(root.uri) == root


# Search.


def test_forklift() -> None:
    labels = [item.label for item in esco.search("forklift")]
    assert labels[:2] == sorted(["operate forklift", "conduct forklift inspections"], key=len)
    assert esco.search("forkl")[:2] == esco.search("forklift")[:2]
    assert esco.search("operate forklift")[0].label == "operate forklift"


def test_accent_and_case_insensitive() -> None:
    plain = esco.search("seance tools", limit=20)
    assert plain
    assert any("séance" in item.label for item in plain)
    assert esco.search("SÉANCE TOOLS", limit=20) == plain
    assert esco.search("Séance Tools", limit=20) == plain
    assert esco.fold("Provençal ÉCOLE ß") == "provencal ecole ss"
    assert esco.words("children's e-learning") == ["childrens", "e", "learning"]


def test_alternative_labels_are_searched() -> None:
    sample = random.Random(7).sample(_all_skills(), 40)
    for item in sample:
        for alt in item.alt_labels[:2]:
            assert item in esco.search(alt, limit=len(_all_skills())), alt


def test_preferred_matches_rank_before_alternative_only_matches() -> None:
    for query in ("forklift", "cook", "program", "communicate", "welding"):
        results = esco.search(query, limit=200)
        on_preferred = [
            all(any(w.startswith(q) for w in esco.words(item.label)) for q in esco.words(query)) for item in results
        ]
        assert on_preferred == sorted(on_preferred, reverse=True), query
        assert False in on_preferred, query


@pytest.mark.parametrize(
    "query", ["manage", "ma", "operate forklift", "comm sk", "python", "Occitan", "zoo", "ict safety", "c++"]
)
def test_ranking_matches_the_rules(query: str) -> None:
    assert [item.uri for item in esco.search(query, limit=40)] == _reference(query, 40)


def test_exact_preferred_label_first() -> None:
    for item in random.Random(3).sample(_all_skills(), 30):
        first = esco.search(item.label.upper(), limit=3)[0]
        assert esco.words(first.label) == esco.words(item.label)


def test_skill_type_filter() -> None:
    everything = esco.search("management", limit=500)
    knowledge = esco.search("management", limit=500, skill_type="knowledge")
    assert knowledge
    assert all(item.skill_type == "knowledge" for item in knowledge)
    assert knowledge == [item for item in everything if item.skill_type == "knowledge"]
    assert [item.uri for item in knowledge[:20]] == _reference("management", 20, "knowledge")
    assert esco.search("management", skill_type="no such type") == []


def test_uri_queries() -> None:
    uri = _example_uris()[0]
    found = esco.skill(uri)
    assert found is not None
    uuid = uri.rsplit("/", 1)[1]
    for query in (uri, f"  {uri}/ ", uuid, uuid.upper(), uri.replace("http:", "https:")):
        assert esco.search(query) == [found], query
    assert esco.search(uri, skill_type="no such type") == []
    assert esco.search(vocab.ESCO_SKILL + "00000000-0000-0000-0000-000000000000") == []


@pytest.mark.parametrize("query", ["", " ", "a", " b ", "\n\t", "é", "--", "!!!", "\x00\x01"])
def test_short_or_empty_queries(query: str) -> None:
    assert esco.search(query) == []


def test_limits() -> None:
    assert esco.search("manage", limit=0) == []
    assert esco.search("manage", limit=-1) == []
    assert len(esco.search("manage", limit=3)) == 3
    assert len(esco.search("manage " * 1000)) <= 10
    assert esco.search("forklift " + "x" * 300) == esco.search("forklift " + "x" * 190)


@settings(max_examples=300, deadline=None)
@given(
    query=st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)
    | st.sampled_from(["forklift", "ma", "a b c d e f g h", "😀 skills", "ǅ", "ﬁ", "İstanbul"]),
    limit=st.integers(min_value=-2, max_value=30),
    skill_type=st.sampled_from([None, "knowledge", "skill/competence", "x"]),
)
def test_search_never_raises(query: str, limit: int, skill_type: str | None) -> None:
    results = esco.search(query, limit=limit, skill_type=skill_type)
    assert len(results) <= max(limit, 0)
    assert len({item.uri for item in results}) == len(results)
    assert all(skill_type in (None, item.skill_type) for item in results)


# The hierarchy.


def _depths() -> dict[str, int]:
    """Each concept's distance to a root, found independently of :mod:`esco`'s breadth-first walk."""
    taxonomy = esco._taxonomy()
    depth: dict[int, int] = {}

    def walk(i: int) -> int:
        if i not in depth:
            parents = taxonomy.broader[i]
            depth[i] = 0 if not parents else 1 + min(walk(parent) for parent in parents)
        return depth[i]

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    return {taxonomy.uris[i]: walk(i) for i in range(len(taxonomy.uris))}


def test_every_skill_walks_up_to_a_pillar() -> None:
    taxonomy = esco._taxonomy()
    roots = {root.uri for root in esco.pillars()}
    assert sorted(root.code or "" for root in esco.pillars()) == ["K", "L", "S", "T"]
    depths = _depths()
    without_path = 0
    for item in _all_skills():
        chain = esco.broader(item.uri)
        if not chain or chain[-1].uri not in roots:
            without_path += 1
            continue
        assert len(chain) == depths[item.uri]
        steps = [item.uri, *(link.uri for link in chain)]
        for lower, upper in itertools.pairwise(steps):
            assert taxonomy.index[upper] in taxonomy.broader[taxonomy.index[lower]]
        assert esco.pillar(item.uri) == chain[-1]
    # Every skill of ESCO v1.1.1 has a broader concept and the relations have no cycles, so none lacks a path.
    assert without_path == 0


def test_group_path() -> None:
    forklift = "http://data.europa.eu/esco/skill/28cb374e-6261-4133-8371-f9a5470145da"
    path = esco.group_path(forklift)
    assert path[0].code == "S"
    assert path[0].label == "skills"
    assert [item.code for item in path] == [item.code for item in reversed(esco.broader(forklift))]
    for item in _all_skills()[::50]:
        codes = [group.code or "" for group in esco.group_path(item.uri)]
        assert codes
        # Below the pillar, a group's code extends its parent's (S1 → S1.2, ISCED-F 06 → 061 → 0613).
        assert all(lower.startswith(upper) for upper, lower in itertools.pairwise(codes[1:])), codes


def test_roots_and_unknowns() -> None:
    for root in esco.pillars():
        assert esco.broader(root.uri) == []
        assert esco.pillar(root.uri) == root
        assert esco.group_path(root.uri) == []
    assert esco.broader("https://example.org/x") == []
    assert esco.pillar("https://example.org/x") is None


# The bundle and its build.


def _bundle() -> dict[str, Any]:
    return dict(json.loads(gzip.decompress(BUNDLE.read_bytes())))


def _csv(name: str) -> list[dict[str, str]]:
    with (SOURCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_bundle_metadata() -> None:
    document = _bundle()
    assert document["version"] == vocab.ESCO_VERSION
    assert document["attribution"] == "This service uses the ESCO classification of the European Commission."
    provenance = (BUNDLE.parent / "PROVENANCE.md").read_text()
    assert BUNDLE.name in provenance
    assert document["attribution"] in provenance


@needs_source
def test_bundle_matches_the_csv_export() -> None:
    rows = _csv("skills_en.csv")
    assert len(rows) == len(_all_skills())
    for row in random.Random(11).sample(rows, 300):
        found = esco.skill(row["conceptUri"])
        assert found is not None
        assert (found.label, found.skill_type, found.reuse_level) == (
            row["preferredLabel"].strip(),
            row["skillType"],
            row["reuseLevel"],
        )
        alts = {label.strip() for label in row["altLabels"].split("\n") if label.strip()}
        assert set(found.alt_labels) == alts - {row["preferredLabel"].strip()}
    levels = {row["Level 0 URI"] for row in _csv("skillsHierarchy_en.csv")}
    assert {root.uri for root in esco.pillars()} == levels


@needs_source
def test_build_is_reproducible(tmp_path: Path) -> None:
    output = tmp_path / "esco.json.gz"
    subprocess.run([sys.executable, str(BUILD), "--source", str(SOURCE), "--output", str(output)], check=True)
    assert output.read_bytes() == BUNDLE.read_bytes()


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])


def test_build_on_a_small_export(tmp_path: Path) -> None:
    group, skill_a, skill_b = (
        f"http://data.europa.eu/esco/skill/{n}0000000-0000-0000-0000-000000000000" for n in "123"
    )
    _write(
        tmp_path / "skills_en.csv",
        ["conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels"],
        [
            [skill_b, "knowledge", "transversal", "bée", "b\nbée\nb"],
            [skill_a, "skill/competence", "cross-sector", "a", ""],
        ],
    )
    _write(tmp_path / "skillGroups_en.csv", ["conceptUri", "preferredLabel", "code"], [[group, "group", "S"]])
    _write(tmp_path / "skillsHierarchy_en.csv", ["Level 0 URI", "Level 0 preferred term"], [[group, "group"]])
    _write(
        tmp_path / "broaderRelationsSkillPillar.csv",
        ["conceptUri", "broaderUri"],
        [[skill_a, group], [skill_b, skill_a], [skill_b, group]],
    )
    outputs = []
    for name in ("one.json.gz", "two.json.gz"):
        command = [sys.executable, str(BUILD), "--source", str(tmp_path), "--output", str(tmp_path / name)]
        subprocess.run(command, check=True, capture_output=True)
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    document = json.loads(gzip.decompress(outputs[0]))
    assert document["groups"] == 1
    assert document["concepts"] == [
        [group, "group", "S", []],
        [skill_a.rsplit("/", 1)[1], "a", "", 1, 0, [0]],
        [skill_b.rsplit("/", 1)[1], "bée", "b", 0, 1, [0, 1]],
    ]


# The stored search index.


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n"), max_size=40), max_size=5))
def test_bulk_folding_matches_query_folding(labels: list[str]) -> None:
    assert esco_index.fold_many(labels) == [f" {' '.join(esco.words(label))} " for label in labels]


def test_stored_index_matches_the_labels() -> None:
    index = esco._index()
    taxonomy = esco._taxonomy()
    assert len(index.labels) == sum(1 + len(item.alt_labels) for item in _all_skills())
    for number in random.Random(5).sample(range(len(index.labels)), 500):
        label = index.labels[number]
        owner = taxonomy.skill(index.skill_of[number])
        assert label in (owner.label, *owner.alt_labels)
        assert (number < index.preferred) == (label == owner.label)
        for word in esco.words(label):
            assert number in index.postings(word)
    texts = [index.text(n) for n in range(index.preferred)]
    assert texts == sorted(texts, key=lambda text: (len(text), text))


def test_stale_index_is_refused() -> None:
    taxonomy = esco._taxonomy()
    stale = dict(taxonomy.search_index, preferred=taxonomy.search_index["preferred"] - 1)
    with pytest.raises(ValueError, match="rebuild"):
        esco_index.Index(taxonomy.rows, taxonomy.groups, stale)
