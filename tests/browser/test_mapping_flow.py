"""Browser test (Playwright driving Debian's Chromium): a designer finds a qualification, maps the micro-credential
to a unit, the registry authority's reviewer approves it, and the designer sees it approved; each page passes the
axe-core WCAG 2.2 AA check without a Content Security Policy report. Screenshots go to ``artifacts/screenshots/``."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from merit.core.qualifications.model import Qualification, Unit
from merit.server.issuing import services
from merit.server.qualifications import services as qualifications
from merit.server.registry import services as registry
from tests.browser.support import CHROMIUM, FLAGS, ROOT, SHOTS, assert_accessible
from tests.browser.test_registry_flow import PASSWORD, owner_of, sign_in

pytestmark = pytest.mark.browser
ZRK = "https://zrk.example/kwalifikacje/90001"


def test_map_a_unit_and_approve_it(live_server: Any, transactional_db: None, settings: Any) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    authority = registry.create_authority(slug="zrk", name="Rejestr kwalifikacji", country="PL")
    owner_of(authority.organisation, "reviewer")
    qualifications.save(
        authority.organisation,
        Qualification(
            iri=ZRK,
            code="90001",
            kind="partial",
            title={"pl": "Obsługa magazynu z wykorzystaniem wózków jezdniowych", "en": "Warehouse operation"},
            language="pl",
            eqf_level=3,
            units=(
                Unit(iri=f"{ZRK}#ZE1", code="ZE1", title={"pl": "Bezpieczna praca w magazynie"}),
                Unit(iri=f"{ZRK}#ZE2", code="ZE2", title={"pl": "Obsługa wózka jezdniowego"}),
            ),
        ),
        actor="import",
    )
    izba = services.create_organisation(slug="izba", name="Izba Logistyki", country="PL")
    owner_of(izba, "designer")
    data = json.loads((ROOT / "examples" / "forklift-workplace-validation.json").read_text(encoding="utf-8"))
    draft, _ = services.save_specification(izba, "forklift", data, actor="t")
    services.publish_specification(draft, actor="t")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            for name in ("designer", "reviewer"):
                context = browser.new_context(locale="en")
                page = context.new_page()
                blocked: list[str] = []
                page.on("console", lambda m, seen=blocked: seen.append(m.text) if "Security Policy" in m.text else None)
                sign_in(page, live_server.url, name)
                if name == "designer":
                    page.goto(f"{live_server.url}/workspace/izba/specifications/forklift/")
                    page.get_by_role("link", name="Map to units of qualifications").click()
                    page.get_by_label("Code or title of the qualification or of a unit").fill("wozka")
                    page.get_by_role("button", name="Search").click()
                    expect(page.get_by_role("heading", name="90001 Warehouse operation")).to_be_visible()
                    page.get_by_label("Coverage").nth(1).select_option("partial")
                    page.get_by_role("button", name="Map to Obsługa wózka jezdniowego").click()
                    expect(page.get_by_text("awaits the approval")).to_be_visible()
                    expect(page.get_by_role("cell", name="awaiting approval")).to_be_visible()
                    assert_accessible(page, "units")
                    page.screenshot(path=str(SHOTS / "mapping-designer.png"), full_page=True)
                else:
                    page.goto(f"{live_server.url}/registry/review/")
                    page.get_by_role("link", name="Micro-credentials mapped to units of your qualifications").click()
                    expect(page.get_by_role("cell", name="ZE2 Obsługa wózka jezdniowego")).to_be_visible()
                    assert_accessible(page, "mappings")
                    page.get_by_role("button", name="Approve").click()
                    expect(page.get_by_text("Approved: credentials issued from now on carry the unit.")).to_be_visible()
                    page.screenshot(path=str(SHOTS / "mapping-approved.png"), full_page=True)
                assert blocked == []
                context.close()
            context = browser.new_context(locale="pl")
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.locator("#id_username").fill("designer")
            page.locator("#id_password").fill(PASSWORD)
            page.locator("#id_password").press("Enter")
            page.wait_for_url("**/workspace/**")
            page.goto(f"{live_server.url}/workspace/izba/specifications/forklift/")
            expect(page.get_by_role("cell", name="zatwierdzony")).to_be_visible()
            assert_accessible(page, "designer")
            context.close()
        finally:
            browser.close()
