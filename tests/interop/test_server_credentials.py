"""Credentials Merit's server issues verify with the Digital Bazaar stack, status entry included.

The Digital Bazaar stack is given the organisation's published ``did:web`` document and the published status list
credential exactly as Merit's server serves them, and checks the entry with ``@digitalbazaar/vc-bitstring-status-list``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from merit.core.microcredential import Learner, parse_spec, render_credential
from merit.server.issuing import services
from tests.interop.conftest import DigitalBazaar

pytestmark = pytest.mark.interop
ROOT = Path(__file__).parents[2]


def _documents(client: Any, credential: dict[str, Any]) -> dict[str, Any]:
    did = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
    slug = did.rsplit(":", 1)[1]
    documents = {did: client.get(f"/orgs/{slug}/did.json").json()}
    entries = credential["credentialStatus"]
    for entry in entries if isinstance(entries, list) else [entries]:
        url = entry["statusListCredential"]
        documents[url] = client.get(url.removeprefix("https://merit.test")).json()
    return documents


@pytest.mark.parametrize("algorithm", ["Ed25519", "P-256"])
def test_server_credential_and_its_status_verify_in_the_digital_bazaar_stack(
    dbstack: DigitalBazaar, client: Any, db: None, algorithm: str
) -> None:
    organisation = services.create_organisation(
        slug=f"college-{algorithm.lower()}", name="College", country="SE", algorithm=algorithm
    )
    spec = parse_spec(json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text()))
    unsigned = render_credential(spec, Learner(email="anna@example.se"), organisation.did, grade="VG")
    record = services.issue_credential(organisation, unsigned, actor="test")
    credential = record.document
    valid = dbstack.verify(credential, documents=_documents(client, credential))
    services.set_status(organisation, record.credential_id, "revoked", reason="test", actor="test")
    revoked = dbstack.verify(credential, documents=_documents(client, credential))
    assert valid["verified"] is True, valid
    assert valid["statuses"] == [{"purpose": "revocation", "verified": True, "status": False}]
    assert revoked["statuses"] == [{"purpose": "revocation", "verified": True, "status": True}]


def test_server_accreditations_and_trust_lists_verify_in_the_digital_bazaar_stack(
    dbstack: DigitalBazaar, client: Any, db: None
) -> None:
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
    result = dbstack.verify(credential, documents=_documents(client, credential))
    assert result["verified"] is True, result
    assert [s["status"] for s in result["statuses"]] == [False, False], "revocation and suspension entries"
    listed = client.get("/registry/v1/trust-lists/agency").json()
    did = listed["issuer"]["id"]
    assert dbstack.verify(listed, documents={did: client.get("/orgs/agency/did.json").json()})["verified"] is True
