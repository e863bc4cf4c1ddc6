"""A learner's progress, case by case as data: which credentials count, which do not and why, and the state of each
unit. The passport sets the caller's reasons (revoked, suspended, not-yours, not-accredited); the core finds the
others (duplicate copies, outside the validity window, too little supervision, a credential already used within a
rule)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from merit.core.qualifications.model import Qualification, Rule, Unit
from merit.core.qualifications.rules import Component, progress

NOW = datetime(2026, 12, 7, tzinfo=UTC)
OLD = datetime(2023, 1, 1, tzinfo=UTC)
Q = "https://zrk.example/kwalifikacje/90001"
ZE1, ZE2, ZE3 = f"{Q}#ZE1", f"{Q}#ZE2", f"{Q}#ZE3"


def polish(**options: Any) -> Qualification:
    supervised = options.pop("supervised", False)
    return Qualification(
        iri=Q,
        code="90001",
        kind="partial",
        title={"pl": "Obsługa magazynu z wykorzystaniem wózków jezdniowych (przykład)"},
        language="pl",
        units=(
            Unit(ZE1, "ZE1", {"pl": "Bezpieczna praca w magazynie"}),
            Unit(
                ZE2,
                "ZE2",
                {"pl": "Obsługa wózka jezdniowego"},
                min_supervision="supervised-with-id" if supervised else None,
            ),
            Unit(ZE3, "ZE3", {"pl": "Gospodarka magazynowa i dokumentacja"}),
        ),
        rules=(Rule("all"),),
        **options,
    )


def card(key: str, *units: str, **options: Any) -> Component:
    options.setdefault("issued_at", NOW)
    identity = options.pop("identity", f"urn:{key}")
    return Component(key, identity, dict.fromkeys(units, "full"), **options)


CASES = [
    # (name, qualification options, components, expected exclusions, expected unit states, rule have)
    ("both count", {}, [card("safety", ZE1), card("forklift", ZE2)], set(), "done done missing", 2),
    (
        "revoked",
        {},
        [card("forklift", ZE2, excluded="revoked")],
        {("forklift", "revoked", None)},
        "missing missing missing",
        0,
    ),
    (
        "suspended",
        {},
        [card("forklift", ZE2, excluded="suspended")],
        {("forklift", "suspended", None)},
        "missing missing missing",
        0,
    ),
    (
        "not yours",
        {},
        [card("theirs", ZE1, excluded="not-yours")],
        {("theirs", "not-yours", None)},
        "missing missing missing",
        0,
    ),
    (
        "not accredited",
        {},
        [card("elsewhere", ZE1, excluded="not-accredited"), card("forklift", ZE2)],
        {("elsewhere", "not-accredited", None)},
        "missing done missing",
        1,
    ),
    (
        "outside the window",
        {"validity_months": 24},
        [card("old", ZE1, issued_at=OLD), card("undated", ZE3, issued_at=None), card("forklift", ZE2)],
        {("old", "outside-window", None), ("undated", "outside-window", None)},
        "missing done missing",
        1,
    ),
    (
        "supervision",
        {"supervised": True},
        [
            card("online", ZE2, supervision="unsupervised-with-id"),
            card("onsite", ZE2, supervision="supervised-with-id"),
        ],
        {("online", "supervision", ZE2)},
        "missing done missing",
        1,
    ),
    (
        "supervision unknown",
        {"supervised": True},
        [card("silent", ZE2)],
        {("silent", "supervision", ZE2)},
        "missing missing missing",
        0,
    ),
    (
        "two copies of one credential",
        {},
        [card("json", ZE2, identity="urn:uuid:1"), card("jwt", ZE2, identity="urn:uuid:1")],
        {("jwt", "duplicate", None)},
        "missing done missing",
        1,
    ),
    (
        "one credential mapped to two units of one rule",
        {},
        [card("both", ZE1, ZE2)],
        {("both", "used", ZE2)},
        "done missing missing",
        1,
    ),
    (
        "a second credential frees the first for the other unit",
        {},
        [card("both", ZE1, ZE2), card("safety", ZE1)],
        set(),
        "done done missing",
        2,
    ),
    (
        "partial coverage",
        {},
        [Component("half", "urn:half", {ZE3: "partial"}, issued_at=NOW)],
        {("half", "partial", ZE3)},
        "missing missing partial",
        0,
    ),
]


@pytest.mark.parametrize(
    ("name", "options", "components", "excluded", "states", "have"), CASES, ids=[c[0] for c in CASES]
)
def test_progress_case(
    name: str, options: dict[str, Any], components: list[Component], excluded: set[Any], states: str, have: int
) -> None:
    result = progress(polish(**options), components, now=NOW)
    assert {(e.key, e.reason, e.unit) for e in result.excluded} == excluded
    assert " ".join(s.state for s in result.units) == states
    assert result.rules[0].have == have
    counted = [key for _unit, key in result.rules[0].counted]
    assert len(counted) == len(set(counted))  # Never the same credential twice within a rule.


def test_recognition_completes_what_credentials_leave_missing() -> None:
    result = progress(polish(), [card("safety", ZE1), card("forklift", ZE2)], now=NOW, recognised=[ZE3])
    assert result.complete
    assert [s.recognised for s in result.units] == [False, False, True]
