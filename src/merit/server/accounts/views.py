"""Account pages: sign-up and e-mail verification, password reset, a new organisation, invitations, and the
public organisation logo. Services do the work; views check who is asking."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.server.accounts import members, services
from merit.server.accounts.forms import OrganisationForm, SignUpForm
from merit.server.accounts.models import Invitation, Membership, Organisation

SIGNUP_SESSION_KEY = "merit-signed-up"
"""The address this browser signed up with, so that its confirmation link signs this browser in."""


def _safe_next(request: HttpRequest, url: str) -> str:
    """``url`` if it stays on this site, else an empty string."""
    allowed = url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False)
    return url if url and allowed else ""


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = services.sign_up(data["email"], data["name"], data["password"], next_url)
        # The browser that made the account is signed in when it opens the confirmation link (and only that
        # browser: a link opened elsewhere asks for the password, so an account someone else made with this
        # address never signs its owner in). The answer is the same either way; only the session differs.
        if created:
            request.session[SIGNUP_SESSION_KEY] = services.normalise_email(data["email"])
        else:
            request.session.pop(SIGNUP_SESSION_KEY, None)
        return redirect("accounts:signup-sent")
    status = 400 if form.is_bound else 200
    context = {"form": form, "next": next_url, "learner": next_url.startswith("/claim/")}
    return render(request, "accounts/signup.html", context, status=status)


@login_required
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Where signing in leads when no page asked for it: a member of an organisation to the workspace (which picks
    the organisation, or the registry pages for an authority's member), anyone else, a learner, to the passport."""
    if Membership.objects.filter(user=request.user).exists():
        return redirect("workspace:home")
    return redirect("passport:home")


@require_GET
def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html")


@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user, next_url, first = services.confirm_email(token)
    except services.LinkExpired:
        return render(request, "accounts/verify_failed.html", {"expired": True}, status=410)
    except services.LinkInvalid:
        return render(request, "accounts/verify_failed.html", {"expired": False}, status=400)
    from merit.server.passport.services import recheck_subjects

    recheck_subjects(user)  # Credentials issued to this address now count as the learner's.
    next_url = _safe_next(request, next_url) or reverse("accounts:organisation-new")
    signed_up_here = request.session.get(SIGNUP_SESSION_KEY) == services.normalise_email(getattr(user, "email", ""))
    if first and signed_up_here and not request.user.is_authenticated:
        request.session.pop(SIGNUP_SESSION_KEY, None)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your e-mail address is confirmed and you are signed in."))
        response = redirect(next_url)
        response["Referrer-Policy"] = "same-origin"
        return response
    if request.user.is_authenticated and request.user.pk == user.pk:
        messages.success(request, _("Your e-mail address is confirmed."))
        return redirect(next_url)
    login_url = f"{reverse('login')}?{urlencode({'next': next_url})}"
    response = render(request, "accounts/verified.html", {"login_url": login_url})
    response["Referrer-Policy"] = "same-origin"
    return response


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    if not services.is_verified(request.user):
        services.send_verification_email(request.user)  # type: ignore[arg-type]
    messages.success(request, _("We have sent you a new link. Check your e-mail."))
    return redirect("accounts:organisation-new")


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    if not services.is_verified(request.user):
        return render(request, "accounts/organisation_new.html", {"unverified": True}, status=403)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.create_organisation_for(request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("%(name)s is ready. You are its owner.") % {"name": organisation.name})
        return redirect("workspace:dashboard", slug=organisation.slug)
    status = 400 if form.is_bound else 200
    return render(request, "accounts/organisation_new.html", {"form": form}, status=status)


class PasswordResetView(auth.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    @property
    def extra_email_context(self) -> dict[str, str]:  # type: ignore[override]
        return {"base_url": settings.BASE_URL}


class PasswordResetDoneView(auth.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[type-arg]
        # Following the reset link proves that the user reads mail sent to their address.
        if services.mark_verified(form.user):
            from merit.server.passport.services import recheck_subjects

            recheck_subjects(form.user)  # Credentials issued to this address now count as the learner's.
        return super().form_valid(form)


class PasswordResetCompleteView(auth.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _private(response: HttpResponse) -> HttpResponse:
    """Keep a page whose URL holds a secret out of caches, referrers and the request log."""
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    # Django logs the path of every 4xx response; this path holds the invitation's secret.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        found = members.open_invitation(token)
    except Invitation.DoesNotExist:
        reason = _("This invitation link is not valid. Copy the whole link from the e-mail.")
        return _private(render(request, "accounts/invitation_gone.html", {"reason": reason}, status=404))
    except members.InvitationGone as exc:
        return _private(render(request, "accounts/invitation_gone.html", {"reason": str(exc)}, status=410))
    context: dict[str, object] = {"invitation": found, "organisation": found.organisation}
    if not request.user.is_authenticated:
        here = urlencode({"next": request.path})
        context.update(
            {"login_url": f"{reverse('login')}?{here}", "signup_url": f"{reverse('accounts:signup')}?{here}"}
        )
        if request.method == "POST":
            return redirect(context["login_url"])
        return _private(render(request, "accounts/invitation.html", context))
    if request.method == "POST":
        try:
            members.accept(found, request.user)  # type: ignore[arg-type]
        except members.InvitationGone as exc:
            return _private(render(request, "accounts/invitation_gone.html", {"reason": str(exc)}, status=410))
        except members.MembershipError as exc:
            context["error"] = str(exc)
            return _private(render(request, "accounts/invitation.html", context, status=403))
        messages.success(request, _("Welcome to %(name)s.") % {"name": found.organisation.name})
        return redirect("workspace:dashboard", slug=found.organisation.slug)
    context["error"] = members.why_cannot_accept(found, request.user)  # type: ignore[arg-type]
    return _private(render(request, "accounts/invitation.html", context))


@require_GET
def logo(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The organisation's logo, served with the media type found from its bytes when it was uploaded."""
    organisation = Organisation.objects.filter(slug=slug).only("logo", "logo_type").first()
    if organisation is None or not organisation.logo_type:
        raise Http404("no logo")
    content = bytes(organisation.logo)
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    response: HttpResponseBase
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(content, content_type=organisation.logo_type)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
