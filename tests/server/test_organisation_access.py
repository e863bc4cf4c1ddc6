"""Who may open the owners' pages: only owners of that organisation; everyone else gets 404. Forms need CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from merit.server.accounts.models import ApiToken, Invitation, Membership, Organisation, Role
from merit.server.accounts.services import create_token
from tests.server.people import member_client, person, signed_in


def targets(organisation: Organisation) -> list[tuple[str, str, dict[str, object]]]:
    """Every owners' page and form of ``organisation``, with a valid request body."""
    owner = Membership.objects.filter(organisation=organisation, role=Role.OWNER).first()
    assert owner is not None
    token = ApiToken.objects.filter(organisation=organisation).first()
    assert token is not None
    invitation = Invitation.objects.filter(organisation=organisation).first()
    assert invitation is not None
    base = f"/workspace/{organisation.slug}"
    return [
        ("get", f"{base}/members", {}),
        ("post", f"{base}/members/invite", {"email": "x@example.se", "role": "owner"}),
        ("post", f"{base}/members/{owner.pk}/role", {"role": "viewer"}),
        ("post", f"{base}/members/{owner.pk}/remove", {}),
        ("post", f"{base}/invitations/{invitation.pk}/revoke", {}),
        ("get", f"{base}/tokens", {}),
        ("post", f"{base}/tokens", {"name": "stolen", "scopes": ["issue"]}),
        ("post", f"{base}/tokens/{token.pk}/revoke", {}),
        ("get", f"{base}/profile", {}),
        ("post", f"{base}/profile", {"name": "Taken over", "country": "SE"}),
        ("post", f"{base}/profile/rotate-key", {"algorithm": "Ed25519"}),
    ]


@pytest.fixture
def employer_set_up(employer: Organisation) -> Organisation:
    owner, _ = member_client(employer, Role.OWNER)
    owner.post("/workspace/employer/members/invite", {"email": "pending@example.se", "role": "viewer"})
    create_token(employer, "ci", ["read"], actor="test")
    return employer


def snapshot(organisation: Organisation) -> tuple[object, ...]:
    organisation.refresh_from_db()
    return (
        organisation.name,
        sorted(Membership.objects.filter(organisation=organisation).values_list("pk", "role")),
        sorted(ApiToken.objects.filter(organisation=organisation).values_list("pk", "revoked_at")),
        sorted(Invitation.objects.filter(organisation=organisation).values_list("pk", "revoked_at")),
        sorted(organisation.keys.values_list("pk", "retired_at")),
    )


def test_owners_of_another_organisation_get_404_everywhere(
    college: Organisation, employer_set_up: Organisation
) -> None:
    outsider, _ = member_client(college, Role.OWNER)
    before = snapshot(employer_set_up)
    for method, path, data in targets(employer_set_up):
        assert getattr(outsider, method)(path, data).status_code == 404, path
    assert snapshot(employer_set_up) == before


@pytest.mark.parametrize("role", [Role.DESIGNER, Role.ISSUER, Role.VIEWER])
def test_members_who_are_not_owners_get_404(employer_set_up: Organisation, role: str) -> None:
    client, _ = member_client(employer_set_up, role)
    before = snapshot(employer_set_up)
    for method, path, data in targets(employer_set_up):
        assert getattr(client, method)(path, data).status_code == 404, path
    assert snapshot(employer_set_up) == before
    dashboard = client.get("/workspace/employer/").content.decode()
    assert "/workspace/employer/members" not in dashboard


def test_signed_out_visitors_are_sent_to_sign_in(employer_set_up: Organisation) -> None:
    for method, path, data in targets(employer_set_up):
        response = getattr(Client(), method)(path, data)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/")


def test_owners_see_the_links_on_the_dashboard(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    dashboard = owner.get("/workspace/college/").content.decode()
    for page in ("members", "tokens", "profile"):
        assert f'href="/workspace/college/{page}"' in dashboard


def test_forms_need_the_csrf_token(college: Organisation) -> None:
    user = person("owner@college.example")
    Membership.objects.create(user=user, organisation=college, role=Role.OWNER)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post("/workspace/college/tokens", {"name": "x", "scopes": ["read"]}).status_code == 403
    assert (
        strict.post("/workspace/college/members/invite", {"email": "a@example.se", "role": "owner"}).status_code == 403
    )
    assert strict.post("/workspace/college/profile/rotate-key", {"algorithm": "Ed25519"}).status_code == 403
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/accounts/signup/", {"email": "a@example.se"}).status_code == 403
    assert ApiToken.objects.count() == 0
    assert college.keys.count() == 1
    assert signed_in(user).get("/workspace/college/tokens").status_code == 200
