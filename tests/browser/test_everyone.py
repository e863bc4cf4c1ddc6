"""Browser tests (Playwright driving Debian's Chromium), in English and in Swedish: the landing page, switching the
language and staying in it from page to page, the styled 404 and 410 pages, and the verification report of a
tampered credential, whose content rows say "not checked". Screenshots go to ``artifacts/screenshots/`` (or
``$MERIT_SHOTS``)."""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from merit.core.microcredential import Learner
from merit.server.accounts.models import Membership, Role
from merit.server.delivery import services as delivery
from merit.server.delivery.models import ClaimLink
from merit.server.issuing import services
from tests.browser.support import CHROMIUM, FLAGS, SHOTS, assert_accessible, in_thread
from tests.server.portal.support import micro_credential, tampered

pytestmark = pytest.mark.browser
SHOTS_HERE = Path(os.environ.get("MERIT_SHOTS", str(SHOTS)))
PASSWORD = "a long and private passphrase"

WORDS = {
    "en": {
        "title": "Merit: micro-credentials you can check",
        "issuers": "For issuers",
        "verify": "Verify a credential",
        "sign in": "Sign in",
        "passport": "My passport",
        "yours": "Your places in Merit",
        "workspace": "Workspace of Yrkeshögskolan Norr",
        "not found": "Not found",
        "gone": "This link no longer works",
        "home": "Merit's home page",
        "switch": "Change language",
        "language": "Language",
        "not checked": "Not checked",
        "untrusted": "The signature did not verify, so this content cannot be trusted.",
        "invalid": "Invalid: do not rely on this credential.",
        "button": "Verify the text",
        "field": "Credential or presentation (JSON)",
        "name": "English",
    },
    "sv": {
        "title": "Merit: mikromeriter som går att kontrollera",
        "issuers": "För utfärdare",
        "verify": "Verifiera ett intyg",
        "sign in": "Logga in",
        "passport": "Mitt pass",
        "yours": "Dina platser i Merit",
        "workspace": "Arbetsyta för Yrkeshögskolan Norr",
        "not found": "Hittades inte",
        "gone": "Den här länken fungerar inte längre",
        "home": "Merits startsida",
        "switch": "Byt språk",
        "language": "Språk",
        "not checked": "Inte kontrollerad",
        "untrusted": "Signaturen kunde inte verifieras, så innehållet går inte att lita på.",
        "invalid": "Ogiltigt: lita inte på det här intyget.",
        "button": "Verifiera texten",
        "field": "Intyg eller presentation (JSON)",
        "name": "Svenska",
    },
}
OTHER = {"en": "sv", "sv": "en"}


def _browser(playwright: Any) -> Any:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_landing_page_switching_language_and_error_pages(
    live_server: Any, transactional_db: None, settings: Any, language: str
) -> None:
    """A visitor arrives in the other language, switches to ``language`` with the switcher and stays in it on the
    landing page, the portal, a 404 and an expired claim link's 410; then signs in and sees their workspace."""
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    words, before = WORDS[language], WORDS[OTHER[language]]
    organisation = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    user = get_user_model().objects.create_user("ines", password=PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)
    data = json.loads((Path(__file__).parents[2] / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    specification = services.publish_specification(draft, actor="test")
    record = services.issue_from_specification(specification, Learner(email="a@example.se"), actor="test")
    token = delivery.create_link(record, "a@example.se")
    SHOTS_HERE.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(
            viewport={"width": 1300, "height": 900}, locale="sv-SE" if OTHER[language] == "sv" else "en-GB"
        )
        page.goto(f"{live_server.url}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(before["title"])

        # Switch with the keyboard-reachable form: label, select, button.
        switcher = page.get_by_label(before["language"])
        expect(switcher).to_have_value(OTHER[language])
        switcher.select_option(language)
        page.get_by_role("button", name=before["switch"]).click()
        expect(page).to_have_url(f"{live_server.url}/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
        expect(page.get_by_role("heading", name=words["issuers"])).to_be_visible()
        hero = page.get_by_role("region", name=words["title"])
        expect(hero.get_by_role("link", name=words["verify"])).to_be_visible()
        expect(hero.get_by_role("link", name=words["sign in"])).to_be_visible()
        expect(hero.get_by_role("link", name=words["passport"])).to_be_visible()
        expect(page.get_by_label(words["language"])).to_have_value(language)
        assert page.locator(f'option[value="{language}"]').get_attribute("lang") == language
        icon = page.locator('link[rel="icon"]').get_attribute("href")
        assert icon
        assert page.request.get(f"{live_server.url}{icon}").ok
        page.screenshot(path=str(SHOTS_HERE / f"everyone-landing-{language}.png"), full_page=True)
        assert_accessible(page, f"landing page ({language})")

        # The choice lasts: the portal, a page that does not exist and an expired link are in it too.
        hero.get_by_role("link", name=words["verify"]).click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_have_text(words["verify"])

        answer = page.goto(f"{live_server.url}/no/such/page")
        assert answer is not None
        assert answer.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text(words["not found"])
        expect(page.get_by_role("link", name=words["home"])).to_be_visible()
        assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
        assert page.locator('link[rel="stylesheet"]').count() >= 1
        page.screenshot(path=str(SHOTS_HERE / f"everyone-404-{language}.png"), full_page=True)
        assert_accessible(page, f"404 page ({language})")

        # The claim page has the switcher too; once the link expires it is the styled 410 page.
        page.goto(f"{live_server.url}/claim/{token}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_label(words["language"])).to_have_value(language)
        page.screenshot(path=str(SHOTS_HERE / f"everyone-claim-{language}.png"), full_page=True)
        assert_accessible(page, f"claim page ({language})")
        in_thread(lambda: ClaimLink.objects.update(expires_at=timezone.now() - timedelta(days=1)))
        answer = page.goto(f"{live_server.url}/claim/{token}")
        assert answer is not None
        assert answer.status == 410
        expect(page.get_by_role("heading", level=1)).to_have_text(words["gone"])
        page.screenshot(path=str(SHOTS_HERE / f"everyone-410-{language}.png"), full_page=True)
        assert_accessible(page, f"410 page ({language})")

        # Signed in, the landing page leads to the passport and the workspace; the language stays.
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill("ines")
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name=words["sign in"]).click()
        page.goto(f"{live_server.url}/")
        expect(page.get_by_role("heading", name=words["yours"])).to_be_visible()
        page.get_by_role("link", name=words["workspace"]).click()
        expect(page).to_have_url(f"{live_server.url}/workspace/college/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.goto(f"{live_server.url}/")
        page.screenshot(path=str(SHOTS_HERE / f"everyone-landing-signed-in-{language}.png"), full_page=True)
        assert_accessible(page, f"landing page, signed in ({language})")
        browser.close()


@pytest.mark.parametrize("language", ["en", "sv"])
def test_a_tampered_credentials_report_shows_not_checked(
    live_server: Any, transactional_db: None, settings: Any, language: str
) -> None:
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    words = WORDS[language]
    organisation = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    document = tampered(micro_credential(organisation))
    SHOTS_HERE.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = _browser(playwright)
        page = browser.new_page(
            viewport={"width": 1300, "height": 1000}, locale="sv-SE" if language == "sv" else "en-GB"
        )
        page.goto(f"{live_server.url}/verify/")
        page.get_by_label(words["field"]).fill(json.dumps(document))
        page.get_by_role("button", name=words["button"]).click()
        expect(page.get_by_role("status").filter(has_text=words["invalid"])).to_be_visible()
        for key in ("status", "validity", "completeness"):
            row = page.locator(f'[data-check="{key}"]')
            expect(row).to_contain_text(words["not checked"])
            expect(row).to_contain_text(words["untrusted"])
            expect(row).not_to_contain_text("✓")
        checked = page.locator(".checked-at").inner_text()
        assert not re.search(r"\d{4}-\d{2}-\d{2}", checked), checked
        page.screenshot(path=str(SHOTS_HERE / f"everyone-tampered-{language}.png"), full_page=True)
        assert_accessible(page, f"tampered report ({language})")
        browser.close()
