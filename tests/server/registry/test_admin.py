"""Django admin is for the installation's operators (staff) only, and shows the registry readably: records named
by what they are, plural names spelled right, scopes as indented JSON, and no way to delete an accreditation (it is
withdrawn) or any other part of the registry's record."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models import ProtectedError
from django.test import Client

from merit.core import trust
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.registry import services
from merit.server.registry.models import Accreditation


@pytest.fixture
def accredited(college: Organisation) -> dict[str, Any]:
    agency = services.create_authority(slug="agency", name="Agency", country="SE")
    reviewer = get_user_model().objects.create_user("reviewer", password="a long and private passphrase")
    Membership.objects.create(user=reviewer, organisation=agency.organisation, role=Role.OWNER)
    application = services.apply(
        college,
        agency,
        scope=trust.Scope(eqf_min=3, eqf_max=5, isced_fields=("07",)),
        qa_framework="EQAVET",
        accrediting_body="MYH",
        actor="owner",
    )
    accreditation = services.approve(application, user=reviewer)
    operator = Client()
    operator.force_login(get_user_model().objects.create_superuser("operator", "op@example.se", "x"))
    authority = Client()
    authority.force_login(reviewer)
    return {"application": application, "accreditation": accreditation, "operator": operator, "authority": authority}


def test_the_admin_is_for_operators_only(accredited: dict[str, Any]) -> None:
    response = accredited["authority"].get("/admin/registry/application/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert accredited["authority"].get("/registry/review/").status_code == 200, "the authority works here"


def test_registry_records_are_named_and_their_scope_readable(accredited: dict[str, Any]) -> None:
    operator = accredited["operator"]
    index = operator.get("/admin/registry/").content.decode()
    assert "Authorities" in index
    assert "Authoritys" not in index
    listing = operator.get("/admin/registry/application/").content.decode()
    assert "Application object" not in listing
    assert "Yrkeshögskolan Norr → Agency (approved," in listing
    application = accredited["application"]
    page = operator.get(f"/admin/registry/application/{application.pk}/change/").content.decode()
    assert "<pre>{\n  &quot;credential_types&quot;: [],\n  &quot;eqf_max&quot;: 5," in page
    assert "&quot;isced_fields&quot;: [\n    &quot;07&quot;\n  ]" in page


def test_accreditations_cannot_be_deleted_only_withdrawn(accredited: dict[str, Any], college: Organisation) -> None:
    operator, accreditation = accredited["operator"], accredited["accreditation"]
    page = operator.get(f"/admin/registry/accreditation/{accreditation.pk}/change/").content.decode()
    assert "deletelink" not in page
    assert (
        operator.post(f"/admin/registry/accreditation/{accreditation.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    listing = operator.post(
        "/admin/registry/accreditation/", {"action": "delete_selected", "_selected_action": [accreditation.pk]}
    )
    assert listing.status_code in (200, 302)
    assert Accreditation.objects.filter(pk=accreditation.pk).exists()
    with pytest.raises(ProtectedError):
        accreditation.delete()
    with pytest.raises(ProtectedError):
        college.delete()
    assert Accreditation.objects.filter(pk=accreditation.pk).exists()
