"""Accreditation scopes: EQF ranges, ISCED-F and region prefixes, credential types, descriptions and reading back."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from merit.core.errors import MalformedValueError
from merit.core.trust import TRUST_CONTEXT, Scope, scope_of
from merit.core.trust.render import VC2, scope_alignments

VOCATIONAL = Scope(3, 5, ("07",), ("micro-credential",), ("SE",))


def test_a_credential_inside_the_scope_is_covered() -> None:
    assert VOCATIONAL.covers(4, "0713", "micro-credential", "SE-AC") == []
    assert VOCATIONAL.covers(3, "http://data.europa.eu/snb/isced-f/071", "micro-credential", "se") == []
    assert VOCATIONAL.covers(5, "07", "micro-credential", "SE") == []


def test_each_mismatch_is_named() -> None:
    assert VOCATIONAL.covers(6, "0713", "micro-credential", "SE") == ["EQF level 6 is outside the accredited EQF 3–5"]
    assert VOCATIONAL.covers(4, "0613", "micro-credential", "SE") == [
        "ISCED-F 0613 is outside the accredited ISCED-F 07"
    ]
    assert VOCATIONAL.covers(4, "07", "unit-of-qualification", "SE") == [
        "the credential type unit-of-qualification is not one of the accredited micro-credential"
    ]
    assert VOCATIONAL.covers(4, "07", "micro-credential", "NO") == ["the region NO is outside the accredited SE"]
    assert len(VOCATIONAL.covers(8, "0613", "badge", "FI-18")) == 4


def test_a_credential_that_states_nothing_is_not_covered_by_a_restriction() -> None:
    reasons = VOCATIONAL.covers(None, None, "micro-credential", None)
    assert reasons == [
        "the credential states no EQF level, and the accreditation is for EQF 3–5",
        "the credential states no ISCED-F field, and the accreditation is for ISCED-F 07",
        "the issuer states no country or region code, and the accreditation is for SE",
    ]
    assert "no ISCED-F field" in VOCATIONAL.covers(4, "not-a-code", "micro-credential", "SE")[0]
    assert "no country" in VOCATIONAL.covers(4, "07", "micro-credential", "Västerbotten")[0]


def test_prefixes_only_go_downwards() -> None:
    narrow = Scope(isced_fields=("0713",), regions=("SE-AC",))
    assert narrow.covers(None, "0713", "x", "SE-AC") == []
    assert narrow.covers(None, "07", "x", "SE-AC") != []  # A broad field is not inside a detailed one.
    assert narrow.covers(None, "0713", "x", "SE") != []  # Nor a country inside one of its subdivisions.
    assert narrow.covers(None, "0713", "x", "SE-ACX") != []
    assert Scope(regions=("SE",)).covers(None, None, "x", "SEA") != []


def test_an_empty_scope_covers_everything() -> None:
    assert Scope().covers(None, None, "anything", None) == []
    assert Scope().describe() == "any EQF level in any ISCED-F field"


def test_describe() -> None:
    assert Scope(3, 5, ("07",)).describe() == "EQF 3–5 in ISCED-F 07"
    assert Scope(4, 4, ("0713", "0612")).describe() == "EQF 4 in ISCED-F 0713 or 0612"
    assert Scope(6, None).describe() == "EQF 6 and above in any ISCED-F field"
    assert Scope(None, 5).describe() == "EQF up to 5 in any ISCED-F field"
    assert VOCATIONAL.describe() == "EQF 3–5 in ISCED-F 07 (micro-credential; SE)"


@pytest.mark.parametrize(
    "arguments",
    [
        {"eqf_min": 0},
        {"eqf_max": 9},
        {"eqf_min": 5, "eqf_max": 3},
        {"eqf_min": True},
        {"isced_fields": ("7",)},
        {"isced_fields": ("07x",)},
        {"regions": ("Sweden",)},
        {"credential_types": ("Micro Credential",)},
    ],
)
def test_malformed_scopes_are_refused(arguments: dict[str, object]) -> None:
    with pytest.raises(MalformedValueError):
        Scope(**arguments)  # type: ignore[arg-type]


def legacy(scope: dict[str, Any]) -> dict[str, Any]:
    """An accreditation in the first encoding (Merit's trust/v1 context), with ``scope`` as ``accreditedFor``."""
    types = ["VerifiableCredential", "AccreditationCredential"]
    return {"@context": [VC2, TRUST_CONTEXT], "type": types, "credentialSubject": {"accreditedFor": scope}}


def current(alignments: list[dict[str, Any]]) -> dict[str, Any]:
    """An accreditation in the encoding of decision 0011: an OB 3.0 QualityAssuranceCredential achievement."""
    achievement = {"achievementType": "QualityAssuranceCredential", "alignment": alignments}
    types = ["VerifiableCredential", "https://purl.org/merit/ns/trust#AccreditationCredential"]
    return {"type": types, "credentialSubject": {"achievement": achievement}}


def test_round_trip_through_json() -> None:
    assert VOCATIONAL.to_json()["iscedField"] == ["http://data.europa.eu/snb/isced-f/07"]
    assert scope_of(legacy(VOCATIONAL.to_json())) == VOCATIONAL
    assert Scope.from_accreditation(current(scope_alignments(VOCATIONAL))) == VOCATIONAL
    assert scope_of(legacy({"type": "AccreditationScope"})) == Scope()
    assert scope_of(current([])) == Scope()
    with pytest.raises(MalformedValueError):
        scope_of({**legacy({}), "credentialSubject": {}})
    with pytest.raises(MalformedValueError):
        scope_of(legacy({"iscedField": [7]}))
    with pytest.raises(MalformedValueError):
        scope_of(legacy({"eqfMin": "3"}))
    with pytest.raises(MalformedValueError, match="not an accreditation"):
        scope_of({"credentialSubject": {"accreditedFor": VOCATIONAL.to_json()}})  # No context: not the old form.
    eqf = scope_alignments(Scope(eqf_min=3))
    eqf[0]["targetCode"] = "nine"
    with pytest.raises(MalformedValueError, match="EQF level"):
        scope_of(current(eqf))


codes = st.text(alphabet="0123456789", min_size=2, max_size=4)
countries = st.sampled_from(["SE", "NO", "FI", "DE"])
regions = st.one_of(countries, st.builds(lambda c, s: f"{c}-{s}", countries, st.sampled_from(["AC", "BD", "03"])))
levels = st.one_of(st.none(), st.integers(1, 8))


@given(
    low=levels,
    high=levels,
    fields=st.lists(codes, max_size=3),
    places=st.lists(regions, max_size=3),
    eqf=levels,
    isced=st.one_of(st.none(), codes),
    region=st.one_of(st.none(), regions),
)
def test_covers_agrees_with_its_definition(
    low: int | None,
    high: int | None,
    fields: list[str],
    places: list[str],
    eqf: int | None,
    isced: str | None,
    region: str | None,
) -> None:
    if low is not None and high is not None and low > high:
        low, high = high, low
    scope = Scope(low, high, tuple(fields), ("micro-credential",), tuple(places))
    reasons = scope.covers(eqf, isced, "micro-credential", region)
    eqf_ok = (low is None and high is None) or (eqf is not None and (low or 1) <= eqf <= (high or 8))
    field_ok = not fields or (isced is not None and any(isced.startswith(f) for f in fields))
    region_ok = not places or (region is not None and any(region == p or region.startswith(p + "-") for p in places))
    assert (reasons == []) == (eqf_ok and field_ok and region_ok)
    assert len(reasons) == [eqf_ok, field_ok, region_ok].count(False)
    assert scope_of(legacy(scope.to_json())) == scope
    assert scope_of(current(scope_alignments(scope))) == scope
    # Narrowing the credential never leaves the scope: a detailed field under a covered one is covered too.
    if field_ok and isced is not None and len(isced) < 4:
        assert not any("ISCED" in r for r in scope.covers(eqf, isced + "1", "micro-credential", region))
