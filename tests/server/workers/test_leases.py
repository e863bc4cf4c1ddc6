"""Worker leases: the sweep takes the running tasks of workers whose lease expired (or who never had one) back to
the queue and leaves the live workers' alone; a worker whose lease was taken stops; a stopped worker gives its
lease up."""

from __future__ import annotations

import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from merit.server.bulk.tasks import run_issuance_job
from merit.server.workers import leases
from merit.server.workers.models import WorkerLease
from merit.server.workers.runner import EXIT_LEASE_LOST
from tests.server.workers.processes import start_worker


def _running(worker_id: str) -> DBTaskResult:
    result = run_issuance_job.enqueue(1)
    task = DBTaskResult.objects.get(pk=result.id)
    task.claim(worker_id)
    return task


@pytest.mark.django_db
def test_the_sweep_takes_back_the_tasks_of_dead_workers_only() -> None:
    leases.register("alive")
    leases.register("dead")
    WorkerLease.objects.filter(worker_id="dead").update(expires_at=timezone.now() - timedelta(seconds=1))
    alive, dead, unknown = _running("alive"), _running("dead"), _running("never-registered")
    assert leases.sweep() == 2
    states = {t.pk: t.status for t in DBTaskResult.objects.all()}
    assert states == {alive.pk: "RUNNING", dead.pk: "READY", unknown.pk: "READY"}
    assert set(WorkerLease.objects.values_list("worker_id", flat=True)) == {"alive"}
    assert set(DBTaskResult.objects.ready().values_list("pk", flat=True)) == {dead.pk, unknown.pk}
    assert leases.renew("alive") is True
    assert leases.renew("dead") is False, "a worker declared dead learns it at its next heartbeat"
    assert leases.sweep() == 0


@pytest.mark.django_db
def test_a_renewed_lease_is_not_swept() -> None:
    leases.register("w")
    before = WorkerLease.objects.get().expires_at
    assert leases.renew("w")
    assert WorkerLease.objects.get().expires_at >= before
    task = _running("w")
    assert leases.sweep() == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"


def _wait_for_lease(process: subprocess.Popen[bytes], log: Path) -> WorkerLease:
    deadline = time.monotonic() + 60
    while not WorkerLease.objects.filter(pid=process.pid).exists():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    return WorkerLease.objects.get(pid=process.pid)


@pytest.mark.django_db(transaction=True)
def test_a_worker_whose_lease_was_taken_stops(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    process = start_worker(log, MERIT_WORKER_LEASE="2")
    try:
        _wait_for_lease(process, log).delete()  # What another worker's sweep does to a worker it thinks dead.
        assert process.wait(30) == EXIT_LEASE_LOST
        assert "lost its lease" in log.read_text()
    finally:
        process.kill()
        process.wait()


@pytest.mark.django_db(transaction=True)
def test_a_stopped_worker_gives_its_lease_up(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    process = start_worker(log)
    try:
        _wait_for_lease(process, log)
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        assert not WorkerLease.objects.filter(pid=process.pid).exists()
    finally:
        process.kill()
        process.wait()
