"""Browser test (Playwright driving Debian's Chromium): an organisation applies for accreditation, the authority
approves with a scope, the organisation issues inside the scope and is refused outside it, and a verifier sees the
accreditation line in the portal's report. Screenshots are written to ``artifacts/screenshots/``."""

from __future__ import annotations

import json
import shutil
import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from merit.server.accounts.models import Membership, Role
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential
from merit.server.registry import services as registry
from merit.server.registry.models import Accreditation, IssuingGrant
from tests.browser.support import CHROMIUM, FLAGS, ROOT, SHOTS, assert_accessible

pytestmark = pytest.mark.browser
PASSWORD = "a long and private passphrase"


def owner_of(organisation: Any, name: str) -> None:
    user = get_user_model().objects.create_user(name, password=PASSWORD)
    Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)


def sign_in(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def latest_credential() -> str:
    found: list[str] = []

    def read() -> None:
        try:
            found.append(IssuedCredential.objects.filter(specification__key="solar").latest("pk").document_json)
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    return found[0]


def outside_credential(college: Any) -> str:
    """A credential the college signs outside its accreditation (EQF 7) through the VC-API path, which signs what
    it is given: authentic, and the report says plainly that the accreditation does not cover it."""
    from merit.core.microcredential import Learner, parse_spec, render_credential

    found: list[str] = []

    def make() -> None:
        try:
            data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text(encoding="utf-8"))
            unsigned = render_credential(
                parse_spec({**data, "eqfLevel": 7}), Learner(email="bo@example.se"), college.did
            )
            found.append(services.issue_credential(college, unsigned, actor="t").document_json)
        finally:
            connections.close_all()

    thread = threading.Thread(target=make)
    thread.start()
    thread.join()
    return found[0]


def test_apply_approve_issue_inside_and_outside_the_scope(
    live_server: Any, transactional_db: None, settings: Any
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    agency = registry.create_authority(slug="agency", name="Myndigheten för yrkeshögskolan", country="SE")
    owner_of(agency.organisation, "reviewer")
    college = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    owner_of(college, "owner")
    for example, key in (("solar-installation-vocational", "solar"), ("data-analysis-university-online", "data")):
        data = json.loads((ROOT / "examples" / f"{example}.json").read_text(encoding="utf-8"))
        draft, _ = services.save_specification(college, key, data, actor="test")
        services.publish_specification(draft, actor="test")
    # Anyone can sign up as an organisation and call it "YRKESHÖGSKOLAN  norr": authentic, but not the college.
    impostor = services.create_organisation(slug="impostor", name="YRKESHÖGSKOLAN  norr", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text(encoding="utf-8"))
    data["awardingBody"]["name"] = "YRKESHÖGSKOLAN  norr"
    draft, _ = services.save_specification(impostor, "solar-copy", data, actor="test")
    copy = services.publish_specification(draft, actor="test")
    from merit.core.microcredential import Learner

    impostor_credential = services.issue_from_specification(copy, Learner(email="bo@example.se"), actor="t")
    SHOTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        sign_in(page, live_server.url, "owner")
        page.get_by_role("link", name="Accreditation").click()
        page.get_by_label("Lowest EQF level").select_option("3")
        page.get_by_label("Highest EQF level").select_option("5")
        page.get_by_label("Fields of education").select_option("07")
        page.get_by_label("Accrediting or quality assurance body").fill("Myndigheten för yrkeshögskolan")
        page.get_by_role("button", name="Send the application").click()
        page.get_by_text("Your application was sent.").wait_for()
        page.screenshot(path=str(SHOTS / "registry-1-applied.png"), full_page=True)
        assert_accessible(page, "accreditation page")

        authority = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        sign_in(authority, live_server.url, "reviewer")
        expect(authority).to_have_url(f"{live_server.url}/registry/review/")  # An authority's member lands here.
        authority.get_by_role("link", name="Yrkeshögskolan Norr").click()
        expect(authority.get_by_label("Lowest EQF level")).to_have_value("3")
        authority.screenshot(path=str(SHOTS / "registry-2-review.png"), full_page=True)
        assert_accessible(authority, "review page")
        authority.get_by_role("button", name="Approve with this scope").click()
        authority.get_by_text("Approved: the accreditation is signed and published.").wait_for()

        page.goto(f"{live_server.url}/workspace/college/")
        page.get_by_role("link", name="Issue Installing photovoltaic systems to one learner").click()
        page.get_by_label("The learner's e-mail address or DID").fill("anna@example.se")
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("button", name="Sign and send").click()
        page.get_by_text("Issued. The learner has been sent this link:").wait_for()
        page.goto(f"{live_server.url}/workspace/college/")
        page.get_by_role("link", name="Issue Applied data analysis with Python to one learner").click()
        page.get_by_label("The learner's e-mail address or DID").fill("anna@example.se")
        page.get_by_role("button", name="Continue").click()  # Refused before anything is shown for signing.
        expect(page.get_by_role("alert")).to_contain_text("EQF level 6 is not among the accredited levels")
        page.screenshot(path=str(SHOTS / "registry-3-refused.png"), full_page=True)

        visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        visitor.goto(f"{live_server.url}/verify/")
        visitor.get_by_label("Credential or presentation (JSON)").fill(latest_credential())
        visitor.get_by_role("button", name="Verify the text").click()
        standing = visitor.locator('[data-standing="accreditation"]')
        expect(standing).to_contain_text("Accredited: Issued by Yrkeshögskolan Norr, accredited by Myndigheten")
        expect(visitor.locator('[data-standing="authentic"]')).to_contain_text("Authentic: signed with the key of")
        visitor.screenshot(path=str(SHOTS / "registry-4-report.png"), full_page=True)

        # The impostor's credential: authentic and valid, but flagged, in words and an icon, not colour alone.
        visitor.goto(f"{live_server.url}/verify/")
        visitor.get_by_label("Credential or presentation (JSON)").fill(impostor_credential.document_json)
        visitor.get_by_role("button", name="Verify the text").click()
        expect(visitor.locator("#verification-headline")).to_contain_text(
            "Authentic and valid, but beware: the issuer is not the accredited organisation its name suggests."
        )
        alert = visitor.locator('[data-alert="issuer-name"]')
        expect(alert).to_be_visible()
        expect(alert.get_by_role("heading", name="Warning about the issuer's name")).to_be_visible()
        expect(alert).to_contain_text(college.did)
        expect(standing).to_contain_text("Not accredited: the name “YRKESHÖGSKOLAN  norr” is the issuer's own claim.")
        visitor.screenshot(path=str(SHOTS / "registry-5-namesake.png"), full_page=True)
        assert_accessible(visitor, "namesake report")

        swedish = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE").new_page()
        swedish.goto(f"{live_server.url}/verify/")
        swedish.get_by_label("Intyg eller presentation (JSON)").fill(outside_credential(college))
        swedish.get_by_role("button", name="Verifiera texten").click()
        expect(swedish.locator("#verification-headline")).to_contain_text("Verifierat, med en varning")
        expect(swedish.locator('[data-standing="accreditation"]')).to_contain_text(
            "Omfattas inte: utfärdaren är ackrediterad av Myndigheten för yrkeshögskolan för EQF-nivåerna 3–5, "
            "ISCED-F-område 07, men inte för det här intyget: dess EQF-nivå 7 ligger utanför de ackrediterade nivåerna."
        )
        swedish.screenshot(path=str(SHOTS / "registry-6-not-covered-sv.png"), full_page=True)
        assert_accessible(swedish, "not covered report (sv)")
        browser.close()


# What the authority's and the applicant's pages say, in each language.
REGISTRY_WORDS = {
    "en": {
        "sent": "Your application was sent.",
        "scope": "EQF levels 3–5; 07 Engineering, manufacturing and construction; Sweden",
        "narrow_reason": "Give a reason for narrowing the scope: the applicant reads it.",
        "approved": "Approved: the accreditation is signed and published.",
        "narrowed": "Approved with a narrower scope",
        "granted": "Accredited for: EQF levels 3–4; 07 Engineering, manufacturing and construction; Sweden",
        "reason": "The authority's reason: ",
        "title": "Installing photovoltaic systems (version 1, published)",
        "may_issue": "Logistik AB may now issue it.",
        "withdraw_reason": "The provider closed.",
        "withdraw_heading": "Withdraw the accreditation of Yrkeshögskolan Norr?",
        "withdrawn": "The accreditation is now withdrawn.",
    },
    "sv": {
        "sent": "Er ansökan har skickats.",
        "scope": "EQF-nivåerna 3–5; 07 Teknik, tillverkning och byggverksamhet; Sverige",
        "narrow_reason": "Ange varför omfattningen snävas in: den sökande läser det.",
        "approved": "Godkänd: ackrediteringen är signerad och publicerad.",
        "narrowed": "Godkänd med snävare omfattning",
        "granted": "Ackrediterad för: EQF-nivåerna 3–4; 07 Teknik, tillverkning och byggverksamhet; Sverige",
        "reason": "Myndighetens motivering: ",
        "title": "Installation av solcellsanläggningar (version 1, publicerad)",
        "may_issue": "Logistik AB får nu utfärda det.",
        "withdraw_reason": "Anordnaren har lagt ned.",
        "withdraw_heading": "Dra tillbaka ackrediteringen för Yrkeshögskolan Norr?",
        "withdrawn": "Ackrediteringen är nu återkallad.",
    },
}


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_authority_narrows_the_scope_with_a_reason_and_grants_are_given_by_name(
    live_server: Any, transactional_db: None, settings: Any, language: str
) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    words = REGISTRY_WORDS[language]
    agency = registry.create_authority(slug="agency", name="Myndigheten för yrkeshögskolan", country="SE")
    reviewer = get_user_model().objects.create_user("reviewer", password=PASSWORD)
    Membership.objects.create(user=reviewer, organisation=agency.organisation, role=Role.ISSUER)
    college = services.create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    owner_of(college, "owner")
    services.create_organisation(slug="logistik", name="Logistik AB", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text(encoding="utf-8"))
    draft, _ = services.save_specification(college, "solar", data, actor="test")
    services.publish_specification(draft, actor="test")
    reason = "Utvärderingen täcker nivå 4." if language == "sv" else "The evaluation covers level 4."
    SHOTS.mkdir(parents=True, exist_ok=True)
    locale = "sv-SE" if language == "sv" else "en-GB"

    def signed_in(name: str) -> Any:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale).new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill(name)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        return page

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        applicant = signed_in("owner")
        applicant.goto(f"{live_server.url}/workspace/college/accreditation")
        applicant.locator("#eqf_min").select_option("3")
        applicant.locator("#eqf_max").select_option("5")
        applicant.locator("#isced_fields").select_option("07")
        applicant.locator("#regions").select_option("SE")
        applicant.locator("#accrediting_body").fill("Myndigheten för yrkeshögskolan")
        applicant.locator("#evidence").set_input_files(
            files=[{"name": "kvalitetsrapport.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 report"}]
        )
        applicant.screenshot(path=str(SHOTS / f"registry-apply-{language}.png"), full_page=True)
        applicant.locator("form[enctype] button[type=submit]").click()
        expect(applicant.locator("main > div[role=status]")).to_contain_text(words["sent"])
        assert_accessible(applicant, f"accreditation page ({language})")

        authority = signed_in("reviewer")
        expect(authority).to_have_url(f"{live_server.url}/registry/review/")
        row = authority.locator("tr", has=authority.get_by_role("link", name="Yrkeshögskolan Norr"))
        expect(row).to_contain_text(words["scope"])
        expect(row.get_by_role("link", name="kvalitetsrapport.pdf")).to_be_visible()
        authority.screenshot(path=str(SHOTS / f"registry-review-list-{language}.png"), full_page=True)
        assert_accessible(authority, f"review list ({language})")
        row.get_by_role("link", name="Yrkeshögskolan Norr").click()
        expect(authority.locator("#isced_fields option[value='07']")).to_have_text(words["scope"].split("; ")[1])
        authority.locator("#eqf_max").select_option("4")
        authority.locator("button[value=approve]").click()
        expect(authority.get_by_role("alert")).to_have_text(words["narrow_reason"])
        expect(authority.locator("#eqf_max")).to_have_value("4")
        authority.locator("#reason").fill(reason)
        authority.screenshot(path=str(SHOTS / f"registry-review-application-{language}.png"), full_page=True)
        assert_accessible(authority, f"application review ({language})")
        authority.locator("button[value=approve]").click()
        expect(authority.locator("main > div[role=status]")).to_contain_text(words["approved"])
        authority.screenshot(path=str(SHOTS / f"registry-review-decided-{language}.png"), full_page=True)

        applicant.goto(f"{live_server.url}/workspace/college/accreditation")
        decision = applicant.locator("tr[id^=application-]")
        expect(decision).to_contain_text(words["narrowed"])
        expect(decision).to_contain_text(words["granted"])
        expect(decision).to_contain_text(words["reason"] + reason)
        applicant.screenshot(path=str(SHOTS / f"registry-decision-seen-{language}.png"), full_page=True)

        applicant.goto(f"{live_server.url}/workspace/college/grants")
        expect(applicant.locator("#key option[value=solar]")).to_have_text(words["title"])
        applicant.locator("#grantee").fill("Logistik AB")
        applicant.locator("main form button[type=submit]").first.click()
        expect(applicant.locator("main > div[role=status]")).to_contain_text(words["may_issue"])
        expect(applicant.locator("table")).to_contain_text("Logistik AB")
        applicant.screenshot(path=str(SHOTS / f"registry-grants-{language}.png"), full_page=True)
        assert_accessible(applicant, f"grants ({language})")

        # Withdrawal is for good: the authority confirms it on a page that says what follows.
        authority.goto(f"{live_server.url}/registry/review/")
        expect(authority.locator("button[value=reinstate]")).to_have_count(0)
        authority.locator("input[name=reason]").fill(words["withdraw_reason"])
        authority.locator("button[value=withdraw]").click()
        expect(authority.get_by_role("heading", level=1)).to_contain_text(words["withdraw_heading"])
        expect(authority.locator("#reason")).to_have_value(words["withdraw_reason"])
        authority.screenshot(path=str(SHOTS / f"registry-withdraw-confirm-{language}.png"), full_page=True)
        assert_accessible(authority, f"withdrawal confirmation ({language})")
        authority.locator("main form button[type=submit]").click()
        expect(authority.locator("main > div[role=status]")).to_contain_text(words["withdrawn"])
        browser.close()

    accreditation = Accreditation.objects.get()
    assert (accreditation.eqf_min, accreditation.eqf_max, accreditation.regions) == (3, 4, ["SE"])
    assert (accreditation.state, accreditation.state_reason) == ("withdrawn", words["withdraw_reason"])
    assert IssuingGrant.objects.get().grantee.slug == "logistik"
