"""The demo's validation case: an assessor at ``izba-logistyki`` (in the printed sign-in details), Jan Kowalski's
application for ZE3 of the Polish partial qualification with his forklift and warehouse-safety credentials in the
signed presentation, and the assessor's decision: recognised after observation at work, supervised, with an
identity check.

The qualification and the accreditation naming it come from the demo's import and stack parts, which run first;
when they are missing (this part alone), the least of them is made here."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from merit.core import trust
from merit.core.qualifications.model import Qualification, Rule, Unit
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.passport.models import HeldCredential
from merit.server.qualifications import access as awarding
from merit.server.qualifications import services as qualifications
from merit.server.qualifications.models import Qualification as Row
from merit.server.registry import services as registry
from merit.server.registry.models import Accreditation, Authority
from merit.server.validation import services

IRI = "https://zrk.example/kwalifikacje/90001"
JAN = "jan.kowalski@example.pl"
UNITS = {
    "ZE1": ("Bezpieczna praca w magazynie", "Safe work in a warehouse"),
    "ZE2": ("Obsługa wózka jezdniowego", "Operating a forklift truck"),
    "ZE3": ("Gospodarka magazynowa i dokumentacja", "Stock handling and records"),
}


def _qualification(authority: Organisation) -> Row:
    found = Row.objects.filter(iri=IRI).first()
    if found is not None:
        return found
    return qualifications.save(
        authority,
        Qualification(
            iri=IRI,
            code="90001",
            kind="partial",
            title={
                "pl": "Obsługa magazynu z wykorzystaniem wózków jezdniowych (przykład)",
                "en": "Warehouse operation with forklift trucks (example)",
            },
            language="pl",
            source="zrk",
            country="PL",
            eqf_level=3,
            units=tuple(
                Unit(iri=f"{IRI}#{code}", code=code, title={"pl": pl, "en": en}) for code, (pl, en) in UNITS.items()
            ),
            rules=(Rule("all"),),
        ),
        actor="demo",
    )


def _accredited(institution: Organisation, qualification: Row) -> None:
    if awarding.accreditation_for(institution, qualification) is not None:
        return
    authority = Authority.objects.select_related("organisation").get(organisation__slug="demo-registry")
    decider = get_user_model().objects.get(username="authority")
    application = registry.apply(
        institution,
        authority,
        scope=trust.Scope(credential_types=("micro-credential",)),
        qa_framework="other",
        accrediting_body="Zintegrowany Rejestr Kwalifikacji (example)",
        actor="demo",
    )
    accreditation = registry.approve(application, user=decider, reason="demo data")
    Accreditation.objects.filter(pk=accreditation.pk).update(qualifications=[IRI])


def create_validation_demo(details: dict[str, Any]) -> None:
    """Add the assessor (to ``details["users"]``) and Jan's decided validation case."""
    institution = Organisation.objects.get(slug="izba-logistyki")
    qualification = _qualification(Organisation.objects.get(slug="demo-registry"))
    _accredited(institution, qualification)
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
