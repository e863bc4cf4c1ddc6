"""Background tasks (django-tasks; the database backend on the embedded default and in production)."""

from __future__ import annotations

from django_tasks import task

from merit.server.bulk import services
from merit.server.workers import retry


@task()
def run_issuance_job(job_id: int, attempt: int = 1) -> None:
    """Issue every pending row of a job (resumable). A transient failure is retried with back-off; the last one,
    or any other error, marks the job failed with its reason, for the issuer to retry."""
    try:
        services.run_job(job_id)
    except Exception as exc:
        if not retry.again(run_issuance_job, attempt, exc, job_id):
            services.fail_job(job_id, exc)
            raise


@task(priority=-20)
def purge_checked_uploads() -> None:
    """Delete the files kept after a dry run that were never issued, once they expire."""
    services.purge_checked()
