"""Crash test (issue 12, item 2): a bulk job of thousands of rows, run by real ``merit worker`` processes that are
killed with SIGKILL at random moments several times, each replaced by a new one, ends with every row issued
exactly once, every status index unique and the job done, with no manual step. It runs on the suite's database:
SQLite (the embedded default) or PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db.models import Count
from django_tasks_db.models import DBTaskResult

from merit.server.accounts.models import Organisation
from merit.server.bulk import services as bulk
from merit.server.bulk.models import IssuanceJob, IssuanceRow
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification, StatusEntry
from merit.server.issuing.services import create_organisation
from tests.server.workers.processes import start_worker

ROOT = Path(__file__).parents[3]
ROWS = 3000
KILLS = 5
LEASE = "3"
DEADLINE = 600.0
"""Seconds for the whole job, kills included (it takes well under a minute when nothing is killed)."""


def _specification(organisation: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    return services.publish_specification(draft, actor="test")


def _csv(count: int) -> bytes:
    return ("email,name,grade\n" + "".join(f"l{i}@example.se,L {i},VG\n" for i in range(count))).encode()


def _refill(pool: list[subprocess.Popen[bytes]], log: Path) -> list[subprocess.Popen[bytes]]:
    """Replace the workers that stopped by themselves (a worker that finds its lease taken exits), as a
    supervisor would."""
    return [p if p.poll() is None else start_worker(log, MERIT_WORKER_LEASE=LEASE) for p in pool]


def _issued(job: IssuanceJob) -> int:
    return IssuanceRow.objects.filter(job=job, state=IssuanceRow.State.ISSUED).count()


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_workers_are_killed_again_and_again_issues_every_row_exactly_once(tmp_path: Path) -> None:
    college = create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    job, _, _ = bulk.create_job(_specification(college), "learners.csv", _csv(ROWS), actor="test")
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    chance = random.Random()
    # Each kill comes at least four batches before the end: two workers can each commit a batch between reaching a
    # target and the kill, so a later target could find the job already done.
    targets = sorted(chance.sample(range(100, ROWS - 4 * bulk.BATCH), KILLS))
    log = tmp_path / "workers.log"
    pool = [start_worker(log, MERIT_WORKER_LEASE=LEASE) for _ in range(2)]
    resumptions: list[float] = []
    lone: list[float] = []  # After the kills of every worker: the lease must expire first.
    start = time.monotonic()
    try:
        for kill, target in enumerate(targets):
            while _issued(job) < target:
                assert time.monotonic() - start < DEADLINE, log.read_text()[-3000:]
                pool = _refill(pool, log)
                time.sleep(0.05)
            time.sleep(chance.random() / 3)  # Anywhere in a batch (about a second), or between two.
            # Every other time all workers die at once, so that no task is left to run but the dead workers' own.
            everyone = kill % 2 == 1
            victims = list(pool) if everyone else [pool.pop(chance.randrange(len(pool)))]
            for victim in victims:
                victim.send_signal(signal.SIGKILL)
                victim.wait()
            killed_at, issued_then = time.monotonic(), _issued(job)
            assert issued_then < ROWS, "every kill interrupts the job"
            pool = [p for p in pool if p not in victims]
            pool += [start_worker(log, MERIT_WORKER_LEASE=LEASE) for _ in victims]
            while _issued(job) == issued_then and _issued(job) < ROWS:
                assert time.monotonic() - killed_at < 60, "the job did not resume: " + log.read_text()[-3000:]
                pool = _refill(pool, log)
                time.sleep(0.05)
            resumptions.append(time.monotonic() - killed_at)
            if everyone:
                lone.append(resumptions[-1])
        while IssuanceJob.objects.get(pk=job.pk).state != IssuanceJob.State.DONE:
            assert time.monotonic() - start < DEADLINE, log.read_text()[-3000:]
            pool = _refill(pool, log)
            time.sleep(0.1)
    finally:
        for process in pool:
            process.send_signal(signal.SIGKILL)
            process.wait()
    print(
        f"\n{ROWS} rows, {KILLS} kills, {time.monotonic() - start:.1f} s, lease {LEASE} s; from a kill to issuing"
        f" again: {', '.join(f'{seconds:.1f}' for seconds in resumptions)} s (all workers killed:"
        f" {', '.join(f'{seconds:.1f}' for seconds in lone)} s)"
    )
    job.refresh_from_db()
    assert (job.state, job.issued, job.rejected, job.total) == ("done", ROWS, 0, ROWS)
    rows = IssuanceRow.objects.filter(job=job)
    assert rows.filter(state=IssuanceRow.State.ISSUED).count() == ROWS
    credentials = IssuedCredential.objects.filter(specification=job.specification)
    assert credentials.count() == ROWS, "every row issued exactly once"
    assert Counter(rows.values_list("credential_id", flat=True)).most_common(1)[0][1] == 1
    entries = StatusEntry.objects.filter(credential__in=credentials)
    assert entries.values("status_list", "index").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert len(set(entries.values_list("status_list", "index"))) == entries.count() >= ROWS
