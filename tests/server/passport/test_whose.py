"""Someone else's credential: it can be held and shared, but it never counts toward the holder's skills and its
share page says plainly that it was not issued to the person sharing it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner, parse_spec, render_credential
from merit.server.issuing.models import Specification
from merit.server.passport import services, subjects
from merit.server.passport.models import HeldCredential
from tests.server.passport.conftest import ROOT, issue_to


@pytest.fixture(autouse=True)
def _english_afterwards() -> Any:
    """Django's LocaleMiddleware leaves the last request's language active in the test's thread."""
    yield
    translation.activate("en")


def imported(client: Client, document: str) -> HeldCredential:
    response = client.post("/passport/import", {"json": document})
    assert response.status_code == 302, response.content.decode()[:2000]
    return HeldCredential.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_someone_elses_credential_is_kept_but_not_counted(solar: Specification, anna: tuple[Any, Client]) -> None:
    _user, client = anna
    _mine, token = issue_to(solar, "anna@example.se")
    client.post(f"/claim/{token}/passport")
    others, _token = issue_to(solar, "bo@example.se")
    held = imported(client, others.document_json)
    assert held.subject_match == "no"
    page = client.get(f"/passport/credentials/{held.pk}/").content.decode()
    assert 'data-subject="no"' in page
    assert "Not issued to you: it names someone else, so it does not count toward your skills." in page
    home = client.get("/passport/").content.decode()
    assert home.count('data-subject="no"') == 1, "the card of the other person's credential says so"
    assert 'data-subject="yes"' not in home, "the learner's own card needs no note"
    map_page = client.get("/passport/map").content.decode()
    assert "from 1 credential" in map_page
    assert 'data-uncounted="1"' in map_page
    assert "1 credential in your passport is not counted here" in map_page
    polish = client.get("/passport/map", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "1 poświadczenie w Twoim paszporcie nie jest tu liczone" in polish, "the plural form for one, in Polish"


def test_the_share_page_says_who_shared_and_whose_each_credential_is(
    solar: Specification, anna: tuple[Any, Client]
) -> None:
    user, client = anna
    user.first_name = "Anna Svensson"
    user.save()
    mine, token = issue_to(solar, "anna@example.se")
    client.post(f"/claim/{token}/passport")
    own = HeldCredential.objects.get(owner=user, credential_id=mine.credential_id)
    others, _token = issue_to(solar, "bo@example.se")
    other = imported(client, others.document_json)
    form = client.get("/passport/shares").content.decode()
    assert 'value="Anna Svensson"' in form, "the name is the learner's, to change or leave out"
    assert form.count("<strong>not issued to you</strong>") == 1, "the chooser tells the two copies apart"
    page = client.post("/passport/shares", {"credential": [own.pk, other.pk], "days": "30", "shown_name": "Anna S."})
    share = page.content.decode().split("https://merit.test/s/", 1)[1].split('"', 1)[0]
    visitor = Client().get(f"/s/{share}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Shared by Anna S." in visitor
    assert visitor.count("Issued to the person sharing this") == 1
    assert visitor.count("Not issued to the person sharing this: the credential names someone else.") == 1
    articles = re.findall(r"<article.*?</article>", visitor, re.S)
    (foreign,) = [a for a in articles if 'data-subject="no"' in a]
    assert "✓</span> Valid" in foreign
    assert 'role="note"' in foreign, "valid, but never without the warning"
    nameless = client.post("/passport/shares", {"credential": [own.pk], "days": "7", "shown_name": ""})
    quiet = nameless.content.decode().split("https://merit.test/s/", 1)[1].split('"', 1)[0]
    assert "gave no name" in Client().get(f"/s/{quiet}").content.decode()


def test_confirming_and_removing_an_address_changes_whose_it_is(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    record, _token = issue_to(solar, "anna.old@school.example")
    held = imported(client, record.document_json)
    assert held.subject_match == "no"
    assert "from 0 credentials" in client.get("/passport/map").content.decode()
    client.post("/passport/account", {"email": "anna.old@school.example"})
    link = re.search(r"https://merit.test(/passport/addresses/verify/\S+)", mail.outbox[-1].body)
    assert link is not None
    assert Client().get(link.group(1)).status_code == 200
    held.refresh_from_db()
    assert held.subject_match == "yes"
    assert "from 1 credential" in client.get("/passport/map").content.decode()
    address = user.email_addresses.get()
    client.post(f"/passport/account/addresses/{address.pk}/remove")
    held.refresh_from_db()
    assert held.subject_match == "no"


def _signed(learner: Learner) -> str:
    key = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    spec = parse_spec(json.loads((ROOT / "examples" / "data-analysis-university-online.json").read_text()))
    return json.dumps(sign_credential(render_credential(spec, learner, key.controller), key))


def test_a_credential_issued_to_the_holders_did_is_theirs(anna: tuple[Any, Client]) -> None:
    user, client = anna
    did = services.holder_key(user).controller
    assert imported(client, _signed(Learner(did=did))).subject_match == "yes"
    other = SigningKey.for_did_key(KeyPair.generate("Ed25519")).controller
    assert imported(client, _signed(Learner(did=other))).subject_match == "no"


def test_a_credential_that_names_nobody_comparable_is_unknown_and_not_counted(anna: tuple[Any, Client]) -> None:
    _user, client = anna
    held = imported(client, _signed(Learner(name="Anna", did=None, email="anna@example.se")))
    assert held.subject_match == "yes"
    document = json.loads(_signed(Learner(email="x@example.se")))
    subject = document["credentialSubject"]
    mine = subjects.Identifiers(("anna@example.se",), ())
    subject["identifier"] = [{"type": "IdentityObject", "identityType": "name", "identityHash": "Anna"}]
    assert subjects.match("vc", document, mine) == "unknown"
    subject["identifier"] = [{"identityType": "emailAddress", "hashed": False, "identityHash": "Anna@Example.se"}]
    assert subjects.match("vc", document, mine) == "yes", "a plain address, compared ignoring case"
    subject["identifier"] = []
    subject["id"] = "mailto:anna@example.se"
    assert subjects.match("vc", document, mine) == "yes"
    assert subjects.match("vc", document, subjects.Identifiers((), ())) == "no"
    assert subjects.counted([HeldCredential(subject_match="unknown"), HeldCredential(subject_match="no")]) == []


def test_an_open_badges_2_assertion_is_matched_by_its_recipient() -> None:
    mine = subjects.Identifiers(("anna@example.se",), ())
    assertion = {"recipient": {"type": "email", "hashed": False, "identity": "anna@example.se"}}
    assert subjects.match("ob2", assertion, mine) == "yes"
    assert subjects.match("ob2", {"recipient": {"type": "email", "identity": "bo@example.se"}}, mine) == "no"
    assert subjects.match("ob2", {"badge": "x"}, mine) == "unknown"


def test_confirming_the_accounts_own_address_by_a_password_reset_makes_it_hers(solar: Specification) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("ada@example.se", "ada@example.se", "old password 123!")
    client = Client()
    client.force_login(user)
    record, _token = issue_to(solar, "ada@example.se")
    held = imported(client, record.document_json)
    assert held.subject_match == "no", "the address is not confirmed yet"
    mail.outbox.clear()
    Client().post("/accounts/password-reset/", {"email": "ada@example.se"})
    path = re.search(r"https://merit\.test(/\S+)", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    browser = Client()
    confirm = browser.get(path, follow=True)
    new = {"new_password1": "new password 456!", "new_password2": "new password 456!"}
    browser.post(confirm.redirect_chain[-1][0], new)
    held.refresh_from_db()
    assert held.subject_match == "yes"


def test_jwt_credentials_are_matched_on_entry_and_again(
    college_api: Any, college: Any, anna: tuple[Any, Client]
) -> None:
    """The credential inside an Open Badges 3.0 JWT and inside VC-JOSE names its subject like any other."""
    from tests.server.test_issue_jwt import issue

    user, client = anna
    for form in ("jwt", "vc+jwt"):
        token = issue(college_api, college, form)
        token = token if isinstance(token, str) else token["id"].split(",", 1)[1]
        client.post("/passport/import", {"json": token})
    held = list(HeldCredential.objects.filter(owner=user))
    assert sorted(h.format for h in held) == ["ob3-jwt", "vc-jose"]
    assert {h.subject_match for h in held} == {"yes"}
    HeldCredential.objects.update(subject_match="unknown")
    assert services.recheck_subjects(user) == 2
    assert set(HeldCredential.objects.values_list("subject_match", flat=True)) == {"yes"}


def test_europass_and_open_badges_2_credentials_are_compared_on_entry_and_again(
    anna: tuple[Any, Client], monkeypatch: Any
) -> None:
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    monkeypatch.setattr("merit.server.netfetch.resolve", lambda host, port: ["10.0.0.1"])
    data = Path(__file__).parents[2] / "data"
    user, client = anna
    edc = (data / "edc" / "AA-Annex1-MC-signed.jsonld").read_bytes()
    client.post("/passport/import", {"file": SimpleUploadedFile("edc.jsonld", edc, "application/ld+json")})
    client.post("/passport/import", {"json": (data / "ob2" / "spec-concepts-example.json").read_text()})
    found = dict(HeldCredential.objects.filter(owner=user).values_list("format", "subject_match"))
    assert set(found) == {"edc", "ob2"}
    assert "yes" not in found.values(), "issued to other people, not to anna@example.se"
    HeldCredential.objects.update(subject_match="yes")
    services.recheck_subjects(user)
    assert dict(HeldCredential.objects.values_list("format", "subject_match")) == found, "the same answer again"
