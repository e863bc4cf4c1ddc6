"""The validation API: learners create, list and withdraw their cases; an institution's assessors list, read and
decide; everyone else gets problem+json 401, 403 or 404."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.test import Client

from merit.server.accounts.models import Organisation, Role
from merit.server.issuing.services import create_organisation
from merit.server.passport.models import HeldCredential
from merit.server.qualifications.models import Qualification
from merit.server.validation.models import Case, Decision
from tests.server.people import member_client
from tests.server.validation.conftest import IRI, ZE3

BASE = "/api/v1/validation"


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def application(held: HeldCredential, **extra: Any) -> dict[str, Any]:
    return {"institution": "izba-logistyki", "qualification": IRI, "units": [ZE3], "credentials": [held.pk], **extra}


DECISION = {
    "unit": ZE3,
    "outcome": "recognised",
    "method": "observation",
    "supervision": "supervised-with-id",
    "identityChecked": True,
    "identityMethod": "ID card",
    "reason": "Observed at work.",
}


def test_learner_and_assessor_through_the_api(
    qualification: Qualification, izba: Organisation, jan: tuple[Any, Client, HeldCredential], assessor: Any
) -> None:
    _user, client, held = jan
    evidence = [{"name": "notes.txt", "contentBase64": base64.b64encode(b"stock notes").decode()}]
    created = post(client, f"{BASE}/cases", application(held, statement="I did it", evidence=evidence))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["presentation"]["outcomeOnReceipt"] == "verified"
    assert body["evidence"][0]["sha256"]
    assert body["units"] == [ZE3]
    assert [c["id"] for c in client.get(f"{BASE}/cases").json()["cases"]] == [body["id"]]
    staff, _assessor = assessor
    listed = staff.get(f"{BASE}/institutions/izba-logistyki/cases").json()["cases"]
    assert [c["id"] for c in listed] == [body["id"]]
    detail = staff.get(f"{BASE}/institutions/izba-logistyki/cases/{body['id']}").json()
    assert detail["presentation"]["report"]["outcome"] == "verified"
    assert detail["basis"]["credentials"][0]["id"] == held.credential_id
    missing_reason = post(
        staff, f"{BASE}/institutions/izba-logistyki/cases/{body['id']}/decisions", {**DECISION, "reason": " "}
    )
    assert missing_reason.status_code == 422
    assert missing_reason["Content-Type"] == "application/problem+json"
    decided = post(staff, f"{BASE}/institutions/izba-logistyki/cases/{body['id']}/decisions", DECISION)
    assert decided.status_code == 201
    assert decided.json()["outcome"] == "recognised"
    seen = client.get(f"{BASE}/cases").json()["cases"][0]["decisions"]
    assert seen[0]["reason"] == "Observed at work."
    assert "assessor" not in seen[0], "the learner reads the decision, not the staff account"
    refused = post(client, f"{BASE}/cases/{body['id']}/withdraw", {})
    assert refused.status_code == 422, "decided: no longer withdrawn"


def test_withdraw_and_bad_requests(qualification: Qualification, jan: tuple[Any, Client, HeldCredential]) -> None:
    _user, client, held = jan
    bad = post(client, f"{BASE}/cases", application(held, evidence=[{"name": "x", "contentBase64": "***"}]))
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    exe = base64.b64encode(b"MZ\x90\x00\x00").decode()
    assert (
        post(client, f"{BASE}/cases", application(held, evidence=[{"name": "x.exe", "contentBase64": exe}])).status_code
        == 422
    )
    assert (
        post(client, f"{BASE}/cases", application(held, qualification="https://nowhere.example/q")).status_code == 422
    )
    assert not Case.objects.exists()
    case_id = post(client, f"{BASE}/cases", application(held)).json()["id"]
    assert post(client, f"{BASE}/cases/not-a-uuid/withdraw", {}).status_code == 404
    withdrawn = post(client, f"{BASE}/cases/{case_id}/withdraw", {})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["state"] == "withdrawn"


def test_strangers_and_other_roles_are_refused(
    qualification: Qualification, izba: Organisation, jan: tuple[Any, Client, HeldCredential]
) -> None:
    user, client, held = jan
    case_id = post(client, f"{BASE}/cases", application(held)).json()["id"]
    anonymous = Client()
    assert anonymous.get(f"{BASE}/cases").status_code == 401
    assert post(anonymous, f"{BASE}/cases", application(held)).status_code == 401
    viewer, _ = member_client(izba, Role.VIEWER)
    other = create_organisation(slug="other", name="Other", country="PL")
    outsider, _ = member_client(other, Role.ASSESSOR)
    for staff in (viewer, outsider, client):
        assert staff.get(f"{BASE}/institutions/izba-logistyki/cases").status_code == 404
        assert staff.get(f"{BASE}/institutions/izba-logistyki/cases/{case_id}").status_code == 404
        assert post(staff, f"{BASE}/institutions/izba-logistyki/cases/{case_id}/decisions", DECISION).status_code == 404
    assert outsider.get(f"{BASE}/institutions/other/cases/{case_id}").status_code == 404
    assert post(outsider, f"{BASE}/cases/{case_id}/withdraw", {}).status_code == 404
    assert not Decision.objects.exists()
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(user)
    assert post(guarded, f"{BASE}/cases/{case_id}/withdraw", {}).status_code == 403
    assert Case.objects.get().state == "open"
