"""Awarding a qualification: refused unless accredited, active, every component valid now and the learner's, and the
rules met; the award signs a stacked credential whose evidence cites each component by id and digest."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from merit.core.qualifications import award as core_award
from merit.core.qualifications.basis import Basis
from merit.server.issuing import services as issuing
from merit.server.issuing.models import IssuedCredential
from merit.server.qualifications import services as qualifications
from merit.server.stacking import services
from merit.server.stacking.models import Award, AwardComponent
from tests.server.stacking.conftest import ANNA, JAN, ZRK, World, map_unit, piece, publish, zrk_qualification


def refusal(world: World, basis: Basis, learner=JAN, **more) -> services.AwardRefused:  # type: ignore[no-untyped-def]
    with pytest.raises(services.AwardRefused) as caught:
        services.award(world.izba, world.qualification, learner, basis, actor="izba-owner", **more)
    assert not Award.objects.exists()
    return caught.value


def test_an_award_signs_the_stacked_credential_with_its_components(
    world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        made, token = services.award(world.izba, world.qualification, JAN, world.basis(), actor="izba-owner")
    record = made.credential
    document = record.document
    assert document["proof"]["verificationMethod"].startswith(world.izba.did)
    assert len(document["credentialStatus"]) == 2  # Revocation and suspension, like every credential.
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["id"] == ZRK
    assert achievement["achievementType"] == core_award.PARTIAL_QUALIFICATION
    cited = core_award.cited(document)
    assert [(c.kind, c.id) for c in cited] == [
        ("component", world.forklift.credential_id),
        ("component", world.safety.credential_id),
        ("recognition", world.recognition.decision),
    ]
    assert cited[0].digest == core_award.digest_sri(world.forklift.document_json.encode())
    assert issuing.verifier().verify_credential(document).verified
    rows = list(AwardComponent.objects.filter(award=made).values_list("kind", "credential_id", "state", "units"))
    assert rows == [
        ("credential", world.forklift.credential_id, "valid", [f"{ZRK}#ZE2"]),
        ("credential", world.safety.credential_id, "valid", [f"{ZRK}#ZE1"]),
        ("recognition", world.recognition.decision, "recognised", [f"{ZRK}#ZE3"]),
    ]
    assert AwardComponent.objects.get(credential_id=world.forklift.credential_id).sha256 == piece(world.forklift).sha256
    assert made.accreditation_id
    assert token
    assert record.learner_contact == "jan.kowalski@example.pl"
    assert [m.to for m in mail.outbox] == [["jan.kowalski@example.pl"]]


def test_a_unit_credential_cites_only_what_completes_the_unit(world: World) -> None:
    made, _ = services.award(world.izba, world.qualification, JAN, world.basis(), actor="o", unit=f"{ZRK}#ZE2")
    document = made.credential.document
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == core_award.QUALIFICATION_UNIT
    assert achievement["id"] == f"{ZRK}#ZE2"
    assert made.unit_iri == f"{ZRK}#ZE2"
    assert [c.id for c in core_award.cited(document)] == [world.forklift.credential_id]
    assert list(made.components.values_list("credential_id", flat=True)) == [world.forklift.credential_id]


def test_not_accredited_is_refused(world: World) -> None:
    from merit.server.registry.models import Accreditation

    Accreditation.objects.update(qualifications=[])
    assert refusal(world, world.basis()).reason == "not-accredited"


def test_an_inactive_qualification_is_refused(world: World) -> None:
    qualifications.save(world.authority.organisation, zrk_qualification("suspended"), actor="t")
    world.qualification.refresh_from_db()
    assert refusal(world, world.basis()).reason == "inactive"


def test_rules_not_met_are_refused_naming_the_missing_unit(world: World) -> None:
    found = refusal(world, world.basis(recognised=False))
    assert found.reason == "incomplete"
    assert found.details["missing"] == [f"{ZRK}#ZE3"]


def test_a_component_revoked_before_the_award_is_refused(world: World) -> None:
    issuing.set_status(world.izba, world.forklift.credential_id, "revoked", reason="error", actor="t")
    found = refusal(world, world.basis())
    assert found.reason == "revoked"
    assert found.details["credential"] == world.forklift.credential_id


def test_someone_elses_component_is_refused(world: World) -> None:
    annas = issuing.issue_from_specification(world.forklift.specification, ANNA, actor="t")
    found = refusal(world, world.basis(annas, world.safety))
    assert found.reason == "not-yours"


def test_tampered_bytes_and_a_copy_twice_are_refused(world: World) -> None:
    tampered = json.loads(world.forklift.document_json)
    tampered["name"] = "Something else"
    basis = Basis(ZRK, (type(piece(world.forklift))(world.forklift.credential_id, json.dumps(tampered).encode()),))
    assert refusal(world, basis).reason == "not-verified"
    twice = Basis(ZRK, (piece(world.forklift), piece(world.forklift)), (world.recognition,))
    assert refusal(world, twice).reason == "duplicate"


def test_a_mapping_awaiting_approval_does_not_count(world: World) -> None:
    other = publish(world.izba, "pallets", "Pallets")
    map_unit(other, "ZE1", state="proposed")
    record = issuing.issue_from_specification(other, JAN, actor="t")
    assert refusal(world, world.basis(record, world.forklift)).reason == "unrelated"


def test_a_confirmed_id_issues_once(world: World) -> None:
    from merit.server.issuing.requests import CredentialExists

    services.award(
        world.izba,
        world.qualification,
        JAN,
        world.basis(),
        actor="o",
        credential_id="urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    )
    with pytest.raises(CredentialExists):
        services.award(
            world.izba,
            world.qualification,
            JAN,
            world.basis(),
            actor="o",
            credential_id="urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427",
        )
    assert IssuedCredential.objects.filter(credential_id="urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427").count() == 1


def test_a_component_issued_as_a_jwt_is_cited_by_the_digest_of_its_compact_text(world: World) -> None:
    specification = world.forklift.specification
    unsigned = issuing.unsigned_from_specification(specification, JAN, issuer=world.izba)
    jwt = issuing.issue_credential(world.izba, unsigned, actor="t", specification=specification, securing="jwt")
    assert jwt.is_jwt
    made, _ = services.award(world.izba, world.qualification, JAN, world.basis(jwt, world.safety), actor="o")
    (first, *_rest) = core_award.cited(made.credential.document)
    assert first.id == jwt.credential_id
    assert first.digest == core_award.digest_sri(jwt.document_json.encode("utf-8"))
