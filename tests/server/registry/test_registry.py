"""The trust registry: applying, deciding (never on one's own organisation), the signed accreditation and trust
list, enforcement at issuance (scope, state, grants), the registry API, and the accreditation line in reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from merit.core import trust
from merit.core.microcredential import Learner
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.issuing import services as issuing
from merit.server.issuing.models import Specification
from merit.server.portal import services as portal
from merit.server.registry import published, services
from merit.server.registry.models import Accreditation, Application, Authority, Decision

ROOT = Path(__file__).parents[3]
VOCATIONAL = trust.Scope(eqf_min=3, eqf_max=5, isced_fields=("07",))


def specification(organisation: Organisation, example: str, key: str) -> Specification:
    data = json.loads((ROOT / "examples" / f"{example}.json").read_text(encoding="utf-8"))
    draft, _ = issuing.save_specification(organisation, key, data, actor="test")
    return issuing.publish_specification(draft, actor="test")


def person(organisation: Organisation, name: str) -> Any:
    user = get_user_model().objects.create_user(name, password="a long and private passphrase")
    Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)
    return user


@pytest.fixture
def agency(db: None) -> Authority:
    return services.create_authority(slug="agency", name="Myndigheten för yrkeshögskolan", country="SE")


@pytest.fixture
def reviewer(agency: Authority) -> Any:
    return person(agency.organisation, "reviewer")


def accredit(college: Organisation, agency: Authority, reviewer: Any, scope: trust.Scope = VOCATIONAL) -> Accreditation:
    application = services.apply(
        college,
        agency,
        scope=scope,
        qa_framework="EQAVET",
        accrediting_body="Myndigheten för yrkeshögskolan",
        actor="college-owner",
        evidence=[("report.pdf", "application/pdf", b"%PDF-1.7 evidence")],
    )
    return services.approve(application, user=reviewer)


def test_an_approved_accreditation_is_a_signed_credential_to_the_issuer(
    college: Organisation, agency: Authority, reviewer: Any
) -> None:
    accreditation = accredit(college, agency, reviewer)
    document = accreditation.credential.document
    assert document["issuer"]["id"] == agency.organisation.did
    assert document["credentialSubject"]["id"] == college.did
    assert trust.scope_of(document) == VOCATIONAL
    assert portal.verifier().verify_credential(document).verified
    actions = list(Decision.objects.values_list("action", flat=True))
    assert actions == ["submitted", "approved"]
    assert Application.objects.get().state == "approved"


def test_no_one_decides_on_their_own_organisations_application(college: Organisation, agency: Authority) -> None:
    application = services.apply(
        college, agency, scope=VOCATIONAL, qa_framework="EQAVET", accrediting_body="MYH", actor="owner"
    )
    insider = person(college, "insider")
    with pytest.raises(services.RegistryRefusal, match="cannot decide on its application"):
        services.approve(application, user=insider)
    with pytest.raises(services.RegistryRefusal, match="cannot apply to itself"):
        services.apply(
            agency.organisation, agency, scope=VOCATIONAL, qa_framework="ESG", accrediting_body="x", actor="a"
        )
    assert not Accreditation.objects.exists()


def test_issuing_inside_the_scope_is_allowed_and_outside_refused(
    college: Organisation, agency: Authority, reviewer: Any
) -> None:
    solar = specification(college, "solar-installation-vocational", "solar")  # EQF 5, ISCED-F 0713.
    data = specification(college, "data-analysis-university-online", "data")  # EQF 6, ISCED-F 0688.
    assert issuing.issue_from_specification(data, Learner(email="a@example.se"), actor="t"), "unaccredited: allowed"
    accredit(college, agency, reviewer)
    record = issuing.issue_from_specification(solar, Learner(email="a@example.se"), actor="t")
    with pytest.raises(services.RegistryRefusal, match=r"outside the accredited scope \(EQF level 6"):
        issuing.issue_from_specification(data, Learner(email="a@example.se"), actor="t")
    report = portal.verifier().verify_credential(record.document)
    check = report.check("accreditation")
    assert check is not None
    assert check.outcome == "passed"
    assert check.message.startswith(
        "Issued by Yrkeshögskolan Norr, accredited by Myndigheten för yrkeshögskolan for EQF 3–5 in ISCED-F 07 from "
    )


def test_suspension_and_withdrawal_stop_issuing_but_keep_earlier_credentials_valid(
    college: Organisation, agency: Authority, reviewer: Any
) -> None:
    solar = specification(college, "solar-installation-vocational", "solar")
    accreditation = accredit(college, agency, reviewer)
    before = issuing.issue_from_specification(solar, Learner(email="a@example.se"), actor="t")
    services.suspend(accreditation, user=reviewer, reason="audit pending")
    with pytest.raises(services.RegistryRefusal, match="is suspended"):
        issuing.issue_from_specification(solar, Learner(email="b@example.se"), actor="t")
    services.reinstate(accreditation, user=reviewer)
    issuing.issue_from_specification(solar, Learner(email="b@example.se"), actor="t")
    services.withdraw(accreditation, user=reviewer, reason="quality assurance failed")
    with pytest.raises(services.RegistryRefusal, match="is withdrawn"):
        issuing.issue_from_specification(solar, Learner(email="c@example.se"), actor="t")
    check = portal.verifier().verify_credential(before.document).check("accreditation")
    assert check is not None
    assert check.outcome == "passed", "issued before the withdrawal, so still covered"
    actions = list(Decision.objects.filter(accreditation=accreditation).values_list("action", flat=True))
    assert actions == ["approved", "suspended", "reinstated", "withdrawn"]


def test_an_unaccredited_issuer_is_said_to_be_so(employer: Organisation, agency: Authority) -> None:
    forklift = specification(employer, "forklift-workplace-validation", "forklift")
    record = issuing.issue_from_specification(forklift, Learner(email="a@example.pl"), actor="t")
    report = portal.verifier().verify_credential(record.document)
    check = report.check("accreditation")
    assert check is not None
    assert check.outcome == "not_applicable"
    assert check.details == {"accredited": False}
    assert report.verified


def test_the_authorities_are_read_only_for_an_issuer_with_accreditations(
    college: Organisation, employer: Organisation, agency: Authority, reviewer: Any
) -> None:
    accredit(college, agency, reviewer)
    unaccredited = issuing.issue_from_specification(
        specification(employer, "forklift-workplace-validation", "forklift"), Learner(email="a@example.pl"), actor="t"
    )
    accredited = issuing.issue_from_specification(
        specification(college, "solar-installation-vocational", "solar"), Learner(email="a@example.se"), actor="t"
    )
    for record, reads in ((unaccredited, 0), (accredited, 1)):
        with CaptureQueriesContext(connection) as queries:
            report = portal.verifier().verify_credential(record.document)
        assert report.verified
        assert sum('FROM "registry_authority"' in q["sql"] for q in queries.captured_queries) == reads


def test_grants_let_another_organisation_issue_until_revoked(
    college: Organisation, employer: Organisation, db: None
) -> None:
    solar = specification(college, "solar-installation-vocational", "solar")
    with pytest.raises(services.RegistryRefusal, match="no valid grant"):
        services.may_issue(employer, solar)
    grant = services.grant(college, "solar", employer, actor="owner", valid_until=None)
    services.may_issue(employer, solar)
    services.revoke_grant(grant, actor="owner")
    with pytest.raises(services.RegistryRefusal, match="no valid grant"):
        services.may_issue(employer, solar)


def test_the_registry_api_and_the_trust_list(
    client: Client, college: Organisation, agency: Authority, reviewer: Any
) -> None:
    accredit(college, agency, reviewer)
    response = client.get(f"/registry/v1/issuers/{college.did}")
    assert response.status_code == 200
    record = response.json()
    assert record["name"] == "Yrkeshögskolan Norr"
    assert record["accreditations"][0]["scope"] == VOCATIONAL.to_json()
    assert record["accreditations"][0]["state"] == "active"
    again = client.get(f"/registry/v1/issuers/{college.did}", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    missing = client.get("/registry/v1/issuers/did:web:merit.test:orgs:nobody")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    page = client.get("/registry/v1/issuers", {"size": 1}).json()
    assert [item["did"] for item in page["items"]] == [college.did]
    listed = client.get("/registry/v1/trust-lists/agency").json()
    offline = trust.OfflineTrustList(listed, portal.verifier())
    assert len(offline.accreditations(college.did)) == 1
    assert published.DatabaseRegistry().accreditations(college.did)[0]["credentialSubject"]["id"] == college.did


def test_an_accreditation_past_its_end_is_expired_and_stops_issuing(
    college: Organisation, agency: Authority, reviewer: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    solar = specification(college, "solar-installation-vocational", "solar")
    accreditation = accredit(college, agency, reviewer)
    Accreditation.objects.filter(pk=accreditation.pk).update(valid_until=timezone.now() - timedelta(days=1))
    accreditation.refresh_from_db()
    assert accreditation.current_state == "expired"
    assert published.issuer_record(college.did)["accreditations"][0]["state"] == "expired"  # type: ignore[index]
    with pytest.raises(services.RegistryRefusal, match="ended on"):
        issuing.issue_from_specification(solar, Learner(email="a@example.se"), actor="t")


def test_a_narrower_scope_needs_a_reason_and_a_wider_one_is_refused(
    college: Organisation, agency: Authority, reviewer: Any
) -> None:
    applied = trust.Scope(eqf_min=3, eqf_max=5, isced_fields=("07",), regions=("SE-AC", "SE-BD"))
    application = services.apply(
        college, agency, scope=applied, qa_framework="EQAVET", accrediting_body="MYH", actor="college-owner"
    )
    for wider in (
        trust.Scope(eqf_min=3, eqf_max=6, isced_fields=("07",), regions=("SE-AC",)),
        trust.Scope(eqf_min=3, eqf_max=5, regions=("SE-AC",)),
        trust.Scope(eqf_min=3, eqf_max=5, isced_fields=("06",), regions=("SE-AC",)),
        trust.Scope(eqf_min=3, eqf_max=5, isced_fields=("07",), regions=("SE",)),
    ):
        with pytest.raises(services.RegistryRefusal, match="never widened"):
            services.approve(application, user=reviewer, scope=wider, reason="why")
    narrower = trust.Scope(eqf_min=4, eqf_max=5, isced_fields=("0713",), regions=("SE-AC",))
    with pytest.raises(services.RegistryRefusal, match="needs a reason"):
        services.approve(application, user=reviewer, scope=narrower)
    same_in_another_order = trust.Scope(eqf_min=3, eqf_max=5, isced_fields=("07",), regions=("SE-BD", "SE-AC"))
    assert services.within(narrower, applied)
    accreditation = services.approve(application, user=reviewer, scope=same_in_another_order)
    assert list(Decision.objects.filter(accreditation=accreditation).values_list("action", flat=True)) == ["approved"]


def test_findings_name_why_no_accreditation_covers_a_micro_credential(
    college: Organisation, agency: Authority, reviewer: Any
) -> None:
    assert services.scope_findings(college, {"eqfLevel": 7}) == [], "never accredited: nothing to warn about"
    accreditation = accredit(college, agency, reviewer)
    (finding,) = services.scope_findings(college, {"eqfLevel": 7, "iscedField": "0611"})
    assert finding.problem == "scope"
    assert [(gap.rule, gap.value) for gap in finding.gaps] == [("eqf", "7"), ("isced", "0611")]
    assert services.scope_findings(college, {"eqfLevel": 4, "iscedField": "0713"}) == []
    services.suspend(accreditation, user=reviewer, reason="audit")
    assert [f.problem for f in services.scope_findings(college, {"eqfLevel": 4, "iscedField": "0713"})] == ["suspended"]
