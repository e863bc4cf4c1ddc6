"""Qualifications as data: a qualification (full or partial), its units (sets of learning outcomes, ZRK's
*zestawy efektów uczenia się*, ELM's parts of a ``Qualification``), their outcomes, and the rules that say when a
learner has completed it. ``docs/pathways.md`` maps these terms to ZRK, SeQF and ELM.

Everything here is plain, frozen data; :mod:`merit.core.qualifications.rules` checks the rules and computes a
learner's progress, the importers (``loq``, ``zrk``, ``table``) build these objects and ``export`` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Text = dict[str, str]
"""Text in several languages: language tag → text."""

Kind = Literal["full", "partial"]
RuleKind = Literal["all", "choose", "credits", "qualification"]
Coverage = Literal["full", "partial"]

KINDS: tuple[str, ...] = ("full", "partial")
RULE_KINDS: tuple[str, ...] = ("all", "choose", "credits", "qualification")
COVERAGES: tuple[str, ...] = ("full", "partial")
STATUSES: tuple[str, ...] = ("active", "suspended", "archived")
"""A qualification's or unit's status. ZRK's *włączona* and *funkcjonująca* (included, functioning) are
``active``, *zawieszona* ``suspended``, *archiwalna* ``archived``. Only an active qualification can be awarded."""

SUPERVISION_ORDER: tuple[str, ...] = (
    "unsupervised-without-id",
    "unsupervised-with-id",
    "supervised-without-id",
    "supervised-with-id",
)
"""The supervision and identity-check levels of ``merit.core.microcredential.vocab.SUPERVISION``, weakest first:
a unit's ``min_supervision`` is met by that level or any later one."""


@dataclass(frozen=True)
class Outcome:
    """One learning outcome (*efekt uczenia się*), with the ESCO skills it is linked to and its verification
    criteria (*kryteria weryfikacji*)."""

    text: Text
    esco: tuple[str, ...] = ()
    criteria: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Unit:
    """A set of learning outcomes (a unit of a qualification), identified by an IRI.

    ``verification`` says how the outcomes are verified (the register's words); ``accepted_assessment`` and
    ``min_supervision`` are what a credential needs for the unit to count (an empty tuple or ``None``: anything).
    """

    iri: str
    code: str
    title: Text
    outcomes: tuple[Outcome, ...] = ()
    verification: Text | None = None
    credits: float | None = None
    status: str = "active"
    accepted_assessment: tuple[str, ...] = ()
    min_supervision: str | None = None


@dataclass(frozen=True)
class Rule:
    """One completion rule; a qualification is complete when every one of its rules is met.

    * ``all``: every unit in ``units`` (every unit of the qualification when ``units`` is empty);
    * ``choose``: ``count`` of the units in ``units`` (n of m);
    * ``credits``: units in ``units`` (all when empty) whose credits add up to ``credits`` or more;
    * ``qualification``: the qualification ``qualification`` (an IRI) is complete too.
    """

    kind: RuleKind
    units: tuple[str, ...] = ()
    count: int | None = None
    credits: float | None = None
    qualification: str | None = None
    label: Text | None = None


@dataclass(frozen=True)
class Qualification:
    """A qualification as a register publishes it.

    ``iri`` is its identifier in the register (ZRK, QDR or a national register), ``code`` the register's code,
    ``source`` where it came from (``loq``, ``zrk``, ``table`` or ``merit``). ``nqf_level`` is the QDR concept IRI
    of its national level (``merit.core.qualifications.levels``), ``eqf_level`` the EQF level (1 to 8) it maps to.
    ``validity_months``: a component credential counts only if it was issued at most that many months earlier.
    """

    iri: str
    code: str
    kind: Kind
    title: Text
    language: str
    source: str = "merit"
    description: Text | None = None
    country: str | None = None
    nqf_level: str | None = None
    eqf_level: int | None = None
    isced: str | None = None
    credits: float | None = None
    status: str = "active"
    units: tuple[Unit, ...] = ()
    rules: tuple[Rule, ...] = ()
    validity_months: int | None = None
    awarding_bodies: tuple[str, ...] = ()
    homepage: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Register fields Merit keeps but does not interpret (ZRK's ``pkd`` or ``polon``, say), for export."""

    def unit(self, iri: str) -> Unit | None:
        return next((unit for unit in self.units if unit.iri == iri), None)

    def text(self, value: Text | None, language: str | None = None) -> str | None:
        """``value`` in ``language``, else in the qualification's language, else in any language it has."""
        if not value:
            return None
        return value.get(language or self.language) or value.get(self.language) or next(iter(value.values()))

    @property
    def effective_rules(self) -> tuple[Rule, ...]:
        """The rules, or when there are none, ``all`` units (a register that states no rule means every unit)."""
        return self.rules or (Rule("all"),)
