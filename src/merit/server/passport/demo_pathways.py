"""The demo's part of learner progress (issue 14): Jan Kowalski follows the Polish partial qualification, so his
passport shows it with the units his credentials cover and the one still missing (ZE3)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from merit.server.passport import pathways
from merit.server.qualifications.models import Qualification

LEARNER = "jan.kowalski@example.pl"
QUALIFICATION = "https://zrk.example/kwalifikacje/90001"


def create() -> bool:
    """Jan follows the Polish qualification; False when the demo has no such learner or qualification (the
    qualification comes from the demo's imports)."""
    learner = get_user_model().objects.filter(username=LEARNER).first()
    qualification = Qualification.objects.filter(iri=QUALIFICATION).first()
    if learner is None or qualification is None:
        return False
    pathways.follow(learner, qualification)
    return True
