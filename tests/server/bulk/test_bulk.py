"""Bulk issuance: dry run with per-row errors, idempotent uploads, resuming after a crash, bad files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from merit.core.microcredential import parse_spec
from merit.server.accounts.models import Organisation
from merit.server.bulk import services as bulk
from merit.server.bulk.models import IssuanceJob, IssuanceRow
from merit.server.bulk.rows import MAX_ROWS, UploadError, neutralise, read_upload
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification, StatusEntry, StatusList
from tests.server.conftest import Api

ROOT = Path(__file__).parents[3]


@pytest.fixture
def specification(college: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    spec, _ = services.save_specification(college, "solar", data, actor="test")
    return services.publish_specification(spec, actor="test")


def csv_25_with_two_bad_rows() -> bytes:
    lines = ["email,name,grade"]
    for i in range(25):
        lines.append(f"learner{i}@example.se,Learner {i},VG")
    lines[8] = "not-an-address,Learner 7,VG"  # Row 9 of the file.
    lines[15] = "learner14@example.se,Learner 14,A+"  # Row 16: a grade outside the scale.
    return ("\n".join(lines) + "\n\n").encode()


def upload(api: Api, spec: Specification, content: bytes, dry_run: bool = False, name: str = "learners.csv") -> Any:
    path = f"/api/v1/specifications/{spec.pk}/issuance-jobs" + ("?dry_run=true" if dry_run else "")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api.token}"}
    return api.client.post(path, {"file": SimpleUploadedFile(name, content, "text/csv")}, **headers)


def test_dry_run_reports_each_bad_row_and_issues_nothing(college_api: Api, specification: Specification) -> None:
    report = upload(college_api, specification, csv_25_with_two_bad_rows(), dry_run=True).json()
    assert report["valid"] == 23
    assert [(e["row"], e["error"].split(" ")[0]) for e in report["errors"]] == [(9, "“not-an-address”"), (16, "The")]
    assert "The grade “A+” is not one of" in report["errors"][1]["error"]
    assert IssuedCredential.objects.count() == 0
    assert IssuanceJob.objects.count() == 0


def test_job_issues_the_valid_rows_and_the_same_file_is_never_issued_twice(
    college_api: Api, specification: Specification
) -> None:
    response = upload(college_api, specification, csv_25_with_two_bad_rows())
    assert response.status_code == 201
    job = IssuanceJob.objects.get()
    finished = bulk.run_job(job.pk)
    assert (finished.state, finished.issued, finished.rejected) == ("done", 23, 2)
    progress = college_api.get(f"/api/v1/issuance-jobs/{job.pk}").json()
    assert progress["percent"] == 100
    assert [e["row"] for e in progress["errors"]] == [9, 16]
    again = upload(college_api, specification, csv_25_with_two_bad_rows(), name="renamed.csv")
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert IssuedCredential.objects.count() == 23
    verifier = services.verifier()
    reasons = {verifier.verify_credential(r.document).reason for r in IssuedCredential.objects.all()[:5]}
    assert reasons == {"every check passed"}


def test_an_interrupted_job_resumes_with_no_duplicate_and_no_gap(
    college: Organisation, specification: Specification, monkeypatch: pytest.MonkeyPatch
) -> None:
    job, _, _ = bulk.create_job(specification, "learners.csv", csv_25_with_two_bad_rows(), actor="test")
    real = services.sign_credential
    calls = {"n": 0}

    def crash_at_the_thirteenth(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 13:
            raise SystemExit("worker killed")  # Not a Merit error: the worker process dies mid-batch.
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "sign_credential", crash_at_the_thirteenth)
    with pytest.raises(SystemExit):
        bulk.run_job(job.pk, batch=5)
    assert IssuedCredential.objects.count() == 10, "two batches of five committed; the third rolled back whole"
    assert IssuanceRow.objects.filter(job=job, state="issued").count() == 10
    monkeypatch.setattr(services, "sign_credential", real)
    finished = bulk.run_job(job.pk, batch=5)
    assert finished.issued == 23
    issued_rows = IssuanceRow.objects.filter(job=job, state="issued")
    assert issued_rows.count() == 23 == IssuedCredential.objects.count()
    assert len(set(issued_rows.values_list("credential_id", flat=True))) == 23


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel workbook (.xls)"),
        (b"\xef\xbb\xbfemail\n\xff\xfe@x.se\n", "The file says it is UTF-8, but line 2 is not."),
        (b"email\x00,name\nx@example.se,A\n", "The file is not text"),
        (b"name,grade\nAnna,VG\n", "needs an “email” or a “did” column"),
        (
            b"email,name,shoe_size\na@b.se,A,42\n",
            "columns Merit does not know: “shoe_size”. The columns found were: “email”, “name”, “shoe_size”.",
        ),
        (b"", "The file is empty"),
        (b"email\n" + b"x@example.se\n" * (MAX_ROWS + 1), "more than 100,000 learners"),
        (b"email\n" + b"a" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
)
def test_unusable_files_get_a_clear_message(
    college_api: Api, specification: Specification, content: bytes, message: str
) -> None:
    response = upload(college_api, specification, content)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert message in response.json()["detail"]
    assert IssuanceJob.objects.count() == 0


def test_row_level_problems(specification: Specification) -> None:
    spec = parse_spec(specification.data)
    content = (
        b"EMAIL,Name\n"
        b"a@example.se,Anna\n"
        b",\n"
        b"a@example.se,Anna again\n"
        b"b@example.se\n"
        b"c@example.se,Bad\x07name\n"
        b'd@example.se,"=HYPERLINK(""https://evil.example"",""click"")"\n'
    )
    result = read_upload(content, spec)
    assert [number for number, _ in result.rows] == [2, 5, 7]  # Row 5's missing name cell is an empty name.
    assert [(n, e) for n, e in result.errors] == [
        (4, "The same learner as row 2."),
        (6, "name contains control characters."),
    ]
    assert read_upload(b"email,name\na@example.se,Anna,extra\n", spec).errors == [
        (2, "The row has 3 cells; the first row names 2.")
    ]
    formula = result.rows[2][1]["name"]
    assert formula.startswith("=HYPERLINK")
    assert neutralise(formula) == "'" + formula
    with pytest.raises(UploadError):
        read_upload(b"email,email\na@b.se,a@b.se\n", spec)


def test_jobs_of_another_organisation_are_invisible(
    college_api: Api, employer_api: Api, specification: Specification
) -> None:
    upload(college_api, specification, csv_25_with_two_bad_rows())
    job = IssuanceJob.objects.get()
    assert employer_api.get(f"/api/v1/issuance-jobs/{job.pk}").status_code == 404
    assert upload(employer_api, specification, b"email\na@b.se\n").status_code == 404


def test_a_draft_cannot_be_bulk_issued(college_api: Api, college: Organisation) -> None:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(college, "draft", data, actor="test")
    response = upload(college_api, draft, b"email\na@b.se\n")
    assert response.status_code == 400
    assert "only published" in response.json()["detail"]


def test_the_job_runs_through_the_task_queue(
    college_api: Api, specification: Specification, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        upload(college_api, specification, csv_25_with_two_bad_rows())
    assert IssuanceJob.objects.get().state == "done"
    assert IssuedCredential.objects.count() == 23


def test_template_download(client: Any) -> None:
    response = client.get("/api/v1/issuance-template.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().splitlines()[0] == "email,name,grade,valid_until,language"


def _xlsx(rows: list[list[Any]]) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_workbooks_are_read_like_csv(college_api: Api, specification: Specification) -> None:
    content = _xlsx(
        [
            ["Email", "Name", "Grade"],
            ["anna@example.se", "Anna", "VG"],
            ["omar@example.se", "Omar"],  # The grade cell is left empty, as spreadsheets do.
            [None, None, None],
            ["bad", "Bo", "VG"],
            ["sara@example.se", "=1+1", "G"],
        ]
    )
    report = upload(college_api, specification, content, dry_run=True, name="learners.xlsx").json()
    assert report["valid"] == 3
    assert [(e["row"], e["error"]) for e in report["errors"]] == [(5, "“bad” is not an e-mail address.")]
    response = upload(college_api, specification, content, name="learners.xlsx")
    assert response.status_code == 201
    job = IssuanceJob.objects.get()
    assert bulk.run_job(job.pk).issued == 3


def test_a_damaged_workbook_is_refused(college_api: Api, specification: Specification) -> None:
    response = upload(college_api, specification, b"PK\x03\x04 not really a workbook", name="x.xlsx")
    assert response.status_code == 400
    assert "not a readable XLSX workbook" in response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_a_job_with_no_duplicate_and_no_gap() -> None:
    import threading

    from django.db import connection

    college = services.create_organisation(slug="busy-college", name="Yrkeshögskolan Norr", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(college, "solar", data, actor="test")
    spec = services.publish_specification(draft, actor="test")
    content = ("email,name,grade\n" + "".join(f"l{i}@example.se,Learner {i},VG\n" for i in range(60))).encode()
    job, _, _ = bulk.create_job(spec, "many.csv", content, actor="test")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            bulk.run_job(job.pk, batch=7)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    job.refresh_from_db()
    assert (job.issued, job.state) == (60, "done")
    assert IssuedCredential.objects.filter(specification=spec).count() == 60
    entries = StatusEntry.objects.filter(credential__specification=spec)
    # A revocation and a suspension entry for each credential (decision 0017), none shared.
    assert len(set(entries.values_list("status_list_id", "index"))) == 120
    # Each worker allocates from a list the other does not hold, so on PostgreSQL there may be two of each.
    for purpose in ("revocation", "suspension"):
        lists = StatusList.objects.filter(organisation=college, purpose=purpose)
        assert sum(lst.allocated for lst in lists) == 60
        assert all(lst.allocated == lst.entries.count() for lst in lists)


def test_the_valid_until_column_ends_each_credentials_validity(specification: Specification) -> None:
    content = b"email,name,grade,valid_until\nanna@example.se,Anna,VG,2028-12-31T23:59:59Z\nomar@example.se,Omar,G,\n"
    job, _, _ = bulk.create_job(specification, "learners.csv", content, actor="test")
    assert bulk.run_job(job.pk).issued == 2
    documents = [json.loads(record.document_json) for record in IssuedCredential.objects.all()]
    by_name = {"Anna" if '"Anna"' in json.dumps(document) else "Omar": document for document in documents}
    assert by_name["Anna"]["validUntil"] == "2028-12-31T23:59:59Z"
    assert "validUntil" not in by_name["Omar"]
