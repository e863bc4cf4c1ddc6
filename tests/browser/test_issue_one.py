"""Browser test (Playwright driving Debian's Chromium), in English and Swedish: an issuer issues one credential. An
address that cannot receive mail is refused, the confirmation page shows what will be signed, "Back and edit" keeps
the values, and "Sign and send" issues exactly one credential with its claim link.

Screenshots are written to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from merit.server.accounts.models import Membership, Role
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential
from tests.browser.support import CHROMIUM, FLAGS, ROOT, SHOTS, assert_accessible

pytestmark = pytest.mark.browser
PASSWORD = "a long and private passphrase"

# What the issuer reads, in each language.
TEXTS = {
    "en": {
        "locale": "en-GB",
        "link": "Issue Installing photovoltaic systems to one learner",
        "learner": "The learner's e-mail address or DID",
        "name": "Name on the credential (optional)",
        "grade": "Grade",
        "continue": "Continue",
        "refused": "its domain has no top-level domain, such as .org",
        "heading": "Check what will be signed",
        "title": "Installing photovoltaic systems",
        "outcome": "Install and commission a grid-connected photovoltaic system according to current standards.",
        "level": "EQF level 5",
        "delivery": "The claim link is e-mailed to this address.",
        "edit": "Back and edit",
        "sign": "Sign and send",
        "issued": "Issued. The learner has been sent this link:",
    },
    "sv": {
        "locale": "sv-SE",
        "link": "Utfärda Installation av solcellsanläggningar till en deltagare",
        "learner": "Deltagarens e-postadress eller DID",
        "name": "Namn på intyget (valfritt)",
        "grade": "Betyg",
        "continue": "Fortsätt",
        "refused": "domänen saknar toppdomän",
        "heading": "Kontrollera det som ska signeras",
        "title": "Installation av solcellsanläggningar",
        "outcome": "Installera och driftsätta en nätansluten solcellsanläggning enligt gällande standarder.",
        "level": "EQF-nivå 5",
        "delivery": "Länken för att hämta intyget skickas med e-post till den här adressen.",
        "edit": "Tillbaka och ändra",
        "sign": "Signera och skicka",
        "issued": "Utfärdat. Deltagaren har fått den här länken:",
    },
}


@pytest.mark.parametrize("language", ["en", "sv"])
def test_issuing_one_credential_with_a_confirmation(
    live_server: Any, transactional_db: None, settings: Any, language: str
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    texts = TEXTS[language]
    organisation = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    services.publish_specification(draft, actor="test")
    user = get_user_model().objects.create_user("issuer", password=PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, role=Role.ISSUER)
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale=texts["locale"]).new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill("issuer")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.get_by_role("link", name=texts["link"]).click()

        page.get_by_label(texts["learner"]).fill("erik.lind@example")
        page.get_by_label(texts["name"]).fill("Erik Lind")
        page.get_by_role("button", name=texts["continue"]).click()
        expect(page.get_by_role("alert")).to_contain_text(texts["refused"])
        expect(page.get_by_label(texts["learner"])).to_have_value("erik.lind@example")
        expect(page.get_by_label(texts["name"])).to_have_value("Erik Lind")
        page.screenshot(path=str(SHOTS / f"issue-one-1-refused-{language}.png"), full_page=True)
        assert_accessible(page, f"refused address ({language})")

        page.get_by_label(texts["learner"]).fill("erik.lind@example.se")
        page.get_by_label(texts["grade"]).select_option("VG")
        page.get_by_role("button", name=texts["continue"]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(texts["heading"])
        main = page.locator("main")
        for expected in (texts["title"], texts["outcome"], texts["level"], texts["delivery"], "erik.lind@example.se"):
            expect(main).to_contain_text(expected)
        expect(main).to_contain_text("Erik Lind")
        if language != "en":  # The ESCO skills are English only, and marked so on other-language pages.
            expect(main.locator("ul.chips li[lang=en]").first).to_be_visible()
        page.screenshot(path=str(SHOTS / f"issue-one-2-confirm-{language}.png"), full_page=True)
        assert_accessible(page, f"confirmation ({language})")

        page.get_by_role("button", name=texts["edit"]).click()
        expect(page.get_by_label(texts["learner"])).to_have_value("erik.lind@example.se")
        expect(page.get_by_label(texts["name"])).to_have_value("Erik Lind")
        expect(page.get_by_label(texts["grade"])).to_have_value("VG")
        page.get_by_role("button", name=texts["continue"]).click()

        page.get_by_role("button", name=texts["sign"]).click()
        page.get_by_text(texts["issued"]).wait_for()
        page.screenshot(path=str(SHOTS / f"issue-one-3-issued-{language}.png"), full_page=True)
        assert_accessible(page, f"issued ({language})")
        browser.close()

    record = IssuedCredential.objects.get()  # One, though the confirmation page was shown twice.
    document = record.document
    assert document["credentialSubject"]["result"][0]["value"] == "VG"
    assert [e["statusPurpose"] for e in document["credentialStatus"]] == ["revocation", "suspension"]
    assert services.verifier().verify_credential(document).verified
