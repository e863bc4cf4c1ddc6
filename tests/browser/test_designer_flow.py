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


# What the second flow reads on the page, in each language.
WORDS = {
    "en": {
        "eqf4": "EQF level 4",
        "saved": "Saved as draft version 1.",
        "outside": "EQF level 7 is not among the accredited levels",
        "heading": "Outside your accreditation",
        "refused": "but not published",
        "published": "Version 1 is published.",
        "again": "Version 1 is already published; nothing changed.",
        "missing": "mandatory elements are missing",
        "summary": "8 of 8 mandatory elements complete.",
    },
    "sv": {
        "eqf4": "EQF-nivå 4",
        "saved": "Sparad som utkast, version 1.",
        "outside": "EQF-nivå 7 hör inte till de ackrediterade nivåerna",
        "heading": "Utanför er ackreditering",
        "refused": "men inte publicerad",
        "published": "Version 1 är publicerad.",
        "again": "Version 1 är redan publicerad; inget ändrades.",
        "missing": "obligatoriska element saknas",
        "summary": "8 av 8 obligatoriska element är ifyllda.",
    },
}


def _accredited_college() -> Any:
    """The college, accredited for EQF levels 4–5 by an agency (so EQF 7 is outside its scope)."""
    from merit.core import trust
    from merit.server.registry import services as registry

    organisation = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    agency = registry.create_authority(slug="agency", name="Myndigheten för yrkeshögskolan", country="SE")
    reviewer = get_user_model().objects.create_user("reviewer", password="a long and private passphrase")
    Membership.objects.create(user=reviewer, organisation=agency.organisation, role=Role.ISSUER)
    application = registry.apply(
        organisation,
        agency,
        scope=trust.Scope(eqf_min=4, eqf_max=5),
        qa_framework="EQAVET",
        accrediting_body="MYH",
        actor="owner",
    )
    registry.approve(application, user=reviewer)
    user = get_user_model().objects.create_user("owner", password="a long and private passphrase")
    Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)
    return organisation


@pytest.mark.parametrize("language", ["en", "sv"])
def test_save_moves_to_its_own_address_publish_warns_outside_the_scope_and_republish_says_published(
    live_server: Any, transactional_db: None, settings: Any, language: str
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    import re

    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    words = WORDS[language]
    organisation = _accredited_college()
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="sv-SE" if language == "sv" else "en-GB"
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill("owner")
        page.locator("#id_password").fill("a long and private passphrase")
        page.locator("main button[type=submit]").click()
        page.goto(f"{live_server.url}/workspace/college/specifications/new")
        expect(page.locator("#eqf option[value='4']")).to_have_text(words["eqf4"])

        # Saving a new design moves to the micro-credential's own address.
        page.locator("#key").fill("mig-welding")
        page.locator(f"#title__{language}").fill("MIG-svetsning" if language == "sv" else "MIG welding")
        page.locator("button[value=save]").click()
        expect(page).to_have_url(re.compile(r"/workspace/college/specifications/mig-welding/$"))
        expect(page.locator("main > div[role=status]")).to_contain_text(words["saved"])

        # Complete it at EQF level 7, outside the accredited 4–5: the check warns before publishing.
        page.locator(f"#outcome_0__{language}").fill(
            "Svetsa stålkonstruktioner." if language == "sv" else "Weld steel."
        )
        page.locator("#ects").fill("2,5")
        page.locator("input[name=assessment_types][value=practical-assessment]").check()
        page.locator("input[name=mode][value=work-based]").check()
        page.locator("input[name=qa_type][value=external]").check()
        page.locator("#eqf").select_option("7")
        expect(page.locator("#check-summary")).to_have_text(words["summary"])
        warning = page.locator("#outside-scope")
        expect(warning).to_contain_text(words["heading"])
        expect(warning).to_contain_text(words["outside"])
        page.screenshot(path=str(SHOTS / f"designer-scope-warning-{language}.png"), full_page=True)
        assert_accessible(page, f"designer, outside the scope ({language})")

        # Publishing without ticking "publish anyway" keeps a draft and says why.
        page.locator("#publish").click()
        expect(page.locator("main > div[role=status]")).to_contain_text(words["refused"])
        expect(page.locator("main > div[role=status]")).to_contain_text(words["outside"])
        expect(page).to_have_url(re.compile(r"/specifications/mig-welding/$"))
        page.locator("input[name=publish_outside_scope]").check()
        page.locator("#publish").click()
        expect(page.locator("main > div[role=status]")).to_contain_text(words["published"])

        # Publishing the unchanged published version again says it is published, not that elements are missing.
        page.locator("#publish").click()
        expect(page.locator("main > div[role=status]")).to_contain_text(words["again"])
        expect(page.locator("main > div[role=status]")).not_to_contain_text(words["missing"])
        page.screenshot(path=str(SHOTS / f"designer-republished-{language}.png"), full_page=True)

        # The workload box stays in its column beside the side panel, at every width (one column when narrow).
        for width in (1280, 1024, 768, 375):
            page.set_viewport_size({"width": width, "height": 900})
            box = page.locator("#ects").locator("xpath=ancestor::fieldset[1]").bounding_box()
            panel = page.locator("#check").bounding_box()
            assert box is not None
            assert panel is not None
            if width >= 1024:
                assert box["x"] + box["width"] <= panel["x"] + 1, f"workload box runs under the panel at {width}"
            else:
                assert box["y"] + box["height"] <= panel["y"] + 1, f"one column at {width}"
            assert box["x"] + box["width"] <= width, f"workload box wider than the screen at {width}"
            page.locator("#ects").scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / f"designer-width-{width}-{language}.png"))
        browser.close()

    published = Specification.objects.get(organisation=organisation, key="mig-welding")
    assert (published.version, published.state, published.data["eqfLevel"]) == (1, "published", 7)
