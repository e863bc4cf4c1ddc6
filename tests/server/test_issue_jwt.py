"""Issuing as a JWT through the VC-API (``options.format``): the Open Badges 3.0 JWT and VC-JOSE, verified by
Merit's one way in, revocable like any other credential, refused with a problem for an unknown format."""

from __future__ import annotations

import json
from typing import Any

import pytest

from merit.core.formats import detect, jws_header
from merit.core.verify import dispatch
from merit.server.accounts.models import Organisation
from merit.server.issuing.models import IssuedCredential
from merit.server.portal import services as portal
from tests.server.conftest import Api
from tests.server.test_vc_api import external_verifier, unsigned

pytestmark = pytest.mark.django_db


def issue(api: Api, organisation: Organisation, form: str) -> Any:
    response = api.post("/credentials/issue", {"credential": unsigned(organisation), "options": {"format": form}})
    assert response.status_code == 201, response.content
    return response.json()["verifiableCredential"]


def test_an_open_badges_jwt(college_api: Api, college: Organisation) -> None:
    token = issue(college_api, college, "jwt")
    assert isinstance(token, str)
    assert jws_header(token)["kid"].startswith(college.did + "#")
    assert detect(token) == "ob3-jwt"
    fmt, report = portal.verify_document(token)
    assert (fmt, report.outcome) == ("ob3-jwt", "verified"), report.reason
    outside = external_verifier(college_api)
    assert dispatch.verify(token, verifier=outside)[1].verified  # Resolving did:web and the status list over HTTP.
    record = IssuedCredential.objects.get(organisation=college)
    assert record.document_json == token  # Stored byte for byte.
    assert record.document["credentialSubject"]["type"] == ["AchievementSubject"]
    fetched = college_api.get(f"/api/v1/credentials/{record.credential_id}").json()
    assert fetched["verifiableCredential"] == token
    revoke = {"credentialId": record.credential_id, "credentialStatus": [{"status": "revoked"}]}
    assert college_api.post("/credentials/status", revoke).status_code == 200
    revoked = portal.verify_document(token)[1]
    assert revoked.check("status").outcome == "failed"


def test_vc_jose_comes_back_enveloped_and_verifies_in_the_vc_api(college_api: Api, college: Organisation) -> None:
    envelope = issue(college_api, college, "vc+jwt")
    assert envelope["type"] == "EnvelopedVerifiableCredential"
    assert envelope["id"].startswith("data:application/vc+jwt,ey")
    response = college_api.post("/credentials/verify", {"verifiableCredential": envelope})
    assert response.status_code == 200, response.json()
    assert response.json()["report"]["checks"][0]["message"].startswith("an enveloped VC")
    record = IssuedCredential.objects.get(organisation=college)
    assert record.media_type == "application/vc+jwt"


def test_data_integrity_stays_the_default(college_api: Api, college: Organisation) -> None:
    credential = issue(college_api, college, "di")
    assert credential["proof"]["type"] == "DataIntegrityProof"
    assert IssuedCredential.objects.get(organisation=college).media_type == "application/vc+ld+json"


def test_an_unknown_format_is_a_problem(college_api: Api, college: Organisation) -> None:
    body = {"credential": unsigned(college), "options": {"format": "mdoc"}}
    response = college_api.post("/credentials/issue", body)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "options.format must be one of" in response.json()["detail"]
    assert not IssuedCredential.objects.exists()


def test_nan_is_refused_not_a_500(college_api: Api, college: Organisation) -> None:
    body = json.dumps({"credential": unsigned(college) | {"name": "NAN_HERE"}, "options": {"format": "jwt"}})
    response = college_api.post("/credentials/issue", body.replace('"NAN_HERE"', "NaN"))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert not IssuedCredential.objects.exists()


def test_a_cryptosuite_goes_with_data_integrity_only(college_api: Api, college: Organisation) -> None:
    body = {"credential": unsigned(college), "options": {"format": "jwt", "cryptosuite": "eddsa-rdfc-2022"}}
    response = college_api.post("/credentials/issue", body)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "goes with format di only" in response.json()["detail"]
    assert not IssuedCredential.objects.exists()
    body["options"] = {"format": "di", "cryptosuite": "eddsa-rdfc-2022"}
    assert college_api.post("/credentials/issue", body).status_code == 201
