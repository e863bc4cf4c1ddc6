"""Specifications through the API: drafts, completeness, publishing, immutability, issuing, isolation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from merit.server.accounts.models import Organisation
from merit.server.accounts.services import create_token
from merit.server.issuing import services
from tests.server.conftest import Api

ROOT = Path(__file__).parents[2]


def example() -> dict[str, Any]:
    return dict(json.loads((ROOT / "examples" / "forklift-workplace-validation.json").read_text()))


@pytest.fixture
def designer(client: Any, college: Organisation) -> Api:
    _, secret = create_token(college, "designer", ["design", "issue", "read"], actor="test")
    return Api(client, secret)


def test_completeness_blocks_publishing_then_allows_it(designer: Api) -> None:
    incomplete = example()
    del incomplete["qualityAssurance"]
    saved = designer.post("/api/v1/specifications", {"key": "forklift", "data": incomplete}).json()
    assert saved["state"] == "draft"
    assert saved["lint"]["missing"] == ["type of quality assurance"]
    response = designer.post(f"/api/v1/specifications/{saved['id']}/publish", {})
    assert response.status_code == 400
    assert "type of quality assurance" in response.json()["detail"]
    fixed = designer.post("/api/v1/specifications", {"key": "forklift", "data": example()}).json()
    assert fixed["id"] == saved["id"]
    assert fixed["lint"]["ok"] is True
    published = designer.post(f"/api/v1/specifications/{saved['id']}/publish", {}).json()
    assert published["state"] == "published"


def test_published_versions_are_immutable(designer: Api) -> None:
    first = designer.post("/api/v1/specifications", {"key": "forklift", "data": example()}).json()
    designer.post(f"/api/v1/specifications/{first['id']}/publish", {})
    changed = example()
    changed["workload"] = {"hours": 24}
    second = designer.post("/api/v1/specifications", {"key": "forklift", "data": changed}).json()
    assert (second["version"], second["state"]) == (2, "draft")
    assert designer.get(f"/api/v1/specifications/{first['id']}").json()["data"]["workload"] == {"hours": 16}
    assert designer.post(f"/api/v1/specifications/{first['id']}/publish", {}).status_code == 400


def test_issue_from_a_published_specification(designer: Api, college: Organisation) -> None:
    spec = designer.post("/api/v1/specifications", {"key": "forklift", "data": example()}).json()
    path = f"/api/v1/specifications/{spec['id']}/credentials"
    assert designer.post(path, {"email": "jan@example.pl"}).status_code == 400  # Still a draft.
    designer.post(f"/api/v1/specifications/{spec['id']}/publish", {})
    response = designer.post(path, {"email": "jan@example.pl", "name": "Jan Kowalski", "grade": "zaliczone"})
    assert response.status_code == 201
    credential = response.json()["verifiableCredential"]
    assert "jan@example.pl" not in json.dumps(credential)
    assert services.verifier().verify_credential(credential).verified
    bad = designer.post(path, {"name": "Nobody"})
    assert bad.status_code == 400
    assert "e-mail address or a DID" in bad.json()["detail"]


def test_another_organisation_sees_nothing(designer: Api, employer_api: Api) -> None:
    spec = designer.post("/api/v1/specifications", {"key": "forklift", "data": example()}).json()
    assert employer_api.get(f"/api/v1/specifications/{spec['id']}").status_code == 404
    assert employer_api.post(f"/api/v1/specifications/{spec['id']}/publish", {}).status_code == 403  # No design scope.
    assert employer_api.get("/api/v1/specifications").json() == {"items": []}


def test_design_scope_is_required(college_api: Api) -> None:
    response = college_api.post("/api/v1/specifications", {"key": "x", "data": example()})
    assert response.status_code == 403
