"""The workspace page "Award a qualification": the form, then a confirmation of what will be signed (the learner,
the qualification or unit, each component credential as verified now and each recognised unit), then signing.

As in ``workspace/issue_one.py``, what the institution confirmed travels as a signed token that also names the
credential to be issued, so a confirmation sent twice issues once; the token carries the SHA-256 of each component
shown, and signing refuses when the basis found again is not the one confirmed. The basis comes from
:func:`basis_for`: a validation case (``?case=<id>``, :func:`basis_of_case`) or, without one, the credentials this
organisation itself issued to the learner.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from merit.core.errors import MalformedValueError, MeritError
from merit.core.microcredential import Learner
from merit.core.qualifications.basis import Basis
from merit.server.accounts.models import Organisation
from merit.server.delivery import services as delivery
from merit.server.issuing import recipients
from merit.server.issuing.models import IssuedCredential
from merit.server.issuing.requests import CredentialExists, learner_too_long
from merit.server.qualifications.access import accreditation_for, awardable_by
from merit.server.qualifications.models import Qualification
from merit.server.stacking import services
from merit.server.workspace.access import organisation_for

SALT = "merit.stacking.award"
MAX_AGE = 3600
FIELDS = ("qualification", "unit", "learner", "name", "case")
REFUSALS = {
    "other-qualification": gettext_lazy("The evidence is for another qualification."),
    "inactive": gettext_lazy("The qualification is not active, so it cannot be awarded."),
    "not-accredited": gettext_lazy("No current accreditation of your organisation names this qualification."),
    "duplicate": gettext_lazy("The same component credential is given twice."),
    "unreadable": gettext_lazy("A component is not a credential Merit reads."),
    "id-mismatch": gettext_lazy("A component's id is not the one given for it."),
    "not-verified": gettext_lazy("A component credential does not verify now."),
    "revoked": gettext_lazy("A component credential has been revoked."),
    "suspended": gettext_lazy("A component credential is suspended."),
    "not-yours": gettext_lazy("A component credential was not issued to this learner."),
    "unrelated": gettext_lazy(
        "A component credential covers no unit of this qualification (or its mapping is not approved)."
    ),
    "unknown-unit": gettext_lazy("A recognised unit is not a unit of this qualification."),
    "incomplete": gettext_lazy("The completion rules are not met yet."),
}


def refusal_text(exc: services.AwardRefused, qualification: Qualification | None = None) -> str:
    """A refusal in the reader's language, naming the credential or the missing units."""
    text = str(REFUSALS.get(exc.reason, exc.message))
    if "credential" in exc.details:
        text += " " + _("Credential: %(id)s.") % {"id": exc.details["credential"]}
    if exc.details.get("missing") and qualification is not None:
        units = {u.iri: u for u in qualification.units.all()}
        names = [units[iri].code if iri in units and units[iri].code else iri for iri in exc.details["missing"]]
        text += " " + _("Missing: %(units)s.") % {"units": ", ".join(names)}
    return text


def basis_of_case(organisation: Organisation, case_id: str) -> tuple[Basis, Learner, Qualification]:
    """The basis, learner and qualification of a validation case of ``organisation`` (its decided units and the
    credentials the learner presented, ``merit.server.validation.basis.of``); 404 for any other case."""
    from merit.server.validation import basis as casebasis
    from merit.server.validation.models import Case

    try:
        public_id = uuid.UUID(case_id.removeprefix("urn:uuid:"))
    except ValueError as exc:
        raise Http404("no such validation case") from exc
    found = Case.objects.filter(institution=organisation, public_id=public_id).select_related("qualification").first()
    if found is None:
        raise Http404("no such validation case")
    learner = Learner(email=found.learner_email, name=found.learner_name or None)
    return casebasis.of(found), learner, found.qualification


def _own_basis(organisation: Organisation, qualification: Qualification, learner: Learner) -> Basis:
    """The credentials this organisation issued to ``learner`` (its own record: the address or DID it gave) that are
    valid now; the checks then keep only what counts."""
    contact = (learner.email or learner.did or "").strip()
    records = IssuedCredential.objects.filter(
        organisation=organisation, learner_contact__iexact=contact, state=IssuedCredential.State.VALID
    ).exclude(award__isnull=False)
    mapped = [r for r in records.select_related("specification__organisation") if services._units(r, qualification)]
    return services.basis_from_credentials(qualification, mapped)


def basis_for(organisation: Organisation, values: dict[str, str]) -> tuple[Basis, Learner, Qualification]:
    """What an award rests on: the case's, or the organisation's own credentials to the learner named by the form."""
    if values.get("case"):
        return basis_of_case(organisation, values["case"])
    qualification = Qualification.objects.filter(iri=values["qualification"]).first()
    if qualification is None or accreditation_for(organisation, qualification) is None:
        raise MalformedValueError(_("Choose one of the qualifications your organisation may award."))
    learner = _learner(values)
    return _own_basis(organisation, qualification, learner), learner, qualification


def _learner(values: dict[str, str]) -> Learner:
    identity, name = values["learner"], values["name"]
    if learner_too_long(identity, name, ""):
        raise MalformedValueError(_("A field is longer than its limit."))
    return Learner(name=name or None, **({"did": identity} if identity.startswith("did:") else {"email": identity}))


def awardable(organisation: Organisation) -> list[Qualification]:
    """The qualifications a current accreditation of ``organisation`` names."""
    return list(awardable_by(organisation).prefetch_related("units"))


def _title(qualification: Qualification) -> str:
    return _titled(qualification)[0]


def _titled(qualification: Qualification) -> tuple[str, str]:
    """The title in the reader's language, else the qualification's, else any; and the language it is in."""
    reader = (get_language() or "en").split("-")[0]
    titles = qualification.title
    for language in (reader, qualification.language, *titles):
        if titles.get(language):
            return str(titles[language]), language
    return "", reader


def _token(organisation: Organisation, values: dict[str, str], basis: Basis) -> str:
    payload = {
        "o": organisation.pk,
        "id": f"urn:uuid:{uuid.uuid4()}",
        "pieces": [[p.credential_id, p.sha256] for p in basis.pieces],
        **values,
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def _confirmed(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    try:
        payload = signing.loads(request.POST.get("confirmation", ""), salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired as exc:
        raise MalformedValueError(_("This confirmation is more than an hour old. Check the details again.")) from exc
    except signing.BadSignature as exc:
        raise MalformedValueError(_("This confirmation is not valid. Check the details again.")) from exc
    if not isinstance(payload, dict) or payload.get("o") != organisation.pk:
        raise MalformedValueError(_("This confirmation is not valid. Check the details again."))
    return payload


def _values(source: Any) -> dict[str, str]:
    return {key: str(source.get(key, "")).strip() for key in FIELDS}


def _preview(organisation: Organisation, values: dict[str, str]) -> dict[str, Any]:
    basis, learner, qualification = basis_for(organisation, values)
    unit = values["unit"] or None
    document, checked, cited = services.unsigned(organisation, qualification, learner, basis, unit=unit)
    units = {u.iri: u for u in qualification.units.all()}
    return {
        "learner": learner,
        "qualification": qualification,
        "title": _titled(qualification)[0],
        "title_lang": _titled(qualification)[1],
        "unit": units.get(unit) if unit else None,
        "document": document,
        "checked": [
            {
                "id": item.piece.credential_id,
                "name": item.name,
                "issuer": item.issuer,
                "units": [units[iri].code or iri for iri in item.units if iri in units],
            }
            for item in checked
        ],
        "recognitions": [
            {"unit": units[r.unit].code if r.unit in units else r.unit, "method": r.method, "decision": r.decision}
            for r in cited.recognitions
        ],
        "confirmation": _token(organisation, values, basis),
        "qr": None,
    }


def _sign(request: HttpRequest, organisation: Organisation, payload: dict[str, Any]) -> dict[str, Any]:
    values = {key: str(payload.get(key, "")) for key in FIELDS}
    basis, learner, qualification = basis_for(organisation, values)
    if [[p.credential_id, p.sha256] for p in basis.pieces] != payload.get("pieces"):
        raise MalformedValueError(_("What the award rests on has changed since you checked it. Check it again."))
    try:
        made, token = services.award(
            organisation,
            qualification,
            learner,
            basis,
            actor=request.user.get_username(),
            unit=values["unit"] or None,
            credential_id=str(payload["id"]),
            source=f"case:{values['case']}" if values["case"] else "",
        )
    except CredentialExists:
        return {"awarded": True, "already": True}
    url = delivery.claim_url(token)
    return {"awarded": made, "claim_url": url, "qr": delivery.qr_svg(url)}


@login_required
@require_http_methods(["GET", "POST"])
def award(request: HttpRequest, slug: str) -> HttpResponse:
    """The form (prefilled from ``?case=``); its POST shows the confirmation; the confirmation's POST signs."""
    organisation = organisation_for(request, slug, "issue")
    choices = awardable(organisation)
    context: dict[str, Any] = {
        "organisation": organisation,
        "choices": [(q.iri, f"{q.code} {_title(q)}".strip(), list(q.units.all())) for q in choices],
        "form": _values(request.GET),
    }
    if request.method == "GET" and context["form"]["case"]:
        _, learner, qualification = basis_of_case(organisation, context["form"]["case"])
        context["form"].update(qualification=qualification.iri, learner=learner.email or "", name=learner.name or "")
    if request.method == "POST":
        action = request.POST.get("action", "check")
        qualification = None
        try:
            if action in ("sign", "edit"):
                payload = _confirmed(request, organisation)
                context["form"] = {key: str(payload.get(key, "")) for key in FIELDS}
                if action == "sign":
                    context.update(_sign(request, organisation, payload))
            else:
                values = _values(request.POST)
                context["form"] = values
                qualification = Qualification.objects.filter(iri=values["qualification"]).first()
                context.update(_preview(organisation, values))
                return render(request, "stacking/award_confirm.html", context)
        except services.AwardRefused as exc:
            context["error"] = refusal_text(exc, qualification)
        except MeritError as exc:
            context["error"] = recipients.message(exc)
    return render(request, "stacking/award.html", context, status=400 if "error" in context else 200)
