"""Browser test (Playwright driving Debian's Chromium), in English and Swedish: an issuer uploads a spreadsheet as
Swedish Excel saves it (semicolons, Windows-1252, Swedish names, dates without a time), sees the dry run with the
dates read in the organisation's time zone, issues without choosing the file again, sees each learner's result and
downloads the claim links. Every page passes axe-core.

Screenshots are written to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from merit.server.accounts.models import Membership, Role
from merit.server.bulk import services as bulk
from merit.server.bulk.models import CheckedUpload
from merit.server.issuing import services
from tests.browser.support import CHROMIUM, FLAGS, ROOT, SHOTS, assert_accessible

pytestmark = pytest.mark.browser

LEARNERS = (
    "email;name;grade;valid_until\r\n"
    "asa.oberg@example.se;Åsa Öberg;VG;2027-12-31\r\n"
    "bjorn.angstrom@example.se;Björn Ängström;G;31.12.2027\r\n"
    "not-an-address;Märta Lind;VG;\r\n"
    "sven.ahlund@example.se;Sven Åhlund;G;\r\n"
)

# What the pages say, in each language (the Swedish is the catalogue's, so a missing translation fails here).
TEXT = {
    "en": {
        "username": "Username",
        "password": "Password",
        "sign_in": "Sign in",
        "upload": "Upload learners for Installing photovoltaic systems (version 1)",
        "file": "CSV file or Excel workbook",
        "check": "Check the file",
        "ready": "3 rows are ready.",
        "problems": "1 row has problems and will not be issued.",
        "read_as": "learners.csv was read as Windows-1252 text separated by semicolons.",
        "issue": "Issue these 3 credentials",
        "finished": "3 of 3 issued (100%)",
        "results": "Results per learner",
        "export": "Download the results with the claim links (CSV)",
        "not_issued": "not issued",
        "issued": "issued",
        "result_column": "Result",
    },
    "sv": {
        "username": "Användarnamn",
        "password": "Lösenord",
        "sign_in": "Logga in",
        "upload": "Ladda upp deltagare för Installation av solcellsanläggningar (version 1)",
        "file": "CSV-fil eller Excel-arbetsbok",
        "check": "Kontrollera filen",
        "ready": "3 rader är klara.",
        "problems": "1 rad har problem och utfärdas inte.",
        "read_as": "learners.csv lästes som Windows-1252-text avgränsad med semikolon.",
        "issue": "Utfärda de här 3 intygen",
        "finished": "3 av 3 utfärdade (100 %)",
        "results": "Resultat per deltagare",
        "export": "Ladda ned resultaten med hämtningslänkarna (CSV)",
        "not_issued": "inte utfärdat",
        "issued": "utfärdat",
        "result_column": "Resultat",
    },
}


@pytest.mark.parametrize("language", ["en", "sv"])
def test_a_swedish_excel_file_is_checked_issued_and_its_links_exported(
    language: str, live_server: Any, transactional_db: None, settings: Any, tmp_path: Path
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.BASE_URL = live_server.url
    organisation = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    services.publish_specification(draft, actor="test")
    user = get_user_model().objects.create_user("issuer", password="a long and private passphrase")
    Membership.objects.create(user=user, organisation=organisation, role=Role.ISSUER)
    upload = tmp_path / "learners.csv"
    upload.write_bytes(LEARNERS.encode("cp1252"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    text = TEXT[language]

    def worker(job_id: int) -> None:
        try:
            bulk.run_job(job_id)
        finally:
            connections.close_all()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="sv-SE" if language == "sv" else "en-GB"
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/workspace/")
        page.get_by_label(text["username"]).fill("issuer")
        page.get_by_label(text["password"]).fill("a long and private passphrase")
        page.get_by_role("button", name=text["sign_in"]).click()
        page.get_by_role("heading", name="Yrkeshögskolan Norr").wait_for()

        page.get_by_role("link", name=text["upload"]).click()
        assert "Europe/Stockholm" in page.content()  # The page says which zone dates without a time are in.
        page.screenshot(path=str(SHOTS / f"bulk-{language}-1-upload.png"), full_page=True)
        assert_accessible(page, f"upload ({language})")
        page.get_by_label(text["file"]).set_input_files(str(upload))
        page.get_by_role("button", name=text["check"]).click()
        page.get_by_text(text["ready"]).wait_for()
        page.get_by_text(text["problems"]).wait_for()
        assert page.get_by_text(text["read_as"]).is_visible()
        preview = page.get_by_role("table").nth(1)
        assert preview.get_by_role("cell", name="Åsa Öberg").is_visible()
        assert preview.get_by_role("cell", name="Björn Ängström").is_visible()
        # 2027-12-31 and 31.12.2027 both mean valid through the last day of 2027 in Stockholm.
        assert preview.locator('time[datetime="2027-12-31T23:59:59+01:00"]').count() == 2
        page.screenshot(path=str(SHOTS / f"bulk-{language}-2-dry-run.png"), full_page=True)
        assert_accessible(page, f"dry run ({language})")

        # No file is chosen again: the checked file was kept.
        page.get_by_role("button", name=text["issue"]).click()
        page.get_by_role("heading", name=text["results"]).wait_for()
        job_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        running = threading.Thread(target=worker, args=(job_id,))
        running.start()
        running.join()
        page.get_by_text(text["finished"]).wait_for(timeout=60_000)
        # The last poll reloads the page with every learner's result (until then the rows were "waiting").
        page.locator(".result-issued").nth(2).wait_for()
        table = page.get_by_role("table")
        rows = {
            table.locator("tbody tr").nth(i).locator("td").nth(2).inner_text(): table.locator("tbody tr")
            .nth(i)
            .locator("td")
            .nth(3)
            .inner_text()
            for i in range(4)
        }
        assert rows == {
            "Åsa Öberg": text["issued"],
            "Björn Ängström": text["issued"],
            "Märta Lind": text["not_issued"],
            "Sven Åhlund": text["issued"],
        }
        page.screenshot(path=str(SHOTS / f"bulk-{language}-3-results.png"), full_page=True)
        assert_accessible(page, f"results ({language})")

        with page.expect_download() as download_info:
            page.get_by_role("link", name=text["export"]).click()
        download = download_info.value
        content = Path(download.path()).read_text(encoding="utf-8-sig")
        table_rows = list(csv.reader(io.StringIO(content), delimiter="," if language == "en" else ";"))
        assert table_rows[0][4] == text["result_column"]
        links = {row[3]: row[6] for row in table_rows[1:]}
        assert links["Märta Lind"] == ""
        for name in ("Åsa Öberg", "Björn Ängström", "Sven Åhlund"):
            assert links[name].startswith(f"{live_server.url}/claim/")
        claim = context.new_page()
        claim.goto(links["Åsa Öberg"])
        assert claim.get_by_role("heading").first.is_visible()
        claim.close()
        browser.close()
    assert CheckedUpload.objects.count() == 0


PROFILE_TEXT = {
    "en": {"zone": "Time zone", "save": "Save the profile", "saved": "The profile is saved."},
    "sv": {"zone": "Tidszon", "save": "Spara profilen", "saved": "Profilen är sparad."},
}


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_owner_picks_the_time_zone_and_the_learners_email_reads_well(
    language: str, live_server: Any, transactional_db: None, settings: Any
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    from merit.core.microcredential import Learner
    from merit.server.delivery import services as delivery
    from merit.server.delivery.models import ClaimLink

    settings.BASE_URL = live_server.url
    organisation = services.create_organisation(slug="college", name="Yrkeshögskolan Norr & Co", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    specification = services.publish_specification(draft, actor="test")
    record = services.issue_from_specification(specification, Learner(email="asa@example.se"), actor="test")
    token = delivery.create_link(record, "asa@example.se", language)
    html = delivery.message(ClaimLink.objects.get(), token).alternatives[0][0]
    user = get_user_model().objects.create_user("owner", password="a long and private passphrase")
    Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)
    text = {**TEXT[language], **PROFILE_TEXT[language]}
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="sv-SE" if language == "sv" else "en-GB"
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/workspace/college/profile")
        page.get_by_label(text["username"]).fill("owner")
        page.get_by_label(text["password"]).fill("a long and private passphrase")
        page.get_by_role("button", name=text["sign_in"]).click()
        zone = page.get_by_label(text["zone"])
        assert zone.input_value() == "Europe/Stockholm"  # The country's zone until one is chosen.
        zone.select_option("Europe/Helsinki")
        page.get_by_role("button", name=text["save"]).click()
        page.get_by_text(text["saved"]).wait_for()
        assert page.get_by_label(text["zone"]).input_value() == "Europe/Helsinki"
        page.screenshot(path=str(SHOTS / f"bulk-{language}-4-profile.png"), full_page=True)
        assert_accessible(page, f"profile ({language})")

        mail = context.new_page()
        mail.set_content(html)
        assert mail.locator("html").get_attribute("lang") == language
        assert mail.get_by_text("Yrkeshögskolan Norr & Co", exact=False).first.is_visible()
        assert mail.locator(f'a[href="{live_server.url}/claim/{token}"]').count() == 2
        mail.screenshot(path=str(SHOTS / f"bulk-{language}-5-email.png"), full_page=True)
        assert_accessible(mail, f"claim e-mail ({language})")
        browser.close()
