"""Hypothesis strategies for whole credentials: Merit micro-credentials and arbitrary JSON-LD values added to them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from merit.core.microcredential import Learner, parse_spec, render_credential
from tests.core.microcredential.strategies import specifications

ISSUER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
# Any character except surrogates, including every control character.
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
DATES = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC))
EXTRA_CONTEXT = {
    "ex": "https://example.org/ns#",
    "exText": {"@id": "ex:text"},
    "exLang": {"@id": "ex:lang", "@container": "@language"},
    "exDate": {"@id": "ex:date", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
    "exLink": {"@id": "ex:link", "@type": "@id"},
    "exList": {"@id": "ex:list", "@container": "@list"},
    "exNode": {"@id": "ex:node"},
    "exValue": {"@id": "ex:value"},
}


@st.composite
def credentials(draw: st.DrawFn, *, with_did: bool | None = None) -> dict[str, Any]:
    """A rendered Open Badges 3.0 micro-credential from a generated specification."""
    spec = parse_spec(draw(specifications()))
    did = draw(st.booleans()) if with_did is None else with_did
    learner = Learner(
        email=draw(st.sampled_from(["anna@example.se", "jan.kowalski@example.pl"])),
        did="did:example:" + draw(st.uuids()).hex if did else None,
        name=draw(st.one_of(st.none(), ANY_TEXT.filter(str.strip))),
    )
    issued = draw(DATES)
    grade = draw(st.one_of(st.none(), st.sampled_from(["A", "B", "C"]))) if spec.grading is not None else None
    return render_credential(spec, learner, ISSUER, issued=issued, salt="00" * 16, grade=grade)


def _scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        ANY_TEXT,
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.none(),
    )


def _values() -> st.SearchStrategy[Any]:
    return st.recursive(
        _scalars(),
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.sampled_from(["exText", "exValue", "exNode", "exDate"]), children, max_size=3).map(
                lambda d: {k: v for k, v in d.items() if k != "exDate"}
            ),
        ),
        max_leaves=12,
    )


@st.composite
def extended_credentials(draw: st.DrawFn) -> dict[str, Any]:
    """A micro-credential with generated values in properties of an added inline context."""
    credential = draw(credentials())
    credential["@context"] = [*credential["@context"], EXTRA_CONTEXT]
    extra: dict[str, Any] = {
        "exValue": draw(_values()),
        "exLang": draw(st.dictionaries(st.sampled_from(["en", "sv", "pl-PL", "fi", "@none"]), ANY_TEXT, max_size=3)),
        "exDate": draw(DATES).isoformat().replace("+00:00", "Z"),
        "exList": draw(st.lists(st.one_of(ANY_TEXT, st.integers(), st.booleans()), max_size=4)),
        "exNode": draw(st.one_of(_values(), st.just({"exText": "nested", "exNode": {"exValue": 1.5}}))),
    }
    if draw(st.booleans()):
        extra["exLink"] = "https://example.org/things/" + draw(st.uuids()).hex
    target = draw(st.sampled_from(["credential", "subject"]))
    if target == "credential":
        credential.update(extra)
    else:
        credential["credentialSubject"].update(extra)
    return credential
