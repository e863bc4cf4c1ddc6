"""The owners' pages of an organisation: members and invitations, API tokens, and the profile with its logo and
signing keys. Every page and form is for owners only (the ``manage`` action); services do the writing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.server.accounts import members, services
from merit.server.accounts.forms import InvitationForm, ProfileForm, TokenForm
from merit.server.accounts.models import ApiToken, Invitation, Membership, Organisation, Role
from merit.server.issuing.services import rotate_key
from merit.server.workspace.access import organisation_for

ALGORITHMS = ("Ed25519", "P-256")


def _members_page(
    request: HttpRequest,
    organisation: Organisation,
    form: InvitationForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "memberships": Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__username"),
        "invitations": members.pending_invitations(organisation),
        "roles": Role.choices,
        "form": form or InvitationForm(),
        "error": error,
    }
    return render(request, "workspace/members.html", context, status=status)


@login_required
@require_GET
def members_page(request: HttpRequest, slug: str) -> HttpResponse:
    return _members_page(request, organisation_for(request, slug, "manage"))


@login_required
@require_POST
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for(request, slug, "manage")
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _members_page(request, organisation, form, status=400)
    try:
        invitation, _token = members.invite(
            organisation,
            form.cleaned_data["email"],
            form.cleaned_data["role"],
            request.user,  # type: ignore[arg-type]
        )
    except members.MembershipError as exc:
        form.add_error("email", str(exc))
        return _members_page(request, organisation, form, status=400)
    messages.success(request, _("We have sent an invitation to %(email)s.") % {"email": invitation.email})
    return redirect("workspace:members", slug=slug)


def _membership(organisation: Organisation, pk: int) -> Membership:
    found = Membership.objects.filter(organisation=organisation, pk=pk).select_related("user").first()
    if found is None:
        raise Http404("no such member")
    return found


@login_required
@require_POST
def change_role(request: HttpRequest, slug: str, membership_pk: int) -> HttpResponse:
    organisation = organisation_for(request, slug, "manage")
    membership = _membership(organisation, membership_pk)
    try:
        members.change_role(membership, request.POST.get("role", ""), actor=request.user.get_username())
    except members.MembershipError as exc:
        return _members_page(request, organisation, error=str(exc), status=409)
    messages.success(request, _("The role of %(user)s is changed.") % {"user": membership.user.get_username()})
    if membership.user_id == request.user.pk and request.POST.get("role") != Role.OWNER:
        return redirect("workspace:dashboard", slug=slug)
    return redirect("workspace:members", slug=slug)


@login_required
@require_POST
def remove(request: HttpRequest, slug: str, membership_pk: int) -> HttpResponse:
    organisation = organisation_for(request, slug, "manage")
    membership = _membership(organisation, membership_pk)
    try:
        members.remove_member(membership, actor=request.user.get_username())
    except members.MembershipError as exc:
        return _members_page(request, organisation, error=str(exc), status=409)
    messages.success(request, _("%(user)s is no longer a member.") % {"user": membership.user.get_username()})
    if membership.user_id == request.user.pk:
        return redirect("workspace:home")
    return redirect("workspace:members", slug=slug)


@login_required
@require_POST
def revoke_invitation(request: HttpRequest, slug: str, invitation_pk: int) -> HttpResponse:
    organisation = organisation_for(request, slug, "manage")
    invitation = Invitation.objects.filter(organisation=organisation, pk=invitation_pk).first()
    if invitation is None:
        raise Http404("no such invitation")
    try:
        members.revoke_invitation(invitation, actor=request.user.get_username())
    except members.MembershipError as exc:
        return _members_page(request, organisation, error=str(exc), status=409)
    messages.success(request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email})
    return redirect("workspace:members", slug=slug)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for(request, slug, "manage")
    form = TokenForm(request.POST or None)
    context: dict[str, object] = {"organisation": organisation, "form": form}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            token, secret = services.create_token(
                organisation, form.cleaned_data["name"], form.cleaned_data["scopes"], actor=request.user.get_username()
            )
            # The secret is in this response only: it is neither stored nor put in the session.
            context.update({"created": token, "secret": secret, "form": TokenForm()})
            status = 201
        else:
            status = 400
    context["tokens"] = ApiToken.objects.filter(organisation=organisation).order_by("-created_at")
    response = render(request, "workspace/tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, slug: str, token_pk: int) -> HttpResponse:
    organisation = organisation_for(request, slug, "manage")
    token = ApiToken.objects.filter(organisation=organisation, pk=token_pk, revoked_at__isnull=True).first()
    if token is None:
        raise Http404("no such token")
    services.revoke_token(token, actor=request.user.get_username())
    messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
    return redirect("workspace:tokens", slug=slug)


def _profile_initial(organisation: Organisation) -> dict[str, str]:
    initial = {name: getattr(organisation, name) for name in services.PROFILE_FIELDS}
    initial["time_zone"] = organisation.zone_name  # The country's zone until the organisation chooses one.
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for(request, slug, "manage")
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            services.update_profile(organisation, request.user.get_username(), **data)
            messages.success(request, _("The profile is saved."))
            return redirect("workspace:profile", slug=slug)
    else:
        form = ProfileForm(initial=_profile_initial(organisation))
    context = {
        "organisation": organisation,
        "form": form,
        "keys": organisation.keys.order_by("-created_at"),
        "algorithms": ALGORITHMS,
    }
    return render(request, "workspace/profile.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def rotate(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for(request, slug, "manage")
    algorithm = request.POST.get("algorithm", "")
    if algorithm not in ALGORITHMS:
        messages.error(request, _("Choose Ed25519 or P-256."))
        return redirect("workspace:profile", slug=slug)
    key = rotate_key(organisation, algorithm, actor=request.user.get_username())
    messages.success(
        request, _("A new %(algorithm)s key now signs; the old one stays published.") % {"algorithm": key.algorithm}
    )
    return redirect("workspace:profile", slug=slug)
