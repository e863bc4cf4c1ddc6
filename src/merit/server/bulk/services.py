"""Bulk issuance: the one place that creates jobs and issues their rows."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from merit.core.errors import InvalidError, MeritError
from merit.core.microcredential import Learner
from merit.server import bulkwrite
from merit.server.accounts.models import Organisation
from merit.server.bulk.models import CheckedUpload, IssuanceJob, IssuanceRow
from merit.server.bulk.rows import Upload, read_upload
from merit.server.delivery import services as delivery
from merit.server.issuing import services as issuing
from merit.server.issuing.models import Specification

CHECKED_LIFETIME = timedelta(hours=24)
"""How long a checked file waits to be issued."""


def dry_run(specification: Specification, content: bytes, issuer: Organisation | None = None) -> Upload:
    """Validate an upload without issuing anything; dates without a time are read in the issuer's time zone."""
    organisation = issuer or specification.organisation
    return read_upload(content, issuing.parsed_specification(specification), organisation.zone())


def check_and_keep(
    specification: Specification, filename: str, content: bytes, *, actor: str, issuer: Organisation
) -> tuple[Upload, CheckedUpload | None]:
    """The dry run, keeping the file (when it has rows to issue) so that the issuer issues it without choosing it
    again: returns the report and the kept file, whose ``key`` only the same member may use (it replaces the one
    the member kept before for this micro-credential)."""
    purge_checked()
    upload = dry_run(specification, content, issuer)
    # One kept file per member and micro-credential: checking another replaces it, so dry runs cannot pile up.
    CheckedUpload.objects.filter(organisation=issuer, specification=specification, created_by=actor).delete()
    if not upload.rows:
        return upload, None
    kept = CheckedUpload.objects.create(
        key=secrets.token_urlsafe(32),
        organisation=issuer,
        specification=specification,
        created_by=actor,
        filename=filename[:255],
        content=content,
        valid=len(upload.rows),
        expires_at=timezone.now() + CHECKED_LIFETIME,
    )
    from merit.server.bulk.tasks import purge_checked_uploads

    backend = purge_checked_uploads.get_backend()
    if backend.supports_defer:
        when = kept.expires_at + timedelta(seconds=5)
        transaction.on_commit(lambda: purge_checked_uploads.using(run_after=when).enqueue())
    return upload, kept


def checked(key: str, *, issuer: Organisation, specification: Specification, actor: str) -> CheckedUpload:
    """The kept file ``key`` of this member, organisation and specification; raises ``CheckedUpload.DoesNotExist``
    for any other (or an expired one)."""
    return CheckedUpload.objects.get(
        key=key,
        organisation=issuer,
        specification=specification,
        created_by=actor,
        expires_at__gt=timezone.now(),
    )


def issue_checked(kept: CheckedUpload, *, actor: str) -> tuple[IssuanceJob, Upload, bool]:
    """Create the job of a kept file (as :func:`create_job`) and delete the file."""
    with transaction.atomic():
        result = create_job(
            kept.specification, kept.filename, bytes(kept.content), actor=actor, issuer=kept.organisation
        )
        CheckedUpload.objects.filter(pk=kept.pk).delete()
    return result


def export_claim_links(job: IssuanceJob, *, actor: str, delimiter: str = ",") -> str:
    """The job's results with its open claim links as CSV (``results.export_csv``), recorded in the audit log: the
    links are secrets that let anyone claim the credentials."""
    from merit.server.bulk import results

    issuing.audit(job.organisation, actor, "issuance_job.claim_links_exported", job.filename, job=job.pk)
    return results.export_csv(job, delimiter)


def purge_checked() -> int:
    """Delete the kept files that expired; returns how many."""
    deleted, _ = CheckedUpload.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def create_job(
    specification: Specification,
    filename: str,
    content: bytes,
    *,
    actor: str,
    issuer: Organisation | None = None,
) -> tuple[IssuanceJob, Upload, bool]:
    """Create the job for an upload and queue it. The same file again returns the existing job, queued again if it
    is unfinished or failed (its pending rows are issued once, whatever ran before).

    Returns the job, the validation report and whether the job is new.
    """
    if specification.state != Specification.State.PUBLISHED:
        raise InvalidError("only published specifications can be issued")
    upload = dry_run(specification, content, issuer)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        job, created = IssuanceJob.objects.get_or_create(
            organisation=issuer or specification.organisation,
            specification=specification,
            file_sha256=digest,
            defaults={"filename": filename[:255], "created_by": actor},
        )
        if created:
            rows = [IssuanceRow(job=job, number=n, data=data) for n, data in upload.rows]
            rows += [
                IssuanceRow(
                    job=job,
                    number=n,
                    data=upload.refused.get(n, {}),
                    state=IssuanceRow.State.REJECTED,
                    error=error[:500],
                )
                for n, error in upload.errors
            ]
            IssuanceRow.objects.bulk_create(rows, batch_size=2000)
            job.total = len(upload.rows)
            job.rejected = len(upload.errors)
            job.save(update_fields=["total", "rejected"])
            issuing.audit(job.organisation, actor, "issuance_job.created", filename, rows=job.total)
            _queue(job)
        else:
            resume(job, actor=actor)
    return job, upload, created


def _queue(job: IssuanceJob) -> None:
    from merit.server.bulk.tasks import run_issuance_job

    # Two tasks, so that two workers (one per core) share the job's batches; a lone worker runs both.
    transaction.on_commit(lambda: [run_issuance_job.enqueue(job.pk) for _ in range(2)])


def resume(job: IssuanceJob, *, actor: str) -> bool:
    """Queue an unfinished or failed job again (the retry button, or the same file uploaded again); returns
    ``False`` for a finished job. Safe whatever else runs it: each pending row is issued once."""
    with transaction.atomic():
        changed = (
            IssuanceJob.objects.filter(pk=job.pk)
            .exclude(state=IssuanceJob.State.DONE)
            .update(state=IssuanceJob.State.QUEUED, error="")
        )
        if changed:
            issuing.audit(job.organisation, actor, "issuance_job.resumed", job.filename, job=job.pk)
            _queue(job)
    job.refresh_from_db()
    return bool(changed)


def fail_job(job_id: int, exc: BaseException) -> None:
    """Mark a job failed with the reason (shown with a retry button), unless it has finished."""
    reason = exc.message if isinstance(exc, MeritError) else f"{type(exc).__name__}: {exc}"
    IssuanceJob.objects.filter(pk=job_id).exclude(state=IssuanceJob.State.DONE).update(
        state=IssuanceJob.State.FAILED, error=reason[:500]
    )


def _learner(data: dict[str, Any]) -> Learner:
    return Learner(email=data.get("email"), did=data.get("did"), name=data.get("name"))


BATCH = 250
"""Rows issued in one transaction: they commit together or, after a crash, not at all (so no row is issued twice
and none is skipped). Each batch costs the same twenty-odd queries and one commit whatever its size, so bigger
batches cost less per row; 250 signed credentials are about two megabytes in memory."""


def run_job(job_id: int, batch: int = BATCH) -> IssuanceJob:
    """Issue every pending row. Safe to run again after a crash, or in several workers at once (each takes its own
    batches of rows, locked with ``SKIP LOCKED``)."""
    IssuanceJob.objects.filter(pk=job_id, state=IssuanceJob.State.QUEUED).update(state=IssuanceJob.State.RUNNING)
    job = IssuanceJob.objects.select_related("specification__organisation").get(pk=job_id)
    actor = f"job:{job.pk}"
    while _issue_batch(job, batch, actor):
        pass
    if not job.rows.filter(state=IssuanceRow.State.PENDING).exists():
        # Once: a task queued again after the job finished (a re-upload, a taken-over task) changes nothing.
        IssuanceJob.objects.filter(pk=job.pk).exclude(state=IssuanceJob.State.DONE).update(
            state=IssuanceJob.State.DONE, finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def _valid_until(data: dict[str, Any]) -> datetime | None:
    """The row's ``valid_until`` (checked when the file was read), or ``None``."""
    until = data.get("valid_until")
    return datetime.fromisoformat(until.replace("Z", "+00:00")) if until else None


def _issue_batch(job: IssuanceJob, size: int, actor: str) -> int:
    """Issue the next batch of pending rows that no other worker holds; returns how many rows it handled."""
    with transaction.atomic():
        rows = list(
            job.rows.select_for_update(skip_locked=True)
            .filter(state=IssuanceRow.State.PENDING)
            .order_by("number")[:size]
        )
        if not rows:
            return 0
        items = [(_learner(row.data), row.data.get("grade"), _valid_until(row.data)) for row in rows]
        results = issuing.issue_batch(job.specification, items, actor=actor, issuer=job.organisation)
        issued: dict[int, int] = {}
        rejected = 0
        links = []
        default_language = job.specification.data.get("language") or ""
        for row, result in zip(rows, results, strict=True):
            if isinstance(result, MeritError):
                # Rare: the dry run refused what it could see, so each such row is written on its own.
                error = result.message[:500]
                IssuanceRow.objects.filter(pk=row.pk).update(state=IssuanceRow.State.REJECTED, error=error)
                rejected += 1
            else:
                issued[row.pk] = result.pk
                # Every credential gets a claim link (for the export); those with an address are e-mailed it.
                links.append((result, row.data.get("email", ""), row.data.get("language") or default_language))
        bulkwrite.update_each(IssuanceRow, "credential", issued, state=IssuanceRow.State.ISSUED)
        delivery.deliver_many(links)
        IssuanceJob.objects.filter(pk=job.pk).update(
            issued=F("issued") + len(issued), rejected=F("rejected") + rejected, total=F("total") - rejected
        )
    return len(rows)


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
        "error": job.error,
        "errors": [{"row": number, "error": error} for number, error in errors[:1000]],
    }
