"""The demo's part of stacked credentials: the registry authority accredits the two certifying institutions for the
demo qualifications, and, once validation has recognised ZE3, Izba Logistyki awards Jan Kowalski the Polish partial
qualification on his two micro-credentials and that recognition. Built through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from merit.core import trust
from merit.core.microcredential import Learner
from merit.core.qualifications.basis import Basis, Recognition
from merit.server.accounts.models import Membership, Organisation
from merit.server.issuing.models import IssuedCredential
from merit.server.qualifications.models import Qualification
from merit.server.registry import services as registry
from merit.server.registry.models import Accreditation, Authority
from merit.server.stacking import services

ZRK = "https://zrk.example/kwalifikacje/90001"
SEQF = "https://seqf.example/kvalifikationer/solcellsinstallator"
JAN = Learner(email="jan.kowalski@example.pl", name="Jan Kowalski")
ACCREDITATIONS = [
    # Institution, the qualification it may award, the scope's EQF level and credential types, the QA body.
    (
        "izba-logistyki",
        ZRK,
        None,
        ("micro-credential", "qualification", "unit-of-qualification"),
        "Instytut Badań Edukacyjnych (example)",
    ),
    (
        "yrkeshogskolan-norr",
        SEQF,
        5,
        ("qualification", "unit-of-qualification"),
        "Myndigheten för yrkeshögskolan (example)",
    ),
]


def accredit_demo_institutions() -> list[Accreditation]:
    """``demo-registry`` accredits Izba Logistyki to award the Polish partial qualification (its micro-credentials
    too, which it issued unaccredited before) and Yrkeshögskolan Norr the Swedish one (besides its accreditation
    for micro-credentials). The scope names the qualifications by IRI, whether or not they are imported yet."""
    authority = Authority.objects.select_related("organisation").get(organisation__slug="demo-registry")
    decider = Membership.objects.filter(organisation=authority.organisation).select_related("user").first()
    if decider is None:
        return []
    made = []
    for slug, iri, level, types, body in ACCREDITATIONS:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            continue
        application = registry.apply(
            organisation,
            authority,
            scope=trust.Scope(eqf_min=level, eqf_max=level, credential_types=types, qualifications=(iri,)),
            qa_framework="EQAVET",
            accrediting_body=body,
            actor="demo",
        )
        # Accredited for a year already, so the micro-credentials it issued before this demo step are covered too.
        since = timezone.now() - timedelta(days=365)
        made.append(registry.approve(application, user=decider.user, reason="demo data", valid_from=since))
    return made


def demo_recognition() -> Recognition:
    """The recognition of ZE3 this module constructs when no validation case provides one."""
    return Recognition(
        unit=f"{ZRK}#ZE3",
        decision="https://merit.example/demo/validation/ze3",
        method="observation",
        supervision="supervised-with-id",
        decided_at=datetime.now(UTC),
        assessor="izba-logistyki-assessor",
    )


def jans_basis(qualification: Qualification, recognitions: tuple[Recognition, ...] = ()) -> Basis:
    """Jan's valid credentials of this installation that a mapping links to the qualification, byte for byte."""
    records = [
        r
        for r in IssuedCredential.objects.filter(
            learner_contact__iexact=JAN.email, state=IssuedCredential.State.VALID, award__isnull=True
        ).select_related("specification__organisation")
        if services._units(r, qualification)
    ]
    return services.basis_from_credentials(qualification, records, recognitions or (demo_recognition(),))


def award_demo(details: dict[str, Any], source: Callable[[Qualification], Basis] | None = None) -> Any:
    """Izba Logistyki awards Jan the Polish partial qualification. ``source`` gives the basis (the lead passes the
    validation case's); without it, Jan's mapped credentials and :func:`demo_recognition`. Nothing is awarded
    (and ``details["awards"]`` says why) when the qualification is not imported or the rules are not met."""
    notes = details.setdefault("awards", [])
    qualification = Qualification.objects.filter(iri=ZRK).first()
    institution = Organisation.objects.filter(slug="izba-logistyki").first()
    if qualification is None or institution is None:
        notes.append("no award: the Polish qualification is not imported")
        return None
    basis = source(qualification) if source is not None else jans_basis(qualification)
    try:
        made, _token = services.award(institution, qualification, JAN, basis, actor="demo", source="demo")
    except services.AwardRefused as exc:
        notes.append(f"no award: {exc.message}")
        return None
    notes.append(f"Jan Kowalski was awarded {qualification.code} ({made.credential.credential_id})")
    return made
