"""The registry pages: applying (owners only, their own organisation), reviewing (the authority's members; owners
and issuers decide), decisions and their reasons shown to the applicant, only the changes that apply offered, and
bad input answered with a readable message."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.registry import services
from merit.server.registry.models import Accreditation, Application

APPLY = {"eqf_min": "3", "eqf_max": "5", "isced_fields": ["07"], "qa_framework": "EQAVET", "accrediting_body": "MYH"}


def member(organisation: Organisation, role: str, name: str) -> Client:
    user = get_user_model().objects.create_user(name, password="a long and private passphrase")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client()
    client.force_login(user)
    return client


def test_owners_apply_and_see_the_decisions(college: Organisation, employer: Organisation) -> None:
    agency = services.create_authority(slug="agency", name="Agency", country="SE")
    owner = member(college, Role.OWNER, "owner")
    evidence = SimpleUploadedFile("report.pdf", b"%PDF-1.7 report", "application/pdf")
    response = owner.post("/workspace/college/accreditation", {**APPLY, "authority": agency.pk, "evidence": evidence})
    assert response.status_code == 302
    application = Application.objects.get(organisation=college)
    assert (application.eqf_min, application.isced_fields, application.evidence.count()) == (3, ["07"], 1)
    assert member(college, Role.ISSUER, "issuer").get("/workspace/college/accreditation").status_code == 404
    assert member(employer, Role.OWNER, "stranger").post("/workspace/college/accreditation", APPLY).status_code == 404
    reviewer = member(agency.organisation, Role.OWNER, "reviewer")
    assert "Yrkeshögskolan Norr" in reviewer.get("/registry/review/").content.decode()
    refused = reviewer.post(f"/registry/review/{application.pk}", {"decision": "reject", "reason": " "})
    assert refused.status_code == 400
    assert "Give a reason for refusing: the applicant reads it." in refused.content.decode()
    unexplained = reviewer.post(f"/registry/review/{application.pk}", {**APPLY, "eqf_max": "4", "decision": "approve"})
    assert unexplained.status_code == 400
    assert "Give a reason for narrowing the scope: the applicant reads it." in unexplained.content.decode()
    assert 'value="4" selected' in unexplained.content.decode(), "what the authority chose is kept"
    wider = reviewer.post(
        f"/registry/review/{application.pk}", {**APPLY, "eqf_max": "6", "decision": "approve", "reason": "x"}
    )
    assert "The scope can be narrowed, never widened beyond the one applied for." in wider.content.decode()
    assert not Accreditation.objects.exists()
    reason = "The evidence covers EQF level 4 at most."
    reviewer.post(
        f"/registry/review/{application.pk}", {**APPLY, "eqf_max": "4", "decision": "approve", "reason": reason}
    )
    accreditation = Accreditation.objects.get(organisation=college)
    assert (accreditation.eqf_min, accreditation.eqf_max) == (3, 4), "the authority narrowed the scope"
    page = owner.get("/workspace/college/accreditation").content.decode()
    assert "<strong>Approved with a narrower scope</strong>" in page
    assert "Accredited for: EQF levels 3–4; 07 Engineering, manufacturing and construction" in page
    assert f"The authority's reason: {reason}" in page
    assert "EQF levels 3–5; 07 Engineering, manufacturing and construction" in page, "what was applied for"


def test_the_applicant_reads_why_an_application_was_refused(college: Organisation) -> None:
    agency = services.create_authority(slug="agency", name="Agency", country="SE")
    owner = member(college, Role.OWNER, "owner")
    owner.post("/workspace/college/accreditation", {**APPLY, "authority": agency.pk})
    application = Application.objects.get()
    reviewer = member(agency.organisation, Role.ISSUER, "reviewer")
    response = reviewer.post(f"/registry/review/{application.pk}", {"decision": "reject", "reason": "No QA report."})
    assert response.status_code == 302
    page = owner.get("/workspace/college/accreditation").content.decode()
    assert "<strong>Refused</strong>" in page
    assert "The authority's reason: No QA report." in page
    swedish = member(college, Role.OWNER, "svensk")
    swedish.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    text = swedish.get("/workspace/college/accreditation").content.decode()
    assert "<strong>Avslagen</strong>" in text
    assert "Myndighetens motivering: No QA report." in text


def test_only_the_authoritys_owners_review_and_never_their_own_application(college: Organisation) -> None:
    agency = services.create_authority(slug="agency", name="Agency", country="SE")
    application = services.apply(
        college,
        agency,
        scope=services.scope_of(Application(eqf_min=3, eqf_max=5)),
        qa_framework="ESG",
        accrediting_body="x",
        actor="owner",
        evidence=[("a.pdf", "application/pdf", b"%PDF")],
    )
    outsider = member(college, Role.OWNER, "owner")
    for path in ("/registry/review/", f"/registry/review/{application.pk}", "/registry/evidence/1"):
        assert outsider.get(path).status_code == 404
    insider = member(agency.organisation, Role.OWNER, "both")
    Membership.objects.create(user=get_user_model().objects.get(username="both"), organisation=college, role="viewer")
    response = insider.post(f"/registry/review/{application.pk}", {"decision": "approve"})
    assert response.status_code == 400
    assert "You are a member of this organisation, so you cannot decide about it." in response.content.decode()
    assert not Accreditation.objects.exists()
    evidence = insider.get(f"/registry/evidence/{application.evidence.get().pk}")
    assert evidence.content == b"%PDF"
    assert evidence["X-Content-Type-Options"] == "nosniff"


def test_the_authoritys_members_review_and_owners_and_issuers_decide(college: Organisation) -> None:
    agency = services.create_authority(slug="agency", name="Agency", country="SE")
    application = services.apply(
        college,
        agency,
        scope=services.scope_of(Application(eqf_min=3, eqf_max=5)),
        qa_framework="ESG",
        accrediting_body="x",
        actor="owner",
        evidence=[("qa-report.pdf", "application/pdf", b"%PDF")],
    )
    viewer = member(agency.organisation, Role.VIEWER, "viewer")
    listing = viewer.get("/registry/review/").content.decode()
    assert "Yrkeshögskolan Norr" in listing
    assert f'href="/registry/evidence/{application.evidence.get().pk}">qa-report.pdf</a>' in listing
    assert "EQF levels 3–5" in listing
    assert viewer.get(f"/registry/review/{application.pk}").status_code == 200
    assert "Approve with this scope" not in viewer.get(f"/registry/review/{application.pk}").content.decode()
    assert viewer.post(f"/registry/review/{application.pk}", {"decision": "approve"}).status_code == 404
    issuer = member(agency.organisation, Role.ISSUER, "issuer")
    assert (
        issuer.post(
            f"/registry/review/{application.pk}", {"eqf_min": "3", "eqf_max": "5", "decision": "approve"}
        ).status_code
        == 302
    )
    assert Accreditation.objects.get().organisation == college


def test_only_the_changes_that_apply_are_offered_each_with_a_reason(college: Organisation) -> None:
    agency = services.create_authority(slug="agency", name="Agency", country="SE")
    application = services.apply(
        college, agency, scope=services.scope_of(Application()), qa_framework="ESG", accrediting_body="x", actor="o"
    )
    reviewer = member(agency.organisation, Role.OWNER, "reviewer")
    reviewer.post(f"/registry/review/{application.pk}", {"decision": "approve"})
    accreditation = Accreditation.objects.get()
    page = reviewer.get("/registry/review/").content.decode()
    assert 'value="suspend"' in page
    assert 'value="withdraw"' in page
    assert 'value="reinstate"' not in page, "an active accreditation cannot be reinstated"
    assert "selected" not in page.split("<h2>Accreditations</h2>")[1], "no action is preselected"
    change = f"/registry/accreditations/{accreditation.pk}/change"
    unexplained = reviewer.post(change, {"action": "suspend", "reason": " "}, follow=True)
    assert "Give a reason: the organisation reads it." in unexplained.content.decode()
    reviewer.post(change, {"action": "suspend", "reason": "Audit pending"})
    page = reviewer.get("/registry/review/").content.decode()
    assert 'value="reinstate"' in page
    assert 'value="suspend"' not in page
    confirm = reviewer.post(change, {"action": "withdraw", "reason": "Audit failed"})
    text = confirm.content.decode()
    assert "Withdrawal is for good: it cannot be reinstated." in text
    assert 'name="confirm" value="yes"' in text
    assert ">Audit failed</textarea>" in text, "the reason typed is kept"
    accreditation.refresh_from_db()
    assert accreditation.state == "suspended", "nothing happens before the confirmation"
    reviewer.post(change, {"action": "withdraw", "reason": "Audit failed", "confirm": "yes"})
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.state_reason) == ("withdrawn", "Audit failed")
    assert accreditation.withdrawn_at is not None
    assert accreditation.withdrawal is not None
    assert "No change is possible." in reviewer.get("/registry/review/").content.decode()
    applicant = member(college, Role.OWNER, "owner").get("/workspace/college/accreditation").content.decode()
    assert "Reason: Audit failed" in applicant


def test_names_are_escaped_and_bad_input_explained(college: Organisation) -> None:
    agency = services.create_authority(slug="agency", name="<script>alert(1)</script>", country="SE")
    owner = member(college, Role.OWNER, "owner")
    page = owner.get("/workspace/college/accreditation").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    bad = owner.post("/workspace/college/accreditation", {**APPLY, "eqf_min": "6", "authority": agency.pk})
    assert bad.status_code == 400
    assert "The lowest EQF level is above the highest." in bad.content.decode()
    assert not Application.objects.exists()
    none = owner.post("/workspace/college/accreditation", APPLY)
    assert "Choose the authority to apply to." in none.content.decode()


def test_the_review_says_whether_the_authority_recognises_the_accrediting_body(college: Organisation) -> None:
    from merit.server.registry.models import QualityAssuranceBody

    agency = services.create_authority(slug="agency", name="Agency", country="SE")
    QualityAssuranceBody.objects.create(authority=agency, name="EQAVET Reference Point Sweden", framework="EQAVET")
    owner = member(college, Role.OWNER, "owner")
    assert 'value="EQAVET Reference Point Sweden"' in owner.get("/workspace/college/accreditation").content.decode()
    owner.post(
        "/workspace/college/accreditation",
        {**APPLY, "authority": agency.pk, "accrediting_body": "eqavet reference point sweden"},
    )
    reviewer = member(agency.organisation, Role.OWNER, "reviewer")
    application = Application.objects.get()
    assert "recognised by your authority" in reviewer.get(f"/registry/review/{application.pk}").content.decode()
    application.accrediting_body = "A body nobody knows"
    application.save()
    page = reviewer.get(f"/registry/review/{application.pk}").content.decode()
    assert "not among the bodies your authority recognises" in page


def test_a_reviewer_in_several_organisations_finds_the_review_from_the_workspace(college: Organisation) -> None:
    agency = services.create_authority(slug="agency", name="Agency", country="SE")
    client = member(agency.organisation, Role.VIEWER, "reviewer")
    only = client.get("/workspace/")
    assert (only.status_code, only["Location"]) == (302, "/registry/review/")
    Membership.objects.create(
        user=get_user_model().objects.get(username="reviewer"), organisation=college, role="viewer"
    )
    page = client.get("/workspace/").content.decode()
    assert page.count('href="/registry/review/">Review applications</a>') == 1, "beside the authority only"


@pytest.mark.parametrize(
    ("language", "asked", "scope"),
    [
        ("sv", "Sökt omfattning", "EQF-nivåerna 3–5; 07 Teknik, tillverkning och byggverksamhet"),
        ("nb", "Omfang det er søkt om", "EQF-nivåene 3–5; 07 Teknikk, industri og bygg og anlegg"),
        ("fi", "Haettu laajuus", "EQF-tasot 3–5; 07 Tekniikan alat"),
        ("pl", "Wnioskowany zakres", "Poziomy EQF 3–5; 07 Technika, przemysł i budownictwo"),
    ],
)
def test_the_review_names_the_scope_in_the_readers_language(
    college: Organisation, language: str, asked: str, scope: str
) -> None:
    agency = services.create_authority(slug="agency", name="Agency", country="SE")
    owner = member(college, Role.OWNER, "owner")
    owner.post("/workspace/college/accreditation", {**APPLY, "authority": agency.pk})
    reviewer = member(agency.organisation, Role.OWNER, "reviewer")
    reviewer.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    page = reviewer.get("/registry/review/").content.decode()
    assert asked in page
    assert scope in page
    assert "EQF levels" not in page


def test_an_issuance_refusal_is_said_in_the_readers_language(college: Organisation, employer: Organisation) -> None:
    import json
    from pathlib import Path

    from django.utils import translation

    from merit.core import trust
    from merit.server.issuing import services as issuing
    from merit.server.registry import wording

    data = json.loads((Path(__file__).parents[3] / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = issuing.save_specification(college, "solar", data, actor="t")
    specification = issuing.publish_specification(draft, actor="t")
    agency = services.create_authority(slug="agency", name="Agency", country="SE")
    application = services.apply(
        college, agency, scope=trust.Scope(eqf_min=3, eqf_max=4), qa_framework="ESG", accrediting_body="x", actor="o"
    )
    services.approve(application, user=get_user_model().objects.create_user("reviewer"))
    with pytest.raises(services.RegistryRefusal) as outside:
        services.may_issue(college, specification)
    with pytest.raises(services.RegistryRefusal) as ungranted:
        services.may_issue(employer, specification)
    with translation.override("sv"):
        said = wording.refusal(outside.value)
        assert said == (
            "Inte utfärdat: Agency ackrediterar er för EQF-nivåerna 3–4, och EQF-nivå 5 hör inte till de "
            "ackrediterade nivåerna."
        )
        assert wording.refusal(ungranted.value) == (
            "Logistik AB har ingen giltig rätt från Yrkeshögskolan Norr att utfärda den här mikromeriten."
        )
    assert "outside the accredited scope" in outside.value.message, "the API keeps the English rule"
