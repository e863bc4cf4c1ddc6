"""The issuer's credentials: the searchable list, its CSV export, one credential's page, and the status controls
(each change confirmed on a page of its own that states the consequence; revocation needs a reason).

What a credential may become is ``issuing.transitions``'s answer; the services refuse anything else too.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from merit.server.accounts.models import Organisation
from merit.server.issuing import learners, search, services, transitions
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.issuing.transitions import StatusChangeRefused
from merit.server.workspace.access import may, organisation_for

MAX_REASON = IssuedCredential._meta.get_field("state_reason").max_length or 500
MAX_BULK = search.MAX_PER_PAGE

ACTIONS = {
    "revoked": gettext_lazy("Revoke"),
    "suspended": gettext_lazy("Suspend"),
    "valid": gettext_lazy("Reinstate"),
}
CONFIRMS = {
    "revoked": gettext_lazy("Yes, revoke"),
    "suspended": gettext_lazy("Yes, suspend"),
    "valid": gettext_lazy("Yes, reinstate"),
}
CONSEQUENCES = {
    "revoked": gettext_lazy(
        "Revoking is permanent: verifiers will report this credential as revoked from now on. The learner keeps "
        "the file but it will no longer verify as valid."
    ),
    "suspended": gettext_lazy(
        "Suspending is temporary: verifiers will report this credential as suspended until you reinstate it. The "
        "learner keeps the file."
    ),
    "valid": gettext_lazy("Reinstating lifts the suspension: verifiers will report this credential as valid again."),
}
MANY_REVOKED = gettext_lazy(
    "Revoking is permanent: verifiers will report these credentials as revoked from now on. The learners keep "
    "their files but they will no longer verify as valid."
)
_BAD_QUERY = {
    "state": gettext_lazy("Choose a status from the list."),
    "date": gettext_lazy("Write dates as YYYY-MM-DD, for example 2027-03-31."),
    "number": gettext_lazy("That page or micro-credential does not exist."),
    "range": gettext_lazy("That range is not possible: check the dates and the page number."),
    "length": gettext_lazy("The search text is too long."),
}


def refusal(exc: StatusChangeRefused) -> str:
    """Why a status change was refused, in the reader's language."""
    if exc.reason == "revoked":
        return _("This credential is revoked. Revocation is permanent, so its status cannot change.")
    if exc.reason == "no_suspension":
        return _("This credential has no suspension entry, so it cannot be suspended. Revoke it instead.")
    state = IssuedCredential.State(exc.current).label
    return _("That change does not apply to a credential that is %(state)s.") % {"state": state}


def _back(request: HttpRequest, organisation: Organisation, fallback: str) -> str:
    """Where to go after a change: the page the issuer came from (a workspace page of this organisation)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    mine = wanted.startswith(f"/workspace/{organisation.slug}/")
    allowed = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure())
    return wanted if mine and allowed else fallback


def _specifications(organisation: Organisation) -> list[Specification]:
    """The micro-credential versions the organisation has issued credentials of, for the search form."""
    used = IssuedCredential.objects.filter(organisation=organisation).values("specification_id")
    return list(Specification.objects.filter(pk__in=used).order_by("key", "version"))


def _query(request: HttpRequest) -> tuple[search.CredentialQuery, str]:
    """The search the list's query string asks for, and an error message for a parameter it could not read (then
    the search is the unfiltered list: nothing the issuer typed is lost, it stays in the form)."""
    params = {name: request.GET.get(name, "") for name in search.PARAMETERS if name not in ("limit", "offset")}
    try:
        return search.parse(params), ""
    except search.BadQuery as exc:
        return search.CredentialQuery(), str(_BAD_QUERY[exc.reason])


@login_required
@require_GET
def credentials(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for(request, slug, "view")
    query, error = _query(request)
    found = search.page(organisation, query)
    here = request.get_full_path()

    def link(**changes: Any) -> str:
        params = QueryDict(mutable=True)
        params.update(query.params(**changes))
        return "?" + params.urlencode()

    context = {
        "organisation": organisation,
        "query": query,
        "form": request.GET,
        "error": error,
        "page": found,
        "rows": actions_of(request, organisation, found.items),
        "selectable": any(r.state != IssuedCredential.State.REVOKED for r in found.items),
        "may_issue": may_issue(request, organisation),
        "states": IssuedCredential.State.choices,
        "specifications": _specifications(organisation),
        "previous_link": link(page=found.number - 1) if found.has_previous else "",
        "next_link": link(page=found.number + 1) if found.has_next else "",
        "csv_link": reverse("workspace:credentials-csv", args=[slug]) + link(page=1),
        "here": here,
    }
    return render(request, "workspace/credentials.html", context, status=400 if error else 200)


def _actions(slug: str, record: IssuedCredential, back: str) -> list[tuple[str, str]]:
    """The status controls of ``record``: a label and the link to the confirmation page of each change that applies."""
    base = reverse("workspace:change-status", args=[slug, record.pk])
    params = QueryDict(mutable=True)
    params["next"] = back
    found = []
    for state in record.actions:
        params["state"] = state
        found.append((str(ACTIONS[state]), f"{base}?{params.urlencode()}"))
    return found


def may_issue(request: HttpRequest, organisation: Organisation) -> bool:
    """Whether the signed-in member may change statuses (``access.CAN["issue"]``); others see no controls."""
    return may(request.user, organisation, "issue")


def actions_of(
    request: HttpRequest, organisation: Organisation, records: list[IssuedCredential]
) -> list[tuple[IssuedCredential, list[tuple[str, str]]]]:
    """Each record with its status controls, none for a member who may not change them."""
    allowed, back = may_issue(request, organisation), request.get_full_path()
    return [(record, _actions(organisation.slug, record, back) if allowed else []) for record in records]


@login_required
@require_GET
def credentials_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The list's search, every match, as CSV (cells that look like formulas neutralised)."""
    organisation = organisation_for(request, slug, "view")
    query, error = _query(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{organisation.slug}-credentials.csv"'
    csv.writer(response).writerows(search.csv_rows(search.find(organisation, query)))
    return response


@login_required
@require_GET
def credential(request: HttpRequest, slug: str, credential_pk: int) -> HttpResponse:
    organisation = organisation_for(request, slug, "view")
    record = get_object_or_404(
        IssuedCredential.objects.select_related("specification"), organisation=organisation, pk=credential_pk
    )
    here = request.get_full_path()
    context = {
        "organisation": organisation,
        "c": record,
        "title": search.title(record),
        "actions": _actions(slug, record, here) if may_issue(request, organisation) else [],
        "may_issue": may_issue(request, organisation),
        "back": _back(request, organisation, reverse("workspace:credentials", args=[slug])),
    }
    return render(request, "workspace/credential.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, slug: str, credential_pk: int) -> HttpResponse:
    """GET: the confirmation page of a change (``?state=``); POST from it: the change. Anything that does not apply
    to the credential's state is refused with a message, whatever the form sends."""
    organisation = organisation_for(request, slug, "issue")
    record = get_object_or_404(IssuedCredential, organisation=organisation, pk=credential_pk)
    data = request.POST if request.method == "POST" else request.GET
    state = data.get("state", "")
    back = _back(request, organisation, reverse("workspace:credential", args=[slug, record.pk]))
    if state not in record.actions:
        if state in ACTIONS:
            try:
                transitions.check(record.state, state, can_suspend=record.can_suspend)
            except StatusChangeRefused as exc:
                messages.error(request, refusal(exc))
        else:
            messages.error(request, _("Choose what to do with the credential."))
        return redirect(back)
    reason = " ".join(data.get("reason", "").split())
    context: dict[str, Any] = {
        "organisation": organisation,
        "records": [record],
        "state": state,
        "action": ACTIONS[state],
        "consequence": CONSEQUENCES[state],
        "confirm": CONFIRMS[state],
        "reason": reason,
        "next": back,
        "form_action": reverse("workspace:change-status", args=[slug, record.pk]),
    }
    if request.method == "POST":
        error = _reason_error(state, reason)
        if error is None:
            try:
                services.set_status(organisation, record.credential_id, state, reason=reason, actor=_actor(request))
            except StatusChangeRefused as exc:  # Changed by someone else since the page was shown.
                messages.error(request, refusal(exc))
                return redirect(back)
            messages.success(request, _done(state, 1))
            return redirect(back)
        context["error"] = error
    return render(request, "workspace/confirm_status.html", context, status=400 if "error" in context else 200)


def _actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _reason_error(state: str, reason: str) -> str | None:
    if state == "revoked" and not reason:
        return _("Give the reason for revoking. It is shown to anyone who verifies the credential.")
    if len(reason) > MAX_REASON:
        return _("The reason is longer than %(limit)s characters.") % {"limit": MAX_REASON}
    return None


def _done(state: str, count: int) -> str:
    label = IssuedCredential.State(state).label
    if count == 1:
        return _("The credential is now %(state)s.") % {"state": label}
    # Only revocation is done in bulk; a sentence of its own, since the state's label does not inflect.
    return ngettext("%(count)s credential is now revoked.", "%(count)s credentials are now revoked.", count) % {
        "count": count
    }


@login_required
@require_POST
def bulk_status(request: HttpRequest, slug: str) -> HttpResponse:
    """Revoke the credentials selected in the list: first the confirmation page (the selection, the consequence
    and the reason), then, with ``confirm``, all of them in one transaction, or none with the reason why."""
    organisation = organisation_for(request, slug, "issue")
    back = _back(request, organisation, reverse("workspace:credentials", args=[slug]))
    # Row ids as the list's checkboxes send them; anything else (not a number, out of range) selects nothing.
    pks = sorted({int(pk) for pk in request.POST.getlist("pk") if pk.isascii() and pk.isdigit() and len(pk) < 19})
    if not pks:
        messages.error(request, _("Select the credentials to revoke first."))
        return redirect(back)
    if len(pks) > MAX_BULK:
        messages.error(request, _("Select at most %(limit)s credentials at a time.") % {"limit": MAX_BULK})
        return redirect(back)
    state = "revoked"
    chosen = list(
        IssuedCredential.objects.filter(organisation=organisation, pk__in=pks)
        .select_related("specification")
        .order_by("-issued_at", "-pk")
    )
    records = [r for r in chosen if r.state != IssuedCredential.State.REVOKED]
    skipped = len(chosen) - len(records)
    if not records:
        messages.error(request, _("Every selected credential is already revoked."))
        return redirect(back)
    reason = " ".join(request.POST.get("reason", "").split())
    context: dict[str, Any] = {
        "organisation": organisation,
        "records": records,
        "skipped": skipped,
        "state": state,
        "action": ACTIONS[state],
        "confirm": CONFIRMS[state],
        "reason": reason,
        "next": back,
        "form_action": reverse("workspace:bulk-status", args=[slug]),
        "bulk": True,
        "consequence": CONSEQUENCES[state] if len(records) == 1 else MANY_REVOKED,
    }
    if request.POST.get("confirm") == "1":
        error = _reason_error(state, reason)
        if error is None:
            try:
                done = services.set_status_many(
                    organisation, [r.pk for r in records], state, reason=reason, actor=_actor(request)
                )
            except StatusChangeRefused as exc:
                messages.error(request, _("Nothing was revoked: %(why)s") % {"why": refusal(exc)})
                return redirect(back)
            except IssuedCredential.DoesNotExist:
                messages.error(request, _("Nothing was revoked: a selected credential no longer exists."))
                return redirect(back)
            messages.success(request, _done(state, len(done)))
            return redirect(back)
        context["error"] = error
    return render(request, "workspace/confirm_status.html", context, status=400 if "error" in context else 200)


@login_required
@require_http_methods(["GET", "POST"])
def erase_learner(request: HttpRequest, slug: str, credential_pk: int) -> HttpResponse:
    """Erase the learner's name and address from the issuer's record on the learner's request (confirmed first)."""
    organisation = organisation_for(request, slug, "issue")
    record = get_object_or_404(IssuedCredential, organisation=organisation, pk=credential_pk)
    detail = reverse("workspace:credential", args=[slug, record.pk])
    if request.method == "POST":
        if record.learner_erased_at is None:
            learners.erase(record, actor=_actor(request))
        messages.success(request, _("The learner's name and address are erased from your records."))
        return redirect(detail)
    return render(request, "workspace/confirm_erase.html", {"organisation": organisation, "c": record, "back": detail})
