"""The schema checks (jsonschema-rs) flag the same places as python-jsonschema, the library they replaced.

Each invalid document below breaks the OB 3.0 AchievementCredential schema or Merit's specification schema in a
different way; both libraries must report errors at the same paths. Messages are worded differently by the two
libraries and are not compared.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner, lint_spec, parse_spec, render_credential, validate_ob3
from merit.core.microcredential.lint import SPEC_SCHEMA
from merit.core.microcredential.schema import OB3_SCHEMA

EXAMPLE = Path(__file__).parents[3] / "examples" / "solar-installation-vocational.json"
ISSUER = SigningKey.for_did_key(KeyPair.generate()).controller
Mutation = Callable[[dict[str, Any]], None]


def _reference(name: str) -> Any:
    schema = json.loads(resources.files("merit.core.schemas").joinpath(name).read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def _reference_paths(name: str, document: Any) -> set[str]:
    return {".".join(map(str, e.absolute_path)) for e in _reference(name).iter_errors(document)}


def _spec() -> dict[str, Any]:
    return dict(json.loads(EXAMPLE.read_text()))


def _credential() -> dict[str, Any]:
    return render_credential(parse_spec(_spec()), Learner(email="anna@example.se"), ISSUER, grade="VG")


CREDENTIAL_MUTATIONS: dict[str, Mutation] = {
    "no type": lambda c: c.pop("type"),
    "issuer a number": lambda c: c.update(issuer=5),
    "context not OB": lambda c: c.update({"@context": ["https://example.org/context"]}),
    "no criteria": lambda c: c["credentialSubject"]["achievement"].pop("criteria"),
    "name a number": lambda c: c["credentialSubject"]["achievement"].update(name=3),
    "bad language": lambda c: c["credentialSubject"]["achievement"].update(inLanguage="Swedish"),
    "subject a string": lambda c: c.update(credentialSubject="anna"),
    "identifier item": lambda c: c["credentialSubject"]["identifier"][0].pop("identityHash"),
    "several at once": lambda c: (c.pop("issuer"), c["credentialSubject"]["achievement"].update(type=7)),
}


@pytest.mark.parametrize("mutate", CREDENTIAL_MUTATIONS.values(), ids=CREDENTIAL_MUTATIONS.keys())
def test_invalid_credentials_are_flagged_at_the_reference_paths(mutate: Mutation) -> None:
    credential = _credential()
    mutate(credential)
    errors = validate_ob3(credential)
    assert errors
    paths = {error.split(": ", 1)[0] for error in errors}
    assert paths == {path or "credential" for path in _reference_paths(OB3_SCHEMA, credential)}


def test_the_valid_credential_passes_in_both() -> None:
    credential = _credential()
    assert validate_ob3(credential) == []
    assert _reference_paths(OB3_SCHEMA, credential) == set()


def test_errors_are_one_line_each_and_sorted_by_path() -> None:
    credential = _credential()
    credential.pop("type")
    credential["validFrom"] = 1
    credential["issuer"] = 5
    errors = validate_ob3(credential)
    assert [error.split(": ", 1)[0] for error in errors] == ["credential", "issuer", "validFrom"]
    assert "type" in errors[0]
    assert all("\n" not in error for error in errors)


def test_array_items_sort_by_index() -> None:
    spec = _spec()
    spec["learningOutcomes"] = [{"text": 1} for _ in range(12)]
    fields = [issue.params["field"] for issue in lint_spec(spec).issues if issue.code == "schema"]
    assert fields == [f"learningOutcomes.{i}.text" for i in range(12)]


def test_a_trailing_newline_does_not_satisfy_an_anchored_pattern() -> None:
    # Python's re lets "$" match before a final newline, so python-jsonschema accepted "sv\n" as a language code;
    # jsonschema-rs does not, which is the stricter reading of the schema's pattern.
    credential = _credential()
    credential["credentialSubject"]["achievement"]["inLanguage"] = "sv\n"
    assert _reference_paths(OB3_SCHEMA, credential) == set()
    assert [e.split(": ", 1)[0] for e in validate_ob3(credential)] == ["credentialSubject.achievement.inLanguage"]


SPEC_MUTATIONS: dict[str, Mutation] = {
    "EQF level a boolean": lambda s: s.update(eqfLevel=True),
    "negative ECTS": lambda s: s.update(workload={"ects": -5}),
    "country not a code": lambda s: s["awardingBody"].update(country="Sweden"),
    "script URL": lambda s: s.update(furtherInformation="javascript:alert(1)"),
    "title a list": lambda s: s.update(title=["Solar"]),
    "skills not a list": lambda s: s["learningOutcomes"][0].update(escoSkills="welding"),
}


@pytest.mark.parametrize("mutate", SPEC_MUTATIONS.values(), ids=SPEC_MUTATIONS.keys())
def test_invalid_specifications_are_flagged_at_the_reference_paths(mutate: Mutation) -> None:
    spec = _spec()
    mutate(spec)
    report = lint_spec(spec)
    flagged = {issue.params["field"] for issue in report.issues if issue.code == "schema"}
    assert flagged
    assert flagged == {path or "specification" for path in _reference_paths(SPEC_SCHEMA, spec)}


def test_a_schema_error_keeps_its_place_in_the_lint_message() -> None:
    spec = _spec()
    spec["awardingBody"]["country"] = "Sweden"
    errors = [e for e in lint_spec(spec).errors if e.startswith("invalid value at")]
    assert len(errors) == 1
    assert errors[0].startswith("invalid value at awardingBody.country: ")
    assert "Sweden" in errors[0]
