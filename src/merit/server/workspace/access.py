"""Who may do what in an organisation's workspace: every page and form checks it here."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from merit.server.accounts.models import Membership, Organisation, Role

# The roles allowed for each kind of action.
CAN = {
    "view": {Role.OWNER, Role.DESIGNER, Role.ISSUER, Role.VIEWER, Role.ASSESSOR},
    "issue": {Role.OWNER, Role.ISSUER},
    "design": {Role.OWNER, Role.DESIGNER},
    "manage": {Role.OWNER},
    "assess": {Role.OWNER, Role.ASSESSOR},  # Validation cases (merit.server.validation.access).
}


def organisation_for(request: HttpRequest, slug: str, action: str) -> Organisation:
    """The organisation ``slug`` if the signed-in user's role there allows ``action``; otherwise 404.

    A stranger gets the same answer whether or not the organisation exists.
    """
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user_id=request.user.pk, organisation__slug=slug)
        .first()
    )
    if membership is None or membership.role not in CAN[action]:
        raise Http404("no such organisation in your workspace")
    return membership.organisation


def may(user: Any, organisation: Organisation, action: str) -> bool:
    """Whether ``user``'s role in ``organisation`` allows ``action``, for pages that show only what a member may do."""
    if not user.is_authenticated:
        return False
    role = Membership.objects.filter(user_id=user.pk, organisation=organisation).values_list("role", flat=True)
    return bool(role) and role[0] in CAN[action]
