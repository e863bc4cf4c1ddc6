"""Browser test (Playwright driving Debian's Chromium): with the Content-Security-Policy in force, the main pages
report no violation and their scripts still work: the portal's QR scanner opens a (fake) camera and the
verification runs, the designer's htmx live panel and ESCO search answer, the workspace, the passport, the API
documentation (Swagger UI) and the admin render (docs/decisions/0015-content-security-policy.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from merit.server.demo import create_demo_data
from merit.server.issuing.models import IssuedCredential
from tests.browser.support import CHROMIUM, FLAGS

pytestmark = pytest.mark.browser
PASSWORD = "a long and private passphrase"
# Every violation the page sees is written to the console, where the test collects it with Chromium's own
# "Refused to ..." messages. Playwright's init scripts are not subject to the page's policy.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_main_pages_work_under_the_policy_without_a_violation(
    live_server: Any, transactional_db: None, settings: Any, tmp_path: Path
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    create_demo_data()
    users = get_user_model()
    for username in ("yrkeshogskolan-norr-owner", "anna.svensson@example.se", "operator"):
        user = users.objects.get(username=username)
        user.set_password(PASSWORD)
        user.save()
    record = IssuedCredential.objects.filter(organisation__slug="yrkeshogskolan-norr", state="valid").first()
    assert record is not None
    credential = tmp_path / "credential.json"
    credential.write_text(json.dumps(record.document, ensure_ascii=False), encoding="utf-8")
    base = live_server.url
    messages: list[str] = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*FLAGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
        )

        def new_page() -> Any:
            context = browser.new_context(viewport={"width": 1300, "height": 1000}, permissions=["camera"])
            context.add_init_script(REPORT_VIOLATIONS)
            # Chromium asks for /favicon.ico, which Merit does not have; its 404 is not a script error.
            context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
            page = context.new_page()
            page.on(
                "console", lambda m: messages.append(f"{page.url}: {m.type}: {m.text}") if m.type == "error" else None
            )
            page.on("pageerror", lambda e: messages.append(f"{page.url}: page error: {e}"))
            page.on("response", lambda r: messages.append(f"{r.url}: {r.status}") if r.status >= 400 else None)
            return page

        # The portal: the scanner's button appears (its script ran), opens the fake camera and loads jsQR (no
        # BarcodeDetector on Linux), and a verification runs.
        page = new_page()
        response = page.goto(f"{base}/verify/")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        start = page.get_by_role("button", name="Scan a QR code with the camera")
        expect(start).to_be_visible()
        start.click()
        expect(page.locator("#scan-video")).to_be_visible()
        expect(page.get_by_role("status").filter(has_text="Point the camera")).to_be_visible()
        page.wait_for_function("() => window.jsQR !== undefined || 'BarcodeDetector' in window")
        page.get_by_role("button", name="Stop the camera").click()
        page.get_by_label("Credential file").set_input_files(str(credential))
        page.get_by_role("button", name="Verify the file").click()
        expect(page.get_by_role("status").filter(has_text="Verified")).to_contain_text("Verified")

        # The issuer: workspace, designer (htmx live check and ESCO search on Enter), tokens, the API docs.
        page = new_page()
        sign_in(page, base, "yrkeshogskolan-norr-owner")
        page.goto(f"{base}/workspace/yrkeshogskolan-norr/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.goto(f"{base}/workspace/yrkeshogskolan-norr/specifications/new")
        summary = page.locator("#check-summary")
        expect(summary).to_have_text("2 of 8 mandatory elements complete.")
        page.get_by_label("Title (en)").fill("MIG welding of structural steel")
        page.get_by_label("What the learner can do (en)").fill("Weld structural steel joints with MIG equipment.")
        expect(summary).to_have_text("3 of 8 mandatory elements complete.")  # htmx redrew the panel.
        search = page.get_by_label("Find an ESCO skill")
        search.fill("metal inert")
        search.press("Enter")  # designer.js asks htmx for the results instead of submitting the form.
        expect(page.get_by_role("button", name="perform metal inert gas welding")).to_be_visible()
        assert page.url.endswith("/specifications/new"), "Enter did not submit the designer form"
        page.get_by_role("button", name="perform metal inert gas welding").click()
        expect(summary).to_have_text("4 of 8 mandatory elements complete.")
        page.goto(f"{base}/workspace/yrkeshogskolan-norr/tokens")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.goto(f"{base}/api/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Merit")
        expect(page.locator(".opblock").first).to_be_visible()

        # The learner: passport, a credential, the competence map, sharing.
        page = new_page()
        sign_in(page, base, "anna.svensson@example.se")
        for path in ("/passport/", "/passport/map", "/passport/shares", "/passport/account"):
            page.goto(f"{base}{path}")
            expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.goto(f"{base}/passport/")
        page.locator("main .cards a").first.click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()

        # The administrator: Django's admin.
        page = new_page()
        page.goto(f"{base}/admin/login/")
        page.get_by_label("Username").fill("operator")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
        page.goto(f"{base}/admin/accounts/organisation/")
        page.get_by_role("link", name="Yrkeshögskolan Norr").first.click()
        expect(page.locator("#organisation_form")).to_be_visible()
        browser.close()

    assert [m for m in messages if "Content Security Policy" in m or "CSP violation" in m] == []
    assert messages == [], "no script error either"
