"""Dashboard counts and the audit log export (formula cells neutralised)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from merit.server.accounts.models import Organisation
from merit.server.bulk import services as bulk
from merit.server.issuing import services
from tests.server.conftest import Api

ROOT = Path(__file__).parents[2]


def test_dashboard_and_audit_export(college_api: Api, employer_api: Api, college: Organisation) -> None:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(college, "solar", data, actor="test")
    specification = services.publish_specification(draft, actor="test")
    job, _, _ = bulk.create_job(
        specification,
        '=HYPERLINK("https://evil.example","x").csv',
        b"email\na@example.se\nb@example.se\n",
        actor="test",
    )
    bulk.run_job(job.pk)
    first = job.rows.order_by("number").first()
    assert first is not None
    assert first.credential is not None
    services.set_status(college, first.credential.credential_id, "revoked", reason="+SUM(1,2)", actor="test")
    summary = college_api.get("/api/v1/dashboard").json()
    assert summary["credentials"] == {"valid": 1, "revoked": 1, "suspended": 0}
    assert summary["issuanceJobs"] == 1
    assert summary["recent"][0]["action"] == "credential.revoked"
    assert employer_api.get("/api/v1/dashboard").json()["credentials"] == {"valid": 0, "revoked": 0, "suspended": 0}
    exported = college_api.get("/api/v1/audit.csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0] == ["at", "actor", "action", "target", "details"]
    cells = [cell for row in rows[1:] for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any(cell.startswith("'=HYPERLINK(") for cell in cells)
    assert "credential.issued" in {row[2] for row in rows[1:]}
    theirs = list(csv.reader(io.StringIO(employer_api.get("/api/v1/audit.csv").content.decode())))[1:]
    assert {row[2] for row in theirs} == {"organisation.created", "key.created", "token.created"}
