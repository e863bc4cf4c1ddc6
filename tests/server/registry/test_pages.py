"""The registry pages: applying (owners only, their own organisation), reviewing (the authority's owners only),
decisions shown to the applicant, and bad input answered with a readable message."""

from __future__ import annotations

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
    assert "a rejection needs a reason" in refused.content.decode()
    reviewer.post(f"/registry/review/{application.pk}", {**APPLY, "eqf_max": "4", "decision": "approve"})
    accreditation = Accreditation.objects.get(organisation=college)
    assert (accreditation.eqf_min, accreditation.eqf_max) == (3, 4), "the authority narrowed the scope"
    page = owner.get("/workspace/college/accreditation").content.decode()
    assert "approved" in page
    assert "EQF 3–4" in page


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
    assert "cannot decide on its application" in response.content.decode()
    assert not Accreditation.objects.exists()
    evidence = insider.get(f"/registry/evidence/{application.evidence.get().pk}")
    assert evidence.content == b"%PDF"
    assert evidence["X-Content-Type-Options"] == "nosniff"


def test_names_are_escaped_and_bad_input_explained(college: Organisation) -> None:
    agency = services.create_authority(slug="agency", name="<script>alert(1)</script>", country="SE")
    owner = member(college, Role.OWNER, "owner")
    page = owner.get("/workspace/college/accreditation").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    bad = owner.post("/workspace/college/accreditation", {**APPLY, "eqf_min": "6", "authority": agency.pk})
    assert bad.status_code == 400
    assert "eqf_min (6) is above eqf_max (5)" in bad.content.decode()
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
