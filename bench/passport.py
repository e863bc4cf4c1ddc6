"""The competence passport's main page with many credentials: server time to render ``/passport/`` (every card
with its status re-checked against the status lists), in a fresh process on SQLite or PostgreSQL.

``python -m bench.passport --credentials 500 [--database URL]`` prints one JSON line: the median and the slowest
of the timed renders, in milliseconds. The target (issue 4) is 300 ms for 500 credentials on this machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from typing import Any

from bench.bulk import ROOT, _setup


def measure(credentials: int, database: str | None, runs: int = 15) -> dict[str, Any]:
    _setup(database)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from merit.core.microcredential import Learner
    from merit.server.accounts.services import mark_verified
    from merit.server.issuing import services
    from merit.server.passport import services as passport

    stamp = time.time_ns()
    organisation = services.create_organisation(slug=f"bench-{stamp}", name="Bench College", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="bench")
    specification = services.publish_specification(draft, actor="bench")
    email = f"learner-{stamp}@example.se"
    user = get_user_model().objects.create_user(email, email, "bench passphrase, long enough")
    mark_verified(user)
    for _ in range(credentials):
        record = services.issue_from_specification(specification, Learner(email=email), actor="bench")
        passport.add_credential(user, record.document_json.encode("utf-8"), source="claim")
    client = Client()
    client.force_login(user)
    assert client.get("/passport/").status_code == 200
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/passport/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    assert response.content.count(b"<li>") >= credentials
    return {
        "credentials": credentials,
        "median_ms": statistics.median(times),
        "max_ms": max(times),
        "database": "PostgreSQL" if database else "SQLite",
    }


def run(credentials: int, database: str | None) -> dict[str, Any]:
    """Measure in a fresh process (like ``bench.bulk.run``)."""
    command = [sys.executable, "-m", "bench.passport", "--credentials", str(credentials)]
    if database:
        command += ["--database", database]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"passport benchmark failed:\n{out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.passport")
    parser.add_argument("--credentials", type=int, default=500)
    parser.add_argument("--database", default=None, help="DATABASE_URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    print(json.dumps(measure(args.credentials, args.database)))


if __name__ == "__main__":
    main()
