"""The passport and its share pages show the issuer as what it is: authentic is not accredited, and an unaccredited
issuer named like an accredited organisation is flagged; refusals are in the reader's language."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client

from merit.server.accounts.models import Organisation
from merit.server.issuing import services as issuing
from merit.server.passport.models import HeldCredential
from tests.server.passport.conftest import specification_of
from tests.server.passport.test_import import external_credential
from tests.server.passport.test_sharing import claimed, share_token
from tests.server.portal.test_truth import accredit, plain_words


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
