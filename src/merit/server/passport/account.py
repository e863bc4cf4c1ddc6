"""The learner's own data: their e-mail addresses, the export of everything, and deleting the account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.server.accounts.services import LinkExpired, LinkInvalid
from merit.server.issuing import recipients
from merit.server.passport import services, yourdata
from merit.server.passport.models import EmailAddress


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"email": "", "section": "account"}
    if request.method == "POST":
        email = request.POST.get("email", "").strip()
        context["email"] = email
        context["error"] = recipients.check_email(email) if email else _("Enter a valid e-mail address.")
        if not context["error"]:
            services.add_address(request.user, email)  # type: ignore[arg-type]
            messages.success(
                request, _("We have sent a link to %(email)s. Open it to add the address.") % {"email": email}
            )
            return redirect("passport:account")
    context["addresses"] = EmailAddress.objects.filter(user_id=request.user.pk).order_by("email")
    context["verified"] = services.verified_addresses(request.user)  # type: ignore[arg-type]
    context["has_password"] = request.user.has_usable_password()
    return render(request, "passport/account.html", context, status=400 if context.get("error") else 200)


@login_required
@require_POST
def remove_address(request: HttpRequest, pk: int) -> HttpResponse:
    services.remove_address(request.user, pk)  # type: ignore[arg-type]
    messages.success(request, _("The address was removed."))
    return redirect("passport:account")


@require_GET
def verify_address(request: HttpRequest, token: str) -> HttpResponse:
    try:
        address = services.verify_address(token)
    except LinkExpired:
        return render(request, "passport/address_failed.html", {"expired": True}, status=410)
    except LinkInvalid:
        return render(request, "passport/address_failed.html", {"expired": False}, status=400)
    response = render(request, "passport/address_verified.html", {"address": address})
    response["Referrer-Policy"] = "same-origin"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """The zip of everything (GET, or POST without the key); with the holder key only on a POST that gives the
    account's password again, when the account has one."""
    with_key = request.method == "POST" and request.POST.get("key") == "yes"
    user = request.user
    if with_key and user.has_usable_password() and not user.check_password(request.POST.get("password", "")):
        messages.error(request, _("The password is not right, so the export with your key was not made."))
        return redirect("passport:account")
    content = yourdata.export(user, with_key=with_key)  # type: ignore[arg-type]
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="merit-passport-{timezone.now():%Y-%m-%d}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    """Delete the account after the learner types their username to confirm."""
    context: dict[str, object] = {"section": "account", "remains": yourdata.what_remains(request.user)}  # type: ignore[arg-type]
    if request.method == "POST":
        if request.POST.get("confirm", "").strip() != request.user.get_username():
            context["error"] = _("Type your username exactly to confirm.")
        else:
            try:
                yourdata.delete_account(request.user)  # type: ignore[arg-type]
            except yourdata.AccountKept as exc:
                context["error"] = exc.message
            else:
                logout(request)
                return render(request, "passport/deleted.html", {"remains": context["remains"]})
    return render(request, "passport/delete.html", context, status=400 if context.get("error") else 200)
