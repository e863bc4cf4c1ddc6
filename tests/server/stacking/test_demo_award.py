"""The demo's stacking part: both institutions accredited for the demo qualifications, and, once the Polish
qualification is imported and Jan's credentials mapped (other parts of the demo; made here in test code), Jan's
award of the partial qualification on ZE1, ZE2 and a recognition of ZE3."""

from __future__ import annotations

from merit.server.accounts.models import Organisation
from merit.server.demo import create_demo_data
from merit.server.issuing import services as issuing
from merit.server.issuing.models import Specification
from merit.server.qualifications import services as qualifications
from merit.server.qualifications.access import institutions_for
from merit.server.qualifications.models import Qualification
from merit.server.stacking import demo
from merit.server.stacking.models import Award
from tests.server.stacking.conftest import JAN, map_unit, publish, zrk_qualification


def test_the_demo_accredits_and_awards(db: None) -> None:
    details = create_demo_data()
    assert details["awards"] == ["no award: the Polish qualification is not imported"]
    registry = Organisation.objects.get(slug="demo-registry")
    row = qualifications.save(registry, zrk_qualification(), actor="test")
    assert [o.slug for o in institutions_for(row)] == ["izba-logistyki"]
    izba = Organisation.objects.get(slug="izba-logistyki")
    forklift = Specification.objects.get(organisation=izba, key="forklift-workplace-validation")
    map_unit(forklift, "ZE2")
    safety = publish(izba, "warehouse-safety", "Bezpieczna praca w magazynie")
    map_unit(safety, "ZE1")
    issuing.issue_from_specification(safety, JAN, actor="test")  # Izba may: its accreditation covers it.
    made = demo.award_demo(details)
    assert made is not None, details["awards"]
    assert made.qualification == Qualification.objects.get(iri=demo.ZRK)
    assert sorted(c.kind for c in made.components.all()) == ["credential", "credential", "recognition"]
    assert Award.objects.count() == 1
