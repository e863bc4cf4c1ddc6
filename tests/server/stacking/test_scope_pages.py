"""Applying for and granting qualifications by name in the registry pages: chosen from the qualifications of this
installation, narrowed with a reason, never widened, said in words; an unknown IRI refused."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.test import Client

from merit.server.accounts.models import Role
from merit.server.issuing.services import create_organisation
from merit.server.qualifications import services as qualifications
from merit.server.qualifications.access import accreditation_for
from merit.server.qualifications.models import Qualification
from merit.server.registry import services
from merit.server.registry.models import Accreditation, Application
from tests.server.stacking.conftest import ZRK, person, zrk_qualification

SECOND = "https://zrk.example/kwalifikacje/90002"
APPLY = {"qa_framework": "EQAVET", "accrediting_body": "IBE", "credential_types": ["qualification"]}


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_apply_for_qualifications_and_the_authority_narrows_them(db: None) -> None:
    authority = services.create_authority(slug="demo-registry", name="Demo registry", country="PL")
    qualifications.save(authority.organisation, zrk_qualification(), actor="t")
    qualifications.save(authority.organisation, replace(zrk_qualification(), iri=SECOND, code="90002"), actor="t")
    izba = create_organisation(slug="izba", name="Izba", country="PL")
    owner = signed_in(person(izba, "owner"))
    form = owner.get("/workspace/izba/accreditation").content.decode()
    assert "Qualifications the institution may award" in form
    assert "90001 Obsługa magazynu" in form or "90001 Warehouse operation" in form
    unknown = owner.post(
        "/workspace/izba/accreditation",
        {**APPLY, "authority": authority.pk, "qualifications": ["https://zrk.example/none"]},
    )
    assert unknown.status_code == 400
    assert "Choose qualifications from the list." in unknown.content.decode()
    applied = owner.post(
        "/workspace/izba/accreditation", {**APPLY, "authority": authority.pk, "qualifications": [ZRK, SECOND]}
    )
    assert applied.status_code == 302
    application = Application.objects.get()
    assert application.qualifications == [ZRK, SECOND]
    reviewer = signed_in(person(authority.organisation, "reviewer", Role.OWNER))
    page = reviewer.get(f"/registry/review/{application.pk}").content.decode()
    assert "awarding 90001" in page
    url = f"/registry/review/{application.pk}"
    unexplained = reviewer.post(url, {**APPLY, "qualifications": [ZRK], "decision": "approve"})
    assert "Give a reason for narrowing the scope" in unexplained.content.decode()
    reviewer.post(url, {**APPLY, "qualifications": [ZRK], "decision": "approve", "reason": "Only 90001 was audited."})
    accreditation = Accreditation.objects.get()
    assert accreditation.qualifications == [ZRK]
    assert accreditation_for(izba, Qualification.objects.get(iri=ZRK)) == accreditation
    assert accreditation_for(izba, Qualification.objects.get(iri=SECOND)) is None
    credential = accreditation.credential.document
    targets = [a["targetUrl"] for a in credential["credentialSubject"]["achievement"]["alignment"]]
    assert ZRK in targets
    assert SECOND not in targets


def test_a_qualification_not_applied_for_is_never_granted(db: None) -> None:
    from merit.core import trust

    authority = services.create_authority(slug="demo-registry", name="Demo registry", country="PL")
    izba = create_organisation(slug="izba", name="Izba", country="PL")
    application = services.apply(
        izba,
        authority,
        scope=trust.Scope(qualifications=(ZRK,)),
        qa_framework="EQAVET",
        accrediting_body="IBE",
        actor="o",
    )
    reviewer = person(authority.organisation, "reviewer")
    wider = trust.Scope(qualifications=(ZRK, SECOND))
    with pytest.raises(services.RegistryRefusal) as refused:
        services.approve(application, user=reviewer, scope=wider, reason="x")
    assert refused.value.rule == "wider"
    assert not Accreditation.objects.exists()
