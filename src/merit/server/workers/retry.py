"""Retries with back-off for background tasks (decision 0014). A transient failure (the database or the mail
server unreachable or overloaded) queues the task again after 5, 10, 20 ... seconds, up to ``ATTEMPTS`` attempts;
anything else, or the last attempt failing, is for the task to record as failed."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Any

from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone
from django_tasks.base import Task

logger = logging.getLogger("merit.workers")

TRANSIENT: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, OSError)
"""Worth another attempt: database connection and lock errors, and network errors (``smtplib.SMTPException`` and
timeouts are ``OSError``s)."""
ATTEMPTS = 8
FIRST_DELAY = 5.0
MAX_DELAY = 600.0


def delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt ``attempt`` (1-based): doubling from ``FIRST_DELAY``, capped at
    ``MAX_DELAY``, with up to a fifth more at random so that the tasks of one outage do not all come back at once."""
    base = min(FIRST_DELAY * 2 ** (attempt - 1), MAX_DELAY)
    return timedelta(seconds=base * (1 + random.random() / 5))  # noqa: S311 - spreading, not secrecy


def again(task: Task[Any, Any], attempt: int, exc: BaseException, *args: Any) -> bool:
    """Queue ``task(*args, attempt=attempt + 1)`` after the back-off if ``exc`` is transient and attempts remain;
    returns whether it did."""
    if not isinstance(exc, TRANSIENT) or attempt >= ATTEMPTS or not task.get_backend().supports_defer:
        return False
    if not connection.in_atomic_block:
        close_old_connections()  # A broken connection is replaced before the task is queued again.
    wait = delay(attempt)
    task.using(run_after=timezone.now() + wait).enqueue(*args, attempt=attempt + 1)
    logger.warning(
        "%s failed (attempt %d of %d: %s); again in %.0f s", task.name, attempt, ATTEMPTS, exc, wait.total_seconds()
    )
    return True
