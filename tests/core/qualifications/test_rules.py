"""Completion rules: contradictory and circular rules refused, progress counting each credential once per rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from merit.core.qualifications.model import Qualification, Rule, Unit
from merit.core.qualifications.rules import Component, RuleError, check, problems, progress

NOW = datetime(2026, 12, 7, tzinfo=UTC)
Q = "https://example.org/q/1"


def unit(n: int, credits: float | None = 5.0, **more: object) -> Unit:
    return Unit(iri=f"{Q}#u{n}", code=f"U{n}", title={"en": f"Unit {n}"}, credits=credits, **more)  # type: ignore[arg-type]


def qualification(*rules: Rule, units: tuple[Unit, ...] = (unit(1), unit(2), unit(3)), **more: object) -> Qualification:
    return Qualification(
        iri=Q, code="Q1", kind="partial", title={"en": "Q"}, language="en", units=units, rules=rules, **more
    )  # type: ignore[arg-type]


def codes(q: Qualification) -> list[str]:
    return [p.code for p in problems(q)]


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        (Rule("choose", units=(f"{Q}#u1", f"{Q}#u2"), count=3), "count-too-large"),
        (Rule("choose", count=0), "count-too-small"),
        (Rule("credits", credits=16), "credits-unreachable"),
        (Rule("all", units=(f"{Q}#u1", f"{Q}#u1")), "duplicate-unit"),
        (Rule("all", units=(f"{Q}#u9",)), "unknown-unit"),
        (Rule("qualification", qualification=Q), "self-reference"),
        (Rule("qualification"), "empty-rule"),
    ],
)
def test_contradictory_rules_are_refused(rule: Rule, code: str) -> None:
    assert code in codes(qualification(rule))
    with pytest.raises(RuleError):
        check(qualification(rule))


def test_a_circle_of_qualifications_is_refused() -> None:
    other = Qualification(
        iri="https://example.org/q/2",
        code="Q2",
        kind="full",
        title={"en": "Q2"},
        language="en",
        rules=(Rule("qualification", qualification=Q),),
    )
    mine = qualification(Rule("qualification", qualification=other.iri))
    found = problems(mine, {other.iri: other}.get)
    assert [p.code for p in found] == ["cycle"]
    assert problems(qualification(Rule("all")), {other.iri: other}.get) == []


def test_one_credential_counts_once_within_a_rule() -> None:
    q = qualification(Rule("choose", count=2))
    both = Component("a", "urn:a", {f"{Q}#u1": "full", f"{Q}#u2": "full"}, issued_at=NOW)
    assert not progress(q, [both], now=NOW).complete
    other = Component("b", "urn:b", {f"{Q}#u2": "full"}, issued_at=NOW)
    result = progress(q, [both, other], now=NOW)
    assert result.complete
    assert sorted(k for _, k in result.rules[0].counted) == ["a", "b"]


def test_exclusions_say_why() -> None:
    q = qualification(Rule("all"), validity_months=12, units=(unit(1, min_supervision="supervised-with-id"), unit(2)))
    old = Component("old", "urn:old", {f"{Q}#u2": "full"}, issued_at=datetime(2024, 1, 1, tzinfo=UTC))
    copy = Component("copy", "urn:x", {f"{Q}#u2": "full"}, issued_at=NOW)
    twin = Component("twin", "urn:x", {f"{Q}#u2": "full"}, issued_at=NOW)
    weak = Component("weak", "urn:w", {f"{Q}#u1": "full"}, issued_at=NOW, supervision="unsupervised-with-id")
    revoked = Component("rev", "urn:r", {f"{Q}#u1": "full"}, issued_at=NOW, excluded="revoked")
    result = progress(q, [old, copy, twin, weak, revoked], now=NOW)
    assert {(e.key, e.reason) for e in result.excluded} == {
        ("old", "outside-window"),
        ("twin", "duplicate"),
        ("weak", "supervision"),
        ("rev", "revoked"),
    }
    assert [s.state for s in result.units] == ["missing", "done"]
    assert not result.complete
    assert progress(q, [copy], now=NOW, recognised=[f"{Q}#u1"]).complete


def test_credits_and_partial_coverage() -> None:
    q = qualification(Rule("credits", credits=10))
    half = Component("h", "urn:h", {f"{Q}#u1": "partial"}, issued_at=NOW)
    full = Component("f", "urn:f", {f"{Q}#u2": "full"}, issued_at=NOW)
    result = progress(q, [half, full], now=NOW)
    assert [s.state for s in result.units] == ["partial", "done", "missing"]
    assert (result.rules[0].have, result.rules[0].need, result.complete) == (5.0, 10.0, False)
