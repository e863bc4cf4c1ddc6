"""``merit worker``: django-tasks-db's worker loop with a lease (decision 0014). A heartbeat thread renews the
lease and sweeps the tasks of dead workers back to the queue; it also ends the worker when the lease is lost, when
the worker is asked to stop, or when the ``merit serve`` that started it is gone."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
from types import FrameType

from django.db import DatabaseError, close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from merit.server.workers import leases

logger = logging.getLogger("merit.workers")

SUPERVISOR_PID = "MERIT_SUPERVISOR_PID"
"""Set by ``merit serve`` for the worker it starts: the worker ends when that process is gone."""
EXIT_LEASE_LOST = 75
_PR_SET_PDEATHSIG = 1


class Heartbeat(threading.Thread):
    """Renews the lease and sweeps, on its own database connection, until the worker stops."""

    def __init__(self, worker_id: str, supervisor: int | None) -> None:
        super().__init__(name="merit-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.supervisor = supervisor
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(leases.heartbeat_interval()):
            if self.supervisor is not None and os.getppid() != self.supervisor:
                logger.warning("merit serve is gone; the worker stops")
                break
            try:
                if not leases.renew(self.worker_id):
                    logger.error("worker %s lost its lease; stopping (its task is taken over)", self.worker_id)
                    os._exit(EXIT_LEASE_LOST)
                leases.sweep()
            except DatabaseError:
                logger.exception("the heartbeat could not reach the database")
            finally:
                close_old_connections()
        self.stop_now()

    def stop_now(self) -> None:
        """Give the lease up and end the process. A batch in progress is rolled back with the connection, exactly
        as if the process had been killed, and another worker (or the next one) takes the task up at once."""
        try:
            leases.release(self.worker_id)
        except DatabaseError:
            logger.exception("could not release the lease; it expires by itself")
        finally:
            os._exit(0)


class LeasedWorker(Worker):
    """The django-tasks-db worker, whose stop signals end it through the heartbeat (so without waiting for a long
    task to finish: the task is taken up again)."""

    heartbeat: Heartbeat

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        self.running = False
        self.heartbeat.stopping.set()


def _die_with(supervisor: int) -> None:
    """Ask Linux to send SIGTERM when the parent dies (the heartbeat also watches it, on any system)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - not glibc
            logger.warning("prctl(PR_SET_PDEATHSIG) is not available; watching the parent process instead")
    if os.getppid() != supervisor:  # It died before prctl took effect.
        os._exit(0)


def run(interval: float) -> None:
    """Run tasks until stopped."""
    supervisor = int(os.environ[SUPERVISOR_PID]) if os.environ.get(SUPERVISOR_PID) else None
    if supervisor is not None:
        _die_with(supervisor)
    worker_id = get_random_string(32)
    heartbeat = Heartbeat(worker_id, supervisor)
    worker = LeasedWorker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=interval,
        batch=False,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=True,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.heartbeat = heartbeat
    # Stop signals are handled before the lease exists, so a worker stopped at any moment gives it up.
    worker.configure_signals()
    leases.register(worker_id)
    leases.sweep()
    close_old_connections()
    heartbeat.start()
    worker.run()
    heartbeat.stop_now()
