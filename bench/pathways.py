"""A learner's progress toward qualifications with many credentials: the time of
``merit.server.passport.pathways.overview`` (every query and all the core work the passport's qualifications page
does: the cards, their status lists, the approved unit mappings, the accreditations, the qualifications with their
units, and the core's progress for each), and of the page ``/passport/pathways/`` itself, in a fresh process on
SQLite or PostgreSQL.

``python -m bench.pathways --credentials 500 --qualifications 50 [--database URL]`` prints one JSON line: the
medians and the slowest, in milliseconds. The target (issue 14) is 300 ms for 500 credentials and 50 followed
qualifications on this machine.
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

SPECIFICATIONS = 10
UNITS = 4


def measure(credentials: int, qualifications: int, database: str | None, runs: int = 15) -> dict[str, Any]:
    _setup(database)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from merit.core import trust
    from merit.core.microcredential import Learner
    from merit.core.qualifications.model import Qualification, Rule, Unit
    from merit.server.accounts.models import Membership, Role
    from merit.server.accounts.services import mark_verified
    from merit.server.issuing import services
    from merit.server.passport import pathways
    from merit.server.passport import services as passport
    from merit.server.qualifications import services as stored
    from merit.server.qualifications.models import Following, UnitMapping
    from merit.server.registry import services as registry
    from merit.server.registry.models import Accreditation

    stamp = time.time_ns()
    college = services.create_organisation(slug=f"bench-{stamp}", name="Bench College", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    specifications = []
    for index in range(SPECIFICATIONS):
        draft, _ = services.save_specification(college, f"solar-{index}", data, actor="bench")
        specifications.append(services.publish_specification(draft, actor="bench"))
    authority = registry.create_authority(slug=f"registry-{stamp}", name="Bench Registry", country="SE")
    iris = [f"https://seqf.example/bench/{stamp}/{n}" for n in range(qualifications)]
    rows = []
    for iri in iris:
        units = tuple(Unit(f"{iri}#U{u}", f"U{u}", {"en": f"Unit {u}"}, credits=10) for u in range(UNITS))
        code = iri.rsplit("/", 1)[1]
        q = Qualification(
            iri, code, "full", {"en": f"Bench qualification {code}"}, "en", units=units, rules=(Rule("all"),)
        )
        rows.append(stored.save(authority.organisation, q, actor="bench"))
    # Each specification covers one unit of a fifth of the qualifications: two specifications reach each one.
    for index, specification in enumerate(specifications):
        for n, row in enumerate(rows):
            if n % 5 == index % 5:
                UnitMapping.objects.create(
                    organisation=college,
                    specification_key=specification.key,
                    unit=row.units.get(code=f"U{index % UNITS}"),
                    state=UnitMapping.State.APPROVED,
                    requested_by="bench",
                )
    reviewer = get_user_model().objects.create_user(f"reviewer-{stamp}", "", "bench passphrase, long enough")
    Membership.objects.create(user=reviewer, organisation=authority.organisation, role=Role.OWNER)
    application = registry.apply(
        college,
        authority,
        scope=trust.Scope(eqf_min=4, eqf_max=6),
        qa_framework="EQAVET",
        accrediting_body="Bench Registry",
        actor="bench",
    )
    accreditation = registry.approve(application, user=reviewer)
    Accreditation.objects.filter(pk=accreditation.pk).update(qualifications=iris)
    email = f"learner-{stamp}@example.se"
    user = get_user_model().objects.create_user(email, email, "bench passphrase, long enough")
    mark_verified(user)
    for n in range(credentials):
        specification = specifications[n % SPECIFICATIONS]
        record = services.issue_from_specification(specification, Learner(email=email), actor="bench")
        passport.add_credential(user, record.document_json.encode("utf-8"), source="claim")
    Following.objects.bulk_create([Following(user=user, qualification=row) for row in rows])
    found = pathways.overview(user)
    assert len(found) == qualifications
    assert all(s.done >= 1 for s in found)
    service, page = [], []
    client = Client()
    client.force_login(user)
    assert client.get("/passport/pathways/").status_code == 200
    for _ in range(runs):
        started = time.perf_counter()
        pathways.overview(user)
        service.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        response = client.get("/passport/pathways/")
        page.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {
        "credentials": credentials,
        "qualifications": qualifications,
        "median_ms": statistics.median(service),
        "max_ms": max(service),
        "page_median_ms": statistics.median(page),
        "database": "PostgreSQL" if database else "SQLite",
    }


def run(credentials: int, qualifications: int, database: str | None) -> dict[str, Any]:
    """Measure in a fresh process (like ``bench.passport.run``)."""
    command = [sys.executable, "-m", "bench.pathways", "--credentials", str(credentials)]
    command += ["--qualifications", str(qualifications)]
    if database:
        command += ["--database", database]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"pathways benchmark failed:\n{out.stderr[-2000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pathways")
    parser.add_argument("--credentials", type=int, default=500)
    parser.add_argument("--qualifications", type=int, default=50)
    parser.add_argument("--database", default=None, help="DATABASE_URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    print(json.dumps(measure(args.credentials, args.qualifications, args.database)))


if __name__ == "__main__":
    main()
