"""Bulk issuance: the one place that creates jobs and issues their rows."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from merit.core.errors import InvalidError, MeritError
from merit.core.microcredential import Learner
from merit.server.bulk.models import IssuanceJob, IssuanceRow
from merit.server.bulk.rows import Upload, read_upload
from merit.server.delivery import services as delivery
from merit.server.issuing import services as issuing
from merit.server.issuing.models import Specification


def dry_run(specification: Specification, content: bytes) -> Upload:
    """Validate an upload without issuing anything."""
    return read_upload(content, issuing.parsed_specification(specification))


def create_job(
    specification: Specification, filename: str, content: bytes, *, actor: str
) -> tuple[IssuanceJob, Upload, bool]:
    """Create the job for an upload (or return the existing one for the same file) and queue it.

    Returns the job, the validation report and whether the job is new.
    """
    if specification.state != Specification.State.PUBLISHED:
        raise InvalidError("only published specifications can be issued")
    upload = dry_run(specification, content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        job, created = IssuanceJob.objects.get_or_create(
            organisation=specification.organisation,
            specification=specification,
            file_sha256=digest,
            defaults={"filename": filename[:255], "created_by": actor},
        )
        if created:
            rows = [IssuanceRow(job=job, number=n, data=data) for n, data in upload.rows]
            rows += [
                IssuanceRow(job=job, number=n, data={}, state=IssuanceRow.State.REJECTED, error=error[:500])
                for n, error in upload.errors
            ]
            IssuanceRow.objects.bulk_create(rows, batch_size=2000)
            job.total = len(upload.rows)
            job.rejected = len(upload.errors)
            job.save(update_fields=["total", "rejected"])
            issuing.audit(job.organisation, actor, "issuance_job.created", filename, rows=job.total)
            from merit.server.bulk.tasks import run_issuance_job

            transaction.on_commit(lambda: run_issuance_job.enqueue(job.pk))
    return job, upload, created


def _learner(data: dict[str, Any]) -> Learner:
    return Learner(email=data.get("email"), did=data.get("did"), name=data.get("name"))


def run_job(job_id: int, batch: int = 200) -> IssuanceJob:
    """Issue every pending row. Safe to run again after a crash, or in several workers at once."""
    IssuanceJob.objects.filter(pk=job_id, state=IssuanceJob.State.QUEUED).update(state=IssuanceJob.State.RUNNING)
    job = IssuanceJob.objects.select_related("specification__organisation").get(pk=job_id)
    actor = f"job:{job.pk}"
    while True:
        pending = list(
            job.rows.filter(state=IssuanceRow.State.PENDING).order_by("number").values_list("pk", flat=True)[:batch]
        )
        if not pending:
            break
        for pk in pending:
            _issue_row(job, pk, actor)
    IssuanceJob.objects.filter(pk=job.pk).update(state=IssuanceJob.State.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def _issue_row(job: IssuanceJob, pk: int, actor: str) -> None:
    try:
        with transaction.atomic():
            row = IssuanceRow.objects.select_for_update(skip_locked=True).filter(pk=pk, state="pending").first()
            if row is None:
                return  # Another worker has it, or it is done.
            data = row.data
            record = issuing.issue_from_specification(
                job.specification, _learner(data), actor=actor, grade=data.get("grade")
            )
            row.state = IssuanceRow.State.ISSUED
            row.credential = record
            row.save(update_fields=["state", "credential"])
            if data.get("email"):
                delivery.deliver(record, data["email"])
            IssuanceJob.objects.filter(pk=job.pk).update(issued=F("issued") + 1)
    except MeritError as exc:
        IssuanceRow.objects.filter(pk=pk).update(state=IssuanceRow.State.REJECTED, error=exc.message[:500])
        IssuanceJob.objects.filter(pk=job.pk).update(rejected=F("rejected") + 1, total=F("total") - 1)


def progress(job: IssuanceJob) -> dict[str, Any]:
    """What the progress bar and the API show."""
    job.refresh_from_db()
    done = job.issued
    errors = job.rows.filter(state=IssuanceRow.State.REJECTED).order_by("number").values_list("number", "error")
    return {
        "id": job.pk,
        "state": job.state,
        "file": job.filename,
        "total": job.total,
        "issued": done,
        "rejected": job.rejected,
        "percent": 100 if job.total == 0 else round(100 * done / job.total),
        "errors": [{"row": number, "error": error} for number, error in errors[:1000]],
    }
