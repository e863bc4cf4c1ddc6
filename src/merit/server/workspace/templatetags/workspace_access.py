"""Template tags that ask the workspace's access rules, so pages show only the links a member may follow."""

from __future__ import annotations

from typing import Any

from django import template

from merit.server.accounts.models import Membership, Organisation
from merit.server.workspace.access import CAN

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: dict[str, Any], action: str, organisation: Organisation) -> bool:
    """Whether the signed-in user's role in ``organisation`` allows ``action`` (see ``access.CAN``)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    role = Membership.objects.filter(user_id=request.user.pk, organisation=organisation).values_list("role", flat=True)
    return bool(role) and role[0] in CAN[action]
