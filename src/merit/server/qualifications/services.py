"""Saving and loading qualifications: the one place that turns ``merit.core.qualifications`` objects into rows and
back, checking their rules (``merit.core.qualifications.rules.check``: circular or contradictory rules are refused
before anything is written)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from merit.core.qualifications import codec, model, rules
from merit.server.accounts.models import Organisation
from merit.server.issuing.learners import fold
from merit.server.issuing.services import audit
from merit.server.qualifications.models import Qualification, Unit


class NotYours(PermissionError):
    """The qualification exists and belongs to another organisation."""


def to_core(row: Qualification, units: Iterable[Unit] | None = None) -> model.Qualification:
    """The core object of a stored qualification (its units from ``units`` when given, else queried)."""
    unit_rows = list(units) if units is not None else list(row.units.all())
    return model.Qualification(
        iri=row.iri,
        code=row.code,
        kind="full" if row.kind == "full" else "partial",
        title=dict(row.title),
        language=row.language,
        source=row.source,
        description=dict(row.description) or None,
        country=row.country or None,
        nqf_level=row.nqf_level or None,
        eqf_level=row.eqf_level,
        isced=row.isced or None,
        credits=row.credits,
        status=row.status,
        units=tuple(
            model.Unit(
                iri=u.iri,
                code=u.code,
                title=dict(u.title),
                outcomes=tuple(codec.outcome_from_json(o, "outcome") for o in u.outcomes),
                verification=dict(u.verification) or None,
                credits=u.credits,
                status=u.status,
                accepted_assessment=tuple(u.accepted_assessment),
                min_supervision=u.min_supervision or None,
            )
            for u in unit_rows
        ),
        rules=tuple(codec.rule_from_json(r, "rule") for r in row.rules),
        validity_months=row.validity_months,
        awarding_bodies=tuple(row.awarding_bodies),
        homepage=row.homepage or None,
        extra=dict(row.extra),
    )


def lookup(iri: str) -> model.Qualification | None:
    row = Qualification.objects.filter(iri=iri).first()
    return to_core(row) if row is not None else None


def _search_text(q: model.Qualification) -> str:
    words = [q.code, *q.title.values()]
    for unit in q.units:
        words += [unit.code, *unit.title.values()]
    return fold(" ".join(words))


def save(organisation: Organisation, qualification: model.Qualification, *, actor: str) -> Qualification:
    """Create or replace ``qualification`` (by IRI) for ``organisation``; raises :class:`rules.RuleError` for
    contradictory or circular rules and :class:`NotYours` when another organisation owns that IRI. Units keep their
    rows (and so their mappings) by IRI; a unit the new version no longer has is archived, never deleted."""
    rules.check(qualification, lookup)
    with transaction.atomic():
        row = Qualification.objects.select_for_update().filter(iri=qualification.iri).first()
        if row is not None and row.organisation_id != organisation.pk:
            raise NotYours(qualification.iri)
        fields = {
            "code": qualification.code,
            "kind": qualification.kind,
            "source": qualification.source,
            "language": qualification.language,
            "title": qualification.title,
            "description": qualification.description or {},
            "country": qualification.country or "",
            "nqf_level": qualification.nqf_level or "",
            "eqf_level": qualification.eqf_level,
            "isced": qualification.isced or "",
            "credits": qualification.credits,
            "status": qualification.status,
            "validity_months": qualification.validity_months,
            "rules": [codec.rule_to_json(r) for r in qualification.rules],
            "awarding_bodies": list(qualification.awarding_bodies),
            "homepage": qualification.homepage or "",
            "extra": qualification.extra,
            "search": _search_text(qualification),
        }
        created = row is None
        if row is None:
            row = Qualification.objects.create(organisation=organisation, iri=qualification.iri, **fields)
        else:
            Qualification.objects.filter(pk=row.pk).update(**fields)
            row.refresh_from_db()
        existing = {u.iri: u for u in row.units.all()}
        for position, unit in enumerate(qualification.units):
            values = {
                "code": unit.code,
                "position": position,
                "title": unit.title,
                "outcomes": [codec.outcome_to_json(o) for o in unit.outcomes],
                "verification": unit.verification or {},
                "credits": unit.credits,
                "status": unit.status,
                "accepted_assessment": list(unit.accepted_assessment),
                "min_supervision": unit.min_supervision or "",
            }
            if unit.iri in existing:
                Unit.objects.filter(pk=existing.pop(unit.iri).pk).update(**values)
            else:
                Unit.objects.create(qualification=row, iri=unit.iri, **values)
        Unit.objects.filter(pk__in=[u.pk for u in existing.values()]).update(status="archived")
        audit(
            organisation,
            actor,
            "qualification.created" if created else "qualification.updated",
            qualification.iri,
        )
    return row
