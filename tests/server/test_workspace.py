"""The issuer workspace pages: sign-in, roles per organisation, CSRF, bulk upload with a dry run, progress,
revocation, and escaping of user text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.bulk import services as bulk
from merit.server.bulk.models import CheckedUpload, IssuanceJob
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification
from tests.server.workspace.confirm import sign_and_send

ROOT = Path(__file__).parents[2]


@pytest.fixture
def specification(college: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(college, "solar", data, actor="test")
    return services.publish_specification(draft, actor="test")


def member(organisation: Organisation, role: str, name: str = "user") -> Client:
    user = get_user_model().objects.create_user(f"{name}-{role}", password="correct horse battery staple")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client()
    client.force_login(user)
    return client


def csv_file(content: bytes = b"email,name,grade\nanna@example.se,Anna,VG\nbad-address,Bo,VG\n") -> Any:
    return SimpleUploadedFile("learners.csv", content, "text/csv")


def test_sign_in_is_required(client: Client, college: Organisation) -> None:
    response = client.get("/workspace/college/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert b'<label for="id_username">' in page.content


def test_members_see_their_organisation_and_strangers_get_404(
    college: Organisation, employer: Organisation, specification: Specification
) -> None:
    viewer = member(college, Role.VIEWER)
    assert viewer.get("/workspace/college/").status_code == 200
    assert viewer.get("/workspace/").status_code == 302  # One organisation: straight to its dashboard.
    assert viewer.get(f"/workspace/college/specifications/{specification.pk}/upload").status_code == 404
    outsider = member(employer, Role.OWNER, "outsider")
    assert outsider.get("/workspace/college/").status_code == 404
    assert outsider.get(f"/workspace/college/specifications/{specification.pk}/upload").status_code == 404


def test_upload_dry_run_then_issue_then_progress(college: Organisation, specification: Specification) -> None:
    issuer = member(college, Role.ISSUER)
    path = f"/workspace/college/specifications/{specification.pk}/upload"
    checked = issuer.post(path, {"file": csv_file()})
    assert checked.status_code == 200
    html = checked.content.decode()
    assert "1 row is ready." in html
    assert "1 row has problems and will not be issued." in html
    assert "bad-address" in html
    assert IssuanceJob.objects.count() == 0
    issued = issuer.post(path, {"file": csv_file(), "confirm": "1"})
    job = IssuanceJob.objects.get()
    assert issued["Location"] == f"/workspace/college/jobs/{job.pk}"
    bulk.run_job(job.pk)
    partial = issuer.get(issued["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert '<progress id="bar" max="100" value="100">' in partial
    assert "hx-get" not in partial  # Finished: the page stops polling.
    page = issuer.get(issued["Location"]).content.decode()
    assert "Results per learner" in page
    assert "not issued" in page


def test_unreadable_upload_shows_a_message_and_keeps_nothing(
    college: Organisation, specification: Specification
) -> None:
    issuer = member(college, Role.ISSUER)
    path = f"/workspace/college/specifications/{specification.pk}/upload"
    response = issuer.post(path, {"file": csv_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64)})
    assert response.status_code == 400
    assert "This is an old Excel workbook (.xls)." in response.content.decode()
    assert IssuanceJob.objects.count() == 0
    assert CheckedUpload.objects.count() == 0


def test_revoke_from_the_dashboard_with_csrf(college: Organisation, specification: Specification) -> None:
    from merit.core.microcredential import Learner

    record = services.issue_from_specification(specification, Learner(email="a@example.se"), actor="test")
    path = f"/workspace/college/credentials/{record.pk}/status"
    viewer = member(college, Role.VIEWER)
    assert viewer.post(path, {"state": "revoked", "reason": "x"}).status_code == 404
    user = get_user_model().objects.create_user("strict-issuer", password="p")
    Membership.objects.create(user=user, organisation=college, role=Role.ISSUER)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(path, {"state": "revoked", "reason": "x"}).status_code == 403  # No CSRF token.
    issuer = member(college, Role.ISSUER)
    response = issuer.post(path, {"state": "revoked", "reason": "issued in error"}, follow=True)
    assert "The credential is now revoked." in response.content.decode()
    record.refresh_from_db()
    assert record.state == IssuedCredential.State.REVOKED


def test_user_text_is_escaped(college: Organisation) -> None:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    data["title"] = {"sv": "<img src=x onerror=alert(1)>", "en": "x"}
    draft, _ = services.save_specification(college, "xss", data, actor="test")
    specification = services.publish_specification(draft, actor="test")
    from merit.core.microcredential import Learner

    learner = Learner(email="a@example.se", name="<b>Anna</b>")
    services.issue_from_specification(specification, learner, actor="test")
    viewer = member(college, Role.VIEWER)
    # The dashboard shows the title in the reader's language, with the learner's name.
    for path in ("/workspace/college/", "/workspace/college/credentials/"):
        html = viewer.get(path, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
        assert "<img src=x" not in html
        assert "<b>Anna" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "&lt;b&gt;Anna&lt;/b&gt;" in html


def test_swedish_interface(college: Organisation) -> None:
    viewer = member(college, Role.VIEWER)
    html = viewer.get("/workspace/college/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert '<html lang="sv">' in html
    assert "Nyligen utfärdade" in html


def test_issue_one_credential_from_the_form(
    college: Organisation, specification: Specification, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    issuer = member(college, Role.ISSUER)
    path = f"/workspace/college/specifications/{specification.pk}/issue"
    form = issuer.get(path).content.decode()
    assert '<label for="learner">' in form
    assert '<option value="VG">VG</option>' in form
    with django_capture_on_commit_callbacks(execute=True):
        done = sign_and_send(
            issuer, path, {"learner": "anna@example.se", "name": "Anna <b>Svensson</b>", "grade": "VG"}
        )
    html = done.content.decode()
    assert "Issued. The learner has been sent this link:" in html
    assert "<svg" in html
    assert mail.outbox[0].to == ["anna@example.se"]
    record = IssuedCredential.objects.get()
    assert services.verifier().verify_credential(record.document).verified
    bad = issuer.post(path, {"learner": "not an address", "grade": "VG"}).content.decode()
    assert "is not an e-mail address" in bad
    assert "not an address" in bad  # The input is kept for correction.
    assert IssuedCredential.objects.count() == 1
    assert member(college, Role.VIEWER, "v").get(path).status_code == 404
