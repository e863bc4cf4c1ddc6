"""The learner's validation data: in their export, and deleted with the account, while the institution keeps its
record of the decisions."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client

from merit.server.accounts.models import Organisation
from merit.server.passport import yourdata
from merit.server.passport.models import HeldCredential
from merit.server.qualifications.models import Qualification
from merit.server.validation import basis as casebasis
from merit.server.validation import services
from merit.server.validation.models import Case, Decision, Evidence, Submission
from tests.server.validation.conftest import ZE3


def test_cases_are_exported_and_the_submission_goes_with_the_account(
    qualification: Qualification,
    izba: Organisation,
    jan: tuple[Any, Client, HeldCredential],
    assessor: tuple[Client, Any],
) -> None:
    user, client, held = jan
    case = services.apply(
        user, izba, qualification, units=[ZE3], held=[held.pk], statement="Mine", files=[services.File("a.txt", b"x")]
    )
    services.decide(
        case,
        assessor[1],
        unit=ZE3,
        outcome="not-recognised",
        method="portfolio",
        supervision="unsupervised-without-id",
        identity_checked=False,
        reason="The records are not yours.",
    )
    archive = zipfile.ZipFile(io.BytesIO(yourdata.export(user)))
    summary = json.loads(archive.read("summary.json"))
    (entry,) = summary["validationCases"]
    assert entry["id"] == case.urn
    assert entry["statement"] == "Mine"
    assert entry["decisions"][0]["reason"] == "The records are not yours."
    assert archive.read(entry["presentation"]) == bytes(case.submission.presentation)
    assert archive.read(entry["evidence"][0]["file"]) == b"x"
    page = client.get("/passport/account/delete").content.decode()
    assert "keep the case and its decisions" in page
    yourdata.delete_account(user)
    assert not Submission.objects.exists()
    assert not Evidence.objects.exists()
    kept = Case.objects.get()
    assert kept.learner is None
    assert kept.learner_email == "jan.kowalski@example.pl"
    assert Decision.objects.get().reason == "The records are not yours."
    assert casebasis.of(kept).pieces == ()
    with pytest.raises(services.Refused, match="deleted their account"):
        services.decide(
            kept,
            assessor[1],
            unit=ZE3,
            outcome="recognised",
            method="portfolio",
            supervision="unsupervised-without-id",
            identity_checked=False,
            reason="Later.",
        )
