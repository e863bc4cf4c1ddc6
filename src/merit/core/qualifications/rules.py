"""Completion rules: checked when a qualification is saved (:func:`check`), and applied to a learner's credentials
(:func:`progress`).

A rule names units of its own qualification, a count, a credit threshold, or another qualification that must be
complete too. :func:`check` refuses what can never be met or contradicts itself (a count above the units it chooses
from, a threshold above their credits, a unit twice, a unit the qualification does not have) and cycles of
``qualification`` rules. :func:`progress` counts each credential at most once within a rule (a bipartite matching of
credentials to units), and says for each credential it did not count, why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from merit.core.errors import MalformedValueError
from merit.core.qualifications.model import (
    KINDS,
    RULE_KINDS,
    STATUSES,
    SUPERVISION_ORDER,
    Coverage,
    Qualification,
    Rule,
    Unit,
)


@dataclass(frozen=True)
class Problem:
    """Why a qualification cannot be saved: a ``code`` (``duplicate-unit``, ``unknown-unit``, ``count-too-large``,
    ``count-too-small``, ``credits-unreachable``, ``credits-missing``, ``empty-rule``, ``self-reference``,
    ``cycle``, ``bad-value``), where (``at``: a unit or rule position) and English words."""

    code: str
    at: str
    message: str


class RuleError(MalformedValueError):
    """A qualification's rules are circular or contradictory; ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _rule_units(qualification: Qualification, rule: Rule) -> tuple[str, ...]:
    return rule.units or tuple(unit.iri for unit in qualification.units)


def problems(
    qualification: Qualification, others: Callable[[str], Qualification | None] | None = None
) -> list[Problem]:
    """Every reason ``qualification`` cannot be saved; empty when it can. ``others`` looks up another qualification
    by IRI (to follow ``qualification`` rules for cycles)."""
    found: list[Problem] = []
    if qualification.kind not in KINDS:
        found.append(Problem("bad-value", "kind", f"kind must be one of {', '.join(KINDS)}"))
    if qualification.status not in STATUSES:
        found.append(Problem("bad-value", "status", f"status must be one of {', '.join(STATUSES)}"))
    if qualification.eqf_level is not None and not 1 <= qualification.eqf_level <= 8:
        found.append(Problem("bad-value", "eqfLevel", "the EQF level must be from 1 to 8"))
    if qualification.validity_months is not None and qualification.validity_months <= 0:
        found.append(Problem("bad-value", "validityMonths", "the validity window must be at least one month"))
    seen: set[str] = set()
    for unit in qualification.units:
        if unit.iri in seen:
            found.append(Problem("duplicate-unit", unit.iri, f"the unit {unit.iri} is listed twice"))
        seen.add(unit.iri)
        if unit.min_supervision is not None and unit.min_supervision not in SUPERVISION_ORDER:
            found.append(Problem("bad-value", unit.iri, f"unknown supervision level {unit.min_supervision!r}"))
        if unit.credits is not None and unit.credits < 0:
            found.append(Problem("bad-value", unit.iri, "a unit's credits cannot be negative"))
    for position, rule in enumerate(qualification.rules, start=1):
        found += _rule_problems(qualification, rule, f"rule {position}", seen)
    if others is not None:
        found += _cycles(qualification, others)
    return found


def _rule_problems(qualification: Qualification, rule: Rule, at: str, known: set[str]) -> list[Problem]:
    found: list[Problem] = []
    if rule.kind not in RULE_KINDS:
        return [Problem("bad-value", at, f"{at}: the kind must be one of {', '.join(RULE_KINDS)}")]
    if rule.kind == "qualification":
        if not rule.qualification:
            found.append(Problem("empty-rule", at, f"{at} names no qualification"))
        elif rule.qualification == qualification.iri:
            found.append(Problem("self-reference", at, f"{at} requires the qualification itself"))
        return found
    units = _rule_units(qualification, rule)
    if not units:
        return [Problem("empty-rule", at, f"{at} has no units to count")]
    if len(set(units)) != len(units):
        found.append(Problem("duplicate-unit", at, f"{at} names a unit twice"))
    for iri in units:
        if iri not in known:
            found.append(Problem("unknown-unit", at, f"{at} names {iri}, which is not a unit of this qualification"))
    if rule.kind == "choose":
        if rule.count is None or rule.count < 1:
            found.append(Problem("count-too-small", at, f"{at} must choose at least one unit"))
        elif rule.count > len(set(units)):
            found.append(Problem("count-too-large", at, f"{at} asks for {rule.count} of only {len(set(units))} units"))
    if rule.kind == "credits":
        credits = {unit.iri: unit.credits for unit in qualification.units if unit.iri in units}
        if rule.credits is None or rule.credits <= 0:
            found.append(Problem("bad-value", at, f"{at} needs a positive credit threshold"))
        elif any(value is None for value in credits.values()):
            found.append(Problem("credits-missing", at, f"{at} counts credits, but a unit it names has none"))
        elif sum(value or 0 for value in credits.values()) < rule.credits:
            total = sum(value or 0 for value in credits.values())
            found.append(
                Problem("credits-unreachable", at, f"{at} asks for {rule.credits:g} credits; its units give {total:g}")
            )
    return found


def _cycles(qualification: Qualification, others: Callable[[str], Qualification | None]) -> list[Problem]:
    """A ``qualification`` rule chain that comes back to ``qualification`` (A needs B needs A)."""
    path = [qualification.iri]

    def visit(current: Qualification) -> list[str] | None:
        for rule in current.rules:
            if rule.kind != "qualification" or not rule.qualification:
                continue
            if rule.qualification in path:
                return [*path, rule.qualification]
            target = qualification if rule.qualification == qualification.iri else others(rule.qualification)
            if target is None:
                continue
            path.append(target.iri)
            if (loop := visit(target)) is not None:
                return loop
            path.pop()
        return None

    loop = visit(qualification)
    if loop is None or len(loop) < 3:  # A rule naming itself is reported as a self-reference.
        return []
    return [Problem("cycle", "rules", "the rules are circular: " + " → ".join(loop))]


def check(qualification: Qualification, others: Callable[[str], Qualification | None] | None = None) -> None:
    """Raise :class:`RuleError` listing every problem of :func:`problems`; return when there is none."""
    if found := problems(qualification, others):
        raise RuleError(found)


@dataclass(frozen=True)
class Component:
    """A credential offered toward qualifications: ``key`` names it for the caller, ``identity`` is what makes two
    copies the same credential (its id, else its digest). ``units`` are the unit IRIs it covers and how.
    ``excluded``, when set by the caller, is why it cannot count at all (``not-verified``, ``revoked``,
    ``suspended``, ``not-yours``, ``not-accredited``...)."""

    key: str
    identity: str
    units: Mapping[str, Coverage]
    issued_at: datetime | None = None
    assessment: tuple[str, ...] = ()
    supervision: str | None = None
    excluded: str | None = None


@dataclass(frozen=True)
class Exclusion:
    """A credential that did not count: for the whole qualification (``unit`` is None) or for one unit, with a
    ``reason`` code: the caller's, or ``duplicate``, ``outside-window``, ``assessment``, ``supervision``,
    ``unit-inactive``, ``partial`` (it covers the unit only in part), ``used`` (counted for another unit of the
    same rule)."""

    key: str
    reason: str
    unit: str | None = None


@dataclass(frozen=True)
class UnitState:
    """A unit's state: ``done`` (by a credential or a recognition), ``partial`` or ``missing``."""

    unit: Unit
    state: str
    by: tuple[str, ...] = ()
    recognised: bool = False


@dataclass(frozen=True)
class RuleState:
    rule: Rule
    met: bool
    have: float
    need: float
    counted: tuple[tuple[str, str], ...] = ()
    """(unit IRI, credential key or ``recognised``) pairs counted for this rule."""


@dataclass
class Progress:
    qualification: Qualification
    units: list[UnitState]
    rules: list[RuleState]
    excluded: list[Exclusion] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(rule.met for rule in self.rules)

    @property
    def missing(self) -> list[Unit]:
        return [state.unit for state in self.units if state.state != "done"]

    @property
    def done(self) -> list[Unit]:
        return [state.unit for state in self.units if state.state == "done"]


def _months_before(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    day = min(moment.day, 28)
    return moment.replace(year=year, month=month + 1, day=day)


def _eligible(unit: Unit, component: Component) -> str | None:
    """Why ``component`` cannot count for ``unit`` (a reason code), or None."""
    if unit.status != "active":
        return "unit-inactive"
    if component.units.get(unit.iri) != "full":
        return "partial"
    if unit.accepted_assessment and not set(unit.accepted_assessment) & set(component.assessment):
        return "assessment"
    if unit.min_supervision is not None:
        have = component.supervision
        if have not in SUPERVISION_ORDER or SUPERVISION_ORDER.index(have) < SUPERVISION_ORDER.index(
            unit.min_supervision
        ):
            return "supervision"
    return None


def _match(units: list[str], candidates: dict[str, list[str]]) -> dict[str, str]:
    """A maximum matching of units to credential keys, each credential used once (augmenting paths)."""
    owner: dict[str, str] = {}

    def place(unit: str, seen: set[str]) -> bool:
        for key in candidates.get(unit, []):
            if key in seen:
                continue
            seen.add(key)
            if key not in owner or place(owner[key], seen):
                owner[key] = unit
                return True
        return False

    for unit in units:
        place(unit, set())
    return {unit: key for key, unit in owner.items()}


def progress(
    qualification: Qualification,
    components: Iterable[Component],
    *,
    now: datetime,
    recognised: Iterable[str] = (),
    complete: Callable[[str], bool] | None = None,
) -> Progress:
    """How far ``components`` (and the units ``recognised`` by validation) take a learner toward
    ``qualification``. ``complete`` answers ``qualification`` rules (whether the learner completed another
    qualification); without it they are unmet."""
    recognised_units = set(recognised)
    excluded: list[Exclusion] = []
    relevant = {unit.iri for unit in qualification.units}
    window = _months_before(now, qualification.validity_months) if qualification.validity_months else None
    usable: list[Component] = []
    identities: set[str] = set()
    for component in components:
        if not relevant & set(component.units):
            continue
        if component.excluded:
            excluded.append(Exclusion(component.key, component.excluded))
        elif component.identity in identities:
            excluded.append(Exclusion(component.key, "duplicate"))
        elif window is not None and (component.issued_at is None or component.issued_at < window):
            excluded.append(Exclusion(component.key, "outside-window"))
        else:
            identities.add(component.identity)
            usable.append(component)
    candidates: dict[str, list[str]] = {}
    partial: dict[str, list[str]] = {}
    for unit in qualification.units:
        for component in usable:
            if unit.iri not in component.units:
                continue
            reason = _eligible(unit, component)
            if reason is None:
                candidates.setdefault(unit.iri, []).append(component.key)
            else:
                if reason == "partial":
                    partial.setdefault(unit.iri, []).append(component.key)
                excluded.append(Exclusion(component.key, reason, unit.iri))
    rules = [
        _rule_state(qualification, rule, candidates, recognised_units, complete)
        for rule in qualification.effective_rules
    ]
    # A unit whose only credentials were all counted for other units of its rules is not done: one credential
    # never counts twice toward one rule, and the unit says so ("used").
    counted = {iri for state in rules for iri, _key in state.counted}
    named = {
        iri
        for rule in qualification.effective_rules
        if rule.kind != "qualification"
        for iri in _rule_units(qualification, rule)
    }
    states = []
    for unit in qualification.units:
        if unit.iri in recognised_units and unit.status == "active":
            states.append(UnitState(unit, "done", recognised=True))
        elif unit.iri in candidates and (unit.iri in counted or unit.iri not in named):
            states.append(UnitState(unit, "done", tuple(candidates[unit.iri])))
        else:
            excluded += [Exclusion(key, "used", unit.iri) for key in candidates.get(unit.iri, [])]
            if unit.iri in partial:
                states.append(UnitState(unit, "partial", tuple(partial[unit.iri])))
            else:
                states.append(UnitState(unit, "missing"))
    return Progress(qualification, states, rules, excluded)


def _rule_state(
    qualification: Qualification,
    rule: Rule,
    candidates: dict[str, list[str]],
    recognised: set[str],
    complete: Callable[[str], bool] | None,
) -> RuleState:
    if rule.kind == "qualification":
        met = bool(rule.qualification and complete is not None and complete(rule.qualification))
        return RuleState(rule, met, 1.0 if met else 0.0, 1.0)
    units = list(_rule_units(qualification, rule))
    active = {unit.iri for unit in qualification.units if unit.status == "active"}
    given = [iri for iri in units if iri in recognised and iri in active]
    matched = _match([iri for iri in units if iri not in given], candidates)
    counted = tuple([(iri, "recognised") for iri in given] + sorted(matched.items()))
    done = [iri for iri, _ in counted]
    if rule.kind == "credits":
        credit = {unit.iri: unit.credits or 0.0 for unit in qualification.units}
        have = sum(credit[iri] for iri in done)
        need = float(rule.credits or 0)
    else:
        have = float(len(done))
        need = float(rule.count if rule.kind == "choose" and rule.count else len(units))
    return RuleState(rule, have >= need, have, need, counted)
