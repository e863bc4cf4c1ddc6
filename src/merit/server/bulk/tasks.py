"""Background tasks (django-tasks; the database backend on the embedded default and in production)."""

from __future__ import annotations

from django_tasks import task

from merit.server.bulk import services


@task()
def run_issuance_job(job_id: int) -> None:
    """Issue every pending row of a job (resumable)."""
    services.run_job(job_id)
