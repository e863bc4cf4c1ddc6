"""Issuing rights: a creator grants another organisation the right to issue its micro-credential; the grantee
issues it from its own workspace, the credential names both, it verifies, and the right ends when revoked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from merit.core import trust
from merit.core.microcredential import Learner
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.issuing import services as issuing
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.portal import services as portal
from merit.server.registry import services
from merit.server.registry.models import IssuingGrant
from tests.server.workspace.confirm import sign_and_send

ROOT = Path(__file__).parents[3]


def owner(organisation: Organisation, name: str) -> Client:
    user = get_user_model().objects.create_user(name, password="a long and private passphrase")
    Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)
    client = Client()
    client.force_login(user)
    return client


def solar(college: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text(encoding="utf-8"))
    draft, _ = issuing.save_specification(college, "solar", data, actor="test")
    return issuing.publish_specification(draft, actor="test")


def test_a_grantee_issues_the_creators_micro_credential_until_revoked(
    college: Organisation, employer: Organisation
) -> None:
    specification = solar(college)
    creator, grantee = owner(college, "creator"), owner(employer, "grantee")
    page = f"/workspace/employer/specifications/{specification.pk}/issue"
    assert grantee.get(page).status_code == 404, "no grant yet"
    response = creator.post("/workspace/college/grants", {"key": "solar", "grantee": "employer"})
    assert response.status_code == 302
    assert "Granted by Yrkeshögskolan Norr:" in grantee.get("/workspace/employer/").content.decode()
    issued = sign_and_send(grantee, page, {"learner": "anna@example.se"})
    assert "Issued. The learner has been sent this link:" in issued.content.decode()
    record = IssuedCredential.objects.get()
    document = record.document
    assert record.organisation == employer
    assert document["issuer"]["id"] == employer.did
    assert document["issuer"]["name"] == "Logistik AB", "the issuing organisation is the awarding body"
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["creator"] == {"id": college.did, "type": ["Profile"], "name": "Yrkeshögskolan Norr"}
    assert portal.verifier().verify_credential(document).verified
    grant = IssuingGrant.objects.get()
    creator.post(f"/workspace/college/grants/{grant.pk}/revoke")
    assert grantee.get(page).status_code == 404
    assert grantee.post(page, {"learner": "bo@example.se"}).status_code == 404
    assert IssuedCredential.objects.count() == 1


def test_grants_need_an_existing_organisation_and_micro_credential(college: Organisation) -> None:
    solar(college)
    creator = owner(college, "creator")
    unknown = creator.post("/workspace/college/grants", {"key": "solar", "grantee": "nobody"})
    assert unknown.status_code == 400
    assert "No organisation is called “nobody”: choose one from the list." in unknown.content.decode()
    itself = creator.post("/workspace/college/grants", {"key": "solar", "grantee": "college"})
    assert "needs no grant" in itself.content.decode()
    other = creator.post("/workspace/college/grants", {"key": "wind", "grantee": "college"})
    assert other.status_code == 400
    assert not IssuingGrant.objects.exists()


def test_the_grantee_is_chosen_by_name_and_micro_credentials_listed_by_title(
    college: Organisation, employer: Organisation
) -> None:
    solar(college)
    services.create_authority(slug="agency", name="Agency", country="SE")
    creator = owner(college, "creator")
    page = creator.get("/workspace/college/grants").content.decode()
    assert '<option value="Logistik AB">employer</option>' in page, "by name, the short name beside it"
    assert 'value="Agency"' not in page, "authorities are not offered"
    assert 'value="Yrkeshögskolan Norr"' not in page, "nor the organisation itself"
    assert '<option value="solar">Installing photovoltaic systems (version 1, published)</option>' in page
    response = creator.post("/workspace/college/grants", {"key": "solar", "grantee": "  logistik   ab "})
    assert response.status_code == 302
    assert IssuingGrant.objects.get().grantee == employer
    listed = creator.get("/workspace/college/grants").content.decode()
    assert "<td>Installing photovoltaic systems</td><td>Logistik AB</td>" in listed
    issuing.create_organisation(slug="logistik-2", name="Logistik AB", country="SE")
    twice = creator.post("/workspace/college/grants", {"key": "solar", "grantee": "Logistik AB"})
    assert twice.status_code == 400
    assert "Several organisations are called “Logistik AB”: type the short name of one" in twice.content.decode()
    assert IssuingGrant.objects.count() == 1


def test_a_grantee_outside_its_accreditation_is_refused(college: Organisation, employer: Organisation) -> None:
    specification = solar(college)  # EQF 5, ISCED-F 0713.
    services.grant(college, "solar", employer, actor="creator", valid_until=None)
    agency = services.create_authority(slug="agency", name="Agency", country="SE")
    reviewer = get_user_model().objects.create_user("reviewer")
    application = services.apply(
        employer, agency, scope=trust.Scope(1, 4), qa_framework="EQAVET", accrediting_body="Agency", actor="x"
    )
    services.approve(application, user=reviewer)
    with pytest.raises(services.RegistryRefusal, match=r"outside the accredited scope \(EQF level 5"):
        issuing.issue_from_specification(specification, Learner(email="a@example.se"), actor="t", issuer=employer)
