"""Browser test (Playwright driving Debian's Chromium): an anonymous visitor verifies a credential file and sees
"verified", then a tampered one and sees "invalid" with the reason. Screenshots go to ``artifacts/screenshots/``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from merit.server.issuing import services
from tests.browser.support import CHROMIUM, FLAGS, SHOTS, assert_accessible
from tests.server.portal.support import micro_credential, tampered

pytestmark = pytest.mark.browser


def test_visitor_verifies_a_good_and_a_tampered_credential(
    live_server: Any, transactional_db: None, settings: Any, tmp_path: Path
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    organisation = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    credential = micro_credential(organisation)
    good = tmp_path / "credential.json"
    good.write_text(json.dumps(credential, ensure_ascii=False), encoding="utf-8")
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(tampered(credential)), encoding="utf-8")
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.goto(f"{live_server.url}/verify/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Verify a credential")
        page.screenshot(path=str(SHOTS / "portal-1-start.png"), full_page=True)
        assert_accessible(page, "portal")

        page.get_by_label("Credential file").set_input_files(str(good))
        page.get_by_role("button", name="Verify the file").click()
        verdict = page.get_by_role("status").filter(has_text="Verified")
        expect(verdict).to_contain_text("Verified: the credential is authentic and valid.")
        expect(page.get_by_role("article", name="What the credential says")).to_contain_text(
            "Installing photovoltaic systems"
        )
        expect(page.get_by_role("link", name="Download the verification receipt (JSON)")).to_be_visible()
        page.screenshot(path=str(SHOTS / "portal-2-verified.png"), full_page=True)
        assert_accessible(page, "portal, verified report")

        page.get_by_label("Credential file").set_input_files(str(bad))
        page.get_by_role("button", name="Verify the file").click()
        verdict = page.get_by_role("status").filter(has_text="Invalid")
        expect(verdict).to_contain_text("Invalid: do not rely on this credential.")
        signature = page.locator('[data-check="signature"]')
        expect(signature).to_contain_text("Invalid")
        expect(signature).to_contain_text("the credential was changed after it was signed")
        page.screenshot(path=str(SHOTS / "portal-3-invalid.png"), full_page=True)
        assert_accessible(page, "portal, invalid report")
        browser.close()


def test_an_open_badges_2_assertion_names_its_issuer_and_a_shopping_list_is_told_what_merit_reads(
    live_server: Any, transactional_db: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    from merit.server.portal import services as portal

    example = (Path(__file__).parents[1] / "data" / "ob2" / "spec-concepts-example.json").read_text()
    hosted = {json.loads(example)["id"]: json.loads(example)}  # The issuer's copy, as example.org would serve it.
    monkeypatch.setattr(portal, "fetch_json", lambda url: hosted[url])
    settings.BASE_URL = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.goto(f"{live_server.url}/verify/")
        page.get_by_label("Credential or presentation (JSON)").fill(example)
        page.get_by_role("button", name="Verify the text").click()
        expect(page.get_by_role("status").filter(has_text="Verified")).to_be_visible()
        expect(page.locator('[data-check="format"]')).to_contain_text("A well-formed Open Badges 2.0 assertion.")
        expect(page.locator('[data-check="issuer"]')).to_contain_text(
            "Issued by Example Maker Society (https://example.org/issuer), which hosts it on its own site; "
            "the name is its own claim."
        )
        page.screenshot(path=str(SHOTS / "portal-5-open-badges-2.png"), full_page=True)
        assert_accessible(page, "portal, Open Badges 2.0 report")

        page.get_by_label("Credential or presentation (JSON)").fill('{"name": "a shopping list"}')
        page.get_by_role("button", name="Verify the text").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "This is not a credential Merit recognises. Merit reads W3C verifiable credentials and presentations"
        )
        page.screenshot(path=str(SHOTS / "portal-6-not-a-credential.png"), full_page=True)
        browser.close()
