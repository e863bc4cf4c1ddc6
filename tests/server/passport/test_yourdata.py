"""The export holds the PDFs and, after the password, the holder key; deleting says exactly what stays."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from pypdf import PdfReader

from merit.core.keys import KeyPair, did_key
from merit.server.issuing.models import Specification
from merit.server.passport import services
from merit.server.passport.models import Share
from tests.server.passport.conftest import issue_to
from tests.server.passport.test_sharing import claimed


def _zip(response: Any) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_export_has_each_pdf_and_makes_no_public_link(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    held = claimed(solar, client, user)
    archive = _zip(client.post("/passport/account/export"))
    summary = json.loads(archive.read("summary.json"))
    (entry,) = summary["credentials"]
    assert entry["issuedToYou"] == "yes"
    pdf = PdfReader(io.BytesIO(archive.read(entry["pdf"])))
    assert pdf.attachments["credential.json"] == [bytes(held.original)]
    assert not Share.objects.filter(owner=user).exists(), "exporting shares nothing"
    assert "holderKey" not in summary
    assert "SECRET-holder-key.jwk.json" not in archive.namelist()


def test_the_holder_key_needs_the_password_and_is_the_holders(anna: tuple[Any, Client]) -> None:
    user, client = anna
    did = services.holder_key(user).controller
    refused = client.post("/passport/account/export", {"key": "yes", "password": "wrong"}, follow=True)
    assert "The password is not right" in refused.content.decode()
    archive = _zip(client.post("/passport/account/export", {"key": "yes", "password": "a long and private passphrase"}))
    secret = json.loads(archive.read("SECRET-holder-key.jwk.json"))
    assert secret["warning"].startswith("SECRET")
    key = secret["privateJwk"]
    assert key["kid"].startswith(did + "#")
    assert secret["did"] == did
    assert {key["kty"], key["crv"]} == {"OKP", "Ed25519"}
    assert key["d"]
    # The secret is the holder's: its public key is the DID's, and it signs as the holder.
    secret_key = Ed25519PrivateKey.from_private_bytes(base64.urlsafe_b64decode(key["d"] + "=="))
    pair = KeyPair(secret_key, "Ed25519")
    assert did_key(pair.public_key) == did
    assert pair.public_key.jwk()["x"] == key["x"]
    assert json.loads(archive.read("summary.json"))["holderKey"]["file"] == "SECRET-holder-key.jwk.json"


def test_deleting_says_what_stays_and_where(solar: Specification, anna: tuple[Any, Client]) -> None:
    _user, client = anna
    _record, token = issue_to(solar, "anna@example.se")
    client.post(f"/claim/{token}/passport")
    others, _other_token = issue_to(solar, "bo@example.se")
    client.post("/passport/import", {"json": others.document_json})
    page = client.get("/passport/account/delete").content.decode()
    assert "Yrkeshögskolan Norr keeps its record of what it issued to you in Merit" in page
    assert "(Installing photovoltaic systems)" in page, "named once: Bo's credential is not a record about Anna"
    assert "The claim link it sent you still opens the credential until" in page
    assert "“deleted user”" in page
    done = client.post("/passport/account/delete", {"confirm": "anna@example.se"}).content.decode()
    assert "Nothing personal remains" not in done
    assert "Yrkeshögskolan Norr keeps its record" in done
    assert Client().get(f"/claim/{token}").status_code == 200, "as the page said, the claim link still opens"
    swedish = Client().get("/passport/account/delete", HTTP_ACCEPT_LANGUAGE="sv")
    assert swedish.status_code == 302
