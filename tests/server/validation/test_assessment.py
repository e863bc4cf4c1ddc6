"""The assessor decides unit by unit (reason, method, supervision and identity check validated), decisions are
superseded, never edited, audited and shown to the learner; other organisations and other roles are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from merit.server.accounts.models import AuditEvent, Organisation, Role
from merit.server.issuing.services import create_organisation
from merit.server.passport.models import HeldCredential
from merit.server.qualifications.models import Qualification, UnitMapping
from merit.server.qualifications.models import Unit as UnitRow
from merit.server.validation import basis as casebasis
from merit.server.validation import services
from merit.server.validation.models import Case, Decision, DecisionEdited
from tests.server.people import member_client
from tests.server.validation.conftest import ZE1, ZE2, ZE3

DECISION = {
    "unit": ZE3,
    "outcome": "recognised",
    "method": "observation",
    "supervision": "supervised-with-id",
    "identity_checked": "yes",
    "identity_method": "national ID card seen",
    "reason": "Observed keeping the stock records for a full shift.",
}


@pytest.fixture
def case(qualification: Qualification, izba: Organisation, jan: tuple[Any, Client, HeldCredential]) -> Case:
    user, _client, held = jan
    files = [services.File("notes.txt", b"Zapisy magazynowe")]
    return services.apply(user, izba, qualification, units=[ZE3], held=[held.pk], files=files)


def test_the_assessor_sees_the_case_verified_and_decides_a_unit(
    case: Case, assessor: tuple[Client, Any], jan: tuple[Any, Client, HeldCredential]
) -> None:
    client, user = assessor
    listing = client.get("/workspace/izba-logistyki/validation/").content.decode()
    assert f"/workspace/izba-logistyki/validation/{case.pk}/" in listing
    page = client.get(f"/workspace/izba-logistyki/validation/{case.pk}/").content.decode()
    assert 'data-received="verified"' in page
    assert "Credential 1 in the presentation" in page, "each credential with its own report"
    assert 'data-complete="no"' in page
    evidence = case.submission.evidence.get()
    download = client.get(f"/workspace/izba-logistyki/validation/evidence/{evidence.pk}")
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/octet-stream"
    assert download.content == b"Zapisy magazynowe"
    response = client.post(f"/workspace/izba-logistyki/validation/{case.pk}/decide", DECISION)
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.outcome, decision.method, decision.supervision, decision.assessor) == (
        "recognised",
        "observation",
        "supervised-with-id",
        user.username,
    )
    event = AuditEvent.objects.get(action="validation.decided")
    assert event.details["unit"] == ZE3
    assert event.details["decision"] == decision.urn
    (message,) = mail.outbox
    assert message.to == ["jan.kowalski@example.pl"]
    assert f"/passport/validation/{case.pk}/" in message.body
    _jan, learner, _held = jan
    seen = learner.get(f"/passport/validation/{case.pk}/").content.decode()
    assert 'data-outcome="recognised"' in seen
    assert "Observed keeping the stock records" in seen
    assert "Withdraw this application" not in seen
    assert learner.post(f"/passport/validation/{case.pk}/withdraw").status_code == 302
    assert Case.objects.get().state == "open", "a decided case cannot be withdrawn"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": "  "}, "Give the reason"),
        ({"method": "telepathy"}, "Choose how it was assessed"),
        ({"supervision": "somewhat"}, "Choose the supervision"),
        ({"outcome": "maybe"}, "Choose recognised, not recognised or further assessment needed"),
        ({"identity_method": ""}, "Say how the identity was checked"),
        ({"identity_checked": "no"}, "The supervision must say whether the identity was checked"),
        ({"unit": ZE1}, "Decide only the units of this case"),
    ],
)
def test_a_decision_needs_a_reason_and_known_choices(
    case: Case, assessor: tuple[Client, Any], change: dict[str, str], message: str
) -> None:
    client, _user = assessor
    response = client.post(f"/workspace/izba-logistyki/validation/{case.pk}/decide", {**DECISION, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Decision.objects.exists()


def test_a_later_decision_supersedes_and_the_first_is_never_edited(case: Case, assessor: tuple[Client, Any]) -> None:
    _client, user = assessor
    first = services.decide(
        case,
        user,
        unit=ZE3,
        outcome="further-assessment",
        method="interview",
        supervision="supervised-without-id",
        identity_checked=False,
        reason="Needs an observation at work.",
    )
    assert casebasis.of(case).recognitions == ()
    second = services.decide(
        case,
        user,
        unit=ZE3,
        outcome="recognised",
        method="observation",
        supervision="supervised-with-id",
        identity_checked=True,
        identity_method="ID card",
        reason="Observed.",
    )
    assert second.supersedes == first
    assert services.current(case)[ZE3] == second
    first.reason = "changed"
    with pytest.raises(DecisionEdited):
        first.save()
    assert Decision.objects.get(pk=first.pk).reason == "Needs an observation at work."
    (recognition,) = casebasis.of(case).recognitions
    assert (recognition.unit, recognition.decision, recognition.method) == (ZE3, second.urn, "observation")
    assert [piece.credential_id for piece in casebasis.of(case).pieces] == [
        case.submission.learner.held_credentials.get().credential_id
    ]
    events = AuditEvent.objects.filter(action="validation.decided").order_by("at", "pk")
    assert [e.details["supersedes"] for e in events] == [None, first.urn]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ISSUER, Role.DESIGNER])
def test_other_roles_cannot_see_or_decide(case: Case, izba: Organisation, role: str) -> None:
    client, _user = member_client(izba, role)
    assert client.get("/workspace/izba-logistyki/validation/").status_code == 404
    assert client.get(f"/workspace/izba-logistyki/validation/{case.pk}/").status_code == 404
    assert client.post(f"/workspace/izba-logistyki/validation/{case.pk}/decide", DECISION).status_code == 404
    evidence = case.submission.evidence.get()
    assert client.get(f"/workspace/izba-logistyki/validation/evidence/{evidence.pk}").status_code == 404
    assert not Decision.objects.exists()


def test_another_organisations_assessor_is_refused(case: Case) -> None:
    other = create_organisation(slug="other", name="Other body", country="PL")
    client, user = member_client(other, Role.ASSESSOR)
    assert client.get(f"/workspace/other/validation/{case.pk}/").status_code == 404
    assert client.post(f"/workspace/other/validation/{case.pk}/decide", DECISION).status_code == 404
    assert client.get(f"/workspace/izba-logistyki/validation/{case.pk}/").status_code == 404
    evidence = case.submission.evidence.get()
    assert client.get(f"/workspace/other/validation/evidence/{evidence.pk}").status_code == 404
    with pytest.raises(services.NotAllowed):
        services.decide(case, user, **{**DECISION, "identity_checked": True})  # type: ignore[arg-type]
    assert not Decision.objects.exists()


def test_the_owner_decides_too_and_the_decision_form_needs_csrf(case: Case, izba: Organisation) -> None:
    _client, owner = member_client(izba, Role.OWNER)
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(owner)
    assert guarded.post(f"/workspace/izba-logistyki/validation/{case.pk}/decide", DECISION).status_code == 403
    assert not Decision.objects.exists()
    assert _client.post(f"/workspace/izba-logistyki/validation/{case.pk}/decide", DECISION).status_code == 302
    assert Decision.objects.get().assessor == owner.username


def test_the_award_section_counts_recognised_units_and_mapped_credentials(
    case: Case, assessor: tuple[Client, Any], izba: Organisation
) -> None:
    client, user = assessor
    services.decide(case, user, **{**DECISION, "identity_checked": True})  # type: ignore[arg-type]
    progress = casebasis.award_progress(case, casebasis.live_report(case))
    assert not progress.complete
    assert [s.state for s in progress.units] == ["missing", "missing", "done"]
    unit = UnitRow.objects.get(iri=ZE2)
    UnitMapping.objects.create(
        organisation=izba,
        specification_key="forklift-workplace-validation",
        unit=unit,
        state=UnitMapping.State.APPROVED,
        requested_by="t",
    )
    progress = casebasis.award_progress(case, casebasis.live_report(case))
    assert [(s.state, s.recognised) for s in progress.units] == [("missing", False), ("done", False), ("done", True)]
    page = client.get(f"/workspace/izba-logistyki/validation/{case.pk}/").content.decode()
    assert 'id="award-heading"' in page
    assert "Recognised by validation" in page
    assert "Covered by a credential" in page
    assert 'data-complete="no"' in page


def test_the_learner_is_told_in_the_language_they_chose(
    case: Case, assessor: tuple[Client, Any], jan: tuple[Any, Client, HeldCredential]
) -> None:
    from merit.server.accounts.models import Account

    Account.objects.filter(user=jan[0]).update(language="pl")
    _client, user = assessor
    services.decide(case, user, **{**DECISION, "identity_checked": True})  # type: ignore[arg-type]
    (message,) = mail.outbox
    assert message.subject == "Decyzja w Twojej sprawie walidacyjnej"
    assert "Zestaw ZE3: potwierdzone." in message.body
