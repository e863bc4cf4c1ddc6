"""Who may award a qualification: a certifying institution whose current accreditation names it (the registry's
``qualifications`` in an accreditation scope). Validation applications go only to such institutions."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from merit.server.accounts.models import Organisation
from merit.server.qualifications.models import Qualification
from merit.server.registry.models import Accreditation


def _current() -> QuerySet[Accreditation]:
    now = timezone.now()
    return Accreditation.objects.filter(state=Accreditation.State.ACTIVE, valid_from__lte=now).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )


def accreditation_for(organisation: Organisation, qualification: Qualification) -> Accreditation | None:
    """The current accreditation of ``organisation`` that names ``qualification``, or None: then it may not award
    it."""
    for accreditation in _current().filter(organisation=organisation).select_related("authority__organisation"):
        if qualification.iri in accreditation.qualifications:
            return accreditation
    return None


def institutions_for(qualification: Qualification) -> list[Organisation]:
    """The organisations that may award ``qualification`` now."""
    found = {
        a.organisation_id: a.organisation
        for a in _current().select_related("organisation")
        if qualification.iri in a.qualifications
    }
    return sorted(found.values(), key=lambda o: o.name)


def awarding_issuers() -> dict[str, set[str]]:
    """Every organisation that may award a qualification now, by its DID: the IRIs of the qualifications its
    current accreditations name (one query, for the passport's progress)."""
    found: dict[str, set[str]] = {}
    for accreditation in _current().select_related("organisation").only("organisation__slug", "qualifications"):
        if accreditation.qualifications:
            found.setdefault(accreditation.organisation.did, set()).update(accreditation.qualifications)
    return found


def awardable_by(organisation: Organisation) -> QuerySet[Qualification]:
    """The active qualifications a current accreditation of ``organisation`` names (what it may award now)."""
    iris = {iri for a in _current().filter(organisation=organisation) for iri in a.qualifications}
    return Qualification.objects.filter(iri__in=iris, status=Qualification.Status.ACTIVE)
