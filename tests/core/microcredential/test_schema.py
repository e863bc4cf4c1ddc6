"""The OB 3.0 schema check as Merit judges credentials: the published schema, with ``credentialStatus`` allowed to be
a list of entries (decision 0017)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner, parse_spec, render_credential, validate_ob3
from merit.core.microcredential.schema import OB3_SCHEMA, compiled, schema_errors
from merit.core.status import status_entry

EXAMPLE = Path(__file__).parents[3] / "examples" / "solar-installation-vocational.json"
ISSUER = SigningKey.for_did_key(KeyPair.generate()).controller
REVOCATION = status_entry("https://example.org/status/revocation/1", 7, "revocation")
SUSPENSION = status_entry("https://example.org/status/suspension/1", 9, "suspension")


def _credential(status: Any) -> dict[str, Any]:
    spec = parse_spec(json.loads(EXAMPLE.read_text()))
    credential = render_credential(spec, Learner(email="anna@example.se"), ISSUER, grade="VG")
    credential["credentialStatus"] = status
    return credential


def test_a_revocation_and_a_suspension_entry_pass_though_the_published_schema_wants_one_object() -> None:
    credential = _credential([REVOCATION, SUSPENSION])
    assert validate_ob3(credential) == []
    assert [path for path, _ in schema_errors(compiled(OB3_SCHEMA), credential)] == ["credentialStatus"]


def test_one_entry_passes_as_before() -> None:
    assert validate_ob3(_credential(REVOCATION)) == []


@pytest.mark.parametrize(
    "status",
    [[], [{"id": "https://example.org/status/1"}], [REVOCATION, "suspension"], "revocation", {"statusPurpose": "x"}],
    ids=["empty list", "entry without type", "entry not an object", "a string", "object without type"],
)
def test_malformed_status_entries_still_fail(status: Any) -> None:
    errors = validate_ob3(_credential(status))
    assert errors
    assert all(error.startswith("credentialStatus") for error in errors)
