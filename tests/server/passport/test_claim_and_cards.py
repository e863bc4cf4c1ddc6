"""Claiming into the passport, the cards and their live status, and a credential's page."""

from __future__ import annotations

from typing import Any

from django.test import Client

from merit.server.issuing import services
from merit.server.issuing.models import Specification
from merit.server.passport.models import HeldCredential
from tests.server.passport.conftest import issue_to, learner_client


def test_a_learner_claims_a_credential_byte_for_byte(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    record, token = issue_to(solar, "anna@example.se")
    page = client.get(f"/claim/{token}")
    assert "Add to my passport" in page.content.decode()
    response = client.post(f"/claim/{token}/passport")
    held = HeldCredential.objects.get(owner=user)
    assert response["Location"] == f"/passport/credentials/{held.pk}/"
    assert bytes(held.original) == record.document_json.encode("utf-8")
    assert held.recipient_verified
    assert held.outcome == "verified"
    assert held.eqf_level == 5
    assert held.skills
    assert held.skills[0]["uri"].startswith("http://data.europa.eu/esco/skill/")
    again = client.post(f"/claim/{token}/passport", follow=True)
    assert "This credential is already in your passport." in again.content.decode()
    assert HeldCredential.objects.filter(owner=user).count() == 1


def test_signed_out_claimers_are_asked_to_sign_in(solar: Specification, db: None) -> None:
    _record, token = issue_to(solar, "anna@example.se")
    page = Client().get(f"/claim/{token}").content.decode()
    assert f"/accounts/login/?next=/claim/{token}" in page
    assert Client().post(f"/claim/{token}/passport")["Location"] == f"/accounts/login/?next=/claim/{token}"


def test_cards_show_the_live_status(solar: Specification, anna: tuple[Any, Client]) -> None:
    _user, client = anna
    record, token = issue_to(solar, "anna@example.se")
    client.post(f"/claim/{token}/passport")
    home = client.get("/passport/").content.decode()
    assert "Installing photovoltaic systems" in home
    assert "✓</span> Valid" in home
    services.set_status(solar.organisation, record.credential_id, "revoked", reason="error", actor="test")
    home = client.get("/passport/").content.decode()
    assert "✗</span> Revoked" in home


def test_a_credential_page_shows_its_content_and_report(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    _record, token = issue_to(solar, "anna@example.se")
    client.post(f"/claim/{token}/passport")
    held = HeldCredential.objects.get(owner=user)
    page = client.get(f"/passport/credentials/{held.pk}/").content.decode()
    assert "<h1>Installing photovoltaic systems</h1>" in page
    assert "EQF level 5" in page
    assert "Install and commission a grid-connected photovoltaic system" in page
    assert "Verified: the credential is authentic and valid." in page
    swedish = client.get(f"/passport/credentials/{held.pk}/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Installation av solcellsanläggningar" in swedish, "the credential's own Swedish title"
    assert "En kort yrkeskurs för elektriker" in swedish
    assert "A short vocational course for electricians" in page
    download = client.get(f"/passport/credentials/{held.pk}/credential.json")
    assert download.content == bytes(held.original)


def test_another_learners_credential_is_not_found(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    _record, token = issue_to(solar, "anna@example.se")
    client.post(f"/claim/{token}/passport")
    held = HeldCredential.objects.get(owner=user)
    _bo, stranger = learner_client("bo@example.se")
    for path in (f"/passport/credentials/{held.pk}/", f"/passport/credentials/{held.pk}/credential.json"):
        assert stranger.get(path).status_code == 404
    assert stranger.post(f"/passport/credentials/{held.pk}/remove").status_code == 404
    assert stranger.post(f"/passport/credentials/{held.pk}/linkedin").status_code == 404
    assert HeldCredential.objects.filter(pk=held.pk).exists()


def test_the_pdf_carries_the_exact_credential_and_a_working_link(
    solar: Specification, anna: tuple[Any, Client]
) -> None:
    import io

    from pypdf import PdfReader

    user, client = anna
    record, token = issue_to(solar, "anna@example.se")
    client.post(f"/claim/{token}/passport")
    held = HeldCredential.objects.get(owner=user)
    response = client.get(f"/passport/credentials/{held.pk}/credential.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.attachments["credential.json"] == [record.document_json.encode("utf-8")]
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Installing photovoltaic systems" in text
    share = held.shares.get()
    assert share.label == "PDF"
    assert Client().get(f"/passport/credentials/{held.pk}/credential.pdf").status_code == 302
