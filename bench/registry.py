"""The registry API under a realistic registry: 1,000 issuers with 5 accreditations each, every accreditation a
signed credential. Times ``GET /registry/v1/issuers/{did}`` (server time, through Django's test client) for random
issuers, in a fresh process. The target (issue 5) is under 50 ms per lookup.

``python -m bench.registry [--issuers 1000] [--per-issuer 5] [--lookups 200] [--database URL]`` prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from typing import Any

from bench.bulk import ROOT, _setup


def measure(issuers: int, per_issuer: int, lookups: int, database: str | None) -> dict[str, Any]:
    _setup(database)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from merit.core import trust
    from merit.server.accounts.models import Organisation
    from merit.server.issuing.models import IssuedCredential
    from merit.server.registry import services
    from merit.server.registry.models import Accreditation

    stamp = time.time_ns()
    authority = services.create_authority(slug=f"agency-{stamp}", name="Bench Agency", country="SE")
    reviewer = get_user_model().objects.create_user(f"reviewer-{stamp}")  # No password: it never signs in.
    first = Organisation.objects.create(slug=f"issuer-{stamp}-0", name="Issuer 0", country="SE")
    application = services.apply(
        first, authority, scope=trust.Scope(3, 5, ("07",)), qa_framework="EQAVET", accrediting_body="Bench", actor="b"
    )
    template = services.approve(application, user=reviewer)
    # One accreditation is signed for real; the others reuse its signed document (the lookup reads, not verifies).
    organisations = Organisation.objects.bulk_create(
        Organisation(slug=f"issuer-{stamp}-{i}", name=f"Issuer {i}", country="SE") for i in range(1, issuers)
    )
    records = IssuedCredential.objects.bulk_create(
        IssuedCredential(
            organisation=authority.organisation,
            credential_id=f"{template.credential.credential_id}-{n}",
            document_json=template.credential.document_json,
        )
        for n in range(len(organisations) * per_issuer + per_issuer - 1)
    )
    fields = {"authority": authority, "qa_framework": "EQAVET", "accrediting_body": "Bench", "eqf_min": 3}
    credentials = iter(records)
    Accreditation.objects.bulk_create(
        Accreditation(organisation=o, valid_from=template.valid_from, credential=next(credentials), **fields)
        for o in [first] * (per_issuer - 1) + [o for o in organisations for _ in range(per_issuer)]
    )
    dids = [first.did] + [o.did for o in organisations]
    client = Client()
    assert len(client.get(f"/registry/v1/issuers/{dids[-1]}").json()["accreditations"]) == per_issuer
    times = []
    for did in random.Random(5).choices(dids, k=lookups):
        started = time.perf_counter()
        response = client.get(f"/registry/v1/issuers/{did}")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {
        "issuers": issuers,
        "per_issuer": per_issuer,
        "lookups": lookups,
        "median_ms": statistics.median(times),
        "p99_ms": sorted(times)[int(len(times) * 0.99) - 1],
        "database": "PostgreSQL" if database else "SQLite",
    }


def run(issuers: int, per_issuer: int, lookups: int, database: str | None) -> dict[str, Any]:
    """Measure in a fresh process (like ``bench.bulk.run``)."""
    command = [sys.executable, "-m", "bench.registry", "--issuers", str(issuers), "--per-issuer", str(per_issuer)]
    command += ["--lookups", str(lookups)] + (["--database", database] if database else [])
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"registry benchmark failed:\\n{out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.registry")
    parser.add_argument("--issuers", type=int, default=1000)
    parser.add_argument("--per-issuer", type=int, default=5)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--database", default=None, help="DATABASE_URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    print(json.dumps(measure(args.issuers, args.per_issuer, args.lookups, args.database)))


if __name__ == "__main__":
    main()
