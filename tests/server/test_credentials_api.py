"""``GET /api/v1/credentials`` searched and paged, its CSV variant, and the VC-API status change with Merit's reason."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from merit.core.microcredential import Learner
from merit.server.accounts.models import Organisation
from merit.server.delivery import services as delivery
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification
from tests.server.conftest import Api

ROOT = Path(__file__).parents[2]
PROBLEM = "application/problem+json"


def published(organisation: Organisation, key: str = "solar") -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, key, data, actor="test")
    return services.publish_specification(draft, actor="test")


def issue(specification: Specification, email: str, name: str) -> IssuedCredential:
    return delivery.issue_one(specification, Learner(email=email, name=name), actor="test")[0]


@pytest.fixture
def learners(college: Organisation, employer: Organisation) -> dict[str, IssuedCredential]:
    solar, other = published(college), published(college, "welding")
    found = {
        "asa": issue(solar, "asa@example.se", "Åsa Öberg"),
        "erik": issue(solar, "erik@example.se", "Erik Lind"),
        "weld": issue(other, "weld@example.se", "-Weld Er"),
    }
    IssuedCredential.objects.filter(pk=found["erik"].pk).update(issued_at=timezone.now() - timedelta(days=10))
    services.set_status(college, found["weld"].credential_id, "revoked", reason="+wrong", actor="test")
    issue(published(employer), "asa@example.se", "Åsa Öberg")
    return found


def ids(body: dict[str, object]) -> set[str]:
    return {item["id"] for item in body["items"]}  # type: ignore[index, attr-defined]


def test_search_by_learner_state_specification_and_dates(
    college_api: Api, learners: dict[str, IssuedCredential]
) -> None:
    asa, erik, weld = learners["asa"], learners["erik"], learners["weld"]
    everything = college_api.get("/api/v1/credentials").json()
    assert everything["total"] == 3
    assert ids(everything) == {asa.credential_id, erik.credential_id, weld.credential_id}
    found = college_api.get("/api/v1/credentials?q=asa%20OBERG").json()
    assert ids(found) == {asa.credential_id}
    item = found["items"][0]
    assert item["learner"] == {"name": "Åsa Öberg", "contact": "asa@example.se", "erased": False}
    assert item["specification"]["key"] == "solar"
    assert item["specification"]["version"] == 1
    assert ids(college_api.get("/api/v1/credentials?state=revoked").json()) == {weld.credential_id}
    spec = weld.specification_id
    assert ids(college_api.get(f"/api/v1/credentials?specification={spec}").json()) == {weld.credential_id}
    today = timezone.localdate()
    recent = college_api.get(f"/api/v1/credentials?issued_after={today.isoformat()}").json()
    assert ids(recent) == {asa.credential_id, weld.credential_id}
    before = (today - timedelta(days=5)).isoformat()
    assert ids(college_api.get(f"/api/v1/credentials?issued_before={before}").json()) == {erik.credential_id}
    revoked = college_api.get("/api/v1/credentials?state=revoked").json()["items"][0]
    assert revoked["reason"] == "+wrong"
    assert revoked["stateChangedAt"] is not None


def test_paging_metadata(college_api: Api, learners: dict[str, IssuedCredential]) -> None:
    first = college_api.get("/api/v1/credentials?per_page=2").json()
    assert (first["total"], first["page"], first["perPage"], first["pages"], len(first["items"])) == (3, 1, 2, 2, 2)
    assert first["next"] == "/api/v1/credentials?page=2&per_page=2"
    second = college_api.get(first["next"]).json()
    assert len(second["items"]) == 1
    assert second["next"] is None
    assert ids(first) | ids(second) == {r.credential_id for r in learners.values()}
    assert college_api.get("/api/v1/credentials?page=9").json()["items"] == []


def test_another_organisations_credentials_are_never_listed(
    employer_api: Api, learners: dict[str, IssuedCredential]
) -> None:
    theirs = employer_api.get("/api/v1/credentials?q=asa").json()
    assert theirs["total"] == 1
    assert learners["asa"].credential_id not in ids(theirs)
    rows = list(csv.reader(io.StringIO(employer_api.get("/api/v1/credentials.csv").content.decode())))
    assert len(rows) == 2
    assert learners["asa"].credential_id not in rows[1]


@pytest.mark.parametrize("how", ["path", "accept"])
def test_csv_variant_is_filtered_and_formula_safe(
    college_api: Api, learners: dict[str, IssuedCredential], how: str
) -> None:
    if how == "path":
        response = college_api.get("/api/v1/credentials.csv?state=revoked")
    else:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {college_api.token}", "HTTP_ACCEPT": "text/csv"}
        response = college_api.client.get("/api/v1/credentials?state=revoked", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "credential_id"
    assert len(rows) == 2
    assert rows[1][1:3] == ["'-Weld Er", "weld@example.se"]
    assert rows[1][rows[0].index("state_reason")] == "'+wrong"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("state=deleted", "state"),
        ("issued_after=yesterday", "issued_after"),
        ("issued_before=2027-13-01", "issued_before"),
        ("issued_after=2027-02-02&issued_before=2027-02-01", "issued_before"),
        ("specification=abc", "specification"),
        ("page=0", "page"),
        ("per_page=501", "per_page"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_parameters_are_a_400_problem(college_api: Api, query: str, parameter: str) -> None:
    for path in ("/api/v1/credentials", "/api/v1/credentials.csv"):
        response = college_api.get(f"{path}?{query}")
        assert response.status_code == 400
        assert response["Content-Type"] == PROBLEM
        body = response.json()
        assert (body["id"], body["parameter"]) == ("invalid-query", parameter)


def test_the_listing_needs_a_token(api_client: Api) -> None:
    assert api_client.get("/api/v1/credentials.csv").status_code == 401


@pytest.fixture
def api_client(client: object) -> Api:
    return Api(client)  # type: ignore[arg-type]


def test_vc_api_status_change_stores_the_reason_and_refuses_what_does_not_apply(
    college_api: Api, learners: dict[str, IssuedCredential]
) -> None:
    asa = learners["asa"]
    change = {"credentialId": asa.credential_id, "credentialStatus": [{"type": "BitstringStatusListEntry"}]}
    suspend = {**change, "credentialStatus": [{"status": "suspended"}]}
    # As an Open Badges 3.0 credential issued before decision 0017 was: a revocation entry only.
    asa.status_entries.filter(status_list__purpose="suspension").delete()
    refused = college_api.post("/credentials/status", suspend)
    assert refused.status_code == 400
    assert refused.json()["id"] == "STATUS_CHANGE_NOT_ALLOWED"
    reinstate = college_api.post("/credentials/status", {**change, "credentialStatus": [{"status": "valid"}]})
    assert reinstate.status_code == 400
    revoke = {**change, "credentialStatus": [{"status": "revoked"}], "reason": "Issued in error"}
    assert college_api.post("/credentials/status", revoke).json() == {
        "credentialId": asa.credential_id,
        "status": "revoked",
    }
    asa.refresh_from_db()
    assert (asa.state, asa.state_reason) == ("revoked", "Issued in error")
    assert asa.state_changed_at is not None
    no_reason = {**change, "credentialStatus": [{"status": "revoked"}]}
    assert college_api.post("/credentials/status", no_reason).status_code == 400  # Revoked is final.
    erik = {**no_reason, "credentialId": learners["erik"].credential_id}
    assert college_api.post("/credentials/status", erik).status_code == 200  # The API's reason is optional.
