"""Worker leases (decision 0014). Every ``merit worker`` holds a lease that its heartbeat renews every few seconds.
A worker that stops renewing (killed, its machine gone, cut off from the database) loses its lease when it
expires, and the next sweep by any worker puts the tasks it was running back in the queue, where the first free
worker takes them up. A worker that finds its own lease gone stops at once, so a task is never run by a worker
the others have given up on for longer than one heartbeat.

The tasks themselves are safe to run again (bulk rows commit with their credential, one batch per transaction), so
taking a task back can only repeat work that never committed."""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Now
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from merit.server.workers.models import WorkerLease

logger = logging.getLogger("merit.workers")


def lease_length() -> timedelta:
    """How long a lease lasts without renewal (``MERIT_WORKER_LEASE``, seconds)."""
    return timedelta(seconds=settings.WORKER_LEASE_SECONDS)


def heartbeat_interval() -> float:
    """Seconds between renewals: four renewals fit in one lease, so one slow write does not lose it."""
    return float(settings.WORKER_LEASE_SECONDS) / 4


def _expiry() -> models.Expression:
    """The end of a lease taken now, by the database's clock: the workers' machines' clocks need not agree."""
    return models.ExpressionWrapper(Now() + lease_length(), output_field=models.DateTimeField())


def register(worker_id: str) -> None:
    """Take the lease of a starting worker (before it claims any task)."""
    WorkerLease.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "expires_at": _expiry(),
        },
    )


def renew(worker_id: str) -> bool:
    """Extend the lease; ``False`` if it is gone (another worker declared this one dead)."""
    return WorkerLease.objects.filter(worker_id=worker_id).update(expires_at=_expiry()) == 1


def release(worker_id: str) -> None:
    """Give the lease up (a worker stopping): its running task goes back to the queue at the next sweep."""
    WorkerLease.objects.filter(worker_id=worker_id).delete()


def sweep() -> int:
    """Drop the expired leases and put back in the queue every running task whose worker holds no lease; returns
    how many tasks went back."""
    with transaction.atomic():
        WorkerLease.objects.filter(expires_at__lt=Now()).delete()
        alive = set(WorkerLease.objects.values_list("worker_id", flat=True))
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids")
        orphans = [result.pk for result in running if not result.worker_ids or result.worker_ids[-1] not in alive]
        if orphans:
            DBTaskResult.objects.filter(pk__in=orphans, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY
            )
    if orphans:
        logger.warning("took %d task(s) of stopped workers back to the queue", len(orphans))
    return len(orphans)
