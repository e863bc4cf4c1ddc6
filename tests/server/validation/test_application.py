"""The learner's application: a signed presentation verified on receipt, evidence within limits, withdrawal."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from merit.server.accounts.models import AuditEvent, Organisation
from merit.server.issuing.services import create_organisation
from merit.server.passport.models import HeldCredential
from merit.server.qualifications.models import Qualification
from merit.server.validation import basis as casebasis
from merit.server.validation import services
from merit.server.validation.models import Case, Evidence
from tests.server.validation.conftest import ZE1, ZE2, ZE3

PDF = b"%PDF-1.4\n% a portfolio\n"


def apply_page(client: Client, qualification: Qualification, institution: Organisation, **extra: Any) -> Any:
    data = {"qualification": qualification.pk, "institution": institution.pk, "unit": [ZE3], **extra}
    return client.post("/passport/validation/apply", data)


def test_jan_applies_with_a_signed_presentation_evidence_and_a_statement(
    qualification: Qualification, izba: Organisation, jan: tuple[Any, Client, HeldCredential]
) -> None:
    user, client, held = jan
    page = client.get(f"/passport/validation/apply?qualification={qualification.pk}")
    assert page.status_code == 200
    assert "Polska Izba Logistyki" in page.content.decode()
    evidence = SimpleUploadedFile("portfolio.pdf", PDF, content_type="application/pdf")
    response = apply_page(
        client, qualification, izba, credential=[held.pk], statement="I keep the stock records.", evidence=[evidence]
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/passport/validation/{case.pk}/"
    assert case.learner == user
    assert case.units == [ZE3]
    assert case.kind == "application"
    submission = case.submission
    assert submission.outcome == "verified", submission.report
    document = json.loads(bytes(submission.presentation))
    assert document["verifiableCredential"] == [held.document]
    proof = document["proof"][0]
    assert (proof["challenge"], proof["domain"]) == (case.urn, izba.did)
    assert submission.statement == "I keep the stock records."
    (file,) = Evidence.objects.all()
    assert file.content_type == "application/pdf"
    assert bytes(file.data) == PDF
    assert len(file.sha256) == 64
    assert AuditEvent.objects.filter(action="validation.applied", target=case.urn).exists()
    shown = client.get(f"/passport/validation/{case.pk}/").content.decode()
    assert "Not decided yet" in shown
    assert "portfolio.pdf" in shown
    assert "Withdraw this application" in shown


def test_a_tampered_presentation_is_reported_invalid(
    qualification: Qualification, izba: Organisation, jan: tuple[Any, Client, HeldCredential]
) -> None:
    user, _client, held = jan
    case = services.apply(user, izba, qualification, units=[ZE3], held=[held.pk])
    document = json.loads(bytes(case.submission.presentation))
    document["verifiableCredential"][0]["credentialSubject"]["name"] = "Someone Else"
    report = services.verify_presentation(case, json.dumps(document).encode())
    assert report.outcome == "invalid"
    assert casebasis.live_report(case).outcome == "verified", "the kept bytes still verify"
    other = Case.objects.create(
        institution=izba, qualification=qualification, kind="application", learner=user, units=[ZE3], created_by="x"
    )
    # The same presentation sent to another case: its challenge names the first one.
    replayed = services.verify_presentation(other, bytes(case.submission.presentation))
    assert replayed.outcome == "invalid"
    assert replayed.check("challenge_and_domain").outcome == "failed"
    kept = services.receive(other, user, json.dumps(document).encode())
    assert kept.outcome == "invalid"
    assert casebasis.of(other).pieces == ()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("a.exe", b"MZ\x90\x00\x03\x00\x00\x00")], "is not a PDF, PNG, JPEG or plain text file"),
        ([("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))], "is larger than 5 MB"),
        ([(f"{n}.txt", b"notes") for n in range(6)], "Attach at most 5 evidence files"),
        ([("empty.txt", b"")], "is empty"),
    ],
)
def test_evidence_outside_the_limits_is_refused_and_nothing_is_kept(
    qualification: Qualification,
    izba: Organisation,
    jan: tuple[Any, Client, HeldCredential],
    files: list[tuple[str, bytes]],
    message: str,
) -> None:
    _user, client, held = jan
    uploads = [SimpleUploadedFile(name, data) for name, data in files]
    response = apply_page(client, qualification, izba, credential=[held.pk], evidence=uploads)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_only_an_accredited_institution_and_own_credentials(
    qualification: Qualification, izba: Organisation, jan: tuple[Any, Client, HeldCredential]
) -> None:
    user, client, held = jan
    stranger = create_organisation(slug="stranger", name="Not accredited", country="PL")
    with pytest.raises(services.Refused, match="not accredited"):
        services.apply(user, stranger, qualification, units=[ZE3], held=[held.pk])
    assert apply_page(client, qualification, stranger, credential=[held.pk]).status_code == 400
    from tests.server.passport.conftest import learner_client

    other, _ = learner_client("other@example.pl")
    with pytest.raises(services.Refused, match="from your passport"):
        services.apply(other, izba, qualification, units=[ZE3], held=[held.pk])
    with pytest.raises(services.Refused, match="units"):
        services.apply(user, izba, qualification, units=["https://elsewhere.example/#X"], held=[held.pk])
    with pytest.raises(services.Refused, match="at least one"):
        services.apply(user, izba, qualification, units=[ZE1, ZE2], held=[])
    assert not Case.objects.exists()


def test_withdrawing_a_case_not_yet_decided(
    qualification: Qualification, izba: Organisation, jan: tuple[Any, Client, HeldCredential]
) -> None:
    user, client, held = jan
    case = services.apply(user, izba, qualification, units=[ZE3], held=[held.pk])
    from tests.server.passport.conftest import learner_client

    _other, stranger = learner_client("other@example.pl")
    assert stranger.get(f"/passport/validation/{case.pk}/").status_code == 404
    assert stranger.post(f"/passport/validation/{case.pk}/withdraw").status_code == 404
    assert Case.objects.get().state == "open"
    client.post(f"/passport/validation/{case.pk}/withdraw")
    case.refresh_from_db()
    assert case.state == "withdrawn"
    assert case.withdrawn_at is not None
    assert AuditEvent.objects.filter(action="validation.withdrawn").exists()
    with pytest.raises(services.Refused):
        services.withdraw(case, user)


def test_forms_need_the_csrf_token(
    qualification: Qualification, izba: Organisation, jan: tuple[Any, Client, HeldCredential]
) -> None:
    user, _client, held = jan
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(user)
    response = guarded.post(
        "/passport/validation/apply",
        {"qualification": qualification.pk, "institution": izba.pk, "unit": [ZE3], "credential": [held.pk]},
    )
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_an_application_with_evidence_only_has_an_empty_presentation(
    qualification: Qualification, izba: Organisation, jan: tuple[Any, Client, HeldCredential]
) -> None:
    user, _client, _held = jan
    case = services.apply(user, izba, qualification, units=[ZE3], held=[], files=[services.File("cv.txt", b"CV")])
    assert json.loads(bytes(case.submission.presentation))["verifiableCredential"] == []
    assert casebasis.of(case).pieces == ()
    assert case.submission.outcome == "verified", "the holder signed it for this case"
