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


def test_server_issued_open_badge_and_its_status(
    verifier: Any, installation: Loopback, client: Any, db: None, request: pytest.FixtureRequest
) -> None:
    slug = f"college-{request.node.callspec.id}"
    organisation = services.create_organisation(slug=slug, name="College", country="SE")
    record = services.issue_credential(organisation, plain_open_badge(organisation.did), actor="test")
    credential = record.document
    assert credential["issuer"]["id"].startswith("did:web:localhost%3A")
    valid = verdict(verifier, credential, documents=_published(client, installation, credential))
    assert valid.accepted, valid
    services.set_status(organisation, record.credential_id, "revoked", reason="test", actor="test")
    revoked = verdict(verifier, credential, documents=_published(client, installation, credential))
    assert not revoked.accepted, revoked
    if isinstance(verifier, VerifierCore):
        assert verifier.step(revoked.answer, "revocation_status")["valid"] is False
    elif isinstance(verifier, OpenBadgesLib):
        assert "Credential status 'revocation' is set" in revoked.message
    else:
        assert revoked.answer["statuses"] == [{"purpose": "revocation", "verified": True, "status": True}]


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
