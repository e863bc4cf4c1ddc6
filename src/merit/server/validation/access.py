"""Who may see and decide an institution's validation cases: its assessors and owners, nobody else (not even its
other members). A stranger gets the same 404 whether or not the organisation or case exists."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from merit.server.accounts.models import Membership, Organisation, Role

ASSESSING = {Role.OWNER, Role.ASSESSOR}


def assesses(user: Any, organisation: Organisation) -> bool:
    """Whether ``user`` is an assessor or owner of ``organisation``."""
    if not getattr(user, "is_authenticated", False):
        return False
    role = Membership.objects.filter(user_id=user.pk, organisation=organisation).values_list("role", flat=True)
    return bool(role) and role[0] in ASSESSING


def institution_for(user: Any, slug: str) -> Organisation:
    """The organisation ``slug`` if ``user`` assesses for it; otherwise 404."""
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user_id=getattr(user, "pk", None), organisation__slug=slug)
        .first()
    )
    if membership is None or membership.role not in ASSESSING:
        raise Http404("no such organisation in your workspace")
    return membership.organisation
