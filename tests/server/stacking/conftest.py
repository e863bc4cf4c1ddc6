"""A certifying institution accredited for the demo's Polish partial qualification, Jan's two micro-credentials
mapped to ZE1 and ZE2, and a recognition of ZE3: everything an award needs, made through the services."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from merit.core import trust
from merit.core.microcredential import Learner
from merit.core.qualifications.basis import Basis, Piece, Recognition
from merit.core.qualifications.model import Qualification as CoreQualification
from merit.core.qualifications.model import Rule, Unit
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.issuing import services as issuing
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.qualifications import services as qualifications
from merit.server.qualifications.models import Qualification, UnitMapping
from merit.server.registry import services as registry
from merit.server.registry.models import Authority

ROOT = Path(__file__).parents[3]
ZRK = "https://zrk.example/kwalifikacje/90001"
JAN = Learner(email="jan.kowalski@example.pl", name="Jan Kowalski")
TYPES = ("micro-credential", "qualification", "unit-of-qualification")
ANNA = Learner(email="anna.svensson@example.se", name="Anna Svensson")


def zrk_qualification(status: str = "active") -> CoreQualification:
    titles = {
        "ZE1": {"pl": "Bezpieczna praca w magazynie", "en": "Safe work in a warehouse"},
        "ZE2": {"pl": "Obsługa wózka jezdniowego", "en": "Operating a forklift truck"},
        "ZE3": {"pl": "Gospodarka magazynowa i dokumentacja", "en": "Stock handling and records"},
    }
    return CoreQualification(
        iri=ZRK,
        code="90001",
        kind="partial",
        title={
            "pl": "Obsługa magazynu z wykorzystaniem wózków jezdniowych (przykład)",
            "en": "Warehouse operation with forklift trucks (example)",
        },
        language="pl",
        source="zrk",
        country="PL",
        eqf_level=3,
        status=status,
        units=tuple(Unit(iri=f"{ZRK}#{code}", code=code, title=title) for code, title in titles.items()),
        rules=(Rule("all"),),
    )


def person(organisation: Organisation, name: str, role: str = Role.OWNER) -> Any:
    user = get_user_model().objects.create_user(name, password="a long and private passphrase")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def publish(organisation: Organisation, key: str, title: str) -> Specification:
    data = json.loads((ROOT / "examples" / "forklift-workplace-validation.json").read_text(encoding="utf-8"))
    data["title"] = {data["language"]: title}
    data.pop("id", None)
    data["awardingBody"] = {**data["awardingBody"], "name": organisation.name, "country": organisation.country}
    draft, _ = issuing.save_specification(organisation, key, data, actor="test")
    return issuing.publish_specification(draft, actor="test")


def accredit(organisation: Organisation, authority: Authority, reviewer: Any, *iris: str) -> Any:
    application = registry.apply(
        organisation,
        authority,
        scope=trust.Scope(credential_types=TYPES, qualifications=iris),
        qa_framework="EQAVET",
        accrediting_body="Instytut Badań Edukacyjnych (example)",
        actor="owner",
    )
    return registry.approve(application, user=reviewer)


def map_unit(specification: Specification, unit: str, state: str = UnitMapping.State.APPROVED) -> UnitMapping:
    row = Qualification.objects.get(iri=ZRK).units.get(iri=f"{ZRK}#{unit}")
    return UnitMapping.objects.create(
        organisation=specification.organisation,
        specification_key=specification.key,
        unit=row,
        state=state,
        requested_by="test",
    )


def piece(record: IssuedCredential) -> Piece:
    return Piece(record.credential_id, record.document_json.encode("utf-8"))


@dataclass
class World:
    authority: Authority
    reviewer: Any
    izba: Organisation
    owner: Any
    qualification: Qualification
    forklift: IssuedCredential
    safety: IssuedCredential
    recognition: Recognition

    def basis(self, *records: IssuedCredential, recognised: bool = True) -> Basis:
        chosen = records or (self.forklift, self.safety)
        return Basis(ZRK, tuple(piece(r) for r in chosen), (self.recognition,) if recognised else ())


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def make_world() -> World:
    """The institution, its accreditation, the qualification, Jan's two mapped credentials and a recognition."""
    authority = registry.create_authority(slug="demo-registry", name="Demo registry", country="PL")
    reviewer = person(authority.organisation, "reviewer")
    izba = issuing.create_organisation(slug="izba-logistyki", name="Polska Izba Logistyki", country="PL")
    owner = person(izba, "izba-owner")
    row = qualifications.save(authority.organisation, zrk_qualification(), actor="test")
    accredit(izba, authority, reviewer, ZRK)
    forklift_spec = publish(izba, "forklift-workplace-validation", "Forklift operation")
    safety_spec = publish(izba, "warehouse-safety", "Warehouse safety")
    map_unit(forklift_spec, "ZE2")
    map_unit(safety_spec, "ZE1")
    forklift = issuing.issue_from_specification(forklift_spec, JAN, actor="test")
    safety = issuing.issue_from_specification(safety_spec, JAN, actor="test")
    recognition = Recognition(
        unit=f"{ZRK}#ZE3",
        decision="https://merit.example/validation/decisions/1",
        method="observation",
        supervision="supervised-with-id",
        decided_at=datetime(2026, 12, 7, tzinfo=UTC),
        assessor="Anna Nowak",
    )
    return World(authority, reviewer, izba, owner, row, forklift, safety, recognition)
