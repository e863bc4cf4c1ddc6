"""The public verification portal: each kind of good and bad input shows the right state and reason."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from merit.core.proofs import sign
from merit.server.accounts.models import Organisation
from merit.server.issuing import services
from merit.server.portal.models import Receipt
from tests.server.portal.local_http import serve
from tests.server.portal.support import (
    micro_credential,
    outside_credential,
    outside_key,
    outside_status_list,
    paste,
    plain_credential,
    tampered,
    upload,
)

pytestmark = pytest.mark.django_db


def rows(response: Any) -> dict[str, str]:
    """Each report row's key and state, read from the page."""
    html = response.content.decode()
    found = {}
    for part in html.split('<li class="state-')[1:]:
        state, rest = part.split('"', 1)
        key = rest.split('data-check="', 1)[1].split('"', 1)[0]
        found.setdefault(key, state)
    return found


def test_the_page_works_without_signing_in(client: Client) -> None:
    page = client.get("/verify/")
    assert page.status_code == 200
    html = page.content.decode()
    # The three ways in, each a form with its CSRF token (the header's language switcher is a fourth form).
    assert html.split('<main id="main"', 1)[1].count('name="csrfmiddlewaretoken"') == 3
    for label in ('for="file"', 'for="text"', 'for="url"'):
        assert label in html
    assert "portal-scan.js" in html
    assert page["Cache-Control"] == "no-store"


def test_a_valid_micro_credential_is_verified_with_its_content_and_a_receipt(
    client: Client, college: Organisation
) -> None:
    credential = micro_credential(college)
    content = json.dumps(credential, ensure_ascii=False).encode()
    page = upload(client, content)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Verified: the credential is authentic and valid." in html
    assert rows(page) == {
        "format": "verified",
        "signature": "verified",
        "issuer": "verified",
        "accreditation": "na",
        "status": "verified",
        "validity": "verified",
        "completeness": "verified",
    }
    assert "Not accredited: no trusted authority has accredited this issuer, so its name is its own claim." in html
    assert "Installing photovoltaic systems" in html  # The English title, for an English reader.
    assert "Install and commission a grid-connected photovoltaic system" in html
    assert "install photovoltaic systems" in html  # An ESCO skill.
    assert "7.5 ECTS credits" in html
    assert "200 hours" in html
    assert "EQF level 5" in html
    assert "Practical assessment" in html
    assert "External quality assurance" in html
    receipt = Receipt.objects.get()
    assert f"/verify/receipt/{receipt.public_id}.json" in html
    download = client.get(f"/verify/receipt/{receipt.public_id}.json")
    assert download["Content-Disposition"].startswith("attachment;")
    body = download.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest() == receipt.credential_sha256
    assert body["id"] == credential["id"]
    assert body["issuer"] == college.did
    assert body["verificationMethod"] == [credential["proof"]["verificationMethod"]]
    assert body["outcome"] == "verified"
    assert body["checkedAt"].endswith("Z")
    assert {c["name"]: c["outcome"] for c in body["checks"]}["status"] == "passed"
    assert "eu_mandatory_elements" in {c["name"] for c in body["checks"]}
    revocation, suspension = body["statusLists"]  # Both entries are checked (decision 0017).
    assert [revocation["url"], suspension["url"]] == [e["statusListCredential"] for e in credential["credentialStatus"]]
    consulted = revocation
    served = client.get(consulted["url"].removeprefix("https://merit.test"))
    assert consulted["sha256"] == hashlib.sha256(served.content).hexdigest()
    assert consulted["validFrom"] == served.json()["validFrom"]
    assert "Anna" not in download.content.decode()  # No personal data in the receipt.
    assert client.get("/verify/receipt/unknown.json").status_code == 404


def test_swedish_readers_get_swedish(client: Client, college: Organisation) -> None:
    page = paste(client, micro_credential(college), language="sv")
    html = page.content.decode()
    assert "Installation av solcellsanläggningar" in html
    assert "Verifierad" in html
    assert "Praktiskt prov" in html


def test_tampered_credential_is_invalid(client: Client, college: Organisation) -> None:
    page = upload(client, json.dumps(tampered(micro_credential(college))).encode())
    html = page.content.decode()
    assert "Invalid: do not rely on this credential." in html
    assert rows(page)["signature"] == "invalid"
    assert "the credential was changed after it was signed" in html


def test_signed_by_a_key_the_issuer_does_not_control(client: Client, college: Organisation) -> None:
    stranger = outside_key()
    credential = micro_credential(college)
    del credential["proof"]
    forged = sign(credential, stranger)  # The issuer is still the college; the key is the stranger's.
    page = paste(client, forged)
    assert rows(page)["issuer"] == "invalid"
    assert "signed with a key that its issuer does not control" in page.content.decode()
    own_did = copy.deepcopy(forged)
    own_did["proof"]["verificationMethod"] = f"{college.did}#{stranger.public_multikey()['publicKeyMultibase']}"
    page = paste(client, own_did)
    assert rows(page)["signature"] == "invalid"
    assert "signed with a key that its issuer does not control" in page.content.decode()


def test_an_undefined_property_is_refused_in_safe_mode(client: Client, college: Organisation) -> None:
    credential = micro_credential(college)
    credential["credentialSubject"]["score"] = 99
    page = paste(client, credential)
    assert rows(page)["format"] == "invalid"
    assert "properties that are not defined" in page.content.decode()


@pytest.mark.parametrize(("state", "message"), [("revoked", "revoked"), ("suspended", "suspended")])
def test_revoked_and_suspended(client: Client, college: Organisation, state: str, message: str) -> None:
    credential = plain_credential(college)
    services.set_status(college, credential["id"], state, reason="test", actor="test")
    page = paste(client, credential)
    assert rows(page)["status"] == "invalid"
    assert f"The issuer has {message} this credential." in page.content.decode()


def test_expired_and_not_yet_valid(client: Client, college: Organisation) -> None:
    expired = plain_credential(college, validFrom="2020-01-01T00:00:00Z", validUntil="2021-06-30T00:00:00Z")
    page = paste(client, expired)
    assert rows(page)["validity"] == "invalid"
    assert "It expired on 30 June 2021." in page.content.decode()
    future = plain_credential(college, validFrom="2099-01-01T00:00:00Z")
    page = paste(client, future)
    assert rows(page)["validity"] == "invalid"
    assert "It is not valid yet: it is valid from 1 January 2099." in page.content.decode()


def test_an_unknown_did_method_cannot_be_checked(client: Client) -> None:
    credential = outside_credential(outside_key())
    credential["proof"]["verificationMethod"] = "did:example:123#key-1"
    page = paste(client, credential)
    html = page.content.decode()
    assert "Could not verify" in html
    assert rows(page)["signature"] == "unknown"
    assert "DID method" in html


@pytest.mark.parametrize(
    "url", ["https://status.invalid/lists/1", "http://10.0.0.1/lists/1", "http://169.254.169.254/latest"]
)
def test_a_status_list_that_cannot_be_fetched_cannot_be_checked(client: Client, url: str) -> None:
    page = paste(client, outside_credential(outside_key(), url))
    assert rows(page)["status"] == "unknown"
    html = page.content.decode()
    assert "Could not verify" in html
    assert "status list could not be fetched" in html
    assert "not revoked" not in html.split("What was checked")[1].split("</ul>")[0].lower()


def test_outside_status_lists_are_fetched_through_netfetch(client: Client, settings: Any) -> None:
    settings.MERIT_FETCH_ALLOW = "127.0.0.1/32"
    key = outside_key()
    routes: dict[str, Any] = {}
    with serve(routes) as base:
        good, revoked = f"{base}/lists/1", f"{base}/lists/2"
        routes["/lists/1"] = (outside_status_list(key, good), "application/vc+ld+json")
        routes["/lists/2"] = (outside_status_list(key, revoked, revoked=True), "application/vc+ld+json")
        page = paste(client, outside_credential(key, good))
        assert rows(page)["status"] == "verified"
        body = json.loads(Receipt.objects.latest("pk").receipt_json)
        assert body["statusLists"] == [
            {
                "url": good,
                "sha256": hashlib.sha256(routes["/lists/1"][0]).hexdigest(),
                "validFrom": "2026-01-01T00:00:00Z",
            }
        ]
        page = paste(client, outside_credential(key, revoked))
        assert rows(page)["status"] == "invalid"


def test_outside_did_web_documents_go_through_netfetch(client: Client) -> None:
    credential = outside_credential(outside_key())
    for did in ("did:web:10.0.0.1", "did:web:localhost%3A8000"):
        credential["proof"]["verificationMethod"] = f"{did}#key-1"
        page = paste(client, credential)
        assert rows(page)["signature"] == "unknown", did
        assert "address Merit does not fetch from" in page.content.decode()


def test_a_presentation_with_a_wrong_challenge_is_invalid(client: Client, college: Organisation) -> None:
    from merit.core.present import presentation, sign_presentation

    holder = outside_key()
    signed = sign_presentation(
        presentation([micro_credential(college)], holder.controller), holder, challenge="abc", domain="merit.test"
    )
    good = paste(client, signed, challenge="abc", domain="merit.test")
    assert "Verified: the presentation and every credential in it are authentic and valid." in good.content.decode()
    assert "Credential 1 in the presentation" in good.content.decode()
    page = paste(client, signed, challenge="another", domain="merit.test")
    assert rows(page)["signature"] == "invalid"
    assert "its challenge or domain does not match" in page.content.decode()
    receipt = json.loads(Receipt.objects.latest("pk").receipt_json)
    assert holder.controller not in json.dumps(receipt)  # The holder is a person: not in the receipt.


def test_user_text_is_escaped(client: Client, college: Organisation) -> None:
    credential = plain_credential(college, name="<script>alert(1)</script>")
    html = paste(client, credential).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


DATA = Path(__file__).parents[2] / "data"


def test_a_europass_credential_is_checked_but_its_seal_is_said_to_be_unchecked(client: Client) -> None:
    page = paste(client, json.loads((DATA / "edc" / "AA-Annex1-MC-signed.jsonld").read_text(encoding="utf-8")))
    html = page.content.decode()
    assert "Could not verify" in html
    assert "Europass seals (eIDAS) are not checked yet" in html
    assert rows(page)["signature"] == "unknown"


def test_a_minimal_open_badges_2_assertion_is_invalid(client: Client) -> None:
    page = paste(client, {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"})
    assert rows(page)["format"] == "invalid"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"name": "a shopping list"}', "not a credential Merit recognises"),
        ("{not json", "This is not valid JSON."),
        ("eyJhbGciOiJFZERTQSJ9.eyJhIjoxfQ.c2ln", "compact JWS"),
        ("   ", "empty"),
    ],
)
def test_things_that_are_not_credentials(client: Client, text: str, message: str) -> None:
    page = paste(client, text)
    assert page.status_code == 400
    html = page.content.decode()
    assert 'role="alert"' in html
    assert message in html
    assert 'aria-describedby="verify-error"' in html


def test_csrf_is_required(college: Organisation) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/verify/", {"source": "text", "text": "{}"}).status_code == 403


def test_a_document_in_no_known_format_names_the_formats_merit_reads(client: Client) -> None:
    page = paste(client, '{"name": "a shopping list"}')
    assert page.status_code == 400
    assert (
        "This is not a credential Merit recognises. Merit reads W3C verifiable credentials and presentations with "
        "Data Integrity proofs, VC-JOSE (vc+jwt), Open Badges 3.0 as JSON or as a JWT, Open Badges 2.0 and Europass "
        "credentials." in page.content.decode()
    )
    swedish = paste(client, '{"name": "en inköpslista"}', "sv").content.decode()
    assert "Det här är inte ett intyg som Merit känner igen. Merit läser verifierbara W3C-intyg" in swedish
