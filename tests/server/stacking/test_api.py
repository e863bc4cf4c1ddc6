"""``/api/v1/awards``: an award through the API, refusals as problem+json, token scopes, other organisations."""

from __future__ import annotations

from django.test import Client

from merit.server.accounts.services import create_token
from merit.server.issuing.services import create_organisation
from merit.server.stacking.models import Award
from tests.server.conftest import Api
from tests.server.stacking.conftest import ZRK, World


def body(world: World, *, recognised: bool = True) -> dict[str, object]:
    return {
        "qualification": ZRK,
        "learner": {"email": "jan.kowalski@example.pl", "name": "Jan Kowalski"},
        "components": [{"id": r.credential_id, "document": r.document_json} for r in (world.forklift, world.safety)],
        "recognitions": [
            {
                "unit": world.recognition.unit,
                "decision": world.recognition.decision,
                "method": "observation",
                "supervision": "supervised-with-id",
                "decidedAt": "2026-12-07T10:00:00Z",
                "assessor": "Anna Nowak",
            }
        ]
        if recognised
        else [],
    }


def test_award_and_read_it_back(world: World, client: Client) -> None:
    _, secret = create_token(world.izba, "ci", ["issue", "read"], actor="test")
    api = Api(client, secret)
    answer = api.post("/api/v1/awards", body(world))
    assert answer.status_code == 201, answer.content
    data = answer.json()
    assert data["claimUrl"].startswith("http")
    assert [c["state"] for c in data["components"]] == ["valid", "valid", "recognised"]
    read = api.get(f"/api/v1/awards/{data['id']}")
    assert read.status_code == 200
    assert read.json()["credentialId"] == data["credentialId"]
    assert read.json()["verifiableCredential"]["evidence"][0]["id"] == world.forklift.credential_id


def test_refusals_are_problems_and_nothing_is_signed(world: World, client: Client) -> None:
    _, secret = create_token(world.izba, "ci", ["issue", "read"], actor="test")
    api = Api(client, secret)
    answer = api.post("/api/v1/awards", body(world, recognised=False))
    assert answer.status_code == 422
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["reason"] == "incomplete"
    assert answer.json()["missing"] == [f"{ZRK}#ZE3"]
    unknown = api.post("/api/v1/awards", {**body(world), "qualification": "https://zrk.example/none"})
    assert unknown.status_code == 404
    bad = body(world)
    bad["recognitions"][0]["method"] = "hearsay"  # type: ignore[index]
    assert api.post("/api/v1/awards", bad).status_code == 400
    assert api.post("/api/v1/awards", "{not json").status_code == 400
    assert not Award.objects.exists()


def test_scopes_and_other_organisations(world: World, client: Client) -> None:
    _, reader = create_token(world.izba, "r", ["read"], actor="test")
    assert Api(client, reader).post("/api/v1/awards", body(world)).status_code in (401, 403)
    _, issuer = create_token(world.izba, "i", ["issue", "read"], actor="test")
    made = Api(client, issuer).post("/api/v1/awards", body(world)).json()
    other = create_organisation(slug="other", name="Other", country="PL")
    _, theirs = create_token(other, "o", ["issue", "read"], actor="test")
    assert Api(client, theirs).get(f"/api/v1/awards/{made['id']}").status_code == 404
    # Another institution is not accredited for the qualification.
    refused = Api(client, theirs).post("/api/v1/awards", body(world))
    assert refused.status_code == 422
    assert refused.json()["reason"] == "not-accredited"
    assert Api(client, "").get(f"/api/v1/awards/{made['id']}").status_code == 401
