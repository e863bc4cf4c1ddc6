"""Decision 0011: what Merit issues names only standard contexts, every Annex I element is signed, and credentials
in the first encoding (``tests/data/legacy``, Merit's private eu-mc/v1 context) still verify and show everything."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from merit.core.canon import canonize
from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner, parse_spec, render_credential, validate_ob3, vocab
from merit.core.microcredential.view import view_of
from merit.core.present import presentation, sign_presentation
from merit.core.status import StatusList, status_list_credential
from merit.core.verify import Verifier

DATA = Path(__file__).parents[1] / "data" / "legacy"
EXAMPLES = Path(__file__).parents[2] / "examples"
NOW = datetime(2026, 10, 1, tzinfo=UTC)
STANDARD = {
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
}


def full_spec() -> dict[str, Any]:
    return dict(json.loads((DATA / "full-spec.json").read_text()))


def issued(data: dict[str, Any], grade: str | None = None) -> dict[str, Any]:
    key = SigningKey.for_did_key(KeyPair.generate())
    learner = Learner(email="anna@example.fi", did="did:example:learner-anna", name="Anna Example")
    unsigned = render_credential(
        parse_spec(data), learner, key.controller, issued=datetime(2026, 3, 1, tzinfo=UTC), grade=grade
    )
    return sign_credential(unsigned, key)


def literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_every_example_names_only_standard_contexts_and_is_schema_valid(name: str) -> None:
    credential = issued(json.loads((EXAMPLES / name).read_text()))
    assert set(credential["@context"]) <= STANDARD
    assert validate_ob3(credential) == []
    report = Verifier(clock=lambda: NOW).verify_credential(credential)
    assert report.verified, report.to_json()


def test_every_annex_i_element_is_in_the_signed_canonical_nquads() -> None:
    data = full_spec()
    quads = canonize(issued(data, "4"))
    expected = [
        *(literal(t) for t in data["title"].values()),
        *(literal(t) for t in data["description"].values()),
        *(literal(t) for t in data["criteria"].values()),
        *(literal(t) for o in data["learningOutcomes"] for t in o["text"].values()),
        *(f'"{s}"' for o in data["learningOutcomes"] for s in o["escoSkills"]),
        *(literal(t) for t in data["prerequisites"].values()),
        *(literal(t) for t in data["assessment"]["description"].values()),
        *(literal(t) for t in data["qualityAssurance"]["description"].values()),
        *(literal(t) for t in data["integration"]["description"].values()),
        *(f'"{vocab.ASSESSMENT_TYPES[t][0]}"' for t in data["assessment"]["types"]),
        f'"{vocab.MODES[data["participation"]["mode"]][0]}"',
        f'"{vocab.LEARNING_SETTINGS[data["participation"]["setting"]][0]}"',
        f'"{vocab.SUPERVISION[data["supervision"]][0]}"',
        f'"{vocab.QUALITY_ASSURANCE[data["qualityAssurance"]["type"]][0]}"',
        literal(data["qualityAssurance"]["body"]),
        f'"{data["qualityAssurance"]["url"]}"',
        f'"{vocab.INTEGRATION[data["integration"]["option"]][0]}"',
        *(f'"{iri}"' for iri in data["integration"]["partOf"]),
        f'"{data["furtherInformation"]}"',
        f'"{vocab.eqf_iri(data["eqfLevel"])}"',
        f'"{data["nationalLevel"]["iri"]}"',
        literal(data["nationalLevel"]["framework"]),
        f'"{vocab.isced_iri(data["iscedField"])}"',
        f'"{vocab.ECTS}"',
        '"5"',
        '"PT135H"',
        '"MicroCredential"',
        literal(data["awardingBody"]["name"]),
        '"FI"',
        "<did:example:learner-anna>",
        '"4"',
        '"2026-03-01T00:00:00Z"',
    ]
    for value in expected:
        assert value in quads, value
    for language in ("en", "fi"):
        assert f'"{language}"' in quads


def test_the_new_encoding_reads_back_to_the_specification() -> None:
    data = full_spec()
    view = view_of(issued(data, "4"))
    assert view.title == data["title"]
    assert view.description == data["description"]
    assert view.criteria == data["criteria"]
    assert [o.text for o in view.outcomes] == [o["text"] for o in data["learningOutcomes"]]
    assert [[s.uri for s in o.skills] for o in view.outcomes] == [o["escoSkills"] for o in data["learningOutcomes"]]
    assert (view.ects, view.hours, view.eqf_level, view.isced_field) == (Decimal(5), Decimal(135), 6, "0688")
    assert view.national_level is not None
    assert (view.national_level.framework, view.national_level.level) == (
        "Finnish National Qualifications Framework",
        "6",
    )
    assert [c.code for c in view.assessment] == data["assessment"]["types"]
    assert view.assessment_description == data["assessment"]["description"]
    assert view.mode is not None
    assert view.mode.code == "online"
    assert view.learning_setting is not None
    assert view.learning_setting.code == "formal"
    assert view.supervision is not None
    assert view.supervision.code == data["supervision"]
    assert view.quality_assurance is not None
    assert view.quality_assurance.code == "accredited"
    assert view.quality_assurance_body == data["qualityAssurance"]["body"]
    assert view.quality_assurance_url == data["qualityAssurance"]["url"]
    assert view.quality_assurance_description == data["qualityAssurance"]["description"]
    assert view.prerequisites == data["prerequisites"]
    assert view.integration is not None
    assert view.integration.code == "stackable"
    assert view.integration_description == data["integration"]["description"]
    assert view.part_of == data["integration"]["partOf"]
    assert view.further_information == data["furtherInformation"]
    assert (view.grade, view.learner, view.learner_name, view.micro) == (
        "4",
        "did:example:learner-anna",
        "Anna Example",
        True,
    )
    assert view.missing == []


def test_a_credential_in_the_first_encoding_still_verifies_and_shows_every_element() -> None:
    credential = json.loads((DATA / "microcredential.json").read_text())
    assert "https://purl.org/merit/ns/eu-mc/v1" in credential["@context"]
    report = Verifier(clock=lambda: NOW).verify_credential(credential)
    assert report.verified, report.to_json()
    legacy = view_of(credential)
    current = view_of(issued(full_spec(), "4"))
    for name in (
        "title", "description", "criteria", "outcomes", "skills", "ects", "hours", "eqf_level", "national_level",
        "isced_field", "field_of_study", "assessment", "assessment_description", "mode", "learning_setting",
        "supervision", "quality_assurance", "quality_assurance_body", "quality_assurance_url",
        "quality_assurance_description", "prerequisites", "integration", "integration_description", "part_of",
        "grade", "further_information", "learner", "learner_name", "awarding_body", "country", "region", "issued",
        "micro",
    ):  # fmt: skip
        assert getattr(legacy, name) == getattr(current, name), name
    assert legacy.missing == []


def test_status_lists_and_presentations_name_only_vc2() -> None:
    key = SigningKey.for_did_key(KeyPair.generate())
    bits = StatusList()
    bits.set(3)
    status = sign_credential(
        status_list_credential(
            "https://x.example/status/1", key.controller, "revocation", bits, "2026-01-01T00:00:00Z"
        ),
        key,
    )
    assert status["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert Verifier(clock=lambda: NOW).verify_credential(status).verified
    held = presentation([issued(full_spec(), "4")], key.controller)
    assert held["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    signed = sign_presentation(held, key, challenge="c", domain="d")
    assert set(signed["verifiableCredential"][0]["@context"]) <= STANDARD
