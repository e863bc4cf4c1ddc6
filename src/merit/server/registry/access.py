"""Who works for a registry authority: the members of the authority's organisation. Every member reads the
applications, their evidence and the accreditations; owners and issuers decide (a decision signs an accreditation
credential with the authority's key, as issuing does). Django admin is for the installation's operators only
(``docs/decisions/0022-registry-reviewers.md``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from merit.server.accounts.models import Membership, Role
from merit.server.registry.models import Authority

CAN = {
    "review": {Role.OWNER, Role.DESIGNER, Role.ISSUER, Role.VIEWER},
    "decide": {Role.OWNER, Role.ISSUER},
}


def authorities_of(user_id: int | None, action: str = "review") -> list[Authority]:
    """The authorities in whose organisation the user's role allows ``action``."""
    memberships = Membership.objects.filter(
        user_id=user_id, organisation__authority__isnull=False, role__in=CAN[action]
    ).select_related("organisation__authority")
    return [m.organisation.authority for m in memberships]


def authority_for(request: HttpRequest, action: str = "review") -> Authority:
    """The authority the signed-in user works for with a role allowing ``action``; anyone else gets 404."""
    found = authorities_of(request.user.pk, action)
    if not found:
        raise Http404("not a member of a registry authority")
    return found[0]


def may_decide(request: HttpRequest, authority: Authority) -> bool:
    return any(a.pk == authority.pk for a in authorities_of(request.user.pk, "decide"))
