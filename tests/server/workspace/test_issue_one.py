"""Issuing one credential from the workspace: the address is checked, a confirmation page shows what will be signed
(in the reader's language), and only "Sign and send" signs, once however often it is sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.test import Client

from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.workspace import issue_one
from tests.server.conftest import Api
from tests.server.workspace.confirm import confirmation, sign_and_send

ROOT = Path(__file__).parents[3]
ANNA = {"learner": "anna@example.se", "name": "Anna <b>Svensson</b>", "grade": "VG"}


@pytest.fixture
def specification(college: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(college, "solar", data, actor="test")
    return services.publish_specification(draft, actor="test")


@pytest.fixture
def path(specification: Specification) -> str:
    return f"/workspace/college/specifications/{specification.pk}/issue"


def member(organisation: Organisation, role: str = Role.ISSUER, name: str = "issuer", **options: Any) -> Client:
    user = get_user_model().objects.create_user(f"{name}-{role}", password="correct horse battery staple")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client(**options)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("address", "english", "swedish"),
    [
        ("erik.lind@example", "its domain has no top-level domain, such as .org", "saknar toppdomän"),
        ("erik.lind@skolan.local", "reserved for tests and private networks", "reserverad för tester"),
        ("erik.lind@prov.test", "never receives mail", "tar aldrig emot e-post"),
    ],
)
def test_an_address_that_cannot_receive_mail_is_refused_in_the_readers_language(
    college: Organisation, path: str, address: str, english: str, swedish: str
) -> None:
    issuer = member(college)
    refused = issuer.post(path, {"learner": address, "name": "Erik Lind", "action": "check"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert english in html
    assert f'value="{address}"' in html  # Kept for correction.
    assert 'value="Erik Lind"' in html
    assert 'name="confirmation"' not in html
    swedish_page = issuer.post(path, {"learner": address, "action": "check"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert swedish in swedish_page.content.decode()
    assert not IssuedCredential.objects.exists()


def test_the_api_refuses_the_same_addresses_with_problem_json(college_api: Api, specification: Specification) -> None:
    for address in ("erik.lind@example", "erik.lind@skolan.local"):
        response = college_api.post(f"/api/v1/specifications/{specification.pk}/credentials", {"email": address})
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["reason"] in ("email_no_top_level_domain", "email_reserved_domain")
    assert not IssuedCredential.objects.exists()


def test_the_confirmation_shows_what_will_be_signed_and_issues_nothing(college: Organisation, path: str) -> None:
    page = member(college).post(path, {**ANNA, "action": "check"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Check what will be signed" in html
    assert "Anna &lt;b&gt;Svensson&lt;/b&gt;" in html  # Escaped.
    assert "anna@example.se" in html
    assert "The claim link is e-mailed to this address." in html
    assert "Installing photovoltaic systems" in html
    assert "version 1" in html
    assert "Install and commission a grid-connected photovoltaic system" in html  # A learning outcome.
    assert "install photovoltaic systems" in html  # Its ESCO skill.
    assert "EQF level 5" in html
    assert "7.5 ECTS credits" in html
    assert "VG" in html
    assert "No end date" in html
    assert "Open Badges 3.0 credential (W3C Verifiable Credential 2.0)" in html
    assert "eddsa-rdfc-2022" in html
    assert college.did in html
    assert "Sign and send" in html
    assert not IssuedCredential.objects.exists()
    assert not mail.outbox


def test_the_confirmation_is_in_swedish_for_a_swedish_reader(college: Organisation, path: str) -> None:
    html = member(college).post(path, {**ANNA, "action": "check"}, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Kontrollera det som ska signeras" in html
    assert "Installation av solcellsanläggningar" in html  # The specification's Swedish title.
    assert "Installera och driftsätta en nätansluten solcellsanläggning" in html
    assert "EQF-nivå 5" in html
    assert 'lang="en"' in html  # The ESCO skills are English only, and marked so.
    assert "Signera och skicka" in html


def test_sign_and_send_issues_once_however_often_it_is_sent(
    college: Organisation, path: str, django_capture_on_commit_callbacks: Any
) -> None:
    issuer = member(college)
    token = confirmation(issuer.post(path, {**ANNA, "action": "check"}))
    with django_capture_on_commit_callbacks(execute=True):
        done = issuer.post(path, {"confirmation": token, "action": "sign"})
    assert done.status_code == 200
    assert "Issued. The learner has been sent this link:" in done.content.decode()
    record = IssuedCredential.objects.get()
    assert record.credential_id.startswith("urn:uuid:")
    document = record.document
    assert document["credentialSubject"]["achievement"]["name"] == "Installation av solcellsanläggningar"
    assert document["credentialSubject"]["result"][0]["value"] == "VG"
    assert services.verifier().verify_credential(document).verified
    assert record.can_suspend
    assert mail.outbox[0].to == ["anna@example.se"]
    again = issuer.post(path, {"confirmation": token, "action": "sign"})  # A double click, or the back button.
    assert again.status_code == 200
    assert "nothing was issued twice" in again.content.decode()
    assert IssuedCredential.objects.count() == 1
    assert len(mail.outbox) == 1


def test_back_and_edit_keeps_the_values(college: Organisation, path: str) -> None:
    issuer = member(college)
    token = confirmation(issuer.post(path, {**ANNA, "action": "check"}))
    form = issuer.post(path, {"confirmation": token, "action": "edit"})
    html = form.content.decode()
    assert form.status_code == 200
    assert 'value="anna@example.se"' in html
    assert 'value="Anna &lt;b&gt;Svensson&lt;/b&gt;"' in html
    assert '<option value="VG" selected>' in html
    assert not IssuedCredential.objects.exists()


def test_a_forged_expired_or_foreign_confirmation_signs_nothing(
    college: Organisation, employer: Organisation, path: str, specification: Specification, monkeypatch: Any
) -> None:
    issuer = member(college)
    token = confirmation(issuer.post(path, {**ANNA, "action": "check"}))
    forged = issuer.post(path, {"confirmation": token[:-3] + "abc", "action": "sign"})
    assert forged.status_code == 400
    assert "This confirmation is not valid." in forged.content.decode()
    swedish = issuer.post(path, {"confirmation": "x", "action": "sign"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Den här bekräftelsen är inte giltig." in swedish.content.decode()
    other = signing.dumps({"o": employer.pk, "s": specification.pk, "id": "urn:uuid:1", **ANNA}, salt=issue_one.SALT)
    assert issuer.post(path, {"confirmation": other, "action": "sign"}).status_code == 400
    monkeypatch.setattr(issue_one, "MAX_AGE", -1)
    expired = issuer.post(path, {"confirmation": token, "action": "sign"})
    assert expired.status_code == 400
    assert "more than an hour old" in expired.content.decode()
    assert not IssuedCredential.objects.exists()


def test_signing_checks_the_learner_again(college: Organisation, path: str, specification: Specification) -> None:
    """A confirmation is checked again when it is signed, even one Merit signed itself."""
    values = {"learner": "erik.lind@example", "name": "", "grade": ""}
    token = signing.dumps({"o": college.pk, "s": specification.pk, "id": "urn:uuid:2", **values}, salt=issue_one.SALT)
    refused = member(college).post(path, {"confirmation": token, "action": "sign"})
    assert refused.status_code == 400
    assert "has no top-level domain" in refused.content.decode()
    assert not IssuedCredential.objects.exists()


def test_only_issuers_sign_and_only_with_a_csrf_token(college: Organisation, path: str) -> None:
    token = confirmation(member(college).post(path, {**ANNA, "action": "check"}))
    viewer = member(college, Role.VIEWER, "viewer")
    assert viewer.post(path, {"confirmation": token, "action": "sign"}).status_code == 404
    strict = member(college, Role.ISSUER, "strict", enforce_csrf_checks=True)
    assert strict.post(path, {"confirmation": token, "action": "sign"}).status_code == 403
    assert not IssuedCredential.objects.exists()


def test_a_did_learner_gets_the_link_to_hand_over(college: Organisation, path: str) -> None:
    issuer = member(college)
    fields = {"learner": "did:web:learners.example.org:erik", "name": "Erik Lind", "grade": ""}
    page = issuer.post(path, {**fields, "action": "check"}).content.decode()
    assert "No e-mail is sent: you get the claim link and its QR code to hand over." in page
    done = sign_and_send(issuer, path, fields)
    assert "<svg" in done.content.decode()
    assert IssuedCredential.objects.get().document["credentialSubject"]["id"] == fields["learner"]
    assert not mail.outbox


def test_a_grade_the_specification_does_not_allow_is_refused_before_the_confirmation(
    college: Organisation, path: str
) -> None:
    refused = member(college).post(path, {"learner": "anna@example.se", "grade": "A+", "action": "check"})
    assert refused.status_code == 400
    assert "not one of" in refused.content.decode()
    assert 'name="confirmation"' not in refused.content.decode()
    assert not IssuedCredential.objects.exists()
