"""Merit's front door: the landing page at ``/``, the favicon, and the styled 404 and 410 pages' shared view code.

The landing page says what Merit is for each kind of visitor (issuers, learners, employers and authorities) and
links to the verification portal, signing in and the passport; a signed-in visitor also sees their workspaces.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from merit.server.accounts.models import Membership

_FAVICON = "merit/favicon.ico"


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user).select_related("organisation").order_by("organisation__name")
        if request.user.is_authenticated
        else Membership.objects.none()
    )
    return render(request, "site/landing.html", {"memberships": memberships})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for on their own: a permanent redirect to the static icon."""
    response = HttpResponse(status=301)
    response["Location"] = static(_FAVICON)
    response["Cache-Control"] = "max-age=86400"
    return response
