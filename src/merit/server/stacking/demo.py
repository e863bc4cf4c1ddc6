"""The demo's part of stacked credentials: the registry authority accredits the two certifying institutions for the
demo qualifications, and, once validation has recognised ZE3, Izba Logistyki awards Jan Kowalski the Polish partial
qualification on his two micro-credentials and that recognition. Built through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from merit.core import trust
from merit.core.microcredential import Learner
from merit.core.qualifications.basis import Basis
from merit.server.accounts.models import Membership, Organisation
from merit.server.passport import services as passport
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


def award_demo(details: dict[str, Any], source: Callable[[Qualification], Basis]) -> Any:
    """Izba Logistyki awards Jan the Polish partial qualification on the basis ``source`` gives (his decided
    validation case's: his two micro-credentials and the recognition of ZE3), and Jan keeps it in his passport.
    Nothing is awarded (and ``details["awards"]`` says why) when the rules are not met."""
    notes = details.setdefault("awards", [])
    qualification = Qualification.objects.filter(iri=ZRK).first()
    institution = Organisation.objects.filter(slug="izba-logistyki").first()
    if qualification is None or institution is None:
        notes.append("no award: the Polish qualification is not imported")
        return None
    basis = source(qualification)
    try:
        made, _token = services.award(institution, qualification, JAN, basis, actor="demo", source="demo")
    except services.AwardRefused as exc:
        notes.append(f"no award: {exc.message}")
        return None
    notes.append(f"Jan Kowalski was awarded {qualification.code} ({made.credential.credential_id})")
    holder = get_user_model().objects.filter(username=JAN.email).first()
    if holder is not None:
        passport.add_credential(holder, made.credential.document_json.encode("utf-8"), source="claim")
    return made
