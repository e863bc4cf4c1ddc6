"""End-to-end bulk issuance: CSV upload to the last credential signed, stored and its status index allocated.

Run by ``python -m bench`` for SQLite and PostgreSQL; on its own: ``python -m bench.bulk --rows 10000
[--database postgresql://...] [--workers 2]`` prints one JSON line. The job runs as in production: ``merit
worker`` processes (one on SQLite, whose writes take turns anyway; two on PostgreSQL, one per core of the
benchmark machine) started before the upload take the job's two tasks from the database queue. The clock runs
from the upload to the job's last row committed; the claim e-mails, which the workers send afterwards as tasks of
their own, are timed separately (``mailed_seconds``, from the upload to the last message written). Peak memory is
each worker's high-water mark (``VmHWM``) and the uploading process's. ``--fake-canonicalization`` signs without
the RDF canonicalization (``_fake_sign``), to show what everything around signing costs.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.cpu import cpu_seconds, running_times, spent_since

ROOT = Path(__file__).parents[1]
# A database of the benchmarks' own (it is flushed), created on first use; never the one the tests use.
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/merit_bench")
POLL = 0.02


def _create_database(url: str) -> None:
    """Create the PostgreSQL database ``url`` names if it does not exist yet."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        if connection.execute("select 1 from pg_database where datname = %s", (name,)).fetchone() is None:
            connection.execute(sql.SQL("create database {}").format(sql.Identifier(name)))


def _setup(database: str | None) -> None:
    os.environ["MERIT_HOME"] = tempfile.mkdtemp(prefix="merit-bench-")
    os.environ.setdefault("MERIT_BASE_URL", "https://bench.merit.test")
    if database:
        os.environ["DATABASE_URL"] = database
        _create_database(database)
    os.environ["DJANGO_SETTINGS_MODULE"] = "merit.server.settings"
    import django
    from django.core.management import call_command

    django.setup()
    if database:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _fake_sign(document: dict[str, Any], key: Any, **_: Any) -> dict[str, Any]:
    """A stand-in for ``sign_credential`` once canonicalization is cheap: an Ed25519 signature over the hash of
    the sorted JSON, not of the RDF dataset (so nothing verifies it). It shows what the rest of the pipeline costs."""
    data = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).digest()
    value = "u" + base64.urlsafe_b64encode(key.key_pair.sign(data)).decode().rstrip("=")
    proof = {"type": "DataIntegrityProof", "cryptosuite": "bench-fake", "proofValue": value}
    return {**document, "proof": {**proof, "verificationMethod": key.verification_method}}


def worker(fake: bool) -> None:
    """A ``merit worker``, optionally signing with ``_fake_sign``."""
    import django

    django.setup()
    if fake:
        from merit.server.issuing import services

        services.sign_credential = _fake_sign  # type: ignore[assignment]
    from merit.server.workers import runner

    runner.run(POLL)


def _database_pids() -> list[int]:
    """The server processes of the workers' connections (PostgreSQL on this machine), whose CPU time counts too."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall() if Path(f"/proc/{pid}").exists()]


def _workers(count: int, fake: bool) -> list[subprocess.Popen[bytes]]:
    """Start ``count`` workers and wait until each is polling the queue (started, migrated, imported)."""
    from django_tasks_db.models import DBTaskResult

    from merit.server.delivery.tasks import email_claim_links

    command = [sys.executable, "-m", "bench.bulk", "--worker"] + (["--fake-canonicalization"] if fake else [])
    workers = [subprocess.Popen(command, cwd=ROOT, env=os.environ.copy()) for _ in range(count)]
    # Tasks with nothing to do show which workers are running: each one records the worker that ran it.
    seen: set[str] = set()
    while len(seen) < count:
        if any(w.poll() is not None for w in workers):
            raise SystemExit("a bulk benchmark worker stopped while starting")
        email_claim_links.enqueue([])
        time.sleep(POLL * 5)
        for ids in DBTaskResult.objects.filter(status="SUCCESSFUL").values_list("worker_ids", flat=True):
            seen.update(ids)
    while DBTaskResult.objects.exclude(status="SUCCESSFUL").exists():
        time.sleep(POLL)
    return workers


def measure(rows: int, database: str | None, workers: int | None = None, fake: bool = False) -> dict[str, Any]:
    _setup(database)
    from django_tasks_db.models import DBTaskResult

    from merit.server.bulk import services as bulk
    from merit.server.bulk.models import IssuanceJob
    from merit.server.issuing import services

    count = workers or (2 if database else 1)
    organisation = services.create_organisation(slug=f"bench-{time.time_ns()}", name="Bench College", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="bench")
    specification = services.publish_specification(draft, actor="bench")
    content = ("email,name,grade\n" + "".join(f"l{i}@example.se,Learner {i},VG\n" for i in range(rows))).encode()
    processes = _workers(count, fake)
    try:
        servers = _database_pids()
        before = [cpu_seconds(p.pid) for p in processes], running_times(servers)
        started = time.perf_counter()
        job, _, _ = bulk.create_job(specification, "bench.csv", content, actor="bench")
        uploaded = time.perf_counter() - started
        while IssuanceJob.objects.filter(pk=job.pk).exclude(state=IssuanceJob.State.DONE).exists():
            time.sleep(POLL)
        seconds = time.perf_counter() - started
        worker_cpu = sum(cpu_seconds(p.pid) for p in processes) - sum(before[0])
        server_cpu = spent_since(before[1])
        while DBTaskResult.objects.exclude(status__in=("SUCCESSFUL", "FAILED")).exists():
            time.sleep(POLL)
        mailed = time.perf_counter() - started
        failed = DBTaskResult.objects.filter(status="FAILED").count()
        peaks = [_peak_mb(p.pid) for p in processes]
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    job.refresh_from_db()
    assert (job.issued, failed) == (rows, 0), (job.issued, rows, failed)
    mail = Path(os.environ["MERIT_HOME"]) / "mail"
    messages = sum(f.read_text().count("\nSubject: ") for f in mail.iterdir()) if mail.exists() else 0
    assert messages == rows, (messages, rows)
    uploader = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": rows,
        "workers": count,
        "fake_canonicalization": fake,
        "seconds": seconds,
        "per_second": rows / seconds,
        "mailed_seconds": mailed,
        # The upload's share of ``seconds``: reading and checking the file, storing its rows, queueing the job.
        "upload_seconds": uploaded,
        # CPU time per credential, so that a busy machine does not hide what the pipeline costs.
        "worker_cpu_ms": 1000 * worker_cpu / rows,
        "database_cpu_ms": 1000 * server_cpu / rows,
        "peak_rss_mb": max([uploader, *peaks]),
        "worker_peak_rss_mb": peaks,
        "uploader_peak_rss_mb": uploader,
    }


def run(rows: int, database: str | None, workers: int | None = None, fake: bool = False) -> dict[str, Any]:
    """Measure in a fresh process, so memory figures are this run's alone."""
    command = [sys.executable, "-m", "bench.bulk", "--rows", str(rows)] + (["--fake-canonicalization"] if fake else [])
    if database:
        command += ["--database", database]
    if workers:
        command += ["--workers", str(workers)]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"bulk benchmark failed:\n{out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--database", default=None, help="DATABASE_URL (default: SQLite in a temporary folder)")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: 1 SQLite, 2 otherwise)")
    parser.add_argument(
        "--fake-canonicalization", action="store_true", help="sign without RDF canonicalization (see _fake_sign)"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.fake_canonicalization)
        return
    print(json.dumps(measure(args.rows, args.database, args.workers, args.fake_canonicalization)))


if __name__ == "__main__":
    main()
