"""A job that stopped is taken up again: the same file uploaded again queues it, transient failures are retried
with back-off, and a job that failed shows why with a retry button (workspace) and endpoint (API)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from merit.server.accounts.models import AuditEvent, Membership, Organisation, Role
from merit.server.bulk import services as bulk
from merit.server.bulk import tasks
from merit.server.bulk.models import IssuanceJob, IssuanceRow
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.workers import retry
from tests.server.conftest import Api

ROOT = Path(__file__).parents[3]
CSV = b"email,name,grade\n" + b"".join(b"l%d@example.se,L %d,VG\n" % (i, i) for i in range(12))


@pytest.fixture
def specification(college: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(college, "solar", data, actor="test")
    return services.publish_specification(draft, actor="test")


def _queued(job: IssuanceJob) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            status="READY", task_path="merit.server.bulk.tasks.run_issuance_job", args_kwargs__args__0=job.pk
        )
    )


def _upload(api: Api, spec: Specification) -> Any:
    path = f"/api/v1/specifications/{spec.pk}/issuance-jobs"
    file = SimpleUploadedFile("learners.csv", CSV, "text/csv")
    return api.client.post(path, {"file": file}, HTTP_AUTHORIZATION=f"Bearer {api.token}")


def _stalled(specification: Specification) -> IssuanceJob:
    """A job half issued whose tasks are gone (finished, failed or lost): nothing will run it."""
    job, _, _ = bulk.create_job(specification, "learners.csv", CSV, actor="test")
    DBTaskResult.objects.all().delete()
    bulk._issue_batch(job, 5, "test")
    IssuanceJob.objects.filter(pk=job.pk).update(state=IssuanceJob.State.RUNNING)
    return job


@pytest.mark.django_db(transaction=True)
def test_the_same_file_uploaded_again_resumes_an_unfinished_job(college_api: Api, specification: Specification) -> None:
    job = _stalled(specification)
    again = _upload(college_api, specification)
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["job"]["state"] == "queued"
    assert len(_queued(job)) == 2
    bulk.run_job(job.pk)
    assert IssuedCredential.objects.count() == 12 == IssuanceRow.objects.filter(state="issued").count()
    DBTaskResult.objects.all().delete()
    finished = _upload(college_api, specification)
    assert finished.json()["job"]["state"] == "done"
    assert _queued(job) == [], "a finished job is not queued again"
    assert IssuedCredential.objects.count() == 12
    finished_at = IssuanceJob.objects.get(pk=job.pk).finished_at
    assert bulk.run_job(job.pk).finished_at == finished_at, "a task run after the end changes nothing"


@pytest.mark.django_db(transaction=True)
def test_a_transient_failure_is_retried_with_back_off_then_the_job_fails(
    specification: Specification, monkeypatch: pytest.MonkeyPatch
) -> None:
    job, _, _ = bulk.create_job(specification, "learners.csv", CSV, actor="test")
    DBTaskResult.objects.all().delete()

    def database_gone(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "issue_batch", database_gone)
    before = timezone.now()
    tasks.run_issuance_job.call(job.pk)
    (retried,) = _queued(job)
    assert retried.args_kwargs == {"args": [job.pk], "kwargs": {"attempt": 2}}
    assert before + timedelta(seconds=5) <= retried.run_after <= timezone.now() + timedelta(seconds=6)
    assert not DBTaskResult.objects.ready().exists(), "not before its back-off"
    job.refresh_from_db()
    assert job.state == "running"
    tasks.run_issuance_job.call(job.pk, attempt=3)
    (later,) = [r for r in _queued(job) if r.args_kwargs["kwargs"]["attempt"] == 4]
    assert later.run_after >= before + timedelta(seconds=20)
    DBTaskResult.objects.all().delete()
    with pytest.raises(OperationalError):
        tasks.run_issuance_job.call(job.pk, attempt=retry.ATTEMPTS)
    assert _queued(job) == []
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error == "OperationalError: server closed the connection unexpectedly"


@pytest.mark.django_db(transaction=True)
def test_a_lasting_failure_fails_the_job_at_once(specification: Specification, monkeypatch: pytest.MonkeyPatch) -> None:
    job, _, _ = bulk.create_job(specification, "learners.csv", CSV, actor="test")
    DBTaskResult.objects.all().delete()

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise KeyError("signing key")

    monkeypatch.setattr(services, "issue_batch", broken)
    with pytest.raises(KeyError):
        tasks.run_issuance_job.call(job.pk)
    assert _queued(job) == []
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "KeyError: 'signing key'")


def test_back_off_doubles_and_is_bounded() -> None:
    waits = [retry.delay(n).total_seconds() for n in range(1, 12)]
    for attempt, wait in enumerate(waits, start=1):
        base = min(retry.FIRST_DELAY * 2 ** (attempt - 1), retry.MAX_DELAY)
        assert base <= wait <= base * 1.2
    assert waits[-1] <= retry.MAX_DELAY * 1.2


def _member(organisation: Organisation, role: str, name: str, csrf: bool = False) -> Client:
    user = get_user_model().objects.create_user(f"{name}-{role}", password="correct horse battery staple")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _failed(specification: Specification) -> IssuanceJob:
    job = _stalled(specification)
    bulk.fail_job(job.pk, OperationalError("could not connect to server"))
    return job


@pytest.mark.django_db(transaction=True)
def test_a_failed_job_shows_why_with_a_retry_button_that_resumes_it(
    college: Organisation, employer: Organisation, specification: Specification
) -> None:
    job = _failed(specification)
    page = f"/workspace/college/jobs/{job.pk}"
    path = f"{page}/retry"
    issuer = _member(college, Role.ISSUER, "issuer")
    html = issuer.get(page).content.decode()
    assert "Issuing stopped because of an error:" in html
    assert "OperationalError: could not connect to server" in html
    assert f'action="{path}"' in html
    assert "hx-get" not in html, "a failed job's page stops polling"
    assert "Försök igen" in issuer.get(page, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert issuer.get(path).status_code == 405
    assert _member(college, Role.VIEWER, "viewer").post(path).status_code == 404
    assert _member(employer, Role.OWNER, "outsider").post(path).status_code == 404
    assert _member(college, Role.ISSUER, "strict", csrf=True).post(path).status_code == 403  # No CSRF token.
    theirs = bulk.create_job(specification, "x.csv", CSV.replace(b".se", b".fi"), actor="test", issuer=employer)[0]
    bulk.fail_job(theirs.pk, OperationalError("x"))
    assert issuer.post(f"/workspace/college/jobs/{theirs.pk}/retry").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "failed"
    DBTaskResult.objects.all().delete()
    response = issuer.post(path, follow=True)
    assert "The job is queued again; rows already issued are not issued twice." in response.content.decode()
    job.refresh_from_db()
    assert (job.state, job.error) == ("queued", "")
    assert len(_queued(job)) == 2
    assert AuditEvent.objects.filter(action="issuance_job.resumed", actor="issuer-issuer").count() == 1
    bulk.run_job(job.pk)
    assert IssuedCredential.objects.count() == 12
    done = issuer.post(path, follow=True).content.decode()
    assert "The job has finished; there is nothing to retry." in done


@pytest.mark.django_db(transaction=True)
def test_the_api_retries_a_failed_job(
    college: Organisation, college_api: Api, employer_api: Api, specification: Specification
) -> None:
    job = _failed(specification)
    path = f"/api/v1/issuance-jobs/{job.pk}/retry"
    assert college_api.get(f"/api/v1/issuance-jobs/{job.pk}").json()["error"].startswith("OperationalError")
    assert employer_api.post(path, {}).status_code == 404
    from merit.server.accounts.services import create_token

    _, reader = create_token(college, "reader", ["read"], actor="test")
    assert college_api.post(path, {}, token=reader).status_code == 403
    response = college_api.post(path, {})
    assert response.status_code == 202
    assert response.json()["resumed"] is True
    assert response.json()["job"]["state"] == "queued"
    assert len(_queued(job)) == 2
    bulk.run_job(job.pk)
    finished = college_api.post(path, {})
    assert (finished.status_code, finished.json()["resumed"]) == (200, False)
