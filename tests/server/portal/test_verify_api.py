"""The VC-API verify endpoints use the portal's verifier: the same checks, outside documents through netfetch."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from merit.core.present import presentation, sign_presentation
from merit.server.accounts.models import Organisation
from merit.server.issuing import services
from merit.server.portal import services as portal
from tests.server.conftest import Api
from tests.server.portal.support import micro_credential, outside_credential, outside_key, plain_credential

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def checks(response: Any) -> dict[str, str]:
    return {c["name"]: c["outcome"] for c in response.json()["report"]["checks"]}


def test_the_api_and_the_portal_make_the_same_checks(client: Client, college: Organisation) -> None:
    credential = plain_credential(college)
    services.set_status(college, credential["id"], "revoked", reason="test", actor="test")
    response = Api(client).post("/credentials/verify", {"verifiableCredential": credential})
    assert response.status_code == 400
    assert any("revoked" in error for error in response.json()["errors"])
    _, report = portal.verify_document(credential)
    assert response.json()["report"]["checks"] == [c.to_json() for c in report.checks]


def test_outside_status_lists_and_did_web_through_netfetch(client: Client) -> None:
    api = Api(client)
    response = api.post(
        "/credentials/verify", {"verifiableCredential": outside_credential(outside_key(), "http://10.0.0.1/l")}
    )
    assert response.status_code == 400
    assert checks(response)["status"] == "could_not_check"
    assert response.json()["verified"] is False
    credential = outside_credential(outside_key())
    credential["proof"]["verificationMethod"] = "did:web:169.254.169.254#key-1"
    response = api.post("/credentials/verify", {"verifiableCredential": credential})
    proof = next(c for c in response.json()["report"]["checks"] if c["name"] == "proof")
    assert proof["outcome"] == "could_not_check"
    assert proof["code"] == "FETCH_REFUSED"
    assert "169.254.169.254" in proof["message"]


def test_a_presentation_with_a_wrong_challenge(client: Client, college: Organisation) -> None:
    holder = outside_key()
    signed = sign_presentation(presentation([micro_credential(college)], holder.controller), holder, challenge="abc")
    api = Api(client)
    good = api.post("/presentations/verify", {"verifiablePresentation": signed, "options": {"challenge": "abc"}})
    assert good.status_code == 200, good.json()
    bad = api.post("/presentations/verify", {"verifiablePresentation": signed, "options": {"challenge": "xyz"}})
    assert bad.status_code == 400
    assert checks(bad)["challenge_and_domain"] == "failed"


def test_a_presentation_with_an_assertion_proof_too(client: Client, college: Organisation) -> None:
    """The proof set the passport downloads (decision 0012) verifies through the VC-API; its assertionMethod proof
    alone does not (no holder authentication)."""
    holder = outside_key()
    unsigned = presentation([micro_credential(college)], holder.controller)
    signed = sign_presentation(unsigned, holder, challenge="abc", for_assertion_verifiers=True)
    api = Api(client)
    good = api.post("/presentations/verify", {"verifiablePresentation": signed, "options": {"challenge": "abc"}})
    assert good.status_code == 200, good.json()
    alone = {**signed, "proof": signed["proof"][1]}
    bad = api.post("/presentations/verify", {"verifiablePresentation": alone, "options": {"challenge": "abc"}})
    assert bad.status_code == 400
    assert checks(bad)["proof"] == "failed"


def test_open_badges_2_assertions_are_checked_too(client: Client) -> None:
    body = {"verifiableCredential": {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"}}
    response = Api(client).post("/credentials/verify", body)
    assert response.status_code == 400
    assert checks(response)["structure"] == "failed"


def test_oversized_requests_get_a_413_problem(client: Client) -> None:
    body = json.dumps({"verifiableCredential": {"name": "x" * (3 * 1024 * 1024)}})
    response = client.post("/credentials/verify", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert "larger than the limit" in response.json()["detail"]
