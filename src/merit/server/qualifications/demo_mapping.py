"""The demo's mappings (decision 0025, COMMON demo order: imports → accreditations → **mapping** → progress → ...):
the Polish micro-credential ``warehouse-safety`` of ``izba-logistyki`` (``examples/warehouse-safety.json``), and the
mappings ``forklift-workplace-validation`` → ZE2, ``warehouse-safety`` → ZE1 and ``solar-installation-vocational`` →
S1, each asked by the organisation's owner and approved by the registry authority's reviewer, as in the pages. Then
``warehouse-safety`` is issued to Jan Kowalski (so it carries its unit) and added to his passport. The forklift
credential issued before the mapping carries no alignment: progress matches it by its specification's mappings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from merit.core.microcredential import Learner
from merit.server.accounts.models import Organisation
from merit.server.issuing import services as issuing
from merit.server.issuing.models import Specification
from merit.server.passport import services as passport
from merit.server.qualifications import mapping
from merit.server.qualifications.models import Unit, UnitMapping

EXAMPLES = Path(__file__).parents[4] / "examples"
ZRK = "https://zrk.example/kwalifikacje/90001"
SEQF = "https://seqf.example/kvalifikationer/solcellsinstallator"
MAPPINGS = [
    ("izba-logistyki", "forklift-workplace-validation", f"{ZRK}#ZE2"),
    ("izba-logistyki", "warehouse-safety", f"{ZRK}#ZE1"),
    ("yrkeshogskolan-norr", "solar-installation-vocational", f"{SEQF}#S1"),
]
JAN = ("jan.kowalski@example.pl", "Jan Kowalski")


def _warehouse_safety(organisation: Organisation) -> Specification:
    data: dict[str, Any] = json.loads((EXAMPLES / "warehouse-safety.json").read_text(encoding="utf-8"))
    data["awardingBody"] = {
        **data["awardingBody"],
        "name": organisation.name,
        "country": organisation.country,
        "region": organisation.region,
    }
    return Specification.objects.create(
        organisation=organisation,
        key="warehouse-safety",
        data=data,
        state=Specification.State.PUBLISHED,
        published_at=timezone.now(),
    )


def create_demo_mappings(details: dict[str, Any] | None = None) -> list[UnitMapping]:
    """Create the demo's mappings (a unit not in the catalogue is left out and said in ``details["notes"]``)."""
    izba = Organisation.objects.get(slug="izba-logistyki")
    safety = _warehouse_safety(izba)
    made = []
    for slug, key, iri in MAPPINGS:
        unit = Unit.objects.filter(iri=iri).select_related("qualification__organisation").first()
        if unit is None:
            if details is not None:
                details.setdefault("notes", []).append(f"demo mapping {key} → {iri} left out: no such unit")
            continue
        organisation = Organisation.objects.get(slug=slug)
        found = mapping.propose(organisation, key, unit, "full", actor=f"{slug}-owner")
        if found.state == UnitMapping.State.PROPOSED:
            found = mapping.decide(found, True, reason="demo data", actor="authority")
        made.append(found)
    email, name = JAN
    record = issuing.issue_from_specification(safety, Learner(email=email, name=name), actor="demo")
    jan = get_user_model().objects.filter(email=email).first()
    if jan is not None:
        passport.add_credential(jan, record.document_json.encode("utf-8"), source="claim")
    return made
