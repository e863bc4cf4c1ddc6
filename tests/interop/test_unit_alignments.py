"""A micro-credential whose achievement carries unit and qualification alignments (decision 0025), issued by Merit's
server from a specification with an approved mapping, verifies in each independent verifier."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from merit.core.microcredential import Learner, view_of
from merit.core.microcredential.units import QUALIFICATION, UNIT
from merit.core.qualifications.model import Qualification, Unit
from merit.server.issuing import services
from merit.server.qualifications import mapping
from merit.server.qualifications import services as qualifications
from merit.server.qualifications.models import Unit as UnitRow
from merit.server.registry import services as registry
from tests.interop.conftest import Loopback
from tests.interop.issued import VERIFIERS, verdict
from tests.interop.test_server_credentials import _published

pytestmark = pytest.mark.interop
ROOT = Path(__file__).parents[2]
ZRK = "https://zrk.example/kwalifikacje/90001"


@pytest.fixture(params=VERIFIERS)
def verifier(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue(request.param)


def test_unit_alignments_verify_everywhere(
    verifier: Any, settings: Any, loopback: Loopback, client: Any, db: None, request: pytest.FixtureRequest
) -> None:
    settings.BASE_URL = loopback.base_url
    authority = registry.create_authority(slug="zrk", name="Rejestr", country="PL")
    qualifications.save(
        authority.organisation,
        Qualification(
            iri=ZRK,
            code="90001",
            kind="partial",
            title={"pl": "Obsługa magazynu z wykorzystaniem wózków jezdniowych"},
            language="pl",
            units=(Unit(iri=f"{ZRK}#ZE2", code="ZE2", title={"pl": "Obsługa wózka jezdniowego"}),),
        ),
        actor="import",
    )
    izba = services.create_organisation(slug=f"izba-{request.node.callspec.id}", name="Izba", country="PL")
    data = json.loads((ROOT / "examples" / "forklift-workplace-validation.json").read_text())
    draft, _ = services.save_specification(izba, "forklift", data, actor="test")
    specification = services.publish_specification(draft, actor="test")
    proposed = mapping.propose(izba, "forklift", UnitRow.objects.get(code="ZE2"), "partial", actor="test")
    mapping.decide(proposed, True, reason="", actor="test")
    credential = services.issue_from_specification(specification, Learner(email="jan@example.pl"), actor="t").document
    kinds = [a["targetType"] for a in credential["credentialSubject"]["achievement"]["alignment"]]
    assert UNIT in kinds
    assert QUALIFICATION in kinds
    assert view_of(credential).units[0].coverage == "partial"
    result = verdict(verifier, credential, documents=_published(client, loopback, credential))
    assert result.accepted, result
