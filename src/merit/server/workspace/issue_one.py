"""Issuing one credential from the workspace in two steps: the form, then a confirmation page that shows what will
be signed (the learner, the micro-credential and its Annex I elements as the learner will see them, the validity
and the format), with "Sign and send" and "Back and edit".

What the issuer confirmed travels as a signed token (``django.core.signing``: tamper-proof, expiring), which also
names the credential to be issued (``urn:uuid:``): signing happens only on the confirmation's POST, everything is
checked again there, and a confirmation sent twice issues one credential (credential ids are unique per
organisation), never two.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from merit.core.errors import MalformedValueError, MeritError
from merit.core.microcredential import Learner
from merit.server.accounts.models import Organisation
from merit.server.delivery import services as delivery
from merit.server.issuing import recipients, services
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.issuing.requests import CredentialExists, learner_too_long
from merit.server.pdf.display import display
from merit.server.registry import services as registry
from merit.server.registry import wording
from merit.server.workspace.access import organisation_for

SALT = "merit.workspace.issue_one"
MAX_AGE = 3600
"""How long a confirmation page may be signed from (seconds): an hour, then the issuer checks the details again."""
FIELDS = ("learner", "name", "grade")


def _issuable(organisation: Organisation, spec_id: int) -> Specification:
    """A micro-credential the organisation may issue (its own or granted to it); anything else is 404."""
    try:
        return registry.issuable_specification(organisation, spec_id)
    except Specification.DoesNotExist as exc:
        raise Http404("no such micro-credential to issue") from exc


def _learner(values: dict[str, str]) -> Learner:
    """The learner the form names, checked (``merit.core.recipients`` through ``Learner``); raises ``MeritError``."""
    identity, name, grade = values["learner"], values["name"], values["grade"]
    too_long = learner_too_long(identity, name, grade)
    if too_long:
        raise MalformedValueError(_("A field is longer than %(limit)s characters.") % {"limit": too_long})
    return Learner(name=name or None, **({"did": identity} if identity.startswith("did:") else {"email": identity}))


def _token(organisation: Organisation, specification: Specification, values: dict[str, str]) -> str:
    payload = {"o": organisation.pk, "s": specification.pk, "id": f"urn:uuid:{uuid.uuid4()}", **values}
    return signing.dumps(payload, salt=SALT, compress=True)


def _confirmed(request: HttpRequest, organisation: Organisation, specification: Specification) -> dict[str, str]:
    """What the confirmation page the issuer submits showed; raises ``MalformedValueError`` when it is not one
    Merit made for this organisation and micro-credential within the last hour."""
    try:
        payload = signing.loads(request.POST.get("confirmation", ""), salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as exc:
        raise MalformedValueError(_("This confirmation is more than an hour old. Check the details again.")) from exc
    except signing.BadSignature as exc:
        raise MalformedValueError(_("This confirmation is not valid. Check the details again.")) from exc
    if not isinstance(payload, dict) or (payload.get("o"), payload.get("s")) != (organisation.pk, specification.pk):
        raise MalformedValueError(_("This confirmation is not valid. Check the details again."))
    return {key: str(payload.get(key, "")) for key in (*FIELDS, "id")}


def _preview(
    organisation: Organisation, specification: Specification, values: dict[str, str], learner: Learner
) -> dict[str, Any]:
    """What the confirmation page shows: the credential as the learner will see it, rendered now exactly as it will
    be signed (the trust registry's rules included), and how it is secured and delivered."""
    unsigned = services.unsigned_from_specification(
        specification, learner, grade=values["grade"] or None, issuer=organisation
    )
    language = (get_language() or "en").split("-")[0]
    return {
        "view": display(unsigned, language),
        "language": language,
        "learner": learner,
        "today": date_format(timezone.localdate(), "DATE_FORMAT"),
        "suite": services.signing_suite(organisation),
        "confirmation": _token(organisation, specification, values),
    }


@login_required
@require_http_methods(["GET", "POST"])
def issue_one(request: HttpRequest, slug: str, spec_id: int) -> HttpResponse:
    """The form; its POST checks the learner and shows the confirmation page; the confirmation's POST signs."""
    organisation = organisation_for(request, slug, "issue")
    specification = _issuable(organisation, spec_id)
    grading = specification.data.get("grading") or {}
    context: dict[str, Any] = {
        "organisation": organisation,
        "specification": specification,
        "grades": grading.get("allowedValues", []),
        "form": dict.fromkeys(FIELDS, ""),
    }
    if request.method == "POST":
        action = request.POST.get("action", "check")
        try:
            if action in ("sign", "edit"):
                confirmed = _confirmed(request, organisation, specification)
                context["form"] = {key: confirmed[key] for key in FIELDS}
                if action == "sign":
                    context.update(_sign(request, organisation, specification, confirmed))
            else:
                values = {key: request.POST.get(key, "").strip() for key in FIELDS}
                context["form"] = values
                learner = _learner(values)
                context.update(_preview(organisation, specification, values, learner))
                return render(request, "workspace/issue_one_confirm.html", context)
        except registry.RegistryRefusal as exc:
            context["error"] = wording.refusal(exc)
        except MeritError as exc:
            context["error"] = recipients.message(exc)
    return render(request, "workspace/issue_one.html", context, status=400 if "error" in context else 200)


def _sign(
    request: HttpRequest, organisation: Organisation, specification: Specification, confirmed: dict[str, str]
) -> dict[str, Any]:
    """Check the confirmed learner again and issue the credential with its claim link; a second confirmation of
    the same page finds the credential already issued and issues nothing."""
    learner = _learner(confirmed)
    try:
        record, token = delivery.issue_one(
            specification,
            learner,
            actor=request.user.get_username(),
            grade=confirmed["grade"] or None,
            issuer=organisation,
            credential_id=confirmed["id"],
        )
    except CredentialExists:
        existing = IssuedCredential.objects.get(organisation=organisation, credential_id=confirmed["id"])
        return {"issued": existing, "already": True}
    url = delivery.claim_url(token)
    return {"issued": record, "claim_url": url, "qr": delivery.qr_svg(url)}
