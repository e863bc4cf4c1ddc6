"""The passport and its share pages show the issuer as what it is: authentic is not accredited, and an unaccredited
issuer named like an accredited organisation is flagged; refusals are in the reader's language."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from merit.server.accounts.models import Organisation
from merit.server.issuing import services as issuing
from merit.server.passport import services
from merit.server.passport.models import HeldCredential
from tests.server.passport.conftest import specification_of
from tests.server.passport.test_import import external_credential
from tests.server.passport.test_sharing import claimed, share_token
from tests.server.portal.test_truth import accredit, eqf7_credential, plain_words


def test_a_shared_credential_of_a_namesake_carries_the_warning(college: Organisation, anna: tuple[Any, Client]) -> None:
    user, client = anna
    accredit(college)
    impostor = issuing.create_organisation(slug="impostor", name="Yrkeshögskolan  NORR", country="SE")
    held = claimed(specification_of(impostor, "solar-installation-vocational", "solar"), client, user)
    own = client.get(f"/passport/credentials/{held.pk}/").content.decode()
    assert 'data-alert="issuer-name"' in own
    assert "The name is the issuer&#x27;s own claim: no accreditation confirms it." in own
    page = client.post("/passport/shares", {"credential": [held.pk], "days": "30"})
    shared = Client().get(f"/s/{share_token(page.content.decode())}", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert (
        "Äkta och giltigt, men se upp: utfärdaren är inte den ackrediterade organisation som namnet antyder." in shared
    )
    assert "Varning om utfärdarens namn" in shared
    assert college.did in shared
    assert "Namnet är utfärdarens eget påstående: ingen ackreditering bekräftar det." in shared
    assert "Verifierat: intyget är äkta och giltigt." not in shared


def test_the_accredited_college_is_shown_as_accredited_on_the_share_page(
    college: Organisation, anna: tuple[Any, Client]
) -> None:
    user, client = anna
    accredit(college)
    held = claimed(specification_of(college, "solar-installation-vocational", "solar"), client, user)
    page = client.post("/passport/shares", {"credential": [held.pk], "days": "30"})
    shared = Client().get(f"/s/{share_token(page.content.decode())}").content.decode()
    assert 'data-alert="issuer-name"' not in shared
    assert f"Authentic: signed with the key of {college.did}." in shared
    assert "Accredited: Issued by Yrkeshögskolan Norr, accredited by Myndigheten för yrkeshögskolan" in shared
    assert "no accreditation confirms it" not in shared


def test_an_import_refusal_is_in_the_readers_language(anna: tuple[Any, Client]) -> None:
    user, client = anna
    document = json.loads(external_credential())
    document["credentialSubject"]["name"] = "Avancerad första hjälpen"
    response = client.post("/passport/import", {"json": json.dumps(document)}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 422
    text = plain_words(response.content.decode())
    error = re.search(r"Intyget lades inte till: [^<]*", text)
    assert error is not None
    assert error.group(0) == (
        "Intyget lades inte till: det är ogiltigt. Signaturen stämmer inte: intyget ändrades efter att det signerades."
    )
    assert not HeldCredential.objects.filter(owner=user).exists()


def card_of(page: str, title: str) -> str:
    """The card (``<li>``) of the passport's home page whose heading links ``title``, its white space collapsed."""
    cards = re.findall(r"<li>\s*<h2>.*?</li>", page, flags=re.S)
    found = [card for card in cards if f">{title}</a>" in card]
    assert len(found) == 1, cards
    return " ".join(found[0].split())


def test_the_cards_tell_an_accredited_issuer_from_an_unaccredited_namesake(
    college: Organisation, anna: tuple[Any, Client]
) -> None:
    user, client = anna
    accredit(college)
    impostor = issuing.create_organisation(slug="impostor", name="Yrkeshögskolan  NORR", country="SE")
    genuine = claimed(specification_of(college, "solar-installation-vocational", "solar"), client, user)
    copied = claimed(specification_of(impostor, "solar-installation-vocational", "solar"), client, user)
    copied.title, copied.titles = "Copied solar course", {}
    copied.save(update_fields=["title", "titles"])
    assert (genuine.accreditation, genuine.accredited_by, genuine.namesake_of) == (
        "passed",
        "Myndigheten för yrkeshögskolan",
        "",
    )
    assert (copied.accreditation, copied.namesake_of) == ("not_applicable", "Yrkeshögskolan Norr")
    page = client.get("/passport/").content.decode()
    mine = card_of(page, genuine.display_title)
    assert 'data-standing="verified"' in mine
    assert '<span class="icon" aria-hidden="true">✓</span> Accredited by Myndigheten för yrkeshögskolan' in mine
    assert 'data-alert="issuer-name"' not in mine
    theirs = card_of(page, "Copied solar course")
    assert 'data-standing="na"' in theirs
    assert "Not accredited: the name is the issuer&#x27;s own claim" in theirs
    assert 'data-alert="issuer-name"' in theirs
    assert "Beware: this issuer is not the accredited organisation “Yrkeshögskolan Norr”, whose name it uses." in theirs
    swedish = card_of(client.get("/passport/", HTTP_ACCEPT_LANGUAGE="sv").content.decode(), "Copied solar course")
    assert "Varning om utfärdarens namn" in swedish
    assert "Inte ackrediterad: namnet är utfärdarens eget påstående" in swedish


def test_a_card_shows_an_accreditation_that_does_not_cover_the_credential_as_a_warning(
    college: Organisation, anna: tuple[Any, Client]
) -> None:
    user, client = anna
    accredit(college)  # EQF levels 4–6.
    response = client.post("/passport/import", {"json": json.dumps(eqf7_credential(college))})
    assert response.status_code == 302
    held = HeldCredential.objects.get(owner=user)
    assert (held.accreditation, held.namesake_of) == ("warning", "")
    card = card_of(client.get("/passport/").content.decode(), held.display_title)
    assert 'data-standing="warning"' in card
    assert "Accredited by Myndigheten för yrkeshögskolan, but not for this credential" in card
    assert 'data-alert="issuer-name"' not in card


def test_the_cards_show_the_last_verification_without_verifying_again(
    college: Organisation, anna: tuple[Any, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    user, client = anna
    accredit(college)
    held = claimed(specification_of(college, "solar-installation-vocational", "solar"), client, user)
    # As a credential kept before the cards showed accreditation: nothing recorded.
    HeldCredential.objects.filter(pk=held.pk).update(accreditation="", accredited_by="", namesake_of="")
    calls: list[Any] = []
    real = services.read
    monkeypatch.setattr(services, "read", lambda *a, **k: calls.append(a) or real(*a, **k))
    before = card_of(client.get("/passport/").content.decode(), held.display_title)
    assert calls == []  # The home page verifies nothing: it shows what the last verification found.
    assert "Accreditation not checked: the name is the issuer&#x27;s own claim" in before
    client.get(f"/passport/credentials/{held.pk}/")  # Its page verifies it again, and the card follows.
    assert len(calls) == 1
    after = card_of(client.get("/passport/").content.decode(), held.display_title)
    assert "Accredited by Myndigheten för yrkeshögskolan" in after
    held.refresh_from_db()
    assert (held.accreditation, held.accredited_by) == ("passed", "Myndigheten för yrkeshögskolan")


def test_a_card_without_an_accreditation_check_says_the_name_is_unconfirmed(anna: tuple[Any, Client]) -> None:
    user, client = anna
    held = HeldCredential.objects.create(
        owner=user, original=b"{}", sha256="0" * 64, format="ob2", source="import", title="Badge", outcome="verified"
    )
    card = card_of(client.get("/passport/").content.decode(), held.display_title)
    assert 'data-standing="na"' in card
    assert "Accreditation not checked: the name is the issuer&#x27;s own claim" in card
