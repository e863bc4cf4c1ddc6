"""Fixtures: the demo's Polish partial qualification (three units), a certifying institution accredited to award it,
its assessor, and Jan with a forklift credential in his passport."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from merit.core import trust
from merit.core.qualifications.model import Qualification, Unit
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.issuing.services import create_organisation
from merit.server.passport import services as passport
from merit.server.passport.models import HeldCredential
from merit.server.qualifications import services as qualifications
from merit.server.qualifications.models import Qualification as Row
from merit.server.registry import services as registry
from merit.server.registry.models import Accreditation
from tests.server.passport.conftest import issue_to, learner_client, specification_of
from tests.server.people import member_client

IRI = "https://zrk.example/kwalifikacje/90001"
ZE1, ZE2, ZE3 = f"{IRI}#ZE1", f"{IRI}#ZE2", f"{IRI}#ZE3"


def zrk() -> Qualification:
    titles = {
        "ZE1": "Bezpieczna praca w magazynie",
        "ZE2": "Obsługa wózka jezdniowego",
        "ZE3": "Gospodarka magazynowa i dokumentacja",
    }
    return Qualification(
        iri=IRI,
        code="90001",
        kind="partial",
        title={"pl": "Obsługa magazynu z wykorzystaniem wózków jezdniowych (przykład)", "en": "Warehouse operation"},
        language="pl",
        source="zrk",
        eqf_level=3,
        units=tuple(Unit(iri=f"{IRI}#{code}", code=code, title={"pl": title}) for code, title in titles.items()),
    )


def accredit(organisation: Organisation, iri: str) -> Accreditation:
    authority = registry.create_authority(slug=f"registry-{organisation.slug}", name="Registry", country="PL")
    decider = get_user_model().objects.create_user(f"decider-{organisation.slug}", "d@registry.example", "x" * 20)
    Membership.objects.create(user=decider, organisation=authority.organisation, role=Role.ISSUER)
    application = registry.apply(
        organisation,
        authority,
        scope=trust.Scope(credential_types=("micro-credential",)),
        qa_framework="other",
        accrediting_body="Body",
        actor="test",
    )
    accreditation = registry.approve(application, user=decider)
    Accreditation.objects.filter(pk=accreditation.pk).update(qualifications=[iri])
    return Accreditation.objects.get(pk=accreditation.pk)


@pytest.fixture
def izba(db: None) -> Organisation:
    return create_organisation(slug="izba-logistyki", name="Polska Izba Logistyki", country="PL")


@pytest.fixture
def qualification(izba: Organisation) -> Row:
    row = qualifications.save(izba, zrk(), actor="test")
    accredit(izba, IRI)
    return row


@pytest.fixture
def assessor(izba: Organisation) -> tuple[Client, Any]:
    return member_client(izba, Role.ASSESSOR, "assessor@izba.example")


@pytest.fixture
def jan(izba: Organisation) -> tuple[Any, Client, HeldCredential]:
    """Jan, signed in, with the forklift credential (issued to him) in his passport."""
    user, client = learner_client("jan.kowalski@example.pl")
    user.first_name, user.last_name = "Jan", "Kowalski"
    user.save()
    specification = specification_of(izba, "forklift-workplace-validation", "forklift-workplace-validation")
    record, _token = issue_to(specification, "jan.kowalski@example.pl")
    added = passport.add_credential(user, record.document_json.encode("utf-8"), source="claim")
    assert added.held is not None
    return user, client, added.held
