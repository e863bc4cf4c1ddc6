"""Units of qualifications a micro-credential covers, carried as OB 3.0 alignments (decision 0025)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from merit.core.credview import UnitAlignment
from merit.core.issue import sign_credential
from merit.core.jsonld import check_safe_mode
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner, parse_spec, render_credential, validate_ob3, view_of
from merit.core.microcredential.units import QUALIFICATION, UNIT, UnitCover, alignments, read
from merit.core.verify import Verifier

ROOT = Path(__file__).parents[3]
KEY = SigningKey.for_did_key(KeyPair.generate())
ZRK = "https://zrk.example/kwalifikacje/90001"
COVERS = (
    UnitCover(f"{ZRK}#ZE2", "Obsługa wózka jezdniowego", ZRK, "Obsługa magazynu", "full", "ZE2", "90001"),
    UnitCover(f"{ZRK}#ZE3", "Gospodarka magazynowa i dokumentacja", ZRK, "Obsługa magazynu", "partial", "ZE3", "90001"),
)


def _credential(covers: tuple[UnitCover, ...] = COVERS) -> dict[str, Any]:
    spec = parse_spec(json.loads((ROOT / "examples" / "forklift-workplace-validation.json").read_text()))
    return render_credential(spec, Learner(email="jan.kowalski@example.pl"), KEY.controller, units=covers)


def test_the_credential_carries_each_unit_and_its_qualification_once() -> None:
    credential = _credential()
    found = [
        a
        for a in credential["credentialSubject"]["achievement"]["alignment"]
        if a["targetType"] in (UNIT, QUALIFICATION)
    ]
    assert [(a["targetType"], a["targetUrl"], a.get("targetCode")) for a in found] == [
        (UNIT, f"{ZRK}#ZE2", "full"),
        (UNIT, f"{ZRK}#ZE3", "partial"),
        (QUALIFICATION, ZRK, "90001"),
    ]
    assert found[0]["targetFramework"] == ZRK
    assert found[0]["targetName"] == "Obsługa wózka jezdniowego"
    assert "fully" in found[0]["targetDescription"]
    assert "partly" in found[1]["targetDescription"]


def test_it_passes_the_ob3_schema_safe_mode_and_verifies() -> None:
    credential = _credential()
    assert validate_ob3(credential) == []
    check_safe_mode(credential)
    report = Verifier().verify_credential(sign_credential(credential, KEY))
    assert report.verified, report.to_json()


def test_view_of_reads_the_units_back() -> None:
    assert view_of(_credential()).units == [
        UnitAlignment(f"{ZRK}#ZE2", "full", ZRK),
        UnitAlignment(f"{ZRK}#ZE3", "partial", ZRK),
    ]


def test_without_mappings_nothing_is_added() -> None:
    credential = _credential(())
    assert not [a for a in credential["credentialSubject"]["achievement"]["alignment"] if a["targetType"] == UNIT]
    assert view_of(credential).units == []


def test_other_issuers_alignments_are_read_without_trusting_odd_values() -> None:
    entries: list[Any] = [
        "not an alignment",
        {"targetType": UNIT, "targetUrl": "https://q.example/a/u1", "targetCode": "most"},
        {"targetType": UNIT, "targetUrl": "https://q.example/a/u1", "targetCode": "full"},  # Repeated: read once.
        {"targetType": UNIT, "targetUrl": 5},
        {"targetType": UNIT, "targetUrl": "https://other.example/u2", "targetCode": "full"},
        {"targetType": QUALIFICATION, "targetUrl": "https://q.example/a"},
    ]
    assert read(entries) == [
        UnitAlignment("https://q.example/a/u1", "partial", "https://q.example/a"),  # Coverage unknown: partly.
        UnitAlignment("https://other.example/u2", "full", None),  # Its qualification is not named.
    ]


def test_coverage_is_full_or_partial() -> None:
    with pytest.raises(ValueError, match="coverage"):
        UnitCover("https://q.example/u", "U", "https://q.example", "Q", "most")
    assert alignments(()) == []


def test_a_europass_claim_specified_by_a_part_of_a_qualification_reads_as_that_unit() -> None:
    from merit.core import edc

    document = json.loads((ROOT / "tests" / "data" / "edc" / "credential-sample.jsonld").read_text())
    claim = document["credentialSubject"]["hasClaim"]
    assert edc.view_of(document).units == [], "the sample states no part"
    claim["specifiedBy"] = {
        "id": f"{ZRK}#ZE1",
        "type": "LearningAchievementSpecification",
        "isPartOf": [{"id": ZRK, "type": "Qualification"}, "not an IRI"],
    }
    assert edc.view_of(document).units == [UnitAlignment(f"{ZRK}#ZE1", "full", ZRK)]
    claim["specifiedBy"] = {"type": "LearningAchievementSpecification", "isPartOf": {"id": ZRK}}
    assert edc.view_of(document).units == [], "a part without its own IRI names no unit"
