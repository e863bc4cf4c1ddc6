"""Time from a worker's death to the job resuming, in the worst case: a bulk job run by two ``merit worker``
processes (one task each), both killed with SIGKILL mid-job several times and replaced at once (as ``merit serve``
or systemd do). No task is left but the dead workers' own, so the new workers wait until the dead ones' leases
have expired (``MERIT_WORKER_LEASE``, 10 s by default) and a sweep has run (every quarter lease).

``python -m bench.takeover [--rows 2000] [--kills 3] [--database postgresql://...]`` prints one JSON line:
``resume_seconds`` from each kill to the next row committed, ``queued_at_kill`` the job's tasks no worker had
taken yet at each kill (on SQLite a second worker may still be waiting for the write lock: its task then goes on
at once), and ``seconds`` for the whole job.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.bulk import ROOT, _setup

POLL = 0.02


def _worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "merit.cli.main", "worker", "--interval", "0.2"], cwd=ROOT)


def measure(rows: int, kills: int, database: str | None) -> dict[str, Any]:
    _setup(database)
    from django_tasks_db.models import DBTaskResult

    from merit.server.bulk import services as bulk
    from merit.server.bulk.models import IssuanceJob, IssuanceRow
    from merit.server.issuing import services
    from merit.server.workers import baseurl

    baseurl.record()
    organisation = services.create_organisation(slug=f"bench-{time.time_ns()}", name="Bench College", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="bench")
    specification = services.publish_specification(draft, actor="bench")
    content = ("email,name,grade\n" + "".join(f"l{i}@example.se,Learner {i},VG\n" for i in range(rows))).encode()
    job, _, _ = bulk.create_job(specification, "bench.csv", content, actor="bench")

    def issued() -> int:
        return IssuanceRow.objects.filter(job=job, state=IssuanceRow.State.ISSUED).count()

    started = time.perf_counter()
    processes = [_worker() for _ in range(2)]
    resumes = []
    waiting: list[int] = []  # The job's tasks still queued at each kill: none, and the leases must expire first.
    try:
        for n in range(kills):
            while issued() < (n + 1) * rows // (kills + 1):
                time.sleep(POLL)
            for process in processes:
                process.send_signal(signal.SIGKILL)
                process.wait()
            killed, then = time.perf_counter(), issued()
            waiting.append(DBTaskResult.objects.filter(status="READY", task_path__endswith=".run_issuance_job").count())
            processes = [_worker() for _ in range(2)]
            while issued() == then:
                time.sleep(POLL)
            resumes.append(time.perf_counter() - killed)
        while IssuanceJob.objects.filter(pk=job.pk).exclude(state=IssuanceJob.State.DONE).exists():
            time.sleep(POLL)
        seconds = time.perf_counter() - started
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
    job.refresh_from_db()
    assert job.issued == rows == issued(), (job.issued, rows)
    lease = float(os.environ.get("MERIT_WORKER_LEASE", "10"))
    return {
        "rows": rows,
        "kills": kills,
        "lease_seconds": lease,
        "resume_seconds": resumes,
        "queued_at_kill": waiting,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.takeover")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--database", default=None, help="DATABASE_URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    print(json.dumps(measure(args.rows, args.kills, args.database)))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parents[1]))
    main()
