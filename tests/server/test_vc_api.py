"""The VC-API endpoints, the published DID documents and status lists, and the abuse cases."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from merit.core.dids import Resolver
from merit.core.microcredential import Learner, parse_spec, render_credential
from merit.core.verify import Verifier
from merit.server.accounts.models import AuditEvent, Organisation
from merit.server.accounts.services import create_token, revoke_token
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, OrganisationKey
from tests.server.conftest import Api

ROOT = Path(__file__).parents[2]
PROBLEM = "application/problem+json"


def unsigned(organisation: Organisation) -> dict[str, Any]:
    spec = parse_spec(json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text()))
    credential = render_credential(spec, Learner(email="anna@example.se"), organisation.did, grade="VG")
    del credential["issuer"]["id"]
    return credential


def issue(api: Api, organisation: Organisation) -> dict[str, Any]:
    response = api.post("/credentials/issue", {"credential": unsigned(organisation)})
    assert response.status_code == 201, response.content
    return dict(response.json()["verifiableCredential"])


def external_verifier(api: Api) -> Verifier:
    """A verifier outside Merit that fetches DID documents and status lists over (test) HTTP."""

    def get(url: str) -> Any:
        response = api.client.get(url.removeprefix("https://merit.test"))
        assert response.status_code == 200, url
        return response

    return Verifier(
        resolve=Resolver(web_fetcher=lambda url: get(url).content).resolve_verification_method,
        fetch_status_list=lambda url: get(url).json(),
    )


def test_issue_and_verify_with_an_independent_verifier(college_api: Api, college: Organisation) -> None:
    credential = issue(college_api, college)
    assert credential["issuer"]["id"] == college.did
    assert credential["credentialStatus"]["statusPurpose"] == "revocation"
    report = external_verifier(college_api).verify_credential(credential)
    assert report.verified, report.to_json()
    response = college_api.post("/credentials/verify", {"verifiableCredential": credential})
    assert response.status_code == 200
    assert response.json()["verified"] is True
    assert "proof" in response.json()["checks"]


def test_did_document_and_merit_context_are_published(college_api: Api, college: Organisation) -> None:
    response = college_api.get("/orgs/college/did.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/did+json"
    assert response.json()["id"] == college.did == "did:web:merit.test:orgs:college"
    context = college_api.get("/ns/eu-mc/v1")
    assert context.json()["@context"]["@protected"] is True


def plain_vc() -> dict[str, Any]:
    return dict(json.loads((ROOT / "tests" / "data" / "vectors" / "w3c-vc-di-eddsa" / "unsigned.json").read_text()))


def test_open_badges_have_one_status_entry_and_cannot_be_suspended(college_api: Api, college: Organisation) -> None:
    credential = issue(college_api, college)
    change = {"credentialId": credential["id"], "credentialStatus": [{"status": "suspended"}]}
    response = college_api.post("/credentials/status", change)
    assert response.status_code == 400
    assert "revoke it instead" in response.json()["detail"]


def test_revoke_changes_the_published_list(college_api: Api, college: Organisation) -> None:
    document = plain_vc()
    del document["issuer"]
    response = college_api.post("/credentials/issue", {"credential": document})
    credential = response.json()["verifiableCredential"]
    assert [e["statusPurpose"] for e in credential["credentialStatus"]] == ["revocation", "suspension"]
    verifier = external_verifier(college_api)
    url = credential["credentialStatus"][0]["statusListCredential"].removeprefix("https://merit.test")
    before = college_api.get(url)
    assert before["Cache-Control"] == "public, max-age=60"
    assert college_api.client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    change = {"credentialId": credential["id"], "credentialStatus": [{"status": "suspended"}], "reason": "audit"}
    assert college_api.post("/credentials/status", change).json()["status"] == "suspended"
    assert verifier.verify_credential(credential).check("status").outcome == "failed"  # type: ignore[union-attr]
    change["credentialStatus"] = [{"status": "valid"}]
    assert college_api.post("/credentials/status", change).status_code == 200
    assert verifier.verify_credential(credential).verified
    change["credentialStatus"] = [{"status": "revoked"}]
    college_api.post("/credentials/status", change)
    after = college_api.get(url)
    assert after["ETag"] != before["ETag"]
    report = verifier.verify_credential(credential)
    assert report.outcome == "invalid"
    assert "revoked" in report.reason
    response = college_api.post("/credentials/verify", {"verifiableCredential": credential})
    assert response.status_code == 400
    assert any("revoked" in error for error in response.json()["errors"])
    assert AuditEvent.objects.filter(organisation=college, action="credential.revoked").count() == 1


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "an API token is required"),
        ({"HTTP_AUTHORIZATION": "Bearer nonsense"}, "malformed"),
        ({"HTTP_AUTHORIZATION": "Bearer mrt_000000000000_wrong"}, "not valid"),
    ],
)
def test_missing_or_wrong_token(college_api: Api, college: Organisation, headers: dict[str, str], detail: str) -> None:
    response = college_api.client.post(
        "/credentials/issue", json.dumps({"credential": unsigned(college)}), content_type="application/json", **headers
    )
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert detail in response.json()["detail"]
    assert IssuedCredential.objects.count() == 0


def test_revoked_token_and_missing_scope(client: Any, college: Organisation) -> None:
    token, secret = create_token(college, "read-only", ["read"], actor="test")
    api = Api(client, secret)
    response = api.post("/credentials/issue", {"credential": unsigned(college)})
    assert response.status_code == 403
    assert "'issue' scope" in response.json()["detail"]
    revoke_token(token, actor="test")
    assert api.get("/api/v1/credentials").status_code == 401


def test_one_organisation_cannot_touch_another(
    college_api: Api, employer_api: Api, college: Organisation, employer: Organisation
) -> None:
    credential = issue(college_api, college)
    change = {"credentialId": credential["id"], "credentialStatus": [{"status": "revoked"}]}
    assert employer_api.post("/credentials/status", change).status_code == 404
    assert employer_api.get(f"/api/v1/credentials/{credential['id']}").status_code == 404
    assert employer_api.get("/api/v1/credentials").json()["total"] == 0
    assert college_api.get(f"/api/v1/credentials/{credential['id']}").json()["state"] == "valid"
    foreign = unsigned(college)
    foreign["issuer"]["id"] = college.did
    response = employer_api.post("/credentials/issue", {"credential": foreign})
    assert response.status_code == 400
    assert "must be the organisation's DID" in response.json()["detail"]


def test_unauthenticated_requests_are_refused_before_the_body_is_read(college_api: Api) -> None:
    response = college_api.post("/credentials/issue", {}, token="")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == 'Bearer realm="merit"'


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ("{not json", 400, ""),
        ({"credential": "text"}, 422, "invalid request"),
        ({"credential": {"type": ["VerifiableCredential"]}}, 400, "@context"),
    ],
)
def test_bad_issue_requests(college_api: Api, body: Any, status: int, detail: str) -> None:
    response = college_api.post("/credentials/issue", body)
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    assert detail in response.json()["detail"]


def test_undefined_term_is_refused_before_signing(college_api: Api, college: Organisation) -> None:
    credential = unsigned(college)
    credential["credentialSubject"]["score"] = 99
    response = college_api.post("/credentials/issue", {"credential": credential})
    assert response.status_code == 400
    assert "'score' is not defined" in response.json()["detail"]


def test_key_rotation_keeps_old_credentials_verifiable(college_api: Api, college: Organisation) -> None:
    old = issue(college_api, college)
    services.rotate_key(college, actor="test")
    new = issue(college_api, college)
    assert old["proof"]["verificationMethod"] != new["proof"]["verificationMethod"]
    verifier = external_verifier(college_api)
    assert verifier.verify_credential(old).verified
    assert verifier.verify_credential(new).verified


def test_secrets_are_sealed_and_bound_to_their_row(college: Organisation) -> None:
    key = OrganisationKey.objects.get(organisation=college)
    assert b"z3u2" not in bytes(key.encrypted_secret)
    signing = services.signing_key(college)
    assert signing.key_pair.secret_multibase.encode() not in bytes(key.encrypted_secret)
    other = services.create_organisation(slug="other", name="Other", country="FI")
    OrganisationKey.objects.filter(organisation=other).update(encrypted_secret=key.encrypted_secret)
    with pytest.raises(ValueError, match="does not open"):
        services.signing_key(other)


@pytest.mark.django_db(transaction=True)
def test_concurrent_revocations_never_lose_a_bit(client: Any) -> None:
    college = services.create_organisation(slug="busy", name="Busy College", country="SE")
    credentials = [services.issue_credential(college, unsigned(college), actor="test") for _ in range(8)]
    barrier = threading.Barrier(len(credentials))
    errors: list[BaseException] = []

    def revoke(record: IssuedCredential) -> None:
        try:
            barrier.wait()
            services.set_status(college, record.credential_id, "revoked", reason="race", actor="test")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=revoke, args=(record,)) for record in credentials]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    verifier = services.verifier()
    for record in credentials:
        assert "revoked" in verifier.verify_credential(record.document).reason
