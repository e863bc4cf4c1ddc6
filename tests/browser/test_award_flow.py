"""Browser test (Playwright driving Debian's Chromium), in English and Polish: an accredited institution awards a unit
of a qualification on the learner's micro-credential after a confirmation page, and the portal shows what the
stacked credential rests on, in a table, with each component's state now; both pages pass axe-core.

Screenshots are written to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from merit.server.stacking.models import Award
from tests.browser.support import CHROMIUM, FLAGS, SHOTS, assert_accessible, in_thread
from tests.server.stacking.conftest import ZRK, make_world

pytestmark = pytest.mark.browser
PASSWORD = "a long and private passphrase"
TEXTS = {
    "en": {
        "locale": "en-GB",
        "heading": "Award a qualification",
        "what": "What to award",
        "unit": "Only the unit ZE2",
        "learner": "The learner's e-mail address or DID",
        "continue": "Continue",
        "confirm": "Check what will be signed",
        "sign": "Sign and send",
        "awarded": "Awarded. The learner has been sent this link:",
        "rests": "What this qualification rests on",
        "valid": "Valid now; the digest matches the credential issued here.",
    },
    "pl": {
        "locale": "pl-PL",
        "heading": "Nadaj kwalifikację",
        "what": "Co nadać",
        "unit": "Tylko zestaw efektów uczenia się ZE2",
        "learner": None,
        "continue": "Dalej",
        "confirm": None,
        "sign": "Podpisz i wyślij",
        "awarded": "Nadano. Osoba ucząca się otrzymała ten link:",
        "rests": "Na czym opiera się ta kwalifikacja",
        "valid": "Ważne obecnie; skrót odpowiada poświadczeniu wystawionemu tutaj.",
    },
}


@pytest.mark.parametrize("language", ["en", "pl"])
def test_awarding_a_unit_and_verifying_its_components(
    live_server: Any, transactional_db: None, settings: Any, language: str
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    texts = TEXTS[language]
    make_world()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale=texts["locale"]).new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill("izba-owner")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.goto(f"{live_server.url}/workspace/izba-logistyki/awards/new")
        expect(page.get_by_role("heading", level=1)).to_have_text(texts["heading"])
        page.get_by_label(texts["what"]).select_option(label=texts["unit"])
        page.locator("#learner").fill("jan.kowalski@example.pl")
        page.locator("#name").fill("Jan Kowalski")
        assert_accessible(page, f"award form ({language})")
        page.get_by_role("button", name=texts["continue"]).click()
        expect(page.locator("main")).to_contain_text(ZRK)
        page.screenshot(path=str(SHOTS / f"award-1-confirm-{language}.png"), full_page=True)
        assert_accessible(page, f"award confirmation ({language})")
        page.get_by_role("button", name=texts["sign"]).click()
        page.get_by_text(texts["awarded"]).wait_for()
        assert_accessible(page, f"awarded ({language})")

        found: list[str] = []
        in_thread(lambda: found.append(Award.objects.get().credential.document_json))
        page.goto(f"{live_server.url}/verify/")
        page.locator("textarea[name=text]").fill(found[0])
        page.locator("textarea[name=text]").locator("xpath=ancestor::form").locator("button[type=submit]").click()
        stack = page.locator("section.stack")
        expect(stack.get_by_role("heading")).to_have_text(texts["rests"])
        expect(stack.locator("table")).to_contain_text(texts["valid"])
        page.screenshot(path=str(SHOTS / f"award-2-portal-{language}.png"), full_page=True)
        assert_accessible(page, f"portal stack ({language})")
        browser.close()
