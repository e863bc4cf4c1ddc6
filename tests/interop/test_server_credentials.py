"""(f) Credentials Merit's server issues verify in the independent verifiers, did:web and status included.

The installation's base URL is the loopback HTTPS server (``https://localhost:<port>``), so an organisation's DID is
``did:web:localhost%3A<port>:orgs:<slug>``: verifier-core and openbadgeslib resolve it and fetch the status lists
themselves, over HTTPS on loopback (did:web is HTTPS only), from documents exactly as Merit's server serves them;
the Digital Bazaar stack, which has no fetching loader, is handed the same documents.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from merit.core.microcredential import Learner, parse_spec, render_credential
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential
from tests.interop.conftest import Loopback, OpenBadgesLib, VerifierCore
from tests.interop.issued import VERIFIERS, plain_open_badge, verdict

pytestmark = pytest.mark.interop
ROOT = Path(__file__).parents[2]


@pytest.fixture(params=VERIFIERS)
def verifier(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue(request.param)


@pytest.fixture
def installation(settings: Any, loopback: Loopback) -> Loopback:
    """Merit's server at the loopback HTTPS server's address."""
    settings.BASE_URL = loopback.base_url
    return loopback


def _published(client: Any, loopback: Loopback, credential: dict[str, Any]) -> dict[str, Any]:
    """Publish the issuer's DID document and the credential's status lists, as the server serves them; return them
    by DID and URL for the Digital Bazaar stack."""
    did = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
    slug = did.rsplit(":", 1)[1]
    did_document = client.get(f"/orgs/{slug}/did.json").json()
    loopback.publish(f"{loopback.base_url}/orgs/{slug}/did.json", did_document)
    entries = credential.get("credentialStatus", [])
    for entry in entries if isinstance(entries, list) else [entries]:
        url = entry["statusListCredential"]
        loopback.publish(url, client.get(url.removeprefix(loopback.base_url)).json())
    return {did: did_document, **loopback.served()}


def _bits(verifier: Any, result: Any) -> dict[str, bool]:
    """What ``verifier`` read of each status purpose: whether that purpose stopped the credential (verifier-core has
    a log step per purpose, openbadgeslib names the purpose, the Digital Bazaar stack returns each entry's bit)."""
    if isinstance(verifier, VerifierCore):
        steps = {step["id"]: step.get("valid") for step in result.answer.get("log", [])}
        return {p: steps.get(f"{p}_status") is False for p in ("revocation", "suspension")}
    if isinstance(verifier, OpenBadgesLib):
        return {p: f"Credential status '{p}' is set" in result.message for p in ("revocation", "suspension")}
    return {s["purpose"]: s["status"] for s in result.answer["statuses"] if s["verified"]}


def test_server_issued_open_badge_suspended_reinstated_and_revoked(
    verifier: Any, installation: Loopback, client: Any, db: None, request: pytest.FixtureRequest
) -> None:
    """An Open Badge has a revocation and a suspension entry (decision 0017): every independent verifier refuses it
    while it is suspended, accepts it again once reinstated, and refuses it once revoked."""
    slug = f"college-{request.node.callspec.id}"
    organisation = services.create_organisation(slug=slug, name="College", country="SE")
    record = services.issue_credential(organisation, plain_open_badge(organisation.did), actor="test")
    credential = record.document
    assert credential["issuer"]["id"].startswith("did:web:localhost%3A")
    assert [e["statusPurpose"] for e in credential["credentialStatus"]] == ["revocation", "suspension"]
    assert record.can_suspend

    def check() -> Any:
        return verdict(verifier, credential, documents=_published(client, installation, credential))

    valid = check()
    assert valid.accepted, valid
    assert not any(_bits(verifier, valid).values())
    services.set_status(organisation, record.credential_id, "suspended", reason="under review", actor="test")
    suspended = check()
    assert not suspended.accepted, suspended
    assert _bits(verifier, suspended) == {"revocation": False, "suspension": True}
    services.set_status(organisation, record.credential_id, "valid", reason="reviewed", actor="test")
    reinstated = check()
    assert reinstated.accepted, reinstated
    assert not any(_bits(verifier, reinstated).values())
    services.set_status(organisation, record.credential_id, "revoked", reason="test", actor="test")
    revoked = check()
    assert not revoked.accepted, revoked
    assert _bits(verifier, revoked) == {"revocation": True, "suspension": False}


def test_open_badges_issued_before_decision_0017_still_revoke_everywhere(
    verifier: Any,
    installation: Loopback,
    client: Any,
    db: None,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An Open Badge issued with one revocation entry (decision 0003) keeps it: valid, then revoked, everywhere."""
    organisation = services.create_organisation(slug=f"early-{request.node.callspec.id}", name="College", country="SE")
    with monkeypatch.context() as before:
        before.setattr(services, "PURPOSES", ("revocation",))
        record = services.issue_credential(organisation, plain_open_badge(organisation.did), actor="test")
    credential = record.document
    assert credential["credentialStatus"]["statusPurpose"] == "revocation"
    assert not record.can_suspend
    valid = verdict(verifier, credential, documents=_published(client, installation, credential))
    assert valid.accepted, valid
    services.set_status(organisation, record.credential_id, "revoked", reason="test", actor="test")
    revoked = verdict(verifier, credential, documents=_published(client, installation, credential))
    assert not revoked.accepted, revoked
    assert _bits(verifier, revoked)["revocation"] is True


def test_bulk_issued_micro_credentials_are_suspended_one_by_one(
    verifier: Any, installation: Loopback, client: Any, db: None, request: pytest.FixtureRequest
) -> None:
    """Bulk issuance allocates both entries for a whole batch: suspending one learner's credential leaves the
    other's valid in every independent verifier."""
    organisation = services.create_organisation(slug=f"bulk-{request.node.callspec.id}", name="College", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    specification = services.publish_specification(draft, actor="test")
    items = [(Learner(email="anna@example.se"), "VG"), (Learner(email="bo@example.se"), "G")]
    anna, bo = services.issue_batch(specification, items, actor="test")
    assert isinstance(anna, IssuedCredential)
    assert isinstance(bo, IssuedCredential)
    services.set_status(organisation, anna.credential_id, "suspended", reason="under review", actor="test")
    for record, accepted in ((anna, False), (bo, True)):
        credential = record.document
        result = verdict(verifier, credential, documents=_published(client, installation, credential))
        assert result.accepted is accepted, result
    suspended = verdict(verifier, anna.document, documents=_published(client, installation, anna.document))
    assert _bits(verifier, suspended) == {"revocation": False, "suspension": True}


def test_p256_organisations_verify_only_in_the_digital_bazaar_stack(
    dcc: VerifierCore, openbadgeslib: OpenBadgesLib, dbstack: Any, installation: Loopback, client: Any, db: None
) -> None:
    """An organisation with a P-256 key signs with ecdsa-rdfc-2019, which neither verifier-core (eddsa-rdfc-2022 and
    Ed25519Signature2020 only) nor openbadgeslib (eddsa-rdfc-2022 and ecdsa-sd-2023) implements."""
    organisation = services.create_organisation(slug="college-p256", name="College", country="SE", algorithm="P-256")
    credential = services.issue_credential(organisation, plain_open_badge(organisation.did), actor="test").document
    assert credential["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    documents = _published(client, installation, credential)
    assert verdict(dbstack, credential, documents=documents).accepted
    theirs = verdict(dcc, credential)
    assert not theirs.accepted
    assert theirs.message == "The signature is not valid."
    ours = verdict(openbadgeslib, credential)
    assert ours.message == (
        "OB3VerificationError: credential carries no supported Data Integrity proof "
        "(found: ecdsa-rdfc-2019; supported cryptosuites: ecdsa-sd-2023, eddsa-rdfc-2022)"
    )


def test_server_issued_micro_credential(verifier: Any, installation: Loopback, client: Any, db: None) -> None:
    organisation = services.create_organisation(slug="college-mc", name="College", country="SE")
    spec = parse_spec(json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text()))
    unsigned = render_credential(spec, Learner(email="anna@example.se"), organisation.did, grade="VG")
    credential = services.issue_credential(organisation, unsigned, actor="test").document
    result = verdict(verifier, credential, documents=_published(client, installation, credential))
    assert result.accepted, result


def test_server_accreditations_and_trust_lists(verifier: Any, installation: Loopback, client: Any, db: None) -> None:
    from django.contrib.auth import get_user_model

    from merit.core import trust
    from merit.server.registry import services as registry

    authority = registry.create_authority(slug="agency", name="Myndigheten för yrkeshögskolan", country="SE")
    college = services.create_organisation(slug="college", name="Skellefteå kommun", country="SE")
    application = registry.apply(
        college, authority, scope=trust.Scope(3, 5, ("07",)), qa_framework="EQAVET", accrediting_body="MYH", actor="o"
    )
    accreditation = registry.approve(application, user=get_user_model().objects.create_user("reviewer"))
    credential = accreditation.credential.document
    result = verdict(verifier, credential, documents=_published(client, installation, credential))
    assert result.accepted, result
    listed = client.get("/registry/v1/trust-lists/agency").json()
    result = verdict(verifier, listed, documents=_published(client, installation, listed))
    assert result.accepted, result
