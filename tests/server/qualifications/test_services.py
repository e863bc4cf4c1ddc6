"""Saving qualifications: rules checked before anything is written, units kept by IRI, another owner refused."""

from __future__ import annotations

import pytest

from merit.core.qualifications.model import Qualification, Rule, Unit
from merit.core.qualifications.rules import RuleError
from merit.server.issuing.services import create_organisation
from merit.server.qualifications import services
from merit.server.qualifications.models import Qualification as Row
from merit.server.qualifications.models import Unit as UnitRow

IRI = "https://example.org/q/welding"


def _q(*units: str, rules: tuple[Rule, ...] = ()) -> Qualification:
    return Qualification(
        iri=IRI,
        code="W1",
        kind="partial",
        title={"en": "Welding", "pl": "Spawanie"},
        language="pl",
        units=tuple(Unit(iri=f"{IRI}#{u}", code=u, title={"en": u}) for u in units),
        rules=rules,
    )


@pytest.mark.django_db
def test_saving_twice_keeps_units_by_iri_and_archives_the_missing_one() -> None:
    body = create_organisation(slug="ibe", name="IBE", country="PL")
    row = services.save(body, _q("a", "b"), actor="t")
    first = {u.iri: u.pk for u in row.units.all()}
    services.save(body, _q("b", "c"), actor="t")
    units = {u.iri: (u.pk, u.status) for u in UnitRow.objects.filter(qualification=row)}
    assert units[f"{IRI}#b"][0] == first[f"{IRI}#b"]
    assert units[f"{IRI}#a"][1] == "archived"
    assert units[f"{IRI}#c"][1] == "active"
    assert [u.code for u in services.to_core(row).units] == ["a", "b", "c"]
    assert services.lookup(IRI) is not None
    assert "spawanie" in Row.objects.get().search


@pytest.mark.django_db
def test_contradictory_rules_write_nothing_and_other_owners_are_refused() -> None:
    body = create_organisation(slug="ibe", name="IBE", country="PL")
    with pytest.raises(RuleError):
        services.save(body, _q("a", rules=(Rule("choose", count=2),)), actor="t")
    assert not Row.objects.exists()
    services.save(body, _q("a"), actor="t")
    other = create_organisation(slug="other", name="Other", country="PL")
    with pytest.raises(services.NotYours):
        services.save(other, _q("a"), actor="t")
