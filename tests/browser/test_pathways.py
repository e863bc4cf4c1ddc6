"""Browser test (Playwright driving Debian's Chromium): a learner finds a qualification in the passport, follows it,
sees the unit their credential covers done and the others missing, in the chart and the table, with what would fill
the gap; after the issuer revokes the credential, the page says why it no longer counts. Every page is checked with
axe-core; screenshots go to ``artifacts/screenshots/``."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from merit.server.issuing import services
from merit.server.passport import services as passport
from merit.server.qualifications.models import Following
from tests.browser.support import CHROMIUM, FLAGS, SHOTS, assert_accessible, in_thread

pytestmark = pytest.mark.browser


def test_learner_follows_a_qualification_and_sees_progress(
    live_server: Any, transactional_db: None, settings: Any
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    from tests.server.passport.conftest import issue_to, learner_client, specification_of
    from tests.server.passport.test_pathways import accredit, map_to, save_qualification

    settings.BASE_URL = live_server.url
    college = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    registry_org = services.create_organisation(slug="registry", name="Registry", country="SE")
    solar = specification_of(college, "solar-installation-vocational", "solar")
    roof = specification_of(college, "solar-installation-vocational", "roof")
    row = save_qualification(registry_org)
    map_to(solar, "S1")
    map_to(roof, "S3")
    accredit(college)
    learner, _client = learner_client("anna@example.se")
    learner.set_password("a long and private passphrase")
    learner.save()
    record, _token = issue_to(solar, "anna@example.se")
    passport.add_credential(learner, record.document_json.encode("utf-8"), source="claim")
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/accounts/login/?next=/passport/pathways/")
        page.get_by_label("Username").fill("anna@example.se")
        page.get_by_label("Password").fill("a long and private passphrase")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your way to qualifications")
        expect(page.locator(f'tr[data-qualification="{row.pk}"]')).to_contain_text("1 of 4")
        page.get_by_label("Code or words of its title or units").fill("solcell")
        page.get_by_role("button", name="Search").click()
        page.locator("#found").get_by_role("link", name="Follow").click()
        assert_accessible(page, "follow confirmation")
        page.get_by_role("button", name="Follow").click()
        page.get_by_text("You now follow this qualification.").wait_for()
        expect(page.locator("#pathway-chart svg")).to_be_visible()
        expect(page.locator('#units tr[data-state="done"]')).to_have_count(1)
        expect(page.locator('#units tr[data-state="missing"]')).to_have_count(3)
        expect(page.locator("#gaps")).to_contain_text("Yrkeshögskolan Norr")
        page.screenshot(path=str(SHOTS / "pathways-1-progress.png"), full_page=True)
        assert_accessible(page, "progress page")

        in_thread(lambda: services.set_status(college, record.credential_id, "revoked", reason="error", actor="t"))
        page.reload()
        expect(page.locator('#excluded tr[data-reason="revoked"]')).to_contain_text("it has been revoked")
        expect(page.locator('#units tr[data-state="done"]')).to_have_count(0)
        page.screenshot(path=str(SHOTS / "pathways-2-revoked.png"), full_page=True)
        assert_accessible(page, "progress page, credential revoked")
        page.get_by_role("link", name="Qualifications", exact=True).click()
        assert_accessible(page, "qualifications")
        browser.close()

    assert Following.objects.filter(user=learner, qualification=row).exists()
