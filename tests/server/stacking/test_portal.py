"""The portal shows what a stacked credential rests on and each component's state now: a component issued here and
valid ✓, revoked after the award ⚠ (the stacked credential itself stays verified: its status is its issuer's), one
from elsewhere "not checked", and a digest that does not match the bytes issued here ✗."""

from __future__ import annotations

import json
import re

from django.test import Client

from merit.core.qualifications import award as core_award
from merit.core.qualifications.basis import Basis, Piece
from merit.server.issuing import services as issuing
from merit.server.qualifications.services import to_core
from merit.server.stacking import services
from merit.server.stacking.components import describe_stack
from tests.server.stacking.conftest import JAN, ZRK, World, piece


def verify(client: Client, document: str) -> str:
    page = client.post("/verify/", {"source": "text", "text": document})
    assert page.status_code == 200
    return page.content.decode()


def states(html: str) -> list[str]:
    return re.findall(r'data-component-state="([a-z]+)"', html)


def test_components_valid_now_and_one_revoked_after_the_award(world: World, client: Client) -> None:
    made, _ = services.award(world.izba, world.qualification, JAN, world.basis(), actor="o")
    html = verify(client, made.credential.document_json)
    assert "What this qualification rests on" in html
    assert states(html) == ["verified", "verified", "neutral"]
    assert "data-stack-warning" not in html
    issuing.set_status(world.izba, world.forklift.credential_id, "revoked", reason="fraud", actor="t")
    html = verify(client, made.credential.document_json)
    assert states(html) == ["warning", "verified", "neutral"]
    assert "data-stack-warning" in html
    assert "Revoked since the award" in html
    assert "Verified: the credential is authentic and valid." in html  # The stacked credential's own status.


def _signed(world: World, basis: Basis) -> dict[str, object]:
    unsigned = core_award.render_award(to_core(world.qualification), basis, JAN, services.issuer_profile(world.izba))
    return issuing.issue_credential(world.izba, unsigned, actor="t").document


def test_foreign_components_are_not_checked_and_a_wrong_digest_is_invalid(world: World, client: Client) -> None:
    foreign = Piece("urn:uuid:99999999-9999-4999-8999-999999999999", b'{"elsewhere": true}')
    wrong = Piece(world.safety.credential_id, b'{"not": "the bytes issued"}')
    document = _signed(world, Basis(ZRK, (foreign, wrong, piece(world.forklift))))
    html = verify(client, json.dumps(document))
    assert states(html) == ["unknown", "invalid", "verified"]
    assert "Merit does not fetch credentials" in html
    assert "data-stack-invalid" in html
    assert "✓" not in html.split("What this qualification rests on")[1].split("</tr>")[1]  # Not the foreign row.


def test_when_the_signature_fails_no_component_is_checked(world: World) -> None:
    document = _signed(world, world.basis())
    stack = describe_stack(document, authentic=False)
    assert stack is not None
    assert [r["state"] for r in stack["rows"]] == ["unknown", "unknown", "neutral"]
    assert describe_stack(world.forklift.document, authentic=True) is None  # A micro-credential is no stack.


def test_a_verifier_sees_whether_the_accreditation_names_the_qualification(world: World, client: Client) -> None:
    from merit.server.issuing.models import IssuedCredential
    from merit.server.portal import services as portal
    from tests.server.stacking.conftest import accredit

    made, _ = services.award(world.izba, world.qualification, JAN, world.basis(), actor="o")
    (check,) = [
        c for c in portal.verifier().verify_credential(made.credential.document).checks if c.name == "accreditation"
    ]
    assert check.outcome == "passed"
    other = issuing.create_organisation(slug="other", name="Other Institution", country="PL")
    accredit(other, world.authority, world.reviewer)  # Accredited, but for no qualification.
    unsigned = core_award.render_award(to_core(world.qualification), world.basis(), JAN, services.issuer_profile(other))
    document = issuing.issue_credential(other, unsigned, actor="t").document
    report = portal.verifier().verify_credential(document)
    (check,) = [c for c in report.checks if c.name == "accreditation"]
    assert check.outcome == "warning"
    assert check.details["gaps"] == [{"rule": "qualification", "value": ZRK}]
    html = verify(client, json.dumps(document))
    assert f"the accreditation does not name the qualification {ZRK}" in html
    assert IssuedCredential.objects.filter(organisation=other).count() == 1
