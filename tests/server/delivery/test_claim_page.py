"""The claim page: what was earned, in the reader's language; one way into the passport (signing up as a learner,
signed in by the confirmation link in the same browser); the PDF beside the JSON; the link's secret kept out of
logs, caches and other sites' Referer headers."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from pypdf import PdfReader

from merit.core.microcredential import Learner
from merit.server.delivery import services as delivery
from merit.server.delivery.models import ClaimLink
from merit.server.issuing import services
from merit.server.issuing.models import Specification
from merit.server.passport.models import HeldCredential
from tests.server.passport.conftest import issue_to, specification_of
from tests.server.passport.conftest import solar as solar


@pytest.fixture(autouse=True)
def _english_afterwards() -> Any:
    """Django's LocaleMiddleware leaves the last request's language active in the test's thread; a page read in
    Polish here must not make a later test's e-mail Polish."""
    yield
    translation.activate("en")


def test_the_page_shows_what_was_earned(solar: Specification) -> None:
    _record, token = issue_to(solar, "anna@example.se")
    response = Client().get(f"/claim/{token}")
    page = response.content.decode()
    assert ">Installing photovoltaic systems</h1>" in page
    assert "Yrkeshögskolan Norr" in page
    assert "Awarded to</dt><dd>Anna</dd>" in page, "the learner's name"
    assert "EQF level 5 · SeQF level 5" in page, "the national level beside the EQF level"
    assert "Learning outcomes" in page
    assert "Install and commission a grid-connected photovoltaic system" in page
    assert "install photovoltaic systems" in page, "an ESCO skill"
    assert re.search(r"\d+ ECTS credits|\d+ hours", page), "the workload"
    assert "Not accredited" in page or "Accreditation not checked" in page, "the issuer's standing, said plainly"
    assert page.count('class="button primary"') == 1, "one primary action"
    assert f'href="/accounts/signup/?next=/claim/{token}"' in page
    assert f'href="/accounts/login/?next=/claim/{token}"' in page
    assert f'href="/claim/{token}/credential.pdf"' in page
    assert f'href="/claim/{token}/credential.json"' in page
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "no-store"


def test_the_page_speaks_the_readers_language(solar: Specification) -> None:
    _record, token = issue_to(solar, "anna@example.se")
    page = Client().get(f"/claim/{token}", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert ">Installation av solcellsanläggningar</h1>" in page, "the credential's own Swedish title"
    assert "Lägg till i mitt pass" in page
    assert "EQF-nivå 5" in page
    assert "Add to my passport" not in page


def test_a_signed_in_learner_adds_it_with_one_button(solar: Specification) -> None:
    from tests.server.passport.conftest import learner_client

    user, client = learner_client()
    _record, token = issue_to(solar, "anna@example.se")
    page = client.get(f"/claim/{token}").content.decode()
    assert f'<form method="post" action="/claim/{token}/passport">' in page
    assert "csrfmiddlewaretoken" in page
    client.post(f"/claim/{token}/passport")
    assert HeldCredential.objects.get(owner=user).subject_match == "yes"


def test_the_pdf_carries_the_exact_credential(solar: Specification) -> None:
    record, token = issue_to(solar, "anna@example.se")
    response = Client().get(f"/claim/{token}/credential.pdf", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Referrer-Policy"] == "same-origin"
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.attachments["credential.json"] == [record.document_json.encode("utf-8")]
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Installation av solcellsanläggningar" in text
    assert ClaimLink.objects.get(pk=record.claim_link.pk).claimed_at is not None


def test_a_jwt_credential_has_no_pdf_but_its_page_works(college_api: Any, college: Any) -> None:
    from merit.server.issuing.models import IssuedCredential
    from tests.server.test_issue_jwt import issue

    issue(college_api, college, "jwt")
    record = IssuedCredential.objects.get(organisation=college)
    token = delivery.create_link(record)
    page = Client().get(f"/claim/{token}").content.decode()
    assert "credential.pdf" not in page
    assert ">Installing photovoltaic systems</h1>" in page, "the reader's language, from the JWT's credential"
    assert Client().get(f"/claim/{token}/credential.pdf").status_code == 404
    assert Client().get(f"/claim/{token}/credential.json").content == record.document_json.encode("utf-8")


def test_unknown_and_expired_links_are_not_logged(solar: Specification, caplog: pytest.LogCaptureFixture) -> None:
    record, token = issue_to(solar, "anna@example.se")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert Client().get("/claim/not-a-token").status_code == 404
        ClaimLink.objects.filter(credential=record).update(expires_at=timezone.now())
        gone = Client().get(f"/claim/{token}")
        assert gone.status_code == 410
        assert Client().get(f"/claim/{token}/credential.pdf").status_code == 410
        assert Client().post(f"/claim/{token}/passport").status_code == 410
        assert Client().post("/claim/not-a-token/passport").status_code == 404
    assert token not in caplog.text
    assert "not-a-token" not in caplog.text
    assert gone["Cache-Control"] == "no-store"


def test_signing_up_from_a_claim_speaks_to_learners_and_signs_in_on_confirmation(solar: Specification) -> None:
    _record, token = issue_to(solar, "erik@example.se")
    mail.outbox.clear()
    browser = Client()
    signup = browser.get(f"/accounts/signup/?next=/claim/{token}").content.decode()
    assert "Create your competence passport" in signup
    assert "organisation" not in signup.split("<main", 1)[1].lower().split("</main>", 1)[0]
    assert f'name="next" value="/claim/{token}"' in signup
    form = {"email": "Erik@example.se", "name": "Erik Lind", "password": "a long and private passphrase 9"}
    assert browser.post("/accounts/signup/", {**form, "next": f"/claim/{token}"}).status_code == 302
    (message,) = mail.outbox
    path = re.search(r"https://merit\.test(/accounts/verify/\S+)", message.body).group(1)  # type: ignore[union-attr]
    landed = browser.get(path)
    assert landed.status_code == 302
    assert landed["Location"] == f"/claim/{token}"
    claim = browser.get(f"/claim/{token}").content.decode()
    assert "Your e-mail address is confirmed and you are signed in." in claim
    assert f'<form method="post" action="/claim/{token}/passport">' in claim, "signed in: one button"
    added = browser.post(f"/claim/{token}/passport")
    user = get_user_model().objects.get(username="erik@example.se")
    held = HeldCredential.objects.get(owner=user)
    assert added["Location"] == f"/passport/credentials/{held.pk}/"
    assert held.subject_match == "yes", "issued to the address the learner has just confirmed"


def test_the_confirmation_link_signs_in_only_the_browser_that_signed_up_and_only_once(solar: Specification) -> None:
    _record, token = issue_to(solar, "erik@example.se")
    mail.outbox.clear()
    browser = Client()
    form = {"email": "erik@example.se", "name": "Erik", "password": "a long and private passphrase 9"}
    browser.post("/accounts/signup/", {**form, "next": f"/claim/{token}"})
    path = re.search(r"https://merit\.test(/accounts/verify/\S+)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    elsewhere = Client()
    page = elsewhere.get(path)
    assert page.status_code == 200, "another browser is asked to sign in"
    assert "_auth_user_id" not in elsewhere.session
    again = browser.get(path)
    assert "_auth_user_id" not in browser.session, "a second use of the link signs nobody in"
    assert again.status_code == 200


def test_an_account_someone_else_made_with_the_address_is_not_signed_in(solar: Specification) -> None:
    """Someone signs up with Erik's address first; Erik's own sign-up sends him a note, and opening the first
    account's confirmation link in Erik's browser does not sign him into an account whose password he never set."""
    _record, _token = issue_to(solar, "erik@example.se")
    mail.outbox.clear()
    attacker, erik = Client(), Client()
    attacker.post("/accounts/signup/", {"email": "erik@example.se", "name": "X", "password": "another long phrase 77"})
    erik.post("/accounts/signup/", {"email": "erik@example.se", "name": "Erik", "password": "a long private phrase 9"})
    verify = next(m for m in mail.outbox if "/accounts/verify/" in m.body)
    path = re.search(r"https://merit\.test(/accounts/verify/\S+)", verify.body).group(1)  # type: ignore[union-attr]
    erik.get(path)
    assert "_auth_user_id" not in erik.session


def test_a_credential_issued_to_a_did_is_claimed_as_well(solar: Specification) -> None:
    from merit.server.passport import services as passport
    from tests.server.passport.conftest import learner_client

    user, client = learner_client("bo@example.se")
    did = passport.holder_key(user).controller
    record = services.issue_from_specification(solar, Learner(did=did, name="Bo"), actor="test")
    token = delivery.create_link(record)
    client.post(f"/claim/{token}/passport")
    assert HeldCredential.objects.get(owner=user).subject_match == "yes"


def test_another_issuers_credential_is_claimed_too(db: None, employer: Any) -> None:
    forklift = specification_of(employer, "forklift-workplace-validation", "forklift")
    _record, token = issue_to(forklift, "anna@example.se")
    page = Client().get(f"/claim/{token}").content.decode()
    assert "Logistik AB" in page


def test_a_learner_signed_in_as_someone_else_is_told_before_adding(solar: Specification) -> None:
    from tests.server.passport.conftest import learner_client

    _bo, client = learner_client("bo@example.se")
    _record, token = issue_to(solar, "anna@example.se")
    page = client.get(f"/claim/{token}").content.decode()
    assert 'data-subject="no"' in page
    assert "Not issued to you" in page
    client.post(f"/claim/{token}/passport")
    again = client.get(f"/claim/{token}").content.decode()
    assert "This credential is already in your passport." in again
    held = HeldCredential.objects.get()
    assert f'href="/passport/credentials/{held.pk}/"' in again
    assert f'action="/claim/{token}/passport"' not in again


@pytest.mark.parametrize("language", ["nb", "fi", "pl"])
def test_the_page_has_no_english_left_in_the_other_languages(solar: Specification, language: str) -> None:
    _record, token = issue_to(solar, "anna@example.se")
    page = Client().get(f"/claim/{token}", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in page
    for english in ("Add to my passport", "What you earned", "Keep it", "I already have a passport", "Download"):
        assert english not in page, english
