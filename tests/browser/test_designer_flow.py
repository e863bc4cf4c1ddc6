"""Browser test (Playwright driving Debian's Chromium): an owner designs a micro-credential, picks an ESCO skill as
they type, sees the completeness check block publishing, completes the mandatory elements, sees publishing
allowed, publishes, and can then issue it. Screenshots are written to ``artifacts/screenshots/``."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from merit.server.accounts.models import Membership, Role
from merit.server.issuing import services
from merit.server.issuing.models import Specification
from tests.browser.support import CHROMIUM, FLAGS, SHOTS, assert_accessible

pytestmark = pytest.mark.browser
MIG = "http://data.europa.eu/esco/skill/f015c5d5-6a1c-4f63-9012-a05f4f34105e"


def test_owner_designs_and_publishes(live_server: Any, transactional_db: None, settings: Any) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    organisation = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    user = get_user_model().objects.create_user("owner", password="a long and private passphrase")
    Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{live_server.url}/workspace/")
        page.get_by_label("Username").fill("owner")
        page.get_by_label("Password").fill("a long and private passphrase")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="Micro-credentials: design, versions and publishing").click()
        page.get_by_role("link", name="Design a new micro-credential").click()
        summary = page.locator("#check-summary")
        expect(summary).to_have_text("2 of 8 mandatory elements complete.")

        page.get_by_label("Short name").fill("mig-welding")
        page.get_by_label("Title (en)").fill("MIG welding of structural steel")
        page.get_by_label("What the learner can do (en)").fill("Weld structural steel joints with MIG equipment.")
        page.get_by_label("Find an ESCO skill").press_sequentially("metal inert", delay=40)
        page.get_by_role("button", name="perform metal inert gas welding").click()
        chosen = page.get_by_role("list", name="ESCO skills")
        expect(chosen.get_by_role("link", name="perform metal inert gas welding")).to_be_visible()
        expect(page.get_by_label("Find an ESCO skill")).to_be_focused()
        expect(summary).to_have_text("4 of 8 mandatory elements complete.")
        publish = page.get_by_role("button", name="Save and publish")
        expect(publish).to_be_disabled()
        expect(page.get_by_role("link", name="Type of quality assurance")).to_be_visible()
        page.screenshot(path=str(SHOTS / "designer-1-incomplete.png"), full_page=True)
        assert_accessible(page, "designer, incomplete")

        page.get_by_label("ECTS credits").fill("2,5")
        page.get_by_label("Practical assessment").check()
        page.get_by_label("Work-based").check()
        page.get_by_label("External quality assurance").check()
        page.get_by_label("EQF level").select_option("4")
        expect(summary).to_have_text("8 of 8 mandatory elements complete.")
        expect(publish).to_be_enabled()
        preview = page.get_by_role("article", name="The credential as the learner sees it")
        expect(preview).to_contain_text("2.5 ECTS credits")
        expect(preview).to_contain_text("perform metal inert gas welding")
        page.screenshot(path=str(SHOTS / "designer-2-complete.png"), full_page=True)
        assert_accessible(page, "designer, complete")

        publish.click()
        page.get_by_text("Version 1 is published.").wait_for()
        expect(page.get_by_role("heading", level=1)).to_have_text("Design: MIG welding of structural steel")
        page.screenshot(path=str(SHOTS / "designer-3-published.png"), full_page=True)
        page.goto(f"{live_server.url}/workspace/college/")
        expect(
            page.get_by_role("link", name="Upload learners for MIG welding of structural steel (version 1)")
        ).to_be_visible()
        browser.close()

    published = Specification.objects.get(organisation=organisation, key="mig-welding")
    assert published.state == "published"
    assert published.data["workload"] == {"ects": 2.5}
    assert published.data["learningOutcomes"][0]["escoSkills"] == [MIG]
    assert published.data["eqfLevel"] == 4
