"""Leases of the running background workers, and the public address the workers sign under."""

from __future__ import annotations

from django.db import models


class WorkerLease(models.Model):
    """One running ``merit worker``. It renews ``expires_at`` every few seconds; a worker whose lease has expired is
    dead, and any other worker takes its running tasks back to the queue (``merit.server.workers.leases``).

    .. no_pii: a random worker id, a host name and a process id.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)


class Installation(models.Model):
    """This installation's public address as the web server last recorded it (one row), so that a worker started
    without ``MERIT_BASE_URL`` signs under the same ``did:web`` as the web server, never under a default.

    .. no_pii: a URL.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    base_url = models.CharField(max_length=500)
    recorded_at = models.DateTimeField(auto_now=True)
