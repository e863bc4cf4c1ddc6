"""Browser test (Playwright driving Debian's Chromium): Jan applies for validation of ZE3 with his forklift
credential, a portfolio file and a statement; the institution's assessor sees the presentation verified and
recognises the unit after observation at work; Jan reads the decision and its reason. Screenshots are written to
``artifacts/screenshots/``."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from merit.server.accounts.models import Role
from merit.server.issuing.services import create_organisation
from merit.server.passport import services as passport
from merit.server.qualifications import services as qualifications
from tests.browser.support import CHROMIUM, FLAGS, SHOTS, assert_accessible
from tests.server.passport.conftest import issue_to, learner_client, specification_of
from tests.server.people import PASSWORD, member_client
from tests.server.validation.conftest import IRI, accredit, zrk

pytestmark = pytest.mark.browser
LEARNER_PASSWORD = "a long and private passphrase"


def sign_in(page: Any, base: str, name: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_apply_decide_and_read_the_decision(
    live_server: Any, transactional_db: None, settings: Any, tmp_path: Any
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    izba = create_organisation(slug="izba-logistyki", name="Polska Izba Logistyki", country="PL")
    qualifications.save(izba, zrk(), actor="test")
    accredit(izba, IRI)
    jan, _client = learner_client("jan.kowalski@example.pl")
    forklift = specification_of(izba, "forklift-workplace-validation", "forklift-workplace-validation")
    record, _token = issue_to(forklift, "jan.kowalski@example.pl")
    passport.add_credential(jan, record.document_json.encode("utf-8"), source="claim")
    member_client(izba, Role.ASSESSOR, "assessor@izba.example")
    portfolio = tmp_path / "portfolio.pdf"
    portfolio.write_bytes(b"%PDF-1.4\n% stock records kept since 2023\n")
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        sign_in(page, live_server.url, "jan.kowalski@example.pl", LEARNER_PASSWORD)
        page.goto(f"{live_server.url}/passport/")
        page.get_by_role("navigation", name="Passport").get_by_role("link", name="Validation").click()
        page.get_by_role("link", name="Apply for validation").click()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("ZE3").check()
        page.get_by_role("checkbox", name="Forklift").first.check()
        page.get_by_label("Evidence files").set_input_files(str(portfolio))
        page.get_by_label("Your statement").fill("Od trzech lat prowadzę dokumentację magazynową.")
        assert_accessible(page, "application form")
        page.get_by_role("button", name="Send the application").click()
        page.get_by_text("Your application was sent.").wait_for()
        expect(page.get_by_text("Not decided yet")).to_be_visible()
        page.screenshot(path=str(SHOTS / "validation-1-applied.png"), full_page=True)
        assert_accessible(page, "learner's case page")

        assessor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        sign_in(assessor, live_server.url, "assessor@izba.example", PASSWORD)
        assessor.goto(f"{live_server.url}/workspace/izba-logistyki/")
        assessor.get_by_role("link", name="Validation cases").click()
        assessor.get_by_role("row").nth(1).get_by_role("link").click()
        expect(assessor.locator("[data-received]")).to_have_attribute("data-received", "verified")
        expect(assessor.get_by_text("Credential 1 in the presentation")).to_be_visible()
        assessor.get_by_role("radio", name="Recognised", exact=True).check()
        assessor.get_by_label("Method").select_option("observation")
        assessor.get_by_label("Supervision").select_option("supervised-with-id")
        assessor.get_by_role("radio", name="Done", exact=True).check()
        assessor.get_by_label("How (for example").fill("dowód osobisty")
        assessor.get_by_label("Reason").fill("Observed keeping the stock records for a full shift.")
        assessor.screenshot(path=str(SHOTS / "validation-2-assessor.png"), full_page=True)
        assert_accessible(assessor, "assessor's case page")
        assessor.get_by_role("button", name="Record the decision").click()
        assessor.get_by_text("The decision is recorded").wait_for()
        expect(assessor.locator("#award [data-award-state='done']")).to_have_count(1)

        page.reload()
        expect(page.locator("[data-outcome='recognised']")).to_be_visible()
        expect(page.get_by_text("Observed keeping the stock records")).to_be_visible()
        page.screenshot(path=str(SHOTS / "validation-3-decided.png"), full_page=True)
        browser.close()
