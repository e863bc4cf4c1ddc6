"""Browser test (Playwright driving Debian's Chromium): a learner claims a credential from the e-mail link, sees it
on the competence map, creates a share link; an anonymous visitor opens it and sees "verified"; the issuer
revokes; the shared page now shows "revoked". The learner also imports an Open Badges 3.0 credential from another
issuer. Every page is checked with axe-core; screenshots are written to ``artifacts/screenshots/``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner, parse_spec, render_credential
from merit.server.accounts.services import mark_verified
from merit.server.delivery import services as delivery
from merit.server.issuing import services
from merit.server.passport.models import HeldCredential
from tests.browser.support import CHROMIUM, FLAGS, ROOT, SHOTS, assert_accessible, in_thread

pytestmark = pytest.mark.browser


def external_open_badge(tmp_path: Path) -> Path:
    """An Open Badges 3.0 micro-credential from an issuer outside this installation (a did:key)."""
    key = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    spec = parse_spec(json.loads((ROOT / "examples" / "data-analysis-university-online.json").read_text()))
    unsigned = render_credential(spec, Learner(email="anna@example.se", name="Anna"), key.controller)
    path = tmp_path / "data-analysis.json"
    path.write_text(json.dumps(sign_credential(unsigned, key), ensure_ascii=False), encoding="utf-8")
    return path


def test_learner_claims_maps_shares_and_the_share_shows_revocation(
    live_server: Any, transactional_db: None, settings: Any, tmp_path: Path
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
    passphrase = "a long and private passphrase"
    learner = get_user_model().objects.create_user("anna@example.se", "anna@example.se", passphrase)
    mark_verified(learner)
    record = services.issue_from_specification(specification, Learner(email="anna@example.se"), actor="test")
    delivery.send_claim_email(record.pk, delivery.create_link(record, "anna@example.se"))
    claim_url = re.search(r"(http://\S+/claim/\S+)", mail.outbox[-1].body).group(1)  # type: ignore[union-attr]
    imported = external_open_badge(tmp_path)
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(claim_url)
        page.get_by_role("link", name="I already have a passport: sign in").click()
        page.get_by_label("Username").fill("anna@example.se")
        page.get_by_label("Password").fill("a long and private passphrase")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Add to my passport").click()
        page.get_by_text("The credential is now in your passport.").wait_for()
        expect(page.get_by_role("heading", level=1)).to_have_text("Installing photovoltaic systems")
        page.screenshot(path=str(SHOTS / "passport-1-credential.png"), full_page=True)
        assert_accessible(page, "credential page")

        page.get_by_role("link", name="Competence map").click()
        expect(page.get_by_text("install photovoltaic systems")).to_be_visible()
        page.screenshot(path=str(SHOTS / "passport-2-map.png"), full_page=True)
        assert_accessible(page, "competence map")

        page.get_by_role("link", name="Share", exact=True).click()
        page.get_by_label("Installing photovoltaic systems").check()
        page.get_by_role("button", name="Create the link").click()
        share_url = page.get_by_role("status").get_by_role("link").first.get_attribute("href")
        page.screenshot(path=str(SHOTS / "passport-3-share.png"), full_page=True)
        assert_accessible(page, "share page")

        visitor = browser.new_context().new_page()
        visitor.goto(share_url)  # type: ignore[arg-type]
        expect(visitor.get_by_text("Verified: the credential is authentic and valid.")).to_be_visible()
        expect(visitor.locator(".badge.state-valid")).to_be_visible()
        visitor.screenshot(path=str(SHOTS / "passport-4-shared.png"), full_page=True)
        assert_accessible(visitor, "shared page")

        in_thread(lambda: services.set_status(organisation, record.credential_id, "revoked", reason="error", actor="t"))
        visitor.reload()
        expect(visitor.locator(".badge.state-revoked")).to_have_text("✗ Revoked")
        expect(visitor.get_by_text("The issuer has revoked this credential.").first).to_be_visible()
        visitor.screenshot(path=str(SHOTS / "passport-5-shared-revoked.png"), full_page=True)
        visitor.goto(f"{live_server.url}/verify/")
        visitor.get_by_label("Credential or presentation (JSON)").fill(record.document_json)
        visitor.get_by_role("button", name="Verify the text").click()
        expect(visitor.get_by_text("The issuer has revoked this credential.").first).to_be_visible()
        expect(visitor.get_by_role("status").filter(has_text="Invalid")).to_be_visible()
        visitor.screenshot(path=str(SHOTS / "passport-6-portal-revoked.png"), full_page=True)
        assert_accessible(visitor, "portal report")

        page.get_by_role("link", name="Import", exact=True).click()
        page.get_by_label("Credential file", exact=True).set_input_files(str(imported))
        page.get_by_role("button", name="Verify and import").click()
        page.get_by_text("The credential was verified and added to your passport.").wait_for()
        expect(page.get_by_role("heading", level=1)).to_have_text("Applied data analysis with Python")
        page.get_by_role("link", name="Credentials", exact=True).click()
        expect(page.locator(".cards li")).to_have_count(2)
        page.screenshot(path=str(SHOTS / "passport-7-home.png"), full_page=True)
        assert_accessible(page, "passport")
        browser.close()

    assert HeldCredential.objects.filter(owner=learner).count() == 2
    assert bytes(HeldCredential.objects.get(owner=learner, source="import").original) == imported.read_bytes()


def test_the_cards_tell_the_accredited_issuer_from_its_unaccredited_namesake(
    live_server: Any, transactional_db: None, settings: Any
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    from merit.server.passport import services as passport
    from tests.server.portal.test_truth import accredit

    settings.BASE_URL = live_server.url
    college = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    impostor = services.create_organisation(slug="impostor", name="Yrkeshogskolan norr", country="SE")
    accredit(college)
    learner = get_user_model().objects.create_user("anna@example.se", "anna@example.se", "a long passphrase here")
    mark_verified(learner)
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    for organisation, title in ((college, None), (impostor, "Solar installation (copy)")):
        if title:
            data = {**data, "title": {"sv": "Solceller (kopia)", "en": title}}
        draft, _ = services.save_specification(organisation, "solar", data, actor="test")
        specification = services.publish_specification(draft, actor="test")
        record = services.issue_from_specification(specification, Learner(email="anna@example.se"), actor="test")
        passport.add_credential(learner, record.document_json.encode("utf-8"), source=HeldCredential.Source.CLAIM)
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 700})
        page.goto(f"{live_server.url}/accounts/login/?next=/passport/")
        page.get_by_label("Username").fill("anna@example.se")
        page.get_by_label("Password").fill("a long passphrase here")
        page.get_by_role("button", name="Sign in").click()
        cards = page.locator(".cards li")
        expect(cards).to_have_count(2)
        genuine = cards.filter(has_text="Installing photovoltaic systems")
        expect(genuine.locator(".standing")).to_have_text("✓ Accredited by Myndigheten för yrkeshögskolan")
        expect(genuine.get_by_role("note")).to_have_count(0)
        copy = cards.filter(has_text="Solar installation (copy)")
        expect(copy.locator(".standing")).to_have_text("– Not accredited: the name is the issuer's own claim")
        expect(copy.get_by_role("note")).to_contain_text(
            "Warning about the issuer's name: Beware: this issuer is not the accredited organisation "
            "“Yrkeshögskolan Norr”, whose name it uses."
        )
        page.screenshot(path=str(SHOTS / "passport-8-cards-accreditation.png"), full_page=True)
        assert_accessible(page, "passport cards")
        browser.close()
