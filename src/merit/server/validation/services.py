"""Validation services: the one place that writes the validation tables.

A learner applies to an institution that may award the qualification (``qualifications.access``) with a signed
presentation of held credentials (``passport.services.signed_presentation``, its challenge the case's URN and its
domain the institution's DID), evidence files and a statement; the presentation is verified on receipt through the
one way in (``portal.services.verify_document``) and kept byte for byte. An institution can also open a workplace
case itself. Assessors decide unit by unit; every decision is audited, shown to the learner and e-mailed to them.
:func:`basis` gives what an award rests on (``merit.core.qualifications.basis``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from merit.core.errors import InvalidError, MeritError
from merit.core.verify import VerificationReport
from merit.core.verify.parsing import parse_json
from merit.server.accounts.models import Account, Organisation
from merit.server.issuing.services import audit
from merit.server.passport import services as passport
from merit.server.passport.models import HeldCredential
from merit.server.portal import services as portal
from merit.server.qualifications import access as awarding
from merit.server.qualifications.models import Qualification, Unit
from merit.server.validation.access import assesses
from merit.server.validation.models import METHODS, OUTCOMES, SUPERVISION, Case, Decision, Evidence, Submission

MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_STATEMENT = 5000
MAX_PRESENTATION_BYTES = 4 * 1024 * 1024
FILE_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
"""The evidence files accepted, by their first bytes (the name and the browser's type are not trusted); plain UTF-8
text is accepted too."""


class Refused(InvalidError):
    """The action is refused; the message says why, in the reader's language."""

    code = "VALIDATION_REFUSED"


class NotAllowed(PermissionError):
    """The user may not do this to this case (not their case, not an assessor of its institution)."""


@dataclass(frozen=True)
class File:
    name: str
    data: bytes


def file_type(data: bytes) -> str | None:
    """The media type of an accepted evidence file, or None."""
    for magic, media in FILE_TYPES:
        if data.startswith(magic):
            return media
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain" if "\x00" not in text else None


def check_files(files: list[File]) -> list[tuple[File, str]]:
    """The files with their media types; :class:`Refused` for too many, too large or of a type not accepted."""
    if len(files) > MAX_FILES:
        raise Refused(_("Attach at most %(n)d evidence files.") % {"n": MAX_FILES})
    found = []
    for item in files:
        if len(item.data) > MAX_FILE_BYTES:
            raise Refused(_("“%(name)s” is larger than 5 MB.") % {"name": item.name})
        if not item.data:
            raise Refused(_("“%(name)s” is empty.") % {"name": item.name})
        media = file_type(item.data)
        if media is None:
            raise Refused(
                _("“%(name)s” is not a PDF, PNG, JPEG or plain text file, which are the files accepted.")
                % {"name": item.name}
            )
        found.append((item, media))
    return found


def _units(qualification: Qualification, iris: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(iris))
    active = {u.iri for u in qualification.units.all() if u.status == "active"}
    if not chosen:
        raise Refused(_("Choose at least one unit."))
    if any(iri not in active for iri in chosen):
        raise Refused(_("Choose units of this qualification that are in force."))
    return chosen


def _may_award(institution: Organisation, qualification: Qualification) -> None:
    if qualification.status != Qualification.Status.ACTIVE:
        raise Refused(_("This qualification is not in force, so it cannot be validated."))
    if awarding.accreditation_for(institution, qualification) is None:
        raise Refused(_("This institution is not accredited to award this qualification."))


def learner_cases(user: AbstractBaseUser) -> QuerySet[Case]:
    """The cases about ``user``: their applications, and workplace cases opened for one of their verified
    addresses."""
    addresses = passport.verified_addresses(user)
    return (
        Case.objects.filter(Q(learner_id=user.pk) | Q(kind=Case.Kind.WORKPLACE, learner_email__in=addresses))
        .select_related("institution", "qualification")
        .distinct()
    )


def learner_case(user: AbstractBaseUser, pk: int) -> Case:
    case = learner_cases(user).filter(pk=pk).first()
    if case is None:
        raise Case.DoesNotExist("no such case")
    return case


def apply(
    user: AbstractBaseUser,
    institution: Organisation,
    qualification: Qualification,
    *,
    units: Iterable[str],
    held: Iterable[int],
    statement: str = "",
    files: list[File] | None = None,
) -> Case:
    """The learner's application: a case with a presentation of their chosen ``held`` credentials signed for this
    case and institution, verified on receipt, and the evidence files. Raises :class:`Refused`."""
    _may_award(institution, qualification)
    chosen = _units(qualification, units)
    wanted = list(dict.fromkeys(held))
    credentials = list(HeldCredential.objects.filter(owner_id=user.pk, pk__in=wanted).order_by("pk"))
    if len(credentials) != len(wanted):
        raise Refused(_("Choose credentials from your passport."))
    if any(c.format not in passport.W3C_FORMATS for c in credentials):
        raise Refused(_("Only W3C Verifiable Credentials can go into a presentation."))
    checked = check_files(files or [])
    if not credentials and not checked:
        raise Refused(_("Send at least one credential or one evidence file."))
    if len(statement) > MAX_STATEMENT:
        raise Refused(_("The statement may be at most 5000 characters long."))
    with transaction.atomic():
        case = Case.objects.create(
            institution=institution,
            qualification=qualification,
            kind=Case.Kind.APPLICATION,
            learner=user,
            learner_email=user.email,
            learner_name=user.get_full_name()[:200],
            units=chosen,
            created_by=user.get_username(),
        )
        document = passport.signed_presentation(user, credentials, challenge=case.urn, domain=institution.did)
        receive(case, user, json.dumps(document, ensure_ascii=False).encode("utf-8"), statement=statement)
        Evidence.objects.bulk_create(
            Evidence(
                submission=case.submission,
                name=item.name[:255] or "evidence",
                content_type=media,
                data=item.data,
                sha256=hashlib.sha256(item.data).hexdigest(),
                size=len(item.data),
            )
            for item, media in checked
        )
        audit(institution, user.get_username(), "validation.applied", case.urn, qualification=qualification.iri)
    return case


def verify_presentation(case: Case, content: bytes) -> VerificationReport:
    """The presentation verified for ``case``: its challenge must be the case's URN, its domain the institution's
    DID."""
    document = parse_json(content, MAX_PRESENTATION_BYTES)
    _fmt, report = portal.verify_document(
        document, challenge=case.urn, domain=case.institution.did, expect="presentation"
    )
    return report


def receive(case: Case, user: AbstractBaseUser, content: bytes, *, statement: str = "") -> Submission:
    """Keep the presentation ``content`` (byte for byte) with its verification report on receipt. A presentation
    that does not verify is kept and reported invalid: the assessor sees why; it is never read as verified."""
    try:
        report = verify_presentation(case, content)
        outcome, data = report.outcome, report.to_json()
    except MeritError as exc:
        outcome, data = "invalid", {"outcome": "invalid", "reason": exc.message, "checks": []}
    return Submission.objects.create(
        case=case,
        learner=user,
        presentation=content,
        challenge=case.urn,
        domain=case.institution.did,
        outcome=outcome,
        report=data,
        statement=statement[:MAX_STATEMENT],
    )


def withdraw(case: Case, user: AbstractBaseUser) -> Case:
    """The learner withdraws an application no unit of which was decided yet."""
    if case.learner_id != user.pk:
        raise NotAllowed("not your application")
    if case.state != Case.State.OPEN:
        raise Refused(_("This case was already withdrawn."))
    if case.decisions.exists():
        raise Refused(_("A unit of this case has been decided, so it can no longer be withdrawn."))
    case.state, case.withdrawn_at = Case.State.WITHDRAWN, timezone.now()
    case.save(update_fields=["state", "withdrawn_at"])
    audit(case.institution, user.get_username(), "validation.withdrawn", case.urn)
    return case


def open_workplace(
    institution: Organisation,
    user: AbstractBaseUser,
    qualification: Qualification,
    *,
    units: Iterable[str],
    email: str,
    name: str = "",
    employer: str,
    place: str,
    observed_on: date | None,
    observer: str,
) -> Case:
    """A workplace case the institution opens for a learner (by e-mail): the learner sees it once signed in with
    that address verified."""
    if not assesses(user, institution):
        raise NotAllowed("only the institution's assessors open cases")
    _may_award(institution, qualification)
    chosen = _units(qualification, units)
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise Refused(_("Give the learner's e-mail address."))
    site = _site(employer, place, observed_on, observer)
    with transaction.atomic():
        case = Case.objects.create(
            institution=institution,
            qualification=qualification,
            kind=Case.Kind.WORKPLACE,
            learner_email=email,
            learner_name=name.strip()[:200],
            units=chosen,
            created_by=user.get_username(),
            **site,
        )
        audit(
            institution, user.get_username(), "validation.workplace_opened", case.urn, qualification=qualification.iri
        )
    return case


def _site(employer: str, place: str, observed_on: date | None, observer: str) -> dict[str, Any]:
    if not employer.strip() or not place.strip() or not observer.strip():
        raise Refused(_("Give the employer, the place and the observer."))
    if observed_on is None or observed_on > timezone.localdate():
        raise Refused(_("Give the date of the observation (not in the future)."))
    return {
        "employer": employer.strip()[:300],
        "place": place.strip()[:300],
        "observed_on": observed_on,
        "observer": observer.strip()[:200],
    }


def record_site(
    case: Case, user: AbstractBaseUser, *, employer: str, place: str, observed_on: date | None, observer: str
) -> Case:
    """Record where, when and by whom an applicant was observed at work (an application assessed at the
    workplace); a later record replaces it, and each is audited."""
    if not assesses(user, case.institution):
        raise NotAllowed("only the institution's assessors record an observation")
    if case.state != Case.State.OPEN:
        raise Refused(_("This case was withdrawn."))
    fields = _site(employer, place, observed_on, observer)
    Case.objects.filter(pk=case.pk).update(**fields)
    for name, value in fields.items():
        setattr(case, name, value)
    audit(
        case.institution,
        user.get_username(),
        "validation.site_recorded",
        case.urn,
        **{k: str(v) for k, v in fields.items()},
    )
    return case


def current(case: Case) -> dict[str, Decision]:
    """The decision in force for each decided unit (the latest), by unit IRI."""
    found: dict[str, Decision] = {}
    for decision in case.decisions.select_related("unit").order_by("decided_at", "pk"):
        found[decision.unit.iri] = decision
    return found


def decide(
    case: Case,
    user: AbstractBaseUser,
    *,
    unit: str,
    outcome: str,
    method: str,
    supervision: str,
    identity_checked: bool,
    identity_method: str = "",
    reason: str,
) -> Decision:
    """An assessor's decision on one unit; it supersedes the unit's decision in force, if any."""
    if not assesses(user, case.institution):
        raise NotAllowed("only the institution's assessors decide")
    if case.state != Case.State.OPEN:
        raise Refused(_("This case was withdrawn."))
    if case.kind == Case.Kind.APPLICATION and case.learner_id is None:
        raise Refused(
            _("The learner deleted their account: this case is kept as a record and can no longer be decided.")
        )
    if unit not in case.units:
        raise Refused(_("Decide only the units of this case."))
    if outcome not in OUTCOMES:
        raise Refused(_("Choose recognised, not recognised or further assessment needed."))
    if method not in METHODS:
        raise Refused(_("Choose how it was assessed."))
    if supervision not in SUPERVISION:
        raise Refused(_("Choose the supervision."))
    identity_method = identity_method.strip()
    if identity_checked and not identity_method:
        raise Refused(_("Say how the identity was checked."))
    if identity_checked != supervision.endswith("-with-id"):
        raise Refused(_("The supervision must say whether the identity was checked, as the identity check does."))
    reason = reason.strip()
    if not reason:
        raise Refused(_("Give the reason: the learner reads it."))
    if len(reason) > 5000:
        raise Refused(_("The reason may be at most 5000 characters long."))
    row = Unit.objects.get(qualification_id=case.qualification_id, iri=unit)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        previous = current(case).get(unit)
        decision = Decision.objects.create(
            case=case,
            unit=row,
            outcome=outcome,
            method=method,
            supervision=supervision,
            identity_checked=identity_checked,
            identity_method=identity_method[:200] if identity_checked else "",
            reason=reason,
            assessor=user.get_username(),
            supersedes=previous,
        )
        audit(
            case.institution,
            user.get_username(),
            "validation.decided",
            case.urn,
            unit=unit,
            outcome=outcome,
            method=method,
            supervision=supervision,
            decision=decision.urn,
            supersedes=previous.urn if previous else None,
        )
    _tell_learner(case, decision)
    return decision


def _tell_learner(case: Case, decision: Decision) -> None:
    """E-mail the learner that a unit was decided (the decision itself is read in the passport)."""
    if case.kind == Case.Kind.APPLICATION and case.learner is None:
        return  # The learner deleted their account.
    address = case.learner.email if case.learner is not None else case.learner_email
    if not address:
        return
    chosen = Account.objects.filter(user_id=case.learner_id).values_list("language", flat=True).first() or ""
    with translation.override(chosen or translation.get_language()):  # The learner's language when they chose one.
        body = render_to_string(
            "validation/email_decided.txt",
            {
                "case": case,
                "decision": decision,
                "outcome": OUTCOMES[decision.outcome],
                "url": settings.BASE_URL + reverse("validation:learner-case", args=[case.pk]),
            },
        )
        subject = _("A decision on your validation case")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def export_for(user: AbstractBaseUser) -> tuple[list[dict[str, Any]], list[tuple[str, bytes]]]:
    """The learner's cases for their export: a summary of each, and the files (presentations and evidence)."""
    summary, files = [], []
    for case in learner_cases(user).prefetch_related("decisions__unit"):
        entry: dict[str, Any] = {
            "id": case.urn,
            "kind": case.kind,
            "institution": case.institution.name,
            "qualification": case.qualification.iri,
            "units": list(case.units),
            "state": case.state,
            "created": case.created_at.isoformat(),
            "workplace": {
                "employer": case.employer,
                "place": case.place,
                "observedOn": case.observed_on.isoformat() if case.observed_on else None,
                "observer": case.observer,
            }
            if case.kind == Case.Kind.WORKPLACE
            else None,
            "decisions": [
                {
                    "id": d.urn,
                    "unit": d.unit.iri,
                    "outcome": d.outcome,
                    "method": d.method,
                    "supervision": d.supervision,
                    "identityChecked": d.identity_checked,
                    "identityMethod": d.identity_method,
                    "reason": d.reason,
                    "decided": d.decided_at.isoformat(),
                    "supersedes": d.supersedes.urn if d.supersedes_id else None,
                }
                for d in case.decisions.all()
            ],
        }
        submission = Submission.objects.filter(case=case, learner_id=user.pk).first()
        if submission is not None:
            stem = f"validation/{case.public_id}"
            files.append((f"{stem}/presentation.json", bytes(submission.presentation)))
            entry["presentation"] = f"{stem}/presentation.json"
            entry["statement"] = submission.statement
            entry["evidence"] = []
            for item in submission.evidence.all():
                name = f"{stem}/evidence-{item.pk}-{item.sha256[:12]}"
                files.append((name, bytes(item.data)))
                entry["evidence"].append({"file": name, "name": item.name, "sha256": item.sha256})
        summary.append(entry)
    return summary, files
