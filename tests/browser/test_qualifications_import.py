"""Browser test (Playwright driving Debian's Chromium): a registry authority's owner uploads a ZRK response, reads
the dry run, imports it, finds the qualification in the public catalogue by a Polish word typed without diacritics
and reads its page; a file with a bad record shows the record and imports nothing. Each page passes axe-core and
the strict Content-Security-Policy (no violation reported). Screenshots are written to ``artifacts/screenshots/``."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from merit.server.accounts.models import Membership, Role
from merit.server.issuing import services
from merit.server.qualifications.models import Qualification
from tests.browser.support import CHROMIUM, FLAGS, ROOT, SHOTS, assert_accessible, in_thread

pytestmark = pytest.mark.browser
PASSWORD = "a long and private passphrase"
ZRK = ROOT / "examples" / "qualifications" / "zrk-90001.json"


def test_import_dry_run_catalogue_and_detail(live_server: Any, transactional_db: None, tmp_path: Any) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    registry = services.create_organisation(slug="demo-registry", name="Demo Registry", country="PL")
    user = get_user_model().objects.create_user("owner", password=PASSWORD)
    Membership.objects.create(user=user, organisation=registry, role=Role.OWNER)
    good = json.loads(ZRK.read_text(encoding="utf-8"))["results"][0]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{**good, "kod": "90002", "url": good["url"] + "2", "rodzaj": 7}]), encoding="utf-8")
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        violations: list[str] = []
        page.on(
            "console", lambda message: violations.append(message.text) if "Content-Security" in message.text else None
        )
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill("owner")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        page.goto(f"{live_server.url}/workspace/demo-registry/qualifications/import")
        assert_accessible(page, "import page")
        page.get_by_label("File (at most 5 MB)").set_input_files(str(bad))
        page.get_by_role("button", name="Check the file").click()
        expect(page.get_by_role("cell", name="record 1 (90002)")).to_be_visible()
        expect(page.get_by_role("button", name="Import 1 qualification")).to_have_count(0)
        assert_accessible(page, "dry run with a bad record")

        page.get_by_role("link", name="Import another file").click()
        page.get_by_label("File (at most 5 MB)").set_input_files(str(ZRK))
        page.get_by_role("button", name="Check the file").click()
        expect(page.get_by_role("cell", name="New qualification")).to_be_visible()
        page.screenshot(path=str(SHOTS / "qualifications-1-dry-run.png"), full_page=True)
        assert_accessible(page, "dry run")
        page.get_by_role("button", name="Import 1 qualification").click()
        page.get_by_text("1 qualification imported.").wait_for()

        page.goto(f"{live_server.url}/qualifications/")
        page.get_by_label("Code, title or unit title").fill("wozkow jezdniowych")
        page.get_by_role("button", name="Search").click()
        page.screenshot(path=str(SHOTS / "qualifications-2-catalogue.png"), full_page=True)
        assert_accessible(page, "catalogue")
        page.get_by_role("link", name="Warehouse operation with forklift trucks (example)").click()
        expect(page.get_by_role("heading", name="ZE2 Operating a forklift truck")).to_be_visible()
        expect(page.get_by_text("PQF Level 3 · EQF level 3")).to_be_visible()
        page.screenshot(path=str(SHOTS / "qualifications-3-detail.png"), full_page=True)
        assert_accessible(page, "qualification page")
        browser.close()
    assert violations == []
    found: list[int] = []
    in_thread(lambda: found.append(Qualification.objects.count()))
    assert found == [1]
