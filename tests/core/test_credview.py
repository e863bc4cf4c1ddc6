"""The typed credential view: one duration parser, one view filled by every format's reader, the dictionary form
kept for credentials already issued."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from merit.core import edc
from merit.core.credview import Concept, CredentialView, as_texts, duration_hours, labelled, number, pick
from merit.core.microcredential import extract_spec_view
from merit.core.microcredential.view import view_of
from merit.core.openbadges2.view import view_of as ob2_view
from tests.core.test_edc import load
from tests.core.test_openbadges2 import ESCO, assertion, badge_class, profile

LEGACY = Path(__file__).parents[1] / "data" / "legacy"


@pytest.mark.parametrize(
    ("duration", "hours"),
    [
        ("PT135H", Decimal(135)),
        ("PT90M", Decimal("1.5")),
        ("PT1.5H", Decimal("1.5")),
        ("P2DT12H", Decimal(60)),
        ("P1D", Decimal(24)),
        ("PT0H", Decimal(0)),
        ("P", None),
        ("PT", None),
        ("135", None),
        ("PT-3H", None),
        (135, None),
    ],
)
def test_one_duration_parser(duration: object, hours: Decimal | None) -> None:
    assert duration_hours(duration) == hours


def test_numbers_and_texts() -> None:
    assert number("5") == Decimal(5)
    assert number(7.5) == Decimal("7.5")
    assert [number(v) for v in (True, "NaN", "Infinity", -1, 0, "five", None)] == [None] * 7
    assert as_texts("Svetsning", "sv") == {"sv": "Svetsning"}
    assert as_texts("Welding") == {"": "Welding"}
    assert as_texts([{"@value": "Hitsaus", "@language": "fi"}]) == {"fi": "Hitsaus"}
    assert as_texts({"en": "Welding", "sv": ["Svetsning"]}) == {"en": "Welding", "sv": "Svetsning"}
    assert pick({"en": "Welding", "sv": "Svetsning"}, ["sv"]) == ("Svetsning", "sv")
    assert pick({"": "Welding"}, ["sv"]) == ("Welding", None)
    assert pick({}, ["sv"]) == (None, None)


def test_concepts_named_by_label_or_iri() -> None:
    online = labelled("online")
    assert online == Concept("http://data.europa.eu/snb/learning-assessment/920fbb3cbe", "online", "online")
    assert labelled("http://data.europa.eu/snb/assessment/b1b68f6735") == Concept(
        "http://data.europa.eu/snb/assessment/b1b68f6735", "quiz", "quiz"
    )
    assert labelled("Blended") == Concept(None, "Blended")
    assert labelled(" ") is None


def test_open_badges_2_fills_the_typed_view() -> None:
    view = ob2_view(assertion({"type": "hosted"}), ["en"], badge_class(), profile())
    assert isinstance(view, CredentialView)
    assert view.format == "ob2"
    assert view.text(view.title, ["en"]) == "Welding safety"
    assert view.awarding_body == "Escola Técnica Exemplo"
    assert (view.eqf_level, view.ects) == (4, Decimal("2.5"))
    assert [s.uri for s in view.skills] == [ESCO]
    assert [view.text(o.text, ["en"]) for o in view.outcomes] == ["Pass the practical test."]
    assert view.extra["criteria"]["url"] == "https://badges.example.edu/criteria/welding"


def test_europass_fills_the_typed_view() -> None:
    view = edc.view_of(load("AA-Annex1-MC-signed.jsonld"), ["en"])
    assert view.format == "edc"
    assert view.text(view.title, ["en"]) == "Digital micro-credential creation"
    assert (view.eqf_level, view.ects, view.hours) == (6, Decimal(2), Decimal(60))  # P2DT12H
    assert view.mode == Concept(None, "Blended")
    assert view.learning_setting is not None
    assert view.learning_setting.code == "non-formal"
    assert view.learner_name == "Ana Andromeda"
    assert view.extra["credentialTitle"] == "Micro-Credential"
    assert "Communication, collaboration and creativity" in [view.text(o.text, ["en"]) for o in view.outcomes]


def test_the_dictionary_form_of_a_credential_already_issued_is_unchanged() -> None:
    """``microcredential-view.json`` is what ``extract_spec_view`` gave for the legacy credential before the readers
    were rewritten (tests/data/legacy/PROVENANCE.md)."""
    credential = json.loads((LEGACY / "microcredential.json").read_text())
    before = json.loads((LEGACY / "microcredential-view.json").read_text())
    assert extract_spec_view(credential) == before
    assert view_of(credential).as_dict() == before


def test_other_issuers_alignments_are_read_by_their_targets() -> None:
    """SURF's eduCredentials type their alignments ``ext:EQF`` and ``ext:ESCO``; plain ones have no type at all."""
    skill = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
    achievement = {
        "type": ["Achievement"],
        "name": "Data",
        "criteria": {"narrative": "Analyse data."},
        "alignment": [
            {
                "type": ["Alignment"],
                "targetType": "ext:EQF",
                "targetName": "EQF 6",
                "targetUrl": "http://data.europa.eu/snb/eqf/6",
            },
            {"type": ["Alignment"], "targetType": "ext:ESCO", "targetName": "Python", "targetUrl": skill},
            {
                "type": ["Alignment"],
                "targetName": "Other",
                "targetUrl": "https://example.org/x",
                "targetFramework": "ESCO",
            },
        ],
    }
    view = view_of({"credentialSubject": {"achievement": achievement}})
    assert view.eqf_level == 6
    assert [s.uri for s in view.skills] == [skill, "https://example.org/x"]
    assert [o.text for o in view.outcomes] == [{"": "Analyse data."}]  # The criteria stand in for outcomes.
