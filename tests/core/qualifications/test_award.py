"""The stacked credential: what it says (achievement type, register IRI, levels), its evidence with digests, and that
it passes the OB 3.0 schema and JSON-LD safe mode with the bundled contexts."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime

import pytest

from merit.core import related
from merit.core.errors import MalformedValueError
from merit.core.jsonld import check_safe_mode
from merit.core.microcredential import Learner
from merit.core.microcredential.schema import validate_ob3
from merit.core.qualifications.award import (
    FULL_QUALIFICATION,
    PARTIAL_QUALIFICATION,
    QUALIFICATION_UNIT,
    cited,
    digest_sri,
    is_award,
    render_award,
)
from merit.core.qualifications.basis import Basis, Piece, Recognition
from merit.core.qualifications.model import Qualification, Rule, Unit

Q = "https://zrk.example/kwalifikacje/90001"
ISSUER = {"id": "did:web:merit.example:orgs:izba", "type": ["Profile"], "name": "Izba Logistyki"}
QUALIFICATION = Qualification(
    iri=Q,
    code="90001",
    kind="partial",
    title={"pl": "Obsługa magazynu (przykład)", "en": "Warehouse operation (example)"},
    language="pl",
    source="zrk",
    country="PL",
    nqf_level="http://data.europa.eu/snb/qdr/c_example",
    eqf_level=3,
    units=tuple(Unit(iri=f"{Q}#ZE{n}", code=f"ZE{n}", title={"pl": f"Zestaw {n}"}) for n in (1, 2, 3)),
    rules=(Rule("all"),),
)
FORKLIFT = Piece("urn:uuid:11111111-1111-4111-8111-111111111111", b'{"id": "forklift"}')
SAFETY = Piece("urn:uuid:22222222-2222-4222-8222-222222222222", b'{"id": "safety"}')
RECOGNISED = Recognition(
    unit=f"{Q}#ZE3",
    decision="https://merit.example/validation/decisions/7",
    method="observation",
    supervision="supervised-with-id",
    decided_at=datetime(2026, 12, 7, tzinfo=UTC),
    assessor="Anna Nowak",
)
BASIS = Basis(Q, (FORKLIFT, SAFETY), (RECOGNISED,))
JAN = Learner(email="jan.kowalski@example.pl", name="Jan Kowalski")


def test_a_partial_qualification_credential_names_the_register_iri_and_levels() -> None:
    credential = render_award(QUALIFICATION, BASIS, JAN, ISSUER)
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["id"] == Q
    assert achievement["achievementType"] == PARTIAL_QUALIFICATION
    assert achievement["name"] == "Obsługa magazynu (przykład)"
    targets = {(a["targetType"], a["targetUrl"]) for a in achievement["alignment"]}
    assert ("ceterms:Credential", Q) in targets
    assert ("ext:EQFLevel", "http://data.europa.eu/snb/eqf/3") in targets
    assert ("ext:NQFLevel", "http://data.europa.eu/snb/qdr/c_example") in targets
    assert {("ext:QualificationUnit", f"{Q}#ZE{n}") for n in (1, 2, 3)} <= targets
    assert "jan.kowalski" not in json.dumps(credential)  # The address is hashed.
    assert is_award(credential)


def test_the_evidence_cites_each_component_by_id_and_digest_and_each_recognition() -> None:
    credential = render_award(QUALIFICATION, BASIS, JAN, ISSUER, names={FORKLIFT.credential_id: "Forklift"})
    entries = cited(credential)
    assert [(c.kind, c.id) for c in entries] == [
        ("component", FORKLIFT.credential_id),
        ("component", SAFETY.credential_id),
        ("recognition", RECOGNISED.decision),
    ]
    assert entries[0].name == "Forklift"
    expected = "sha256-" + base64.b64encode(hashlib.sha256(FORKLIFT.document).digest()).decode()
    assert entries[0].digest == expected == digest_sri(FORKLIFT.document)
    evidence = credential["evidence"][0]
    assert related.matches(evidence, FORKLIFT.document)
    assert not related.matches(evidence, SAFETY.document)
    assert entries[2].unit == f"{Q}#ZE3"
    assert "observation" in (entries[2].narrative or "")


def test_it_passes_the_ob3_schema_and_json_ld_safe_mode() -> None:
    credential = render_award(QUALIFICATION, BASIS, JAN, ISSUER)
    credential["credentialStatus"] = [
        {
            "id": "https://merit.example/status/izba/revocation/1#5",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "5",
            "statusListCredential": "https://merit.example/status/izba/revocation/1",
        }
    ]
    assert validate_ob3(credential) == []
    check_safe_mode(credential)  # digestSRI and genre expand inside Evidence, with the bundled contexts only.


def test_full_qualification_and_unit_credentials() -> None:
    full = Qualification(
        iri="https://seqf.example/kvalifikationer/solcellsinstallator",
        code="SE-SOL-5",
        kind="full",
        title={"sv": "Solcellsinstallatör (exempel)"},
        language="sv",
        eqf_level=5,
        units=(
            Unit(iri="https://seqf.example/kvalifikationer/solcellsinstallator#S1", code="S1", title={"sv": "Sol"}),
        ),
    )
    basis = Basis(full.iri, (FORKLIFT,))
    assert render_award(full, basis, JAN, ISSUER)["credentialSubject"]["achievement"]["achievementType"] == (
        FULL_QUALIFICATION
    )
    unit = render_award(
        QUALIFICATION,
        BASIS,
        Learner(did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"),
        ISSUER,
        unit=f"{Q}#ZE2",
    )
    achievement = unit["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == QUALIFICATION_UNIT
    assert achievement["id"] == f"{Q}#ZE2"
    assert unit["credentialSubject"]["id"].startswith("did:key:")
    assert validate_ob3(unit) == []


@pytest.mark.parametrize(
    "basis",
    [
        Basis("https://zrk.example/other", (FORKLIFT,)),
        Basis(Q),
        Basis(Q, (FORKLIFT, FORKLIFT)),
        Basis(Q, (Piece("not a url", b"{}"),)),
    ],
)
def test_a_basis_that_cannot_be_cited_is_refused(basis: Basis) -> None:
    with pytest.raises(MalformedValueError):
        render_award(QUALIFICATION, basis, JAN, ISSUER)


def test_a_unit_the_qualification_lacks_is_refused() -> None:
    with pytest.raises(MalformedValueError):
        render_award(QUALIFICATION, BASIS, JAN, ISSUER, unit=f"{Q}#ZE9")
