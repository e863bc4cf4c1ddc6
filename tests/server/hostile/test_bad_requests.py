"""Hostile input gets a clear 4xx in the reader's language, never a 500, and nothing is half-written: listing
bounds, over-long values and NUL (which PostgreSQL cannot store, so both databases refuse them alike), another
organisation's objects, and PDF decompression bombs. Run on SQLite and PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

import io
import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError
from django.test import Client
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, EncodedStreamObject, NameObject, TextStringObject

from merit.server.accounts.models import AuditEvent, Organisation, Role
from merit.server.bulk.models import IssuanceJob
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.passport.models import HeldCredential
from tests.server.conftest import Api
from tests.server.passport.conftest import learner_client
from tests.server.test_workspace import member

ROOT = Path(__file__).parents[3]
PROBLEM = "application/problem+json"


def credential(organisation: Organisation, **extra: Any) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": organisation.did,
        "credentialSubject": {"name": "Anna"},
        **extra,
    }


@pytest.fixture
def solar(college: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text(encoding="utf-8"))
    draft, _ = services.save_specification(college, "solar", data, actor="test")
    return services.publish_specification(draft, actor="test")


@pytest.mark.parametrize(
    "query",
    ["offset=-5", "offset=99999999999999999999", "limit=0", "limit=-1", "limit=501", "limit=99999999999999999999"],
)
def test_listing_bounds_are_a_problem_not_a_500(college_api: Api, query: str) -> None:
    response = college_api.get(f"/api/v1/credentials?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["id"] == "invalid-query"
    assert response.json()["parameter"] == query.split("=")[0]


def test_listing_within_bounds_pages(college_api: Api, college: Organisation) -> None:
    for _ in range(3):
        assert college_api.post("/credentials/issue", {"credential": credential(college)}).status_code == 201
    page = college_api.get("/api/v1/credentials?limit=2&offset=1").json()
    assert page["total"] == 3
    assert len(page["items"]) == 2
    assert college_api.get("/api/v1/credentials?offset=1000000000").json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"credential": "id", "options": None},
        {"credential": "id"},
        {"credential": None, "options": {"credentialId": "urn:example:" + "a" * 5000}},
    ],
)
def test_an_id_longer_than_merit_records_is_refused_on_both_databases(
    college_api: Api, college: Organisation, body: dict[str, Any]
) -> None:
    document = credential(college)
    if body["credential"] == "id":
        document["id"] = "urn:example:" + "a" * 5000
    else:
        document.pop("id", None)
    response = college_api.post("/credentials/issue", {"credential": document, "options": body.get("options")})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert "300" in response.json()["detail"]
    assert not IssuedCredential.objects.exists()


def test_a_status_change_with_an_over_long_id_or_reason_is_refused(college_api: Api, college: Organisation) -> None:
    issued = college_api.post("/credentials/issue", {"credential": credential(college)}).json()
    credential_id = issued["verifiableCredential"]["id"]
    change = [{"type": "BitstringStatusListEntry", "status": "revoked"}]
    long_id = college_api.post(
        "/credentials/status", {"credentialId": "urn:example:" + "a" * 5000, "credentialStatus": change}
    )
    assert long_id.status_code == 422
    long_reason = college_api.post(
        "/credentials/status", {"credentialId": credential_id, "credentialStatus": change, "reason": "x" * 501}
    )
    assert long_reason.status_code == 422
    assert long_reason["Content-Type"] == PROBLEM
    assert IssuedCredential.objects.get(credential_id=credential_id).state == "valid"


def test_nul_in_json_is_refused_before_anything_is_written(
    college_api: Api, college: Organisation, solar: Specification
) -> None:
    issued = college_api.post("/credentials/issue", {"credential": credential(college)}).json()
    credential_id = issued["verifiableCredential"]["id"]
    change = [{"type": "BitstringStatusListEntry", "status": "revoked"}]
    before = AuditEvent.objects.count()
    answers = [
        college_api.post(
            "/credentials/status", {"credentialId": credential_id, "credentialStatus": change, "reason": "a\x00b"}
        ),
        college_api.post("/credentials/issue", {"credential": credential(college, name="Solar\x00")}),
        college_api.post(f"/api/v1/specifications/{solar.pk}/credentials", {"email": "anna\x00@example.se"}),
        college_api.post(f"/api/v1/specifications/{solar.pk}/credentials", {"email": "anna@example.se", "x\x00": 1}),
    ]
    for response in answers:
        assert response.status_code == 400, response.content
        assert response["Content-Type"] == PROBLEM
        assert "NUL" in response.json()["detail"]
    assert IssuedCredential.objects.get(credential_id=credential_id).state == "valid"
    assert IssuedCredential.objects.count() == 1
    assert AuditEvent.objects.count() == before


def test_nul_in_a_query_or_a_path_is_refused(college_api: Api) -> None:
    for path in ["/api/v1/credentials?offset=0&q=%00", "/api/v1/credentials/urn:example:a%00b"]:
        response = college_api.get(path)
        assert response.status_code == 400
        assert response["Content-Type"] == PROBLEM
    page = Client().get("/verify/?x=%00", HTTP_ACCEPT_LANGUAGE="sv")
    assert page.status_code == 400
    assert "NUL-tecken" in page.content.decode()


def test_nul_in_a_form_is_refused_in_the_readers_language(college: Organisation, solar: Specification) -> None:
    record = services.issue_credential(college, credential(college), actor="test")
    owner = member(college, Role.OWNER)
    revoke = owner.post(
        f"/workspace/college/credentials/{record.pk}/status",
        {"state": "revoked", "reason": "fel\x00"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert revoke.status_code == 400
    assert "NUL-tecken" in revoke.content.decode()
    record.refresh_from_db()
    assert record.state == "valid"
    issue = owner.post(
        f"/workspace/college/specifications/{solar.pk}/issue",
        {"learner": "anna\x00@example.se", "name": "Anna"},
        HTTP_ACCEPT_LANGUAGE="pl",
    )
    assert issue.status_code == 400
    assert "NUL" in issue.content.decode()
    assert IssuedCredential.objects.count() == 1
    pasted = Client().post("/verify/", {"source": "text", "text": '{"a": "\x00"}'}, HTTP_ACCEPT_LANGUAGE="fi")
    assert pasted.status_code == 400
    assert "NUL" in pasted.content.decode()


def test_another_organisations_job_and_an_unknown_credential_are_404_in_the_readers_language(
    college: Organisation, employer: Organisation
) -> None:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text(encoding="utf-8"))
    draft, _ = services.save_specification(employer, "solar", data, actor="test")
    theirs = services.publish_specification(draft, actor="test")
    job = IssuanceJob.objects.create(
        organisation=employer, specification=theirs, file_sha256="0" * 64, filename="x.csv", created_by="test"
    )
    owner = member(college, Role.OWNER)
    page = owner.get(f"/workspace/college/jobs/{job.pk}", HTTP_ACCEPT_LANGUAGE="sv")
    assert page.status_code == 404
    assert "Hittades inte" in page.content.decode()
    status = owner.post("/workspace/college/credentials/999999/status", {"state": "revoked"}, HTTP_ACCEPT_LANGUAGE="nb")
    assert status.status_code == 404
    assert "Ikke funnet" in status.content.decode()


def test_a_data_error_a_view_let_through_is_a_400_page(
    monkeypatch: pytest.MonkeyPatch, college: Organisation, solar: Specification
) -> None:
    """The safety net behind the checks: a value the database refuses is the client's error, not a 500."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise DataError("value too long for type character varying(500)")

    monkeypatch.setattr(services, "set_status", refuse)
    record = services.issue_credential(college, credential(college), actor="test")
    owner = member(college, Role.OWNER)
    page = owner.post(
        f"/workspace/college/credentials/{record.pk}/status",
        {"state": "revoked", "reason": "x"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert page.status_code == 400
    assert "sparades" in page.content.decode()


def test_a_data_error_on_the_api_is_a_problem(
    monkeypatch: pytest.MonkeyPatch, college_api: Api, college: Organisation
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise DataError("value too long for type character varying(300)")

    monkeypatch.setattr(services, "issue_credential", refuse)
    response = college_api.post("/credentials/issue", {"credential": credential(college)})
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["id"] == "invalid-value"


def flate_bomb() -> bytes:
    """A PDF whose attached ``credential.json`` is 80 MB of zeros, deflated to about 80 kB."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    stream = EncodedStreamObject()
    stream._data = zlib.compress(b"\0" * 80_000_000, 9)
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream[NameObject("/Subtype")] = NameObject("/application#2Fjson")
    spec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): TextStringObject("credential.json"),
            NameObject("/UF"): TextStringObject("credential.json"),
            NameObject("/AFRelationship"): NameObject("/Data"),
            NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(stream)}),
        }
    )
    writer._root_object[NameObject("/AF")] = ArrayObject([writer._add_object(spec)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return flate_bomb()


@pytest.mark.django_db
def test_a_flate_bomb_in_the_portal_could_not_be_read(bomb: bytes) -> None:
    assert len(bomb) < 200_000
    upload = SimpleUploadedFile("bomb.pdf", bomb, "application/pdf")
    response = Client().post("/verify/", {"source": "file", "file": upload}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 400
    assert "Den här PDF:en kunde inte läsas." in response.content.decode()


@pytest.mark.django_db
def test_a_flate_bomb_in_the_passport_is_not_imported(bomb: bytes) -> None:
    user, client = learner_client()
    upload = SimpleUploadedFile("bomb.pdf", bomb, "application/pdf")
    response = client.post("/passport/import", {"file": upload}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 422
    assert "PDF:en kunde inte läsas" in response.content.decode()
    assert not HeldCredential.objects.filter(owner=user).exists()


def test_an_over_long_learner_is_refused_before_anything_is_issued(
    college_api: Api, college: Organisation, solar: Specification
) -> None:
    address = "a" * 300 + "@example.se"  # Longer than ClaimLink.email: PostgreSQL refused it after issuing.
    api = college_api.post(f"/api/v1/specifications/{solar.pk}/credentials", {"email": address})
    assert api.status_code == 422
    assert api["Content-Type"] == PROBLEM
    owner = member(college, Role.OWNER)
    page = owner.post(
        f"/workspace/college/specifications/{solar.pk}/issue",
        {"learner": address, "name": "Anna"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert page.status_code == 400
    assert "längre än 254 tecken" in page.content.decode()
    assert not IssuedCredential.objects.exists()


def test_an_api_form_body_is_not_read_before_the_token_is_checked(client: Client, solar: Specification) -> None:
    """The NUL check of form fields is for pages: on the API a stranger's body is refused unread (401)."""
    upload = SimpleUploadedFile("learners.csv", b"email\nanna@example.se\n", "text/csv")
    response = client.post(f"/api/v1/specifications/{solar.pk}/issuance-jobs", {"file": upload, "note": "a\x00"})
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("key", ["a/b", "not a slug", "x" * 101, ""])
def test_a_specification_key_is_a_slug_of_at_most_100_characters(
    client: Client, college: Organisation, key: str
) -> None:
    """The key names the designer's page (``specifications/<slug:key>/``): one that is not a slug broke the
    organisation's specifications page with a 500; one over 100 characters PostgreSQL refused."""
    from merit.server.accounts.services import create_token

    secret = create_token(college, "design", ["design", "read"], actor="test")[1]
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text(encoding="utf-8"))
    response = Api(client, secret).post("/api/v1/specifications", {"key": key, "data": data})
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert not Specification.objects.exists()
    assert member(college, Role.OWNER).get("/workspace/college/specifications/").status_code == 200
