"""Importing: every credential is verified first; a forged one is refused with the reason and nothing is kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.server.issuing.models import Specification
from merit.server.passport.models import HeldCredential
from tests.server.passport.conftest import issue_to


def external_credential(name: str = "First aid at work") -> bytes:
    """A VC 2.0 credential from an issuer outside this installation (a did:key), as another platform makes it."""
    key = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": key.controller,
        "validFrom": "2026-01-15T00:00:00Z",
        "credentialSubject": {"id": "did:example:anna", "name": name},
    }
    return json.dumps(sign_credential(unsigned, key), ensure_ascii=False).encode("utf-8")


def test_an_imported_file_is_verified_and_kept_exactly(anna: tuple[Any, Client]) -> None:
    user, client = anna
    content = external_credential()
    response = client.post("/passport/import", {"file": SimpleUploadedFile("vc.json", content, "application/json")})
    held = HeldCredential.objects.get(owner=user)
    assert response["Location"] == f"/passport/credentials/{held.pk}/"
    assert bytes(held.original) == content
    assert held.source == "import"
    assert held.outcome == "verified"


def test_pasted_json_is_imported_and_a_second_copy_is_not(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    record, _token = issue_to(solar, "anna@example.se")
    client.post("/passport/import", {"json": record.document_json})
    again = client.post("/passport/import", {"json": record.document_json}, follow=True)
    assert "This credential is already in your passport." in again.content.decode()
    assert HeldCredential.objects.filter(owner=user).count() == 1


def test_a_tampered_credential_is_refused_with_the_reason(anna: tuple[Any, Client]) -> None:
    user, client = anna
    document = json.loads(external_credential())
    document["credentialSubject"]["name"] = "Advanced first aid"
    response = client.post("/passport/import", {"json": json.dumps(document)})
    text = response.content.decode()
    assert response.status_code == 422
    assert (
        "The credential was not added: it is invalid. "
        "The signature does not match: the credential was changed after it was signed." in text
    )
    assert "Invalid: do not rely on this credential." in text
    assert not HeldCredential.objects.filter(owner=user).exists()
    assert "Advanced first aid" in text, "what was pasted is kept in the form"


def test_input_that_is_not_a_credential_gets_a_clear_message(anna: tuple[Any, Client]) -> None:
    _user, client = anna
    assert client.post("/passport/import", {"json": ""}).status_code == 400
    broken = client.post("/passport/import", {"json": "{not json"})
    assert broken.status_code == 422
    assert "this is not a credential Merit can read" in broken.content.decode()
    injected = json.loads(external_credential())
    injected["credentialSubject"]["undefinedTerm"] = "<script>alert(1)</script>"
    response = client.post("/passport/import", {"json": json.dumps(injected)})
    assert response.status_code == 422
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_file_over_the_limit_is_refused(anna: tuple[Any, Client]) -> None:
    _user, client = anna
    big = SimpleUploadedFile("big.json", b" " * (20 * 1024 * 1024), "application/json")
    response = client.post("/passport/import", {"file": big})
    assert response.status_code == 413
    assert "larger than 10 MB" in response.content.decode()


DATA = Path(__file__).parents[2] / "data"


def test_a_europass_credential_is_kept_and_said_to_be_unchecked(anna: tuple[Any, Client]) -> None:
    user, client = anna
    content = (DATA / "edc" / "AA-Annex1-MC-signed.jsonld").read_bytes()
    response = client.post(
        "/passport/import", {"file": SimpleUploadedFile("edc.jsonld", content, "application/ld+json")}
    )
    held = HeldCredential.objects.get(owner=user)
    assert response["Location"] == f"/passport/credentials/{held.pk}/"
    assert held.format == "edc"
    assert held.outcome == "could_not_verify"
    assert bytes(held.original) == content
    page = client.get(f"/passport/credentials/{held.pk}/").content.decode()
    assert "Europass seals (eIDAS) are not checked yet" in page
    assert "Could not verify: some checks could not be carried out." in page
    assert held.title in page
    assert "?</span> Could not check" in client.get("/passport/").content.decode()


def test_an_open_badges_2_assertion_is_kept_but_not_called_verified(
    anna: tuple[Any, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hosted assertion's host resolves to a private address here, so the safe fetcher refuses it (no traffic).
    monkeypatch.setattr("merit.server.netfetch.resolve", lambda host, port: ["10.0.0.1"])
    user, client = anna
    content = (DATA / "ob2" / "spec-concepts-example.json").read_bytes()
    client.post("/passport/import", {"json": content.decode()})
    held = HeldCredential.objects.get(owner=user)
    assert held.format == "ob2"
    assert held.title == "3-D Printmaster"
    assert held.outcome == "could_not_verify", "the hosted assertion is not fetched, so it cannot be called verified"
    page = client.get(f"/passport/credentials/{held.pk}/").content.decode()
    assert "10.0.0.1" in page, "the report names the refused address"


def test_a_presentation_is_not_imported_as_a_credential(anna: tuple[Any, Client]) -> None:
    _user, client = anna
    presentation = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]}
    response = client.post("/passport/import", {"json": json.dumps(presentation)})
    assert response.status_code == 422
    assert "this is a presentation" in response.content.decode()


def test_a_baked_badge_and_a_credential_pdf_are_unwrapped(solar: Specification, anna: tuple[Any, Client]) -> None:
    from merit.core.baking import bake_png
    from tests.core.test_baking import png

    user, client = anna
    record, _token = issue_to(solar, "anna@example.se")
    baked = bake_png(png(), record.document_json)
    client.post("/passport/import", {"file": SimpleUploadedFile("badge.png", baked, "image/png")})
    held = HeldCredential.objects.get(owner=user)
    assert bytes(held.original) == record.document_json.encode("utf-8"), "the credential inside, byte for byte"
    pdf = client.get(f"/passport/credentials/{held.pk}/credential.pdf").content
    held.delete()
    client.post("/passport/import", {"file": SimpleUploadedFile("credential.pdf", pdf, "application/pdf")})
    assert bytes(HeldCredential.objects.get(owner=user).original) == record.document_json.encode("utf-8")
    dropped = {"source": "file", "file": SimpleUploadedFile("credential.pdf", pdf, "application/pdf")}
    portal = Client().post("/verify/", dropped)
    assert "Verified: the credential is authentic and valid." in portal.content.decode(), "the PDF alone verifies"


def test_a_jwt_credential_is_verified_and_kept_exactly(anna: tuple[Any, Client]) -> None:
    """The import goes through the one way in: a VC-JOSE credential is verified, kept byte for byte and read on
    its page; a forged one is refused."""
    from merit.core.jwt import sign_jwt

    user, client = anna
    key = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    unsigned = json.loads(external_credential())
    del unsigned["proof"]
    unsigned["issuer"] = key.controller
    token = sign_jwt(unsigned, key, form="vc-jose")
    head, _body, signature = token.split(".")
    forged = sign_jwt(unsigned | {"validFrom": "2020-01-01T00:00:00Z"}, key, form="vc-jose").split(".")[1]
    response = client.post("/passport/import", {"json": f"{head}.{forged}.{signature}"})
    assert (
        "The credential was not added: it is invalid. "
        "The signature does not match: the credential was changed after it was signed." in response.content.decode()
    )
    assert not HeldCredential.objects.filter(owner=user).exists()
    upload = SimpleUploadedFile("first-aid.jwt", token.encode(), "application/jwt")
    response = client.post("/passport/import", {"file": upload})
    held = HeldCredential.objects.get(owner=user)
    assert response["Location"] == f"/passport/credentials/{held.pk}/"
    assert (held.format, held.outcome, bytes(held.original)) == ("vc-jose", "verified", token.encode())
    assert held.issuer_id == key.controller
    assert held.document["credentialSubject"]["name"] == "First aid at work"
    page = client.get(f"/passport/credentials/{held.pk}/")
    assert page.status_code == 200
    download = client.get(f"/passport/credentials/{held.pk}/credential.json")
    assert download["Content-Type"] == "application/vc+jwt"
    assert download["Content-Disposition"].endswith('.jwt"')
    assert download.content == token.encode()


def test_a_document_in_no_known_format_names_the_formats_merit_reads(anna: tuple[Any, Client]) -> None:
    _user, client = anna
    response = client.post("/passport/import", {"json": '{"name": "a shopping list"}'})
    assert response.status_code == 422
    assert (
        "The credential was not added: this is not a credential Merit recognises. Merit reads W3C verifiable "
        "credentials and presentations with Data Integrity proofs, VC-JOSE (vc+jwt), Open Badges 3.0 as JSON or as a "
        "JWT, Open Badges 2.0 and Europass credentials" in response.content.decode()
    )
    polish = client.post("/passport/import", {"json": '{"name": "lista zakupów"}'}, HTTP_ACCEPT_LANGUAGE="pl")
    assert "Open Badges 2.0" in polish.content.decode()
    assert "Merit reads" not in polish.content.decode()
