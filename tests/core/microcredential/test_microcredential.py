"""The specification format, its lint against Annex I, and rendering to Open Badges 3.0."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from merit.core.canon import canonize
from merit.core.errors import MalformedValueError
from merit.core.issue import sign_credential
from merit.core.jsonld import check_safe_mode
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import (
    Learner,
    extract_spec_view,
    identity_hash,
    lint_spec,
    parse_spec,
    render_credential,
    validate_ob3,
)
from merit.core.microcredential.lint import MANDATORY
from merit.core.verify import Verifier
from tests.core.microcredential.strategies import specifications

EXAMPLES = sorted((Path(__file__).parents[3] / "examples").glob("*.json"))
KEY = SigningKey.for_did_key(KeyPair.generate())
VERIFIER = Verifier()


def _example(name: str = "solar-installation-vocational.json") -> dict[str, Any]:
    return dict(json.loads((EXAMPLES[0].parent / name).read_text()))


def test_there_are_three_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_lints_renders_and_verifies(path: Path) -> None:
    data = json.loads(path.read_text())
    report = lint_spec(data)
    assert report.ok, report.errors
    spec = parse_spec(data)
    grade = spec.grading.allowed_values[0] if spec.grading and spec.grading.allowed_values else None
    credential = render_credential(spec, Learner(email="learner@example.org"), KEY.controller, grade=grade)
    assert validate_ob3(credential) == []
    check_safe_mode(credential)
    assert canonize(credential)
    view = extract_spec_view(credential)
    assert view["missing"] == []
    assert view["eqfLevel"] == data.get("eqfLevel")
    report = VERIFIER.verify_credential(sign_credential(credential, KEY))
    assert report.verified, report.to_json()


@pytest.mark.parametrize(("name", "dotted"), MANDATORY, ids=[m[1] for m in MANDATORY])
def test_each_missing_mandatory_element_is_named(name: str, dotted: str) -> None:
    data = _example()
    target = data
    *parents, last = dotted.split(".")
    for part in parents:
        target = target[part]
    del target[last]
    report = lint_spec(data)
    assert not report.ok
    assert name in report.missing
    assert any(name in error for error in report.errors)
    with pytest.raises(MalformedValueError, match="missing mandatory element"):
        parse_spec(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"eqfLevel": 9}, "EQF level must be a whole number from 1 to 8"),
        ({"eqfLevel": True}, "invalid value at eqfLevel"),
        ({"iscedField": "1234"}, "not an ISCED-F 2013 code"),
        ({"workload": {"ects": -5}}, "invalid value at workload.ects"),
        ({"workload": {"ects": 2.3}}, "steps of 0.5"),
        ({"workload": {}}, "notional workload"),
        ({"assessment": {"types": ["vibes"]}}, "type of assessment 'vibes' is not one of"),
        ({"participation": {"mode": "telepathy"}}, "form of participation 'telepathy'"),
        ({"awardingBody": {"name": "X", "country": "Sweden"}}, "invalid value at awardingBody.country"),
        ({"title": {"sv": "Titel\u0007"}}, "title.sv contains control characters"),
        ({"title": {"fi": "Otsikko"}}, "no text in the default language 'sv'"),
        ({"unknownField": 1}, "Additional properties are not allowed"),
        ({"furtherInformation": "javascript:alert(1)"}, "invalid value at furtherInformation"),
    ],
)
def test_invalid_values_are_reported(change: dict[str, Any], message: str) -> None:
    data = {**_example(), **change}
    report = lint_spec(data)
    assert not report.ok
    assert any(message in error for error in report.errors), report.errors


def test_non_esco_skill_uri() -> None:
    data = _example()
    data["learningOutcomes"][0]["escoSkills"] = ["https://example.org/skill/1"]
    assert any("is not an ESCO skill URI" in e for e in lint_spec(data).errors)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)
    )
)
def test_lint_never_raises(value: Any) -> None:
    report = lint_spec(value)
    assert not report.ok


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    specifications(), st.sampled_from(["anna@example.se", "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"])
)
def test_random_valid_specifications_round_trip_through_issue_and_verify(data: dict[str, Any], who: str) -> None:
    assert lint_spec(data).ok, lint_spec(data).errors
    spec = parse_spec(data)
    learner = Learner(did=who) if who.startswith("did:") else Learner(email=who)
    grade = "A" if spec.grading else None
    credential = render_credential(spec, learner, KEY.controller, grade=grade)
    assert validate_ob3(credential) == []
    signed = sign_credential(credential, KEY)
    report = VERIFIER.verify_credential(json.dumps(signed))
    assert report.verified, report.to_json()
    assert extract_spec_view(signed)["missing"] == []
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] += "x"
    assert VERIFIER.verify_credential(tampered).outcome == "invalid"


def test_learner_email_is_never_in_the_credential() -> None:
    spec = parse_spec(_example())
    credential = render_credential(
        spec, Learner(email="Anna.Svensson@Example.se"), KEY.controller, salt="pepper", issued=datetime.now(UTC)
    )
    text = json.dumps(credential).lower()
    assert "anna.svensson" not in text
    identity = credential["credentialSubject"]["identifier"][0]
    assert identity["identityHash"] == identity_hash("anna.svensson@example.se", "pepper")
    assert identity["hashed"] is True


def test_grade_must_be_allowed_and_learner_must_be_identified() -> None:
    spec = parse_spec(_example())
    with pytest.raises(MalformedValueError, match="not one of G, VG"):
        render_credential(spec, Learner(email="a@b.se"), KEY.controller, grade="MVG")
    with pytest.raises(MalformedValueError, match="e-mail address or a DID"):
        Learner()
    with pytest.raises(MalformedValueError, match="not an e-mail address"):
        Learner(email="not-an-address")
