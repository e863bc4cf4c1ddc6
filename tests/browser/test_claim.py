"""Browser test (Playwright driving Debian's Chromium), in English and in Swedish: a learner opens the claim link,
sees what she earned, downloads the PDF, creates her passport from the claim, is signed in by the confirmation link
and adds the credential with one button; she imports someone else's credential, which is marked and not counted;
a visitor opens her share page and sees who shared it and the warning; her data page says what stays after
deletion. Every page is checked with axe-core; screenshots go to ``$MERIT_SHOTS`` (default
``artifacts/screenshots/``)."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import translation
from pypdf import PdfReader

from merit.core.microcredential import Learner
from merit.server.delivery import services as delivery
from merit.server.issuing import services
from merit.server.passport.models import HeldCredential
from tests.browser import support
from tests.browser.support import CHROMIUM, FLAGS, ROOT, assert_accessible

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("MERIT_SHOTS", str(support.SHOTS)))


def words(language: str, *texts: str) -> list[str]:
    """``texts`` as the pages say them in ``language`` (from the committed catalogues)."""
    with translation.override(language):
        return [translation.gettext(text) for text in texts]


@pytest.mark.parametrize("language", ["en", "sv"])
def test_a_learner_claims_into_a_new_passport_and_a_foreign_credential_is_marked(
    language: str, live_server: Any, transactional_db: None, settings: Any, tmp_path: Path
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    organisation = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    specification = services.publish_specification(draft, actor="test")
    record = services.issue_from_specification(
        specification, Learner(email="erik@example.se", name="Erik Lind"), actor="test"
    )
    token = delivery.create_link(record, "erik@example.se")
    others = services.issue_from_specification(specification, Learner(email="bo@example.se", name="Bo"), actor="test")
    foreign = tmp_path / "bo.json"
    foreign.write_text(others.document_json, encoding="utf-8")
    title = {"en": "Installing photovoltaic systems", "sv": "Installation av solcellsanläggningar"}[language]
    add, create, sign_up, name, password, email = words(
        language,
        "Add to my passport",
        "Create my passport",
        "Create your competence passport",
        "Your name",
        "Password",
        "E-mail address",
    )
    assert (add == "Lägg till i mitt pass") == (language == "sv")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = f"claim-{language}"
    mail.outbox.clear()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(locale=language, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/claim/{token}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        earned = page.locator(".claim-content")
        expect(earned).to_contain_text("Erik Lind")
        for text in words(language, "Learning outcomes", "Skills", "Workload", "Level"):
            expect(earned).to_contain_text(text)
        expect(earned).to_contain_text(words(language, "EQF level %(level)s")[0] % {"level": 5})
        expect(earned.locator(".chips li").first).to_be_visible()
        expect(page.locator("a.button.primary, button.primary")).to_have_count(1)
        page.screenshot(path=str(SHOTS / f"{shot}-1-claim.png"), full_page=True)
        assert_accessible(page, f"claim page ({language})")
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(SHOTS / f"{shot}-1-claim-phone.png"), full_page=True)
        assert_accessible(page, f"claim page on a phone ({language})")
        page.set_viewport_size({"width": 1280, "height": 900})

        with page.expect_download() as download:
            page.get_by_role(
                "link", name=words(language, "PDF to print or send (the signed credential is attached)")[0]
            ).click()
        pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
        assert pdf.attachments["credential.json"] == [record.document_json.encode("utf-8")]
        assert title in "".join(p.extract_text() for p in pdf.pages)

        page.get_by_role("link", name=add).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(sign_up)
        page.screenshot(path=str(SHOTS / f"{shot}-2-signup.png"), full_page=True)
        assert_accessible(page, f"sign-up from a claim ({language})")
        page.get_by_label(email).fill("erik@example.se")
        page.get_by_label(name).fill("Erik Lind")
        page.get_by_label(password, exact=True).fill("a long and private passphrase 9")
        page.get_by_role("button", name=create).click()
        page.wait_for_url("**/accounts/signup/sent/")
        (message,) = mail.outbox
        confirm = re.search(r"(http://\S+/accounts/verify/\S+)", message.body).group(1)  # type: ignore[union-attr]
        page.goto(confirm)
        page.wait_for_url(f"**/claim/{token}")
        expect(page.get_by_role("status")).to_contain_text(
            words(language, "Your e-mail address is confirmed and you are signed in.")[0]
        )
        page.screenshot(path=str(SHOTS / f"{shot}-3-signed-in.png"), full_page=True)
        page.get_by_role("button", name=add).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.locator('[data-subject="yes"]')).to_have_text(re.compile(words(language, "Issued to you")[0]))
        page.screenshot(path=str(SHOTS / f"{shot}-4-credential.png"), full_page=True)
        assert_accessible(page, f"claimed credential ({language})")

        page.get_by_role("link", name=words(language, "Import")[0], exact=True).click()
        page.get_by_label(words(language, "Credential file")[0], exact=True).set_input_files(str(foreign))
        page.get_by_role("button", name=words(language, "Verify and import")[0]).click()
        warning = words(language, "Not issued to you: it names someone else, so it does not count toward your skills.")[
            0
        ]
        expect(page.get_by_role("note").filter(has_text=warning)).to_be_visible()
        page.screenshot(path=str(SHOTS / f"{shot}-5-foreign.png"), full_page=True)
        assert_accessible(page, f"someone else's credential ({language})")

        page.get_by_role("link", name=words(language, "Credentials")[0], exact=True).click()
        expect(page.locator(".cards li")).to_have_count(2)
        expect(page.locator('.cards [data-subject="no"]')).to_have_count(1)
        page.screenshot(path=str(SHOTS / f"{shot}-6-cards.png"), full_page=True)
        assert_accessible(page, f"passport cards ({language})")

        page.get_by_role("link", name=words(language, "Competence map")[0]).click()
        expect(page.locator("[data-uncounted]")).to_have_attribute("data-uncounted", "1")
        expect(page.locator(".summary")).to_contain_text(re.compile(r"\b1\b"))
        page.screenshot(path=str(SHOTS / f"{shot}-7-map.png"), full_page=True)
        assert_accessible(page, f"competence map ({language})")

        page.get_by_role("link", name=words(language, "Share")[0], exact=True).click()
        for box in page.get_by_role("checkbox").all():
            box.check()
        expect(page.get_by_label(words(language, "Your name as visitors see it")[0])).to_have_value("Erik Lind")
        page.get_by_role("button", name=words(language, "Create the link")[0]).click()
        share_url = page.get_by_role("status").get_by_role("link").first.get_attribute("href")
        page.screenshot(path=str(SHOTS / f"{shot}-8-shares.png"), full_page=True)
        assert_accessible(page, f"share page ({language})")

        visitor = browser.new_context(locale=language).new_page()
        visitor.goto(share_url)  # type: ignore[arg-type]
        expect(visitor.locator(".shared-by")).to_contain_text(
            words(language, "Shared by %(name)s.")[0] % {"name": "Erik Lind"}
        )
        cards = visitor.locator("article")
        expect(cards).to_have_count(2)
        theirs = cards.filter(has=visitor.locator('[data-subject="no"]'))
        expect(theirs.get_by_role("note")).to_have_text(
            re.compile(
                re.escape(
                    words(language, "Not issued to the person sharing this: the credential names someone else.")[0]
                )
            )
        )
        expect(cards.filter(has=visitor.locator('[data-subject="yes"]'))).to_have_count(1)
        visitor.screenshot(path=str(SHOTS / f"{shot}-9-shared.png"), full_page=True)
        assert_accessible(visitor, f"shared page ({language})")

        page.goto(f"{live_server.url}/passport/account")
        page.screenshot(path=str(SHOTS / f"{shot}-10-account.png"), full_page=True)
        assert_accessible(page, f"your data ({language})")
        page.goto(f"{live_server.url}/passport/account/delete")
        expect(page.locator(".remains")).to_contain_text("Yrkeshögskolan Norr")
        page.screenshot(path=str(SHOTS / f"{shot}-11-delete.png"), full_page=True)
        assert_accessible(page, f"delete page ({language})")
        page.get_by_role("textbox").fill("erik@example.se")
        page.get_by_role("button", name=words(language, "Delete my account")[0]).click()
        expect(page.locator(".remains")).to_contain_text("Yrkeshögskolan Norr")
        page.screenshot(path=str(SHOTS / f"{shot}-12-deleted.png"), full_page=True)
        assert_accessible(page, f"account deleted ({language})")
        browser.close()

    assert not HeldCredential.objects.exists()


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_owner_gives_the_organisations_linkedin_id(
    language: str, live_server: Any, transactional_db: None, settings: Any
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    from merit.server.accounts.models import Organisation, Role
    from tests.server.people import PASSWORD, person

    settings.BASE_URL = live_server.url
    organisation = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    owner = person("owner@college.example")
    organisation.memberships.create(user=owner, role=Role.OWNER)
    label, save = words(language, "LinkedIn organisation id (optional)", "Save the profile")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(locale=language, viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/workspace/college/profile")
        page.locator("#id_username").fill("owner@college.example")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.get_by_label(label).fill("linkedin.com/company/4711042")
        page.get_by_role("button", name=save).click()
        expect(page.get_by_text(words(language, "Enter the number only, such as 12345678.")[0])).to_be_visible()
        page.screenshot(path=str(SHOTS / f"claim-{language}-13-profile-error.png"), full_page=True)
        assert_accessible(page, f"profile with an error ({language})")
        page.get_by_label(label).fill("4711042")
        page.get_by_role("button", name=save).click()
        expect(page.get_by_label(label)).to_have_value("4711042")
        browser.close()
    assert Organisation.objects.get(slug="college").linkedin_id == "4711042"
