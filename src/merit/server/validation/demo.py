"""The demo's validation case: an assessor at ``izba-logistyki`` (in the printed sign-in details), Jan Kowalski's
application for ZE3 of the Polish partial qualification with his forklift and warehouse-safety credentials in the
signed presentation, and the assessor's decision: recognised after observation at work, supervised, with an
identity check.

The qualification and the accreditation naming it come from the demo's import and stack parts, which run first;
:func:`jans_basis` is what the award that follows rests on."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from merit.core.qualifications.basis import Basis
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.passport.models import HeldCredential
from merit.server.qualifications.models import Qualification as Row
from merit.server.validation import basis as casebasis
from merit.server.validation import services
from merit.server.validation.models import Case

IRI = "https://zrk.example/kwalifikacje/90001"
JAN = "jan.kowalski@example.pl"


def jans_basis(qualification: Row) -> Basis:
    """What Jan's decided case gives an award of ``qualification`` to rest on (the demo's award uses it)."""
    case = Case.objects.get(institution__slug="izba-logistyki", qualification=qualification, learner_email=JAN)
    return casebasis.of(case)


def create_validation_demo(details: dict[str, Any]) -> None:
    """Add the assessor (to ``details["users"]``) and Jan's decided validation case."""
    institution = Organisation.objects.get(slug="izba-logistyki")
    qualification = Row.objects.get(iri=IRI)
    password = secrets.token_urlsafe(12)
    assessor = get_user_model().objects.create_user("izba-assessor", "assessor@izba-logistyki.example", password)
    Membership.objects.create(user=assessor, organisation=institution, role=Role.ASSESSOR)
    details["users"].append(
        ("izba-assessor", password, "assessor of Polska Izba Logistyki (/workspace/izba-logistyki/validation/)")
    )
    jan = get_user_model().objects.get(username=JAN)
    held = HeldCredential.objects.filter(owner=jan, issuer_id=institution.did, subject_match="yes").order_by("pk")
    case = services.apply(
        jan,
        institution,
        qualification,
        units=[f"{IRI}#ZE3"],
        held=[h.pk for h in held],
        statement=(
            "Od trzech lat prowadzę dokumentację magazynową i inwentaryzacje w Magazynie Centralnym w Łodzi. "
            "(For three years I have kept the stock records and run stocktakes at the central warehouse in Łódź.)"
        ),
    )
    services.record_site(
        case,
        assessor,
        employer="Magazyn Centralny sp. z o.o. (example)",
        place="Łódź",
        observed_on=timezone.localdate(),
        observer="Anna Nowak, asesor walidacyjny",
    )
    services.decide(
        case,
        assessor,
        unit=f"{IRI}#ZE3",
        outcome="recognised",
        method="observation",
        supervision="supervised-with-id",
        identity_checked=True,
        identity_method="dowód osobisty (national ID card) checked on site",
        reason=(
            "Observed at work at Magazyn Centralny, Łódź, for a full shift: received goods, kept the stock records "
            "and ran a partial stocktake to the standard of ZE3."
        ),
    )
