"""End-to-end bulk issuance: CSV upload to the last credential signed and stored, in a fresh process.

Run by ``python -m bench`` for SQLite and PostgreSQL; on its own: ``python -m bench.bulk --rows 10000
[--database postgresql://...]`` prints one JSON line (rows, seconds, credentials per second, peak RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _setup(database: str | None) -> None:
    os.environ["MERIT_HOME"] = tempfile.mkdtemp(prefix="merit-bench-")
    os.environ.setdefault("MERIT_BASE_URL", "https://bench.merit.test")
    if database:
        os.environ["DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = "merit.server.settings"
    import django
    from django.core.management import call_command

    django.setup()
    if database:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", interactive=False, verbosity=0)


def measure(rows: int, database: str | None) -> dict[str, Any]:
    _setup(database)
    from merit.server.bulk import services as bulk
    from merit.server.issuing import services

    organisation = services.create_organisation(slug=f"bench-{time.time_ns()}", name="Bench College", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="bench")
    specification = services.publish_specification(draft, actor="bench")
    content = ("email,name,grade\n" + "".join(f"l{i}@example.se,Learner {i},VG\n" for i in range(rows))).encode()
    started = time.perf_counter()
    job, _, _ = bulk.create_job(specification, "bench.csv", content, actor="bench")
    job = bulk.run_job(job.pk)
    seconds = time.perf_counter() - started
    assert job.issued == rows, (job.issued, rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "seconds": seconds, "per_second": rows / seconds, "peak_rss_mb": peak}


def run(rows: int, database: str | None) -> dict[str, Any]:
    """Measure in a fresh process, so memory figures are this run's alone."""
    command = [sys.executable, "-m", "bench.bulk", "--rows", str(rows)]
    if database:
        command += ["--database", database]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"bulk benchmark failed:\n{out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--database", default=None, help="DATABASE_URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    print(json.dumps(measure(args.rows, args.database)))


if __name__ == "__main__":
    main()
