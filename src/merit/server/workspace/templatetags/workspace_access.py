"""Template tags that ask the workspace's access rules, so pages show only the links a member may follow."""

from __future__ import annotations

from typing import Any

from django import template

from merit.server.accounts.models import Organisation
from merit.server.workspace import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: dict[str, Any], action: str, organisation: Organisation) -> bool:
    """Whether the signed-in user's role in ``organisation`` allows ``action`` (see ``access.CAN``)."""
    request = context.get("request")
    return request is not None and access.may(request.user, organisation, action)
