"""The VC-API endpoints, the published DID documents and status lists, and the abuse cases."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from merit.core import vc
from merit.core.dids import Resolver
from merit.core.issue import DATA_INTEGRITY
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
    assert [e["statusPurpose"] for e in credential["credentialStatus"]] == ["revocation", "suspension"]
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


def test_open_badges_can_be_suspended_and_reinstated(college_api: Api, college: Organisation) -> None:
    credential = issue(college_api, college)
    verifier = external_verifier(college_api)
    assert verifier.verify_credential(credential).check("schema").outcome == "passed"  # type: ignore[union-attr]
    change = {"credentialId": credential["id"], "credentialStatus": [{"status": "suspended"}], "reason": "audit"}
    assert college_api.post("/credentials/status", change).json()["status"] == "suspended"
    suspended = verifier.verify_credential(credential)
    assert suspended.outcome == "invalid"
    status = suspended.check("status")
    assert status is not None
    assert status.code == "SUSPENDED"
    assert [e["state"] for e in status.details["entries"]] == ["valid", "suspended"]
    change["credentialStatus"] = [{"status": "valid"}]
    assert college_api.post("/credentials/status", change).status_code == 200
    assert verifier.verify_credential(credential).verified


def test_can_suspend_costs_no_query_once_the_entries_are_prefetched(
    college_api: Api, college: Organisation, django_assert_num_queries: Any
) -> None:
    issue(college_api, college)
    issue(college_api, college)
    records = list(IssuedCredential.objects.prefetch_related("status_entries__status_list"))
    with django_assert_num_queries(0):
        assert [record.can_suspend for record in records] == [True, True]


def test_open_badges_issued_before_decision_0017_cannot_be_suspended(
    college_api: Api, college: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "PURPOSES", ("revocation",))  # How Open Badges were issued before it.
    credential = issue(college_api, college)
    monkeypatch.undo()
    assert credential["credentialStatus"]["statusPurpose"] == "revocation"
    assert not IssuedCredential.objects.get(credential_id=credential["id"]).can_suspend
    change = {"credentialId": credential["id"], "credentialStatus": [{"status": "suspended"}]}
    response = college_api.post("/credentials/status", change)
    assert response.status_code == 400
    assert "revoke it instead" in response.json()["detail"]
    assert IssuedCredential.objects.get(credential_id=credential["id"]).state == "valid"


def test_revoke_changes_the_published_list(college_api: Api, college: Organisation) -> None:
    document = {**plain_vc(), "issuer": college.did}
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


def test_an_id_issued_again_is_a_conflict_and_says_nothing_across_organisations(
    college_api: Api, employer_api: Api, college: Organisation, employer: Organisation
) -> None:
    credential = {**plain_vc(), "issuer": college.did, "id": "urn:uuid:0d5c2e36-4b4c-4f5e-9a57-0c4d2c1f6a10"}
    assert college_api.post("/credentials/issue", {"credential": credential}).status_code == 201
    again = college_api.post("/credentials/issue", {"credential": credential})
    assert again.status_code == 409
    assert again["Content-Type"] == PROBLEM
    assert again.json()["id"] == "DUPLICATE_CREDENTIAL_ID"
    assert "already issued a credential with the id" in again.json()["detail"]
    # Another organisation's answer is the one for any fresh id: ids are unique per organisation.
    theirs = employer_api.post("/credentials/issue", {"credential": {**credential, "issuer": employer.did}})
    assert theirs.status_code == 201, theirs.content
    assert theirs.json()["verifiableCredential"]["id"] == credential["id"]
    assert IssuedCredential.objects.filter(credential_id=credential["id"]).count() == 2
    change = {"credentialId": credential["id"], "credentialStatus": [{"status": "revoked"}]}
    assert employer_api.post("/credentials/status", change).status_code == 200
    assert college_api.get(f"/api/v1/credentials/{credential['id']}").json()["state"] == "valid"


def test_error_bodies_are_problem_details_and_vc_api_errors(college_api: Api, college: Organisation) -> None:
    response = college_api.post("/credentials/issue", {"credential": {**plain_vc(), "issuer": None}})
    assert response.status_code == 400
    body = response.json()
    assert response["Content-Type"] == PROBLEM
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["id"] == "MALFORMED_VALUE_ERROR"
    assert body["message"] == body["detail"] == "issuer must be a URL or an object whose id is a URL, not null"


def vc11(organisation: Organisation) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1", {"degree": "https://example.org/degree"}],
        "type": ["VerifiableCredential"],
        "issuer": organisation.did,
        "credentialSubject": {"id": "did:example:ebfeb1f712ebc6f1c276e12ec21", "degree": "Bachelor"},
    }


def test_vc_1_1_credentials_are_signed_with_status_entries(college_api: Api, college: Organisation) -> None:
    response = college_api.post("/credentials/issue", {"credential": vc11(college)})
    assert response.status_code == 201, response.content
    credential = response.json()["verifiableCredential"]
    assert vc.parse_datetime(credential["issuanceDate"], "issuanceDate")
    assert "validFrom" not in credential
    assert credential["@context"][-2:] == [DATA_INTEGRITY, "https://www.w3.org/ns/credentials/status/v1"]
    assert [e["statusPurpose"] for e in credential["credentialStatus"]] == ["revocation", "suspension"]
    report = external_verifier(college_api).verify_credential(credential)
    assert report.check("proof").outcome == "passed", report.to_json()  # type: ignore[union-attr]
    assert report.check("status").outcome == "passed", report.to_json()  # type: ignore[union-attr]
    expired = {**vc11(college), "expirationDate": "2030-01-01"}
    response = college_api.post("/credentials/issue", {"credential": expired})
    assert response.status_code == 400
    assert "expirationDate must be a date-time" in response.json()["detail"]


@pytest.mark.parametrize(("suite", "algorithm"), [("eddsa-jcs-2022", "Ed25519"), ("ecdsa-rdfc-2019", "P-256")])
def test_the_cryptosuite_option_chooses_the_proof(
    college_api: Api, college: Organisation, suite: str, algorithm: str
) -> None:
    if algorithm == "P-256":
        refused = college_api.post(
            "/credentials/issue", {"credential": unsigned(college), "options": {"cryptosuite": suite}}
        )
        assert refused.status_code == 422
        assert refused.json()["detail"] == f"{college.name} has no active P-256 or P-384 key for {suite}"
        services.add_key(college, "P-256")
    body = {"credential": unsigned(college), "options": {"cryptosuite": suite}}
    response = college_api.post("/credentials/issue", body)
    assert response.status_code == 201, response.content
    credential = response.json()["verifiableCredential"]
    assert credential["proof"]["cryptosuite"] == suite
    assert external_verifier(college_api).verify_credential(credential).verified


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"created": "2026-01-01T00:00:00Z"}, "unknown option(s) created"),
        ({"cryptosuite": "bbs-2023"}, "unknown cryptosuite 'bbs-2023'"),
        ({"cryptosuite": "Ed25519Signature2020"}, "unknown cryptosuite"),
        ({"mandatoryPointers": ["/issuer"]}, "needs a selective-disclosure cryptosuite"),
        ({"credentialStatus": {"type": "StatusList2021Entry"}}, "credentialStatus may only be"),
        ({"credentialId": "no url"}, "credentialId must be a URL"),
        ("fast", "invalid request: Input should be a valid dictionary"),
    ],
)
def test_options_merit_cannot_honour_are_refused(
    college_api: Api, college: Organisation, options: Any, message: str
) -> None:
    response = college_api.post("/credentials/issue", {"credential": unsigned(college), "options": options})
    assert response.status_code in (400, 422)
    assert message in response.json()["detail"]
    assert IssuedCredential.objects.count() == 0


def test_credential_id_names_a_credential_without_an_id(college_api: Api, college: Organisation) -> None:
    document = {**plain_vc(), "issuer": college.did}
    del document["id"]
    options = {"credentialId": "urn:example:enrolment-42", "credentialStatus": {"type": "BitstringStatusListEntry"}}
    response = college_api.post("/credentials/issue", {"credential": document, "options": options})
    assert response.status_code == 201, response.content
    assert "id" not in response.json()["verifiableCredential"]
    change = {"credentialId": "urn:example:enrolment-42", "credentialStatus": [{"status": "revoked"}]}
    assert college_api.post("/credentials/status", change).json()["status"] == "revoked"
    again = college_api.post("/credentials/issue", {"credential": document, "options": options})
    assert again.status_code == 409
    other = {**document, "id": "urn:example:other"}
    response = college_api.post("/credentials/issue", {"credential": other, "options": options})
    assert response.status_code == 400
    assert "this one has another id" in response.json()["detail"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"issuer": None}, "not null"),
        ({"issuer": {"id": None, "name": "College"}}, "not null"),
        ({"termsOfUse": {"id": "https://example.org/policy"}}, "each termsOfUse entry must be an object with a type"),
        ({"evidence": {"id": "https://example.org/evidence"}}, "each evidence entry must be an object with a type"),
        ({"refreshService": {"id": "https://example.org/r"}}, "each refreshService entry must be an object with a"),
        ({"credentialSchema": {"type": "JsonSchema"}}, "each credentialSchema entry must have an id"),
        ({"relatedResource": ["https://www.w3.org/ns/credentials/v2"]}, "each relatedResource entry must be an"),
        ({"relatedResource": {"id": "https://www.w3.org/ns/credentials/v2"}}, "has neither digestSRI nor"),
        ({"name": {"@value": "Alumni", "@language": "en", "@direction": "ltr"}}, "@direction is not supported"),
    ],
)
def test_invalid_credentials_are_refused_for_signing(
    college_api: Api, college: Organisation, fields: dict[str, Any], message: str
) -> None:
    document = {**plain_vc(), "issuer": college.did, **fields}
    response = college_api.post("/credentials/issue", {"credential": document})
    assert response.status_code == 400, response.content
    assert message in response.json()["detail"]
    assert IssuedCredential.objects.count() == 0


def test_a_missing_issuer_is_refused_on_the_vc_api(college_api: Api, college: Organisation) -> None:
    document = plain_vc()
    del document["issuer"]
    response = college_api.post("/credentials/issue", {"credential": document})
    assert response.status_code == 400
    assert response.json()["detail"] == f"credential.issuer is required: the organisation's DID {college.did}"


def test_language_value_objects_are_signed(college_api: Api, college: Organisation) -> None:
    document = {**plain_vc(), "issuer": {"id": college.did, "name": {"@value": "Yrkeshögskolan", "@language": "sv"}}}
    document["name"] = [{"@value": "Alumni", "@language": "en"}, {"@value": "Alumn", "@language": "sv"}]
    document["description"] = {"@value": "Ett exempel", "@language": "sv"}
    response = college_api.post("/credentials/issue", {"credential": document})
    assert response.status_code == 201, response.content
    assert external_verifier(college_api).verify_credential(response.json()["verifiableCredential"]).verified


def test_duplicate_keys_and_non_finite_numbers_are_refused_everywhere(college_api: Api, college: Organisation) -> None:
    credential = issue(college_api, college)
    text = json.dumps({"verifiableCredential": credential})
    twice = text.replace('"name": ', '"name": "Forged", "name": ', 1)
    response = college_api.post("/credentials/verify", twice)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "duplicate key 'name'" in response.json()["detail"]
    forged = json.dumps(credential).replace('"name": ', '"name": "Forged", "name": ', 1)
    portal = college_api.client.post("/verify/", {"source": "text", "text": forged})
    assert portal.status_code == 400  # The portal refuses the same document ("This is not valid JSON.").
    assert "This is not valid JSON." in portal.content.decode()
    for number in ("NaN", "Infinity", "-Infinity", "1e999"):
        body = json.dumps({"credential": {**plain_vc(), "issuer": college.did}})
        body = body.replace('"credentialSubject": {', f'"credentialSubject": {{"score": {number}, ', 1)
        response = college_api.post("/credentials/issue", body)
        assert response.status_code == 400, (number, response.content)
        assert response.json()["id"] == "PARSING_ERROR"
    assert IssuedCredential.objects.count() == 1
