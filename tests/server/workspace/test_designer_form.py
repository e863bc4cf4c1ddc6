"""The designer's form and the specification are one: every valid specification survives the round trip from
specification to form fields to specification, and the form keeps what the user typed even when it is not valid."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings

from merit.core.microcredential import lint_spec
from merit.server.workspace.designer_form import (
    apply_action,
    form_from_post,
    form_from_spec,
    spec_from_form,
)
from tests.core.microcredential.strategies import specifications
from tests.server.workspace.posts import as_post

EXAMPLES = sorted((Path(__file__).parents[3] / "examples").glob("*.json"))


def round_trip(data: dict[str, Any]) -> dict[str, Any]:
    form = form_from_post(as_post(form_from_spec(data)))
    spec = spec_from_form(form)
    assert form.errors == []
    return spec


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_survive_the_form(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert round_trip(data) == data
    assert list(round_trip(data)) == list(data), "keys keep the order of the examples"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specifications())
def test_generated_specifications_survive_the_form(data: dict[str, Any]) -> None:
    assert lint_spec(data).ok
    result = round_trip(data)
    # An empty list of ESCO skills says the same as none, and the form leaves it out.
    for outcome in data["learningOutcomes"]:
        if outcome.get("escoSkills") == []:
            del outcome["escoSkills"]
    # One-line values (names, codes, addresses) are trimmed; text in languages is kept as typed.
    data["awardingBody"]["name"] = data["awardingBody"]["name"].strip()
    assert {k: v for k, v in result.items() if k != "$schema"} == data


def test_empty_form_gives_the_lint_every_missing_element() -> None:
    spec = spec_from_form(form_from_post(QueryDict("language=sv")))
    assert spec == {"$schema": "https://purl.org/merit/schema/microcredential-spec/v1", "language": "sv"}
    assert len(lint_spec(spec).missing) == 8


def test_numbers_accept_a_decimal_comma_and_refuse_words() -> None:
    form = form_from_post(QueryDict("language=sv&ects=7,5&hours=tolv"))
    spec = spec_from_form(form)
    assert spec["workload"] == {"ects": 7.5}
    assert [(e.field, e.message) for e in form.errors] == [("hours", "Enter a number, such as 7.5.")]
    assert form.value("hours") == "tolv", "what the user typed is kept"


def test_bad_language_codes_are_reported_and_text_in_other_languages_is_kept() -> None:
    form = form_from_post(QueryDict("language=sv&languages=en+Bad!+fi+en&title__sv=Svets&title__en=Welding"))
    assert form.languages == ["sv", "en", "fi"]
    assert [e.field for e in form.errors] == ["languages"]
    assert spec_from_form(form)["title"] == {"sv": "Svets", "en": "Welding"}


def test_outcomes_are_added_removed_and_given_skills() -> None:
    skill = "http://data.europa.eu/esco/skill/28cb374e-6261-4133-8371-f9a5470145da"
    form = form_from_post(QueryDict("language=en&outcomes=1&outcome_0__en=Drive+safely"))
    assert apply_action(form, "add-outcome") == "outcome_1__en"
    assert len(form.outcomes) == 2
    assert apply_action(form, f"add-skill:1:{skill}") == "esco_q_1"
    assert apply_action(form, f"add-skill:1:{skill}") == "esco_q_1"
    assert form.outcomes[1].skills == [skill], "a skill is added once"
    form.outcomes[1].text["en"] = "Stack pallets"
    apply_action(form, "remove-outcome:0")
    assert spec_from_form(form)["learningOutcomes"] == [{"text": {"en": "Stack pallets"}, "escoSkills": [skill]}]
    apply_action(form, f"remove-skill:0:{skill}")
    assert form.outcomes[0].skills == []
    assert apply_action(form, "remove-outcome:7") is None, "an index out of range changes nothing"
    assert apply_action(form, "add-skill:x:y") is None
    assert len(form.outcomes) == 1


def test_an_outcome_count_out_of_range_is_bounded() -> None:
    assert len(form_from_post(QueryDict("outcomes=100000000")).outcomes) == 200
    assert len(form_from_post(QueryDict("outcomes=-3")).outcomes) == 0
    assert len(form_from_post(QueryDict("outcomes=lots")).outcomes) == 1
