"""Learners' e-mail addresses and DIDs are checked by one function (merit.core.recipients, through Learner) on every
way in: bulk rows, the workspace's single-issue form, the API, and the passport's further addresses; each refusal
says why in the reader's language, and nothing is issued."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from merit.core.microcredential import parse_spec
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.bulk.rows import read_upload
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.passport.models import EmailAddress
from tests.server.conftest import Api
from tests.server.people import person, signed_in

ROOT = Path(__file__).parents[2]
# (what the issuer typed, the English message's words, the Swedish message's words)
REFUSED = [
    ("=1+1@example.org", "begins with “=”, which spreadsheets read as a formula", "läser som början på en formel"),
    ("+46701234567@example.se", "begins with “+”", "börjar med ”+”"),
    ("-2+3@example.org", "begins with “-”", "börjar med ”-”"),
    ("erik.lind@example", "has no top-level domain, such as .org", "saknar toppdomän"),
    ("erik lind@example.org", "is not an e-mail address.", "är ingen e-postadress."),
    ("did:bad", "is not a DID (did:method:identifier)", "är ingen DID"),
    ("did:web:evil", "needs a host name such as example.org", "behöver ett värdnamn"),
    ("did:web:127.0.0.1", "needs a host name such as example.org", "behöver ett värdnamn"),
    ("did:key:z6Mk", "did:key DID with a public key Merit can read", "did:key-DID med en publik nyckel"),
]
ACCEPTED = ["erik.lind@example.se", "did:web:learners.example.org:erik", "did:example:erik-lind"]


@pytest.fixture
def specification(college: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    spec, _ = services.save_specification(college, "solar", data, actor="test")
    return services.publish_specification(spec, actor="test")


def column(value: str) -> str:
    return "did" if value.startswith("did:") else "email"


@pytest.mark.parametrize(("value", "english", "swedish"), REFUSED)
def test_bulk_rows_refuse_them_with_a_translated_reason(
    specification: Specification, value: str, english: str, swedish: str
) -> None:
    from django.utils import translation

    content = f"{column(value)},name\n{value},Erik Lind\n".encode()
    spec = parse_spec(specification.data)
    assert read_upload(content, spec).rows == []
    ((row, error),) = read_upload(content, spec).errors
    assert row == 2
    assert english in error
    assert f"“{value}”" in error
    with translation.override("sv"):
        ((_, error),) = read_upload(content, spec).errors
    assert swedish in error


@pytest.mark.parametrize("value", ACCEPTED)
def test_bulk_rows_accept_real_addresses_and_dids(specification: Specification, value: str) -> None:
    upload = read_upload(f"{column(value)},name\n{value},Erik Lind\n".encode(), parse_spec(specification.data))
    assert (len(upload.rows), upload.errors) == (1, [])


@pytest.mark.parametrize(("value", "english", "swedish"), REFUSED)
def test_the_workspace_form_refuses_them_in_the_readers_language(
    college: Organisation, specification: Specification, value: str, english: str, swedish: str
) -> None:
    user = person(f"issuer-{len(value)}@college.example")
    Membership.objects.create(user=user, organisation=college, role=Role.ISSUER)
    client = signed_in(user)
    path = f"/workspace/college/specifications/{specification.pk}/issue"
    page = client.post(path, {"learner": value, "grade": "VG"}).content.decode()
    assert english in page
    page = client.post(path, {"learner": value, "grade": "VG"}, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert swedish in page
    assert IssuedCredential.objects.count() == 0


@pytest.mark.parametrize(("value", "english", "swedish"), REFUSED)
def test_the_api_answers_400_problem_json_with_the_reason(
    college_api: Api, specification: Specification, value: str, english: str, swedish: str
) -> None:
    path = f"/api/v1/specifications/{specification.pk}/credentials"
    response = college_api.post(path, {column(value): value, "grade": "VG"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert english in body["detail"]
    assert body["id"] == "MALFORMED_VALUE_ERROR"
    assert body["reason"].startswith("email_" if column(value) == "email" else "did_")
    swedish_answer = college_api.client.post(
        path,
        json.dumps({column(value): value, "grade": "VG"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {college_api.token}",
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert swedish in swedish_answer.json()["detail"]
    assert IssuedCredential.objects.count() == 0


@pytest.mark.parametrize(("value", "english"), [(v, e) for v, e, _ in REFUSED if not v.startswith("did:")])
def test_the_passport_refuses_them_as_further_addresses(db: None, value: str, english: str) -> None:
    client: Client = signed_in(person("anna@example.se"))
    response: Any = client.post("/passport/account", {"email": value})
    assert response.status_code == 400
    assert english in response.content.decode()
    assert not EmailAddress.objects.exists()
    assert client.post("/passport/account", {"email": "anna.old@school.example"}).status_code == 302
