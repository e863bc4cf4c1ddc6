"""Browser test (Playwright driving Debian's Chromium): an issuer signs in, bulk-issues a 25-row CSV with two bad
rows, watches the progress, revokes one credential, and the published status list changes.

Screenshots are written to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from merit.core.status import StatusList
from merit.server.accounts.models import Membership, Role
from merit.server.bulk import services as bulk
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential
from tests.browser.support import CHROMIUM, FLAGS, ROOT, SHOTS, assert_accessible

pytestmark = pytest.mark.browser


def csv_25_with_two_bad_rows(path: Path) -> Path:
    lines = ["email,name,grade"] + [f"learner{i}@example.se,Learner {i},VG" for i in range(25)]
    lines[5] = "not-an-address,Learner 4,VG"
    lines[20] = "learner19@example.se,Learner 19,A+"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_issuer_bulk_issues_and_revokes(
    live_server: Any, transactional_db: None, settings: Any, tmp_path: Path, client: Any
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Queued jobs are run below by a worker thread, so the page's progress bar is watched while it fills.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.BASE_URL = live_server.url
    organisation = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    services.publish_specification(draft, actor="test")
    user = get_user_model().objects.create_user("issuer", password="a long and private passphrase")
    Membership.objects.create(user=user, organisation=organisation, role=Role.ISSUER)
    upload = csv_25_with_two_bad_rows(tmp_path / "learners.csv")
    SHOTS.mkdir(parents=True, exist_ok=True)
    # No ORM call runs in this thread while Playwright's event loop is running (Django would open a connection
    # that nothing closes); the worker thread closes its own.

    def worker(job_id: int) -> None:
        try:
            bulk.run_job(job_id)
        finally:
            connections.close_all()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.goto(f"{live_server.url}/workspace/")
        assert_accessible(page, "sign-in")
        page.get_by_label("Username").fill("issuer")
        page.get_by_label("Password").fill("a long and private passphrase")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Yrkeshögskolan Norr").wait_for()
        page.screenshot(path=str(SHOTS / "1-dashboard.png"), full_page=True)
        assert_accessible(page, "dashboard")

        page.get_by_role("link", name="Upload learners for Installing photovoltaic systems (version 1)").click()
        page.get_by_label("CSV file or Excel workbook").set_input_files(str(upload))
        page.get_by_role("button", name="Check the file").click()
        page.get_by_text("23 rows are ready.").wait_for()
        page.get_by_text("2 rows have problems and will not be issued.").wait_for()
        page.screenshot(path=str(SHOTS / "2-dry-run.png"), full_page=True)
        assert_accessible(page, "dry run")
        assert page.get_by_role("cell", name="6", exact=True).is_visible()

        page.get_by_role("button", name="Issue these 23 credentials").click()  # The checked file was kept.
        page.get_by_text("0 of 23 issued (0%)").wait_for()
        job_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        running = threading.Thread(target=worker, args=(job_id,))
        running.start()
        page.get_by_text("23 of 23 issued (100%)").wait_for(timeout=60_000)
        running.join()
        assert page.locator("progress").get_attribute("value") == "100"
        page.screenshot(path=str(SHOTS / "3-progress.png"), full_page=True)
        assert_accessible(page, "progress")

        page.get_by_role("link", name="Back to the dashboard").click()
        first = page.locator("tbody tr").first
        first.get_by_role("link", name="Revoke…").click()
        page.get_by_label("Reason (required)").fill("issued in error")
        page.get_by_role("button", name="Yes, revoke").click()
        page.get_by_text("The credential is now revoked.").wait_for()
        page.screenshot(path=str(SHOTS / "4-revoked.png"), full_page=True)
        assert_accessible(page, "dashboard after revocation")
        browser.close()

    revoked = IssuedCredential.objects.get(state="revoked")
    [entry] = [e for e in revoked.document["credentialStatus"] if e["statusPurpose"] == "revocation"]
    listed = client.get(entry["statusListCredential"].removeprefix(live_server.url)).json()
    bits = StatusList.decode(listed["credentialSubject"]["encodedList"])
    assert bits.get(int(entry["statusListIndex"]))
    assert IssuedCredential.objects.filter(state="valid").count() == 22
