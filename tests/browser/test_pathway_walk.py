"""Browser test (Playwright driving Debian's Chromium) of issue 14 end to end, each step in the pages its users use:

1. the registry authority imports a ZRK qualification (three sets of learning outcomes) after a dry run;
2. the certifying institution maps its two micro-credentials to ZE1 and ZE2, and the authority approves both;
3. the learner, who holds both credentials, follows the qualification and sees ZE1 and ZE2 done and ZE3 missing;
4. she applies for validation of ZE3 with a signed presentation of both credentials and a statement;
5. the institution's assessor recognises ZE3 after observation at work;
6. the institution awards the partial qualification on that case, after a confirmation page;
7. the portal verifies the stacked credential and shows its components and their state now;

and the same facts through the API. Every page passes axe-core; screenshots go to ``artifacts/screenshots/``."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from merit.core import trust
from merit.server.accounts.models import Membership, Role
from merit.server.accounts.services import create_token, mark_verified
from merit.server.issuing import services
from merit.server.issuing.models import Specification
from merit.server.passport import services as passport
from merit.server.registry import services as registry
from merit.server.stacking.models import Award
from tests.browser.support import CHROMIUM, FLAGS, ROOT, SHOTS, assert_accessible, in_thread
from tests.server.passport.conftest import issue_to, specification_of

pytestmark = pytest.mark.browser
PASSWORD = "a long and private passphrase"
ZRK = "https://zrk.example/kwalifikacje/90001"
JAN = "jan.kowalski@example.pl"


def _sign_in(browser: Any, base: str, name: str) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def _people() -> dict[str, Any]:
    users = get_user_model().objects
    authority = registry.create_authority(slug="demo-registry", name="Rejestr kwalifikacji (example)", country="PL")
    owner = users.create_user("registry-owner", password=PASSWORD)
    Membership.objects.create(user=owner, organisation=authority.organisation, role=Role.OWNER)
    izba = services.create_organisation(slug="izba-logistyki", name="Polska Izba Logistyki", country="PL")
    Membership.objects.create(
        user=users.create_user("izba-owner", password=PASSWORD), organisation=izba, role=Role.OWNER
    )
    assessor = users.create_user("izba-assessor", password=PASSWORD)
    Membership.objects.create(user=assessor, organisation=izba, role=Role.ASSESSOR)
    jan = users.create_user(JAN, email=JAN, password=PASSWORD)
    mark_verified(jan)
    specification_of(izba, "forklift-workplace-validation", "forklift")
    specification_of(izba, "warehouse-safety", "warehouse-safety")
    _, token = create_token(izba, "walk", ["read"], actor="test")
    return {"authority": authority, "izba": izba, "jan": jan, "token": token, "decider": owner}


def _accredit(people: dict[str, Any]) -> None:
    """The authority accredits the institution to award the imported qualification (the registry flow's own
    browser test walks applying and deciding)."""
    application = registry.apply(
        people["izba"],
        people["authority"],
        scope=trust.Scope(credential_types=("micro-credential",), qualifications=(ZRK,)),
        qa_framework="other",
        accrediting_body="Zintegrowany Rejestr Kwalifikacji (example)",
        actor="test",
    )
    registry.approve(application, user=people["decider"], reason="test")


def _issue_to_jan(people: dict[str, Any]) -> None:
    """The institution issues both micro-credentials to Jan (after the mappings were approved, so they carry their
    units), and Jan adds them to his passport."""
    for key in ("forklift", "warehouse-safety"):
        specification = Specification.objects.get(organisation=people["izba"], key=key)
        record, _ = issue_to(specification, JAN)
        passport.add_credential(people["jan"], record.document_json.encode("utf-8"), source="claim")


def test_import_map_progress_apply_decide_award_verify(live_server: Any, transactional_db: None, settings: Any) -> None:
    if shutil.which(CHROMIUM) is None:
        pytest.fail("Debian's chromium is needed for browser tests (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    settings.BASE_URL = live_server.url
    base = live_server.url
    people = _people()
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)

        # 1. Import.
        authority = _sign_in(browser, base, "registry-owner")
        authority.goto(f"{base}/workspace/demo-registry/")
        authority.get_by_role("link", name="Import qualifications").click()
        authority.get_by_label("File (at most 5 MB)").set_input_files(
            str(ROOT / "examples" / "qualifications" / "zrk-90001.json")
        )
        authority.get_by_role("button", name="Check the file").click()
        authority.get_by_role("button", name="Import 1 qualification").click()
        authority.get_by_text("1 qualification imported.").wait_for()
        assert_accessible(authority, "import done")
        in_thread(lambda: _accredit(people))

        # 2. Mapping and approval.
        institution = _sign_in(browser, base, "izba-owner")
        for key, unit, name in (
            ("forklift", "ZE2", "Operating a forklift truck"),
            ("warehouse-safety", "ZE1", "Safe work in a warehouse"),
        ):
            institution.goto(f"{base}/workspace/izba-logistyki/specifications/{key}/")
            institution.get_by_role("link", name="Map to units of qualifications").click()
            institution.get_by_label("Code or title of the qualification or of a unit").fill("90001")
            institution.get_by_role("button", name="Search").click()
            institution.get_by_role("button", name=f"Map to {name}").click()
            expect(institution.get_by_role("cell", name="awaiting approval")).to_be_visible()
            expect(institution.locator("main")).to_contain_text(unit)
        assert_accessible(institution, "unit mappings")
        authority.goto(f"{base}/registry/review/")
        authority.get_by_role("link", name="Micro-credentials mapped to units of your qualifications").click()
        for _ in range(2):
            authority.get_by_role("button", name="Approve").first.click()
            authority.get_by_text("Approved: credentials issued from now on carry the unit.").wait_for()
        authority.screenshot(path=str(SHOTS / "walk-1-mappings-approved.png"), full_page=True)
        in_thread(lambda: _issue_to_jan(people))

        # 3. Progress.
        learner = _sign_in(browser, base, JAN)
        learner.goto(f"{base}/qualifications/")
        learner.get_by_label("Code, title or unit title").fill("wozkow")
        learner.get_by_role("button", name="Search").click()
        learner.get_by_role("link", name="Warehouse operation with forklift trucks (example)").click()
        learner.get_by_role("link", name="Follow in my passport").click()
        learner.get_by_role("button", name="Follow").click()
        learner.get_by_text("You now follow this qualification.").wait_for()
        expect(learner.locator("#pathway-chart svg")).to_be_visible()
        expect(learner.locator('#units tr[data-state="done"]')).to_have_count(2)
        expect(learner.locator('#units tr[data-state="missing"]')).to_contain_text("ZE3")
        learner.screenshot(path=str(SHOTS / "walk-2-progress.png"), full_page=True)
        assert_accessible(learner, "progress")
        pathways = learner.request.get(f"{base}/api/v1/passport/pathways").json()
        assert [
            (p["qualification"], p["followed"], p["unitsDone"], p["unitsMissing"]) for p in pathways["pathways"]
        ] == [(ZRK, True, 2, 1)]

        # 4. Application.
        learner.get_by_role("navigation", name="Passport").get_by_role("link", name="Validation").click()
        learner.get_by_role("link", name="Apply for validation").click()
        learner.get_by_role("button", name="Continue").click()
        learner.get_by_label("ZE3").check()
        for box in learner.locator("input[name=credential]").all():
            box.check()
        learner.get_by_label("Your statement").fill("Od trzech lat prowadzę dokumentację magazynową.")
        learner.get_by_role("button", name="Send the application").click()
        learner.get_by_text("Your application was sent.").wait_for()
        assert_accessible(learner, "application sent")

        # 5. The assessor's decision.
        assessor = _sign_in(browser, base, "izba-assessor")
        assessor.goto(f"{base}/workspace/izba-logistyki/")
        assessor.get_by_role("link", name="Validation cases").click()
        assessor.get_by_role("row").nth(1).get_by_role("link").click()
        expect(assessor.locator("[data-received]")).to_have_attribute("data-received", "verified")
        assessor.get_by_role("radio", name="Recognised", exact=True).check()
        assessor.get_by_label("Method").select_option("observation")
        assessor.get_by_label("Supervision").select_option("supervised-with-id")
        assessor.get_by_role("radio", name="Done", exact=True).check()
        assessor.get_by_label("How (for example").fill("dowód osobisty")
        assessor.get_by_label("Reason").fill("Observed keeping the stock records for a full shift.")
        assessor.get_by_role("button", name="Record the decision").click()
        assessor.get_by_text("The decision is recorded").wait_for()
        expect(assessor.locator("[data-complete]")).to_have_attribute("data-complete", "yes")
        case_url = assessor.url
        assessor.screenshot(path=str(SHOTS / "walk-3-decided.png"), full_page=True)

        # 6. The award, from the case, by a member who may issue.
        institution.goto(case_url)
        institution.get_by_role("link", name="Award the qualification on this basis").click()
        expect(institution.locator("#learner")).to_have_value(JAN)
        institution.get_by_role("button", name="Continue").click()
        expect(institution.locator("main")).to_contain_text(ZRK)
        assert_accessible(institution, "award confirmation")
        institution.get_by_role("button", name="Sign and send").click()
        institution.get_by_text("Awarded. The learner has been sent this link:").wait_for()

        # 7. The portal shows the stack.
        found: list[Any] = []
        in_thread(lambda: found.append(Award.objects.select_related("credential").get()))
        award = found[0]
        portal = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
        portal.goto(f"{base}/verify/")
        portal.locator("textarea[name=text]").fill(award.credential.document_json)
        portal.locator("textarea[name=text]").locator("xpath=ancestor::form").locator("button[type=submit]").click()
        stack = portal.locator("section.stack")
        expect(stack.get_by_role("heading")).to_have_text("What this qualification rests on")
        expect(stack.locator("tbody tr")).to_have_count(3)
        expect(stack.locator("table")).to_contain_text("Valid now; the digest matches the credential issued here.")
        portal.screenshot(path=str(SHOTS / "walk-4-portal-stack.png"), full_page=True)
        assert_accessible(portal, "portal, stacked credential")

        # The API says the same.
        answer = portal.request.get(
            f"{base}/api/v1/awards/{award.pk}", headers={"Authorization": f"Bearer {people['token']}"}
        )
        assert answer.status == 200
        assert ZRK in answer.text()
        listed = portal.request.get(f"{base}/api/v1/qualifications?q=wozkow").json()
        assert [item["id"] for item in listed["items"]] == [ZRK]
        browser.close()
    assert award.organisation.slug == "izba-logistyki"
    assert award.unit_iri == ""
