"""The demo's validation case: Jan's application for ZE3, decided by the assessor after observation at work."""

from __future__ import annotations

import json

from django.test import Client

from merit.server.demo import create_demo_data
from merit.server.validation import basis as casebasis
from merit.server.validation.models import Case, Decision


def test_the_demo_has_a_decided_validation_case(db: None) -> None:
    details = create_demo_data()
    assert any(username == "izba-assessor" for username, _password, _role in details["users"])
    case = Case.objects.get()
    assert (case.institution.slug, case.learner.username, case.units) == (
        "izba-logistyki",
        "jan.kowalski@example.pl",
        ["https://zrk.example/kwalifikacje/90001#ZE3"],
    )
    assert case.submission.outcome == "verified", case.submission.report
    assert len(json.loads(bytes(case.submission.presentation))["verifiableCredential"]) >= 1
    decision = Decision.objects.get()
    assert (decision.outcome, decision.method, decision.supervision, decision.identity_checked) == (
        "recognised",
        "observation",
        "supervised-with-id",
        True,
    )
    (recognition,) = casebasis.of(case).recognitions
    assert recognition.decision == decision.urn
    assessor = Client()
    assessor.force_login(case.institution.memberships.get(role="assessor").user)
    page = assessor.get(f"/workspace/izba-logistyki/validation/{case.pk}/")
    assert page.status_code == 200
    assert 'data-received="verified"' in page.content.decode()
