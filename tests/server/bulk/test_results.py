"""The checked file kept between the dry run and issuing, and each learner's result of a finished job (issued,
e-mailed, bounced, claimed, not issued) with the claim-link export, on the job page and in the API."""

from __future__ import annotations

import csv
import io
import json
import smtplib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.locmem import EmailBackend as MemoryBackend
from django.test import Client
from django.utils import timezone, translation

from merit.server.accounts.models import AuditEvent, Membership, Organisation, Role
from merit.server.accounts.services import create_token
from merit.server.bulk import results
from merit.server.bulk import services as bulk
from merit.server.bulk.models import CheckedUpload, IssuanceJob
from merit.server.delivery.models import ClaimLink
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification
from tests.server.conftest import Api

ROOT = Path(__file__).parents[3]
LEARNERS = (
    "email;did;name;grade\n"
    "asa@example.se;;Åsa Öberg;VG\n"
    "refuse@example.se;;Rolf Refused;G\n"
    ";did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK;Dee Id;G\n"
    "not-an-address;;Bo Bad;VG\n"
    "omar@example.se;;Omar;G\n"
).encode("cp1252")


@pytest.fixture(autouse=True)
def _back_to_english() -> Iterator[None]:
    """A request in Swedish leaves Swedish active in this thread (LocaleMiddleware); later tests expect English."""
    yield
    translation.deactivate()


@pytest.fixture
def specification(college: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(college, "solar", data, actor="test")
    return services.publish_specification(draft, actor="test")


def member(organisation: Organisation, role: str, name: str) -> Client:
    user = get_user_model().objects.create_user(name, password="correct horse battery staple")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client()
    client.force_login(user)
    return client


class RefusingBackend(MemoryBackend):
    """A mail server that refuses one address for good (550)."""

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if "refuse@example.se" in message.to:
                raise smtplib.SMTPRecipientsRefused({"refuse@example.se": (550, b"5.1.1 mailbox unavailable")})
        return super().send_messages(messages)


def test_the_checked_file_is_issued_without_choosing_it_again(
    college: Organisation, specification: Specification
) -> None:
    issuer = member(college, Role.ISSUER, "issuer")
    path = f"/workspace/college/specifications/{specification.pk}/upload"
    checked = issuer.post(path, {"file": SimpleUploadedFile("elever.csv", LEARNERS, "text/csv")})
    html = checked.content.decode()
    assert "4 rows are ready." in html
    assert "1 row has problems and will not be issued." in html
    assert "Issue these 4 credentials" in html
    assert "elever.csv was read as Windows-1252 text separated by semicolons." in html
    kept = CheckedUpload.objects.get()
    assert f'name="upload" value="{kept.key}"' in html
    assert (kept.valid, kept.created_by, kept.organisation) == (4, "issuer", college)

    # Another issuer of the same organisation cannot use this member's kept file, nor a guessed key.
    colleague = member(college, Role.ISSUER, "colleague")
    refused = colleague.post(path, {"upload": kept.key})
    assert refused.status_code == 400
    assert "The checked file has expired or was already issued." in refused.content.decode()
    assert IssuanceJob.objects.count() == 0

    issued = issuer.post(path, {"upload": kept.key})
    job = IssuanceJob.objects.get()
    assert issued["Location"] == f"/workspace/college/jobs/{job.pk}"
    assert CheckedUpload.objects.count() == 0, "deleted once issued"
    assert (job.filename, job.total, job.rejected) == ("elever.csv", 4, 1)
    again = issuer.post(path, {"upload": kept.key})
    assert "already issued" in again.content.decode()
    assert IssuanceJob.objects.count() == 1


def test_expired_checked_files_are_refused_and_purged(
    college: Organisation, specification: Specification, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _report, kept = bulk.check_and_keep(specification, "a.csv", LEARNERS, actor="issuer", issuer=college)
    assert kept is not None
    # A task to delete it is queued for when it expires (the database queue can wait).
    from django_tasks_db.models import DBTaskResult

    (purge,) = DBTaskResult.objects.filter(task_path__endswith="purge_checked_uploads")
    assert purge.run_after > kept.expires_at
    CheckedUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(CheckedUpload.DoesNotExist):
        bulk.checked(kept.key, issuer=college, specification=specification, actor="issuer")
    from merit.server.bulk.tasks import purge_checked_uploads

    purge_checked_uploads.func()  # What the queued task runs.
    assert CheckedUpload.objects.count() == 0
    # Checking another file replaces the member's kept file, so dry runs cannot pile up.
    _report, first = bulk.check_and_keep(specification, "a.csv", LEARNERS, actor="issuer", issuer=college)
    assert first is not None
    _report, second = bulk.check_and_keep(
        specification, "b.csv", b"email\nx@example.se\n", actor="issuer", issuer=college
    )
    assert second is not None
    assert list(CheckedUpload.objects.values_list("filename", flat=True)) == ["b.csv"]
    # A file with nothing to issue is not kept at all.
    _report, nothing = bulk.check_and_keep(specification, "b.csv", b"email\nbad\n", actor="issuer", issuer=college)
    assert nothing is None
    assert CheckedUpload.objects.count() == 0


def _finished_job(college: Organisation, specification: Specification, settings: Any, capture: Any) -> IssuanceJob:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "tests.server.bulk.test_results.RefusingBackend"
    job, _, _ = bulk.create_job(specification, "elever.csv", LEARNERS, actor="test", issuer=college)
    with capture(execute=True):
        bulk.run_job(job.pk)
    return job


def test_each_learner_has_a_result_and_the_export_has_working_claim_links(
    college: Organisation,
    specification: Specification,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    client: Client,
) -> None:
    job = _finished_job(college, specification, settings, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["asa@example.se", "omar@example.se"]
    omar = IssuedCredential.objects.get(claim_link__email="omar@example.se")
    ClaimLink.objects.filter(credential=omar).update(claimed_at=timezone.now())

    outcomes = {r.number: (r.learner, r.outcome, r.detail) for r in results.page(job)[1]}
    assert outcomes == {
        2: ("asa@example.se", "emailed", ""),
        3: ("refuse@example.se", "bounced", "550 5.1.1 mailbox unavailable"),
        4: ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "issued", ""),
        5: ("not-an-address", "failed", "“not-an-address” is not an e-mail address."),
        6: ("omar@example.se", "claimed", ""),
    }
    assert results.counts(job) == {
        "pending": 0,
        "failed": 1,
        "issued": 1,
        "emailed": 1,
        "bounced": 1,
        "claimed": 1,
    }

    issuer = member(college, Role.ISSUER, "issuer")
    page = issuer.get(f"/workspace/college/jobs/{job.pk}").content.decode()
    assert "Results per learner" in page
    assert "550 5.1.1 mailbox unavailable" in page
    assert "Download the results with the claim links (CSV)" in page
    export = issuer.get(f"/workspace/college/jobs/{job.pk}/results.csv")
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    text = export.content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel opens it as UTF-8.
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=","))
    assert table[0][:5] == ["Row", "E-mail address", "DID", "Name", "Result"]
    by_row = {line[0]: line for line in table[1:]}
    assert by_row["2"][3:5] == ["Åsa Öberg", "e-mailed"]
    assert by_row["5"][4:6] == ["not issued", "“not-an-address” is not an e-mail address."]
    assert by_row["6"][6] == "", "a claimed link is no longer in the export"
    # The DID learner's link (no e-mail to carry it) and the bounced learner's work: they open the claim page.
    for number in ("3", "4", "2"):
        url = by_row[number][6]
        assert url.startswith("https://merit.test/claim/")
        assert client.get(url.removeprefix("https://merit.test")).status_code == 200
    exports = AuditEvent.objects.filter(organisation=college, action="issuance_job.claim_links_exported")
    assert [(e.actor, e.details["job"]) for e in exports] == [("issuer", job.pk)]
    # In Swedish the export uses semicolons, Excel's list separator there.
    swedish = issuer.get(f"/workspace/college/jobs/{job.pk}/results.csv", HTTP_ACCEPT_LANGUAGE="sv")
    first = swedish.content.decode("utf-8").removeprefix("\ufeff").splitlines()[0]
    assert first.startswith("Rad;")


def test_the_export_is_for_issuers_of_the_organisation_only(
    college: Organisation,
    employer: Organisation,
    specification: Specification,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    job = _finished_job(college, specification, settings, django_capture_on_commit_callbacks)
    viewer = member(college, Role.VIEWER, "viewer")
    assert viewer.get(f"/workspace/college/jobs/{job.pk}").status_code == 200
    assert "claim links (CSV)" not in viewer.get(f"/workspace/college/jobs/{job.pk}").content.decode()
    assert viewer.get(f"/workspace/college/jobs/{job.pk}/results.csv").status_code == 404
    outsider = member(employer, Role.OWNER, "outsider")
    assert outsider.get(f"/workspace/college/jobs/{job.pk}/results.csv").status_code == 404
    assert outsider.get(f"/workspace/employer/jobs/{job.pk}/results.csv").status_code == 404


def test_the_api_pages_the_results_and_exports_links_with_the_issue_scope(
    college: Organisation,
    employer_api: Api,
    specification: Specification,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
    client: Client,
) -> None:
    job = _finished_job(college, specification, settings, django_capture_on_commit_callbacks)
    _, reader = create_token(college, "reader", ["read"], actor="test")
    _, issuer = create_token(college, "issuer", ["issue", "read"], actor="test")
    read = Api(client, reader)
    first = read.get(f"/api/v1/issuance-jobs/{job.pk}/rows?per_page=2").json()
    assert (first["page"], first["pages"], first["count"]) == (1, 3, 5)
    assert [(r["row"], r["outcome"]) for r in first["rows"]] == [(2, "emailed"), (3, "bounced")]
    last = read.get(f"/api/v1/issuance-jobs/{job.pk}/rows?per_page=2&page=3").json()
    assert [(r["row"], r["outcome"], r["detail"]) for r in last["rows"]] == [(6, "emailed", "")]
    assert read.get(f"/api/v1/issuance-jobs/{job.pk}/claim-links.csv").status_code == 403
    links = Api(client, issuer).get(f"/api/v1/issuance-jobs/{job.pk}/claim-links.csv")
    assert links.status_code == 200
    assert links.content.decode().count("https://merit.test/claim/") == 4
    assert employer_api.get(f"/api/v1/issuance-jobs/{job.pk}/rows").status_code == 404
    assert employer_api.get(f"/api/v1/issuance-jobs/{job.pk}/claim-links.csv").status_code == 404


def test_the_job_page_pages_a_large_job(college: Organisation, specification: Specification) -> None:
    content = ("email\n" + "".join(f"l{i}@example.se\n" for i in range(120))).encode()
    job, _, _ = bulk.create_job(specification, "many.csv", content, actor="test", issuer=college)
    bulk.run_job(job.pk, batch=60)
    issuer = member(college, Role.ISSUER, "issuer")
    # The last progress poll asks htmx to reload the page, which then shows every row's result.
    assert issuer.get(f"/workspace/college/jobs/{job.pk}", HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    page = issuer.get(f"/workspace/college/jobs/{job.pk}?page=3").content.decode()
    assert "Page 3 of 3" in page
    assert "l100@example.se" in page
    assert "l99@example.se" not in page
    assert 'rel="prev"' in page
    assert 'rel="next"' not in page
    assert "Page 1 of 3" in issuer.get(f"/workspace/college/jobs/{job.pk}?page=nonsense").content.decode()
