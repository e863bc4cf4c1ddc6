"""Browser test (Playwright driving Debian's Chromium), in English and Swedish: an issuer searches the credentials
list for a learner by name (without accents), opens the confirmation page of "Revoke", is refused without a reason,
revokes with one, sees the state change; a bulk revocation is confirmed on its own page; the verification report
then says when and why; the learner's details are erased on request; a bad search date is explained. Axe checks
every page; screenshots go to ``artifacts/screenshots/``."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from merit.core.microcredential import Learner
from merit.server.accounts.models import Membership, Role
from merit.server.delivery import services as delivery
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential
from tests.browser.support import CHROMIUM, FLAGS, ROOT, SHOTS, assert_accessible

pytestmark = pytest.mark.browser

TEXT = {
    "en": {
        "search": "Search",
        "found": "Showing 1–1 of 1.",
        "revoke": "Revoke…",
        "consequence": "Revoking is permanent: verifiers will report this credential as revoked from now on.",
        "reason": "Reason (required)",
        "confirm": "Yes, revoke",
        "missing": "Give the reason for revoking.",
        "done": "The credential is now revoked.",
        "revoked": "Revoked",
        "select": "Select the credential of Erik Lind",
        "bulk": "Revoke selected…",
        "bulk_heading": "Revoke 1 credential?",
        "report": "the issuer revoked this credential.",
        "paste": "Credential or presentation (JSON)",
        "verify": "Verify the text",
        "erase": "Erase the learner's details…",
        "erase_heading": "Erase the learner's details?",
        "erase_confirm": "Yes, erase",
        "erased": "The learner's name and address are erased from your records.",
        "bad_date": "Write dates as YYYY-MM-DD",
    },
    "sv": {
        "search": "Sök",
        "found": "Visar 1–1 av 1.",
        "revoke": "Återkalla…",
        "consequence": "Återkallelse är permanent: från och med nu får den som kontrollerar intyget veta",
        "reason": "Skäl (obligatoriskt)",
        "confirm": "Ja, återkalla",
        "missing": "Ange skälet till återkallelsen.",
        "done": "Intyget är nu återkallat.",
        "revoked": "Återkallat",
        "select": "Välj intyget för Erik Lind",
        "bulk": "Återkalla valda…",
        "bulk_heading": "Återkalla 1 intyg?",
        "report": "återkallade utfärdaren det här intyget.",
        "paste": "Intyg eller presentation (JSON)",
        "verify": "Verifiera texten",
        "erase": "Radera deltagarens uppgifter…",
        "erase_heading": "Radera deltagarens uppgifter?",
        "erase_confirm": "Ja, radera",
        "erased": "Deltagarens namn och adress är raderade ur dina register.",
        "bad_date": "Skriv datum som ÅÅÅÅ-MM-DD",
    },
}


@pytest.mark.parametrize("language", ["en", "sv"])
def test_issuer_finds_a_learner_and_revokes_with_a_reason(
    live_server: Any, transactional_db: None, settings: Any, language: str
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    words = TEXT[language]
    settings.BASE_URL = live_server.url
    organisation = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    specification = services.publish_specification(draft, actor="test")
    issued = {}
    for email, name in [("asa@example.se", "Åsa Öberg"), ("erik@example.se", "Erik Lind"), ("bo@example.se", "Bo Ek")]:
        issued[name] = delivery.issue_one(specification, Learner(email=email, name=name), actor="test")[0]
    asa, bo = issued["Åsa Öberg"], issued["Bo Ek"]
    user = get_user_model().objects.create_user("issuer", password="a long and private passphrase")
    Membership.objects.create(user=user, organisation=organisation, role=Role.ISSUER)
    signed_in = Client()
    signed_in.force_login(user)
    session = signed_in.cookies["sessionid"].value
    SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(page: Any, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"credentials-{language}-{name}.png"), full_page=True)

    # No ORM call runs in this thread while Playwright's event loop is running.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/workspace/college/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        shot(page, "1-dashboard")
        assert_accessible(page, "dashboard")

        page.goto(f"{live_server.url}/workspace/college/credentials/")
        page.locator("#q").fill("asa oberg")
        page.get_by_role("button", name=words["search"], exact=True).click()
        expect(page.get_by_role("status").filter(has_text=words["found"])).to_be_visible()
        rows = page.locator("tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Åsa Öberg")
        expect(rows.first).to_contain_text("asa@example.se")
        shot(page, "2-search")
        assert_accessible(page, "credentials list")

        rows.first.get_by_role("link", name=words["revoke"]).click()
        expect(page.get_by_text(words["consequence"])).to_be_visible()
        shot(page, "3-confirm")
        assert_accessible(page, "confirmation")
        # The browser asks for the reason first (required); without it the server says so too.
        page.locator("#reason").evaluate("element => element.removeAttribute('required')")
        page.get_by_role("button", name=words["confirm"]).click()
        expect(page.get_by_role("alert")).to_contain_text(words["missing"])
        assert_accessible(page, "confirmation with an error")
        page.get_by_label(words["reason"]).fill("Issued in error: wrong course")
        page.get_by_role("button", name=words["confirm"]).click()
        expect(page.get_by_text(words["done"])).to_be_visible()
        assert "q=asa+oberg" in page.url  # Back to the search the issuer came from.
        expect(page.locator("tbody tr").first.locator(".badge")).to_have_text(words["revoked"])
        shot(page, "4-revoked")
        assert_accessible(page, "list after revocation")

        page.goto(f"{live_server.url}/workspace/college/credentials/")
        page.get_by_label(words["select"]).check()
        page.get_by_role("button", name=words["bulk"]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(words["bulk_heading"])
        shot(page, "5-bulk-confirm")
        assert_accessible(page, "bulk confirmation")
        page.get_by_label(words["reason"]).fill("Course cancelled")
        page.get_by_role("button", name=words["confirm"]).click()
        expect(page.get_by_text(words["done"])).to_be_visible()

        page.goto(f"{live_server.url}/workspace/college/credentials/{asa.pk}/")
        shot(page, "6-credential")
        assert_accessible(page, "credential page")

        page.goto(f"{live_server.url}/workspace/college/credentials/{bo.pk}/")
        page.get_by_role("link", name=words["erase"]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(words["erase_heading"])
        shot(page, "8-erase-confirm")
        assert_accessible(page, "erase confirmation")
        page.get_by_role("button", name=words["erase_confirm"]).click()
        expect(page.get_by_text(words["erased"])).to_be_visible()

        page.goto(f"{live_server.url}/workspace/college/credentials/?issued_after=31.12.2027")
        expect(page.get_by_role("alert")).to_contain_text(words["bad_date"])
        shot(page, "9-bad-search")
        assert_accessible(page, "list with a search error")

        page.goto(f"{live_server.url}/verify/")
        page.get_by_label(words["paste"]).fill(asa.document_json)
        page.get_by_role("button", name=words["verify"]).click()
        change = page.locator(".status-change")
        expect(change).to_contain_text(words["report"])
        expect(change.locator("blockquote")).to_have_text("Issued in error: wrong course")
        shot(page, "7-report")
        assert_accessible(page, "verification report")
        browser.close()

    states = dict(IssuedCredential.objects.values_list("learner_name", "state"))
    assert states == {"Åsa Öberg": "revoked", "Erik Lind": "revoked", "": "valid"}
    assert IssuedCredential.objects.get(pk=bo.pk).learner_erased_at is not None
    assert IssuedCredential.objects.get(pk=asa.pk).state_reason == "Issued in error: wrong course"
