"""Members and invitations: the one place that writes memberships and invitations, and audits each change.

An organisation always keeps at least one owner: the last owner can be neither removed nor demoted.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from merit.server.accounts.models import Invitation, Membership, Organisation, Role
from merit.server.accounts.services import is_verified, normalise_email, send_account_email
from merit.server.issuing.services import audit

LIFETIME = timedelta(days=7)


class MembershipError(ValueError):
    """A membership change that is not allowed; the message says why and is shown to the user."""


class InvitationGone(Exception):
    """An invitation that expired, was revoked or was already used (HTTP 410); the message says which."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invitation_url(token: str) -> str:
    return f"{settings.BASE_URL}/accounts/invitations/{token}"


def pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def invite(organisation: Organisation, email: str, role: str, invited_by: AbstractBaseUser) -> tuple[Invitation, str]:
    """Invite ``email`` to join with ``role`` and e-mail the link; returns the invitation and the link's secret."""
    email = normalise_email(email)
    if role not in Role.values:
        raise MembershipError(_("Choose one of the roles."))
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise MembershipError(_("%(email)s is already a member.") % {"email": email})
    if pending_invitations(organisation).filter(email=email).exists():
        raise MembershipError(_("%(email)s already has a pending invitation; revoke it first.") % {"email": email})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by_id=invited_by.pk,
        expires_at=timezone.now() + LIFETIME,
    )
    actor = invited_by.get_username()
    audit(organisation, actor, "member.invited", email, role=role)
    context = {
        "organisation": organisation.name,
        "role": invitation.get_role_display(),
        "url": invitation_url(token),
        "expires": invitation.expires_at,
    }
    subject = _("You are invited to join %(organisation)s on Merit") % {"organisation": organisation.name}
    send_account_email(email, subject, "invitation", context)
    return invitation, token


def _check_open(invitation: Invitation) -> None:
    if invitation.revoked_at is not None:
        raise InvitationGone(_("This invitation has been withdrawn. Ask an owner of the organisation for a new one."))
    if invitation.accepted_at is not None:
        raise InvitationGone(_("This invitation has already been used."))
    if invitation.expires_at <= timezone.now():
        raise InvitationGone(_("This invitation has expired. Ask an owner of the organisation for a new one."))


def open_invitation(token: str) -> Invitation:
    """The invitation for ``token``; raises ``Invitation.DoesNotExist`` (404) or :class:`InvitationGone` (410)."""
    invitation = Invitation.objects.select_related("organisation").get(token_hash=_hash(token))
    _check_open(invitation)
    return invitation


def why_cannot_accept(invitation: Invitation, user: AbstractBaseUser) -> str:
    """Why ``user`` may not accept the invitation, or an empty string when they may."""
    if normalise_email(getattr(user, "email", "")) != invitation.email:
        return _("This invitation was sent to %(email)s. Sign in with that address to accept it.") % {
            "email": invitation.email
        }
    if not is_verified(user):
        return _("Confirm your e-mail address first: follow the link we sent you when you signed up.")
    if Membership.objects.filter(user_id=user.pk, organisation=invitation.organisation).exists():
        return _("You are already a member of this organisation.")
    return ""


def accept(invitation: Invitation, user: AbstractBaseUser) -> Membership:
    """Make ``user`` a member with the invited role; raises :class:`InvitationGone` or :class:`MembershipError`."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        _check_open(invitation)
        reason = why_cannot_accept(invitation, user)
        if reason:
            raise MembershipError(reason)
        membership = Membership.objects.create(
            user_id=user.pk, organisation=invitation.organisation, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit(invitation.organisation, user.get_username(), "member.joined", invitation.email, role=invitation.role)
    return membership


def revoke_invitation(invitation: Invitation, actor: str) -> None:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        try:
            _check_open(invitation)
        except InvitationGone as exc:
            raise MembershipError(_("This invitation is no longer pending.")) from exc
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit(invitation.organisation, actor, "invitation.revoked", invitation.email, role=invitation.role)


def _keep_an_owner(membership: Membership) -> None:
    """Raise unless another owner remains when ``membership`` stops being an owner (caller holds a transaction)."""
    owners = list(
        Membership.objects.select_for_update().filter(organisation_id=membership.organisation_id, role=Role.OWNER)
    )
    if membership.role == Role.OWNER and len([m for m in owners if m.pk != membership.pk]) == 0:
        raise MembershipError(_("An organisation needs at least one owner: make someone else an owner first."))


def change_role(membership: Membership, role: str, actor: str) -> None:
    if role not in Role.values:
        raise MembershipError(_("Choose one of the roles."))
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("user", "organisation").get(pk=membership.pk)
        if membership.role == role:
            return
        if role != Role.OWNER:
            _keep_an_owner(membership)
        previous, membership.role = membership.role, role
        membership.save(update_fields=["role"])
        audit(
            membership.organisation,
            actor,
            "member.role_changed",
            membership.user.get_username(),
            previous=previous,
            role=role,
        )


def remove_member(membership: Membership, actor: str) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().select_related("user", "organisation").get(pk=membership.pk)
        _keep_an_owner(membership)
        membership.delete()
        audit(membership.organisation, actor, "member.removed", membership.user.get_username(), role=membership.role)
