"""Members and invitations: inviting, accepting (or signing up first), expiry and revocation, role changes, removal,
the last owner, and the audit log."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core import mail
from django.test import Client
from django.utils import timezone

from merit.server.accounts import members
from merit.server.accounts.models import AuditEvent, Invitation, Membership, Organisation, Role
from tests.server.people import PASSWORD, member_client, person, signed_in


def actions(organisation: Organisation) -> list[str]:
    return list(
        AuditEvent.objects.filter(organisation=organisation, action__contains="member").values_list("action", flat=True)
    )


def invitation_path() -> str:
    found = re.search(r"https://merit\.test(/accounts/invitations/\S+)", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(1)


def test_owner_invites_and_the_invitee_accepts(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    page = owner.get("/workspace/college/members").content.decode()
    assert '<label for="id_email">' in page
    assert '<label for="id_role">' in page
    response = owner.post("/workspace/college/members/invite", {"email": "Bo@Example.se", "role": "issuer"})
    assert response["Location"] == "/workspace/college/members"
    invitation = Invitation.objects.get()
    assert invitation.email == "bo@example.se"
    assert invitation.expires_at - invitation.created_at > timedelta(days=6, hours=23)
    path = invitation_path()
    token = path.rsplit("/", 1)[1]
    assert token not in invitation.token_hash
    assert len(invitation.token_hash) == 64
    assert mail.outbox[-1].to == ["bo@example.se"]
    assert "Yrkeshögskolan Norr" in mail.outbox[-1].body
    assert "<td>bo@example.se</td>" in owner.get("/workspace/college/members").content.decode()

    bo = signed_in(person("bo@example.se"))
    shown = bo.get(path)
    assert shown.status_code == 200
    assert shown["Cache-Control"] == "no-store"
    assert "Accept the invitation" in shown.content.decode()
    accepted = bo.post(path)
    assert accepted["Location"] == "/workspace/college/"
    assert Membership.objects.get(user__username="bo@example.se").role == Role.ISSUER
    assert actions(college) == ["member.joined", "member.invited"]

    used = bo.get(path)
    assert used.status_code == 410
    assert "already been used" in used.content.decode()


def test_invitee_without_an_account_signs_up_then_accepts(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    owner.post("/workspace/college/members/invite", {"email": "new@example.se", "role": "viewer"})
    path = invitation_path()
    anonymous = Client()
    page = anonymous.get(path).content.decode()
    assert "/accounts/signup/?next=%2Faccounts%2Finvitations%2F" in page
    assert anonymous.post(path)["Location"].startswith("/accounts/login/")
    anonymous.post(
        "/accounts/signup/", {"email": "new@example.se", "name": "New Person", "password": PASSWORD, "next": path}
    )
    verify = re.search(r"https://merit\.test(/accounts/verify/\S+)", mail.outbox[-1].body)
    assert verify
    anonymous.login(username="new@example.se", password=PASSWORD)
    assert anonymous.get(verify.group(1))["Location"] == path
    assert anonymous.post(path)["Location"] == "/workspace/college/"
    assert Membership.objects.get(user__username="new@example.se").role == Role.VIEWER


def test_only_the_invited_verified_address_can_accept(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    owner.post("/workspace/college/members/invite", {"email": "bo@example.se", "role": "owner"})
    path = invitation_path()
    eve = signed_in(person("eve@example.se"))
    page = eve.get(path).content.decode()
    assert "This invitation was sent to bo@example.se" in page
    assert "Accept the invitation" not in page
    assert eve.post(path).status_code == 403
    unverified = signed_in(person("bo@example.se", verified=False))
    assert "Confirm your e-mail address first" in unverified.get(path).content.decode()
    assert unverified.post(path).status_code == 403
    assert Membership.objects.filter(organisation=college).count() == 1
    assert Invitation.objects.get().accepted_at is None


def test_expired_revoked_and_unknown_invitations(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    owner.post("/workspace/college/members/invite", {"email": "bo@example.se", "role": "viewer"})
    path = invitation_path()
    bo = signed_in(person("bo@example.se"))
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = bo.get(path)
    assert expired.status_code == 410
    assert "This invitation has expired" in expired.content.decode()
    assert bo.post(path).status_code == 410
    assert "<td>bo@example.se</td>" not in owner.get("/workspace/college/members").content.decode()
    Invitation.objects.update(expires_at=timezone.now() + timedelta(days=1))

    invitation = Invitation.objects.get()
    assert owner.post(f"/workspace/college/invitations/{invitation.pk}/revoke").status_code == 302
    revoked = bo.get(path)
    assert revoked.status_code == 410
    assert "withdrawn" in revoked.content.decode()
    assert bo.post(path).status_code == 410
    assert not Membership.objects.filter(user__username="bo@example.se").exists()
    assert AuditEvent.objects.filter(action="invitation.revoked", target="bo@example.se").exists()
    # A revoked invitation cannot be revoked again.
    assert owner.post(f"/workspace/college/invitations/{invitation.pk}/revoke").status_code == 409
    assert bo.get("/accounts/invitations/not-a-real-token").status_code == 404


def test_invitation_secrets_stay_out_of_the_request_log(college: Organisation, caplog: Any) -> None:
    owner, _ = member_client(college, Role.OWNER)
    owner.post("/workspace/college/members/invite", {"email": "bo@example.se", "role": "viewer"})
    path = invitation_path()
    Invitation.objects.update(revoked_at=timezone.now())
    with caplog.at_level("DEBUG"):
        assert Client().get(path).status_code == 410
        assert Client().get(path + "x").status_code == 404
    assert path.rsplit("/", 1)[1] not in caplog.text


def test_invite_errors_keep_the_input(college: Organisation) -> None:
    owner, user = member_client(college, Role.OWNER)
    bad = owner.post("/workspace/college/members/invite", {"email": "not an address", "role": "designer"})
    assert bad.status_code == 400
    page = bad.content.decode()
    assert 'value="not an address"' in page
    assert 'aria-describedby="id_email_error"' in page
    assert '<option value="designer" selected>' in page
    already = owner.post("/workspace/college/members/invite", {"email": user.email, "role": "viewer"})
    assert already.status_code == 400
    assert "is already a member" in already.content.decode()
    owner.post("/workspace/college/members/invite", {"email": "bo@example.se", "role": "viewer"})
    twice = owner.post("/workspace/college/members/invite", {"email": "bo@example.se", "role": "viewer"})
    assert "already has a pending invitation" in twice.content.decode()
    assert Invitation.objects.count() == 1


def test_change_roles_and_remove_members_but_never_the_last_owner(college: Organisation) -> None:
    owner, owner_user = member_client(college, Role.OWNER)
    _, viewer = member_client(college, Role.VIEWER)
    mine = Membership.objects.get(user=owner_user)
    theirs = Membership.objects.get(user=viewer)

    demote = owner.post(f"/workspace/college/members/{mine.pk}/role", {"role": "viewer"})
    assert demote.status_code == 409
    assert "at least one owner" in demote.content.decode()
    assert 'role="alert"' in demote.content.decode()
    removal = owner.post(f"/workspace/college/members/{mine.pk}/remove")
    assert removal.status_code == 409
    mine.refresh_from_db()
    assert mine.role == Role.OWNER

    assert owner.post(f"/workspace/college/members/{theirs.pk}/role", {"role": "nonsense"}).status_code == 409
    assert owner.post(f"/workspace/college/members/{theirs.pk}/role", {"role": "owner"}).status_code == 302
    theirs.refresh_from_db()
    assert theirs.role == Role.OWNER
    # With a second owner, the first may step down.
    assert owner.post(f"/workspace/college/members/{mine.pk}/role", {"role": "designer"}).status_code == 302
    assert owner.get("/workspace/college/members").status_code == 404
    new_owner = signed_in(viewer)
    assert new_owner.post(f"/workspace/college/members/{mine.pk}/remove").status_code == 302
    assert not Membership.objects.filter(pk=mine.pk).exists()
    assert new_owner.post(f"/workspace/college/members/{theirs.pk}/remove").status_code == 409
    events = AuditEvent.objects.filter(organisation=college, action__in=["member.role_changed", "member.removed"])
    assert [(e.action, e.target, e.details.get("role")) for e in events.order_by("at", "pk")] == [
        ("member.role_changed", viewer.username, "owner"),
        ("member.role_changed", owner_user.username, "designer"),
        ("member.removed", owner_user.username, "designer"),
    ]


def test_last_owner_is_kept_by_the_service_too(college: Organisation) -> None:
    _, owner_user = member_client(college, Role.OWNER)
    only = Membership.objects.get(user=owner_user)
    for change in (lambda: members.change_role(only, "issuer", "x"), lambda: members.remove_member(only, "x")):
        try:
            change()
        except members.MembershipError:
            pass
        else:
            raise AssertionError("the last owner was demoted or removed")
    assert Membership.objects.get(pk=only.pk).role == Role.OWNER


def test_member_names_are_escaped(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    evil = person("evil@example.se")
    evil.first_name = "<script>alert(1)</script>"
    evil.save()
    Membership.objects.create(user=evil, organisation=college, role=Role.VIEWER)
    page: Any = owner.get("/workspace/college/members").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
