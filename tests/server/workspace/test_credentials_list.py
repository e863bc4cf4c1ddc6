"""The workspace's credentials list: the issuer's record of learners, search, paging, CSV export, the status controls
(only what applies, a confirmation page, a reason for revocation), bulk revocation and erasing a learner's details."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from merit.core.microcredential import Learner
from merit.server.accounts.models import AuditEvent, Membership, Organisation, Role
from merit.server.bulk import services as bulk
from merit.server.bulk.models import IssuanceRow
from merit.server.delivery import services as delivery
from merit.server.delivery.models import ClaimLink
from merit.server.issuing import learners, services
from merit.server.issuing.models import IssuedCredential, Specification

ROOT = Path(__file__).parents[3]


def published(organisation: Organisation, key: str = "solar", title: str | None = None) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    if title:
        data["title"] = {data["language"]: title}
    draft, _ = services.save_specification(organisation, key, data, actor="test")
    return services.publish_specification(draft, actor="test")


@pytest.fixture
def specification(college: Organisation) -> Specification:
    return published(college)


def member(organisation: Organisation, role: str, name: str = "user") -> Client:
    user = get_user_model().objects.create_user(f"{name}-{role}-{organisation.slug}", password="a long passphrase 42")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client()
    client.force_login(user)
    return client


def issue(specification: Specification, email: str, name: str | None = None) -> IssuedCredential:
    record, _ = delivery.issue_one(specification, Learner(email=email, name=name), actor="test")
    return record


def unsuspendable_and_suspendable(college: Organisation) -> tuple[IssuedCredential, IssuedCredential]:
    """An Open Badges 3.0 credential as issued before decision 0017 (a revocation entry only: its suspension entry
    is taken away here) and a plain VC 2.0 one (both entries)."""
    plain = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:lena"},
    }
    both = services.issue_credential(college, plain, actor="test")
    ob3 = issue(published(college, "ob3"), "ob@example.se", "Ola Berg")
    ob3.status_entries.filter(status_list__purpose="suspension").delete()
    return ob3, both


def test_issuance_keeps_the_learner_single_and_bulk(college: Organisation, specification: Specification) -> None:
    one = issue(specification, "Asa.Oberg@example.se", "Åsa Öberg")
    assert (one.learner_name, one.learner_contact) == ("Åsa Öberg", "Asa.Oberg@example.se")
    assert one.learner_search == "asa oberg asa.oberg@example.se"
    job, _, _ = bulk.create_job(
        specification, "learners.csv", b"email,name\nlukasz@example.pl,\xc5\x81ukasz W\xc3\xb3jcik\n", actor="test"
    )
    bulk.run_job(job.pk)
    row = IssuanceRow.objects.get(job=job, number=2)
    assert row.credential is not None
    assert (row.credential.learner_name, row.credential.learner_contact) == ("Łukasz Wójcik", "lukasz@example.pl")
    did = services.issue_from_specification(specification, Learner(did="did:example:kari"), actor="test")
    assert (did.learner_name, did.learner_contact) == ("", "did:example:kari")


def test_the_list_finds_a_learner_by_name_ignoring_case_and_accents(
    college: Organisation, employer: Organisation, specification: Specification
) -> None:
    issue(specification, "asa@example.se", "Åsa Öberg")
    issue(specification, "erik@example.se", "Erik Lind")
    issue(published(employer), "other@example.se", "Åsa Öberg")  # Another organisation's learner of the same name.
    page = member(college, Role.VIEWER).get("/workspace/college/credentials/", {"q": "ASA oberg"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Åsa Öberg" in text
    assert "asa@example.se" in text
    assert "Erik Lind" not in text
    assert "other@example.se" not in text
    assert "Showing 1–1 of 1." in text
    by_address = member(college, Role.OWNER).get("/workspace/college/credentials/", {"q": "erik@"}).content.decode()
    assert "Erik Lind" in by_address
    assert "Åsa" not in by_address


def test_filters_by_state_micro_credential_and_issued_dates(
    college: Organisation, specification: Specification
) -> None:
    other = published(college, "welding", "Welding basics")
    old = issue(specification, "old@example.se", "Old Timer")
    IssuedCredential.objects.filter(pk=old.pk).update(issued_at=timezone.now() - timedelta(days=40))
    revoked = issue(other, "gone@example.se", "Gone Person")
    services.set_status(college, revoked.credential_id, "revoked", reason="error", actor="test")
    issue(specification, "new@example.se", "New Person")
    client = member(college, Role.VIEWER)

    def names(**params: str) -> set[str]:
        rows = client.get("/workspace/college/credentials.csv", params).content.decode()
        return {row[1] for row in list(csv.reader(io.StringIO(rows)))[1:]}

    assert names() == {"Old Timer", "Gone Person", "New Person"}
    assert names(state="revoked") == {"Gone Person"}
    assert names(specification=str(other.pk)) == {"Gone Person"}
    local_today = timezone.localtime(timezone.now(), college.zone()).date()  # Days are the organisation's.
    today = local_today.isoformat()
    assert names(issued_after=today) == {"Gone Person", "New Person"}
    assert names(issued_before=(local_today - timedelta(days=1)).isoformat()) == {"Old Timer"}
    assert names(issued_after=today, issued_before=today, state="valid", q="new") == {"New Person"}


def test_issued_dates_are_days_in_the_organisations_time_zone(
    college: Organisation, specification: Specification
) -> None:
    college.time_zone = "Europe/Helsinki"
    college.save(update_fields=["time_zone"])
    late = issue(specification, "late@example.fi", "Late Issue")
    # 22:30 UTC on 3 December is 00:30 on 4 December in Helsinki: the issuer's 4 December.
    moment = datetime(2026, 12, 3, 22, 30, tzinfo=UTC)
    IssuedCredential.objects.filter(pk=late.pk).update(issued_at=moment)
    client = member(college, Role.VIEWER)

    def names(**params: str) -> set[str]:
        rows = client.get("/workspace/college/credentials.csv", params).content.decode()
        return {row[1] for row in list(csv.reader(io.StringIO(rows)))[1:]}

    assert names(issued_after="2026-12-04", issued_before="2026-12-04") == {"Late Issue"}
    assert names(issued_after="2026-12-03", issued_before="2026-12-03") == set()


def test_paging_keeps_the_filters(college: Organisation, specification: Specification) -> None:
    for n in range(27):
        issue(specification, f"p{n}@example.se", f"Pat Number{n}")
    issue(specification, "someone@example.se", "Someone Else")
    client = member(college, Role.VIEWER)
    first = client.get("/workspace/college/credentials/", {"q": "pat"}).content.decode()
    assert "Showing 1–25 of 27." in first
    assert 'href="?q=pat&amp;page=2"' in first
    second = client.get("/workspace/college/credentials/", {"q": "pat", "page": "2"}).content.decode()
    assert "Showing 26–27 of 27." in second
    assert "Someone Else" not in second
    assert 'href="?q=pat"' in second  # Back to the first page, with the search.


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"state": "gone"}, "Choose a status from the list."),
        ({"issued_after": "31/12/2027"}, "Write dates as YYYY-MM-DD"),
        ({"issued_after": "2027-02-30"}, "Write dates as YYYY-MM-DD"),
        ({"page": "x"}, "That page or micro-credential does not exist."),
        ({"page": "99999999999999999999"}, "That range is not possible"),
        ({"issued_after": "2027-02-02", "issued_before": "2027-02-01"}, "That range is not possible"),
        ({"q": "a" * 201}, "The search text is too long."),
    ],
)
def test_bad_search_parameters_say_so_and_keep_the_form(
    college: Organisation, specification: Specification, params: dict[str, str], message: str
) -> None:
    issue(specification, "anna@example.se", "Anna")
    response = member(college, Role.VIEWER).get("/workspace/college/credentials/", params)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert "Anna" in text  # The unfiltered list, and what was typed stays in the form.
    if "issued_after" in params:
        assert f'value="{params["issued_after"]}"' in text
    assert member(college, Role.OWNER, "o").get("/workspace/college/credentials.csv", params).status_code == 400


def test_csv_export_is_the_filtered_list_and_formula_safe(
    college: Organisation, employer: Organisation, specification: Specification
) -> None:
    issue(specification, "eve@example.se", '=HYPERLINK("https://evil.example","x")')
    issue(specification, "bo@example.se", "@Bo")
    issue(published(employer), "theirs@example.se", "Their Learner")
    response = member(college, Role.VIEWER).get("/workspace/college/credentials.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["credential_id", "learner_name", "learner_email_or_did"]
    assert {row[1] for row in rows[1:]} == {'\'=HYPERLINK("https://evil.example","x")', "'@Bo"}
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert member(employer, Role.VIEWER).get("/workspace/college/credentials.csv").status_code == 404


def test_no_preselected_action_and_only_what_applies(college: Organisation) -> None:
    ob3, both = unsuspendable_and_suspendable(college)
    client = member(college, Role.ISSUER)
    page = client.get("/workspace/college/credentials/").content.decode()
    assert "<select" not in page.split("<table", 1)[1]  # Links to confirmation pages, nothing preselected.
    ob3_row = page.split(f'id="pick-{ob3.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Revoke…" in ob3_row
    assert "Suspend…" not in ob3_row
    assert "Reinstate…" not in ob3_row
    both_row = page.split(f'id="pick-{both.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Revoke…" in both_row
    assert "Suspend…" in both_row
    assert "Reinstate…" not in both_row
    services.set_status(college, both.credential_id, "suspended", reason="", actor="test")
    page = client.get("/workspace/college/credentials/").content.decode()
    both_row = page.split(f'id="pick-{both.pk}"', 1)[1].split("</tr>", 1)[0]
    assert "Reinstate…" in both_row
    assert "Revoke…" in both_row
    assert "Suspend…" not in both_row
    services.set_status(college, ob3.credential_id, "revoked", reason="error", actor="test")
    dashboard = client.get("/workspace/college/").content.decode()
    assert "None: revocation is permanent" in dashboard
    assert "All credentials: search, export and revoke" in dashboard
    assert '<a href="/workspace/college/credentials/?state=revoked">Revoked: 1</a>' in dashboard
    assert "Ola Berg" in dashboard


@pytest.mark.parametrize(
    ("setup", "state", "message"),
    [
        ("ob3", "suspended", "has no suspension entry, so it cannot be suspended"),
        ("ob3", "valid", "does not apply to a credential that is valid"),
        ("revoked", "valid", "Revocation is permanent"),
        ("revoked", "revoked", "Revocation is permanent"),
        ("ob3", "deleted", "Choose what to do with the credential."),
        ("ob3", "", "Choose what to do with the credential."),
    ],
)
def test_the_server_refuses_what_does_not_apply(college: Organisation, setup: str, state: str, message: str) -> None:
    ob3, _ = unsuspendable_and_suspendable(college)
    if setup == "revoked":
        services.set_status(college, ob3.credential_id, "revoked", reason="error", actor="test")
    before = IssuedCredential.objects.get(pk=ob3.pk).state
    path = f"/workspace/college/credentials/{ob3.pk}/status"
    client = member(college, Role.ISSUER)
    for response in (
        client.get(path, {"state": state}, follow=True),
        client.post(path, {"state": state, "reason": "because"}, follow=True),
    ):
        assert response.status_code == 200
        assert message in response.content.decode()
    assert IssuedCredential.objects.get(pk=ob3.pk).state == before


def test_revoking_is_confirmed_with_its_consequence_and_a_reason(
    college: Organisation, specification: Specification
) -> None:
    record = issue(specification, "anna@example.se", "Anna Lind")
    client = member(college, Role.ISSUER)
    path = f"/workspace/college/credentials/{record.pk}/status"
    confirm = client.get(path, {"state": "revoked", "next": "/workspace/college/credentials/?q=anna"})
    text = confirm.content.decode()
    assert "Revoking is permanent: verifiers will report this credential as revoked from now on." in text
    assert "Anna Lind" in text
    assert 'name="reason"' in text
    assert "required" in text
    assert IssuedCredential.objects.get(pk=record.pk).state == "valid"  # Showing the page changes nothing.
    refused = client.post(path, {"state": "revoked", "reason": "   "})
    assert refused.status_code == 400
    assert "Give the reason for revoking." in refused.content.decode()
    assert IssuedCredential.objects.get(pk=record.pk).state == "valid"
    done = client.post(
        path, {"state": "revoked", "reason": "Issued <b>in error</b>", "next": "/workspace/college/credentials/?q=anna"}
    )
    assert done["Location"] == "/workspace/college/credentials/?q=anna"
    record.refresh_from_db()
    assert (record.state, record.state_reason) == ("revoked", "Issued <b>in error</b>")
    assert record.state_changed_at is not None
    detail = client.get(f"/workspace/college/credentials/{record.pk}/").content.decode()
    assert "Issued &lt;b&gt;in error&lt;/b&gt;" in detail
    event = AuditEvent.objects.get(action="credential.revoked")
    assert (event.target, event.details["reason"]) == (record.credential_id, "Issued <b>in error</b>")


def test_next_is_only_a_page_of_the_same_workspace(college: Organisation, specification: Specification) -> None:
    record = issue(specification, "anna@example.se", "Anna Lind")
    client = member(college, Role.ISSUER)
    path = f"/workspace/college/credentials/{record.pk}/status"
    for elsewhere in ("https://evil.example/", "//evil.example/workspace/college/", "/workspace/employer/"):
        done = client.post(path, {"state": "revoked", "reason": "x", "next": elsewhere})
        assert done["Location"] == f"/workspace/college/credentials/{record.pk}/"
        IssuedCredential.objects.filter(pk=record.pk).update(state="valid")


def test_suspend_and_reinstate_need_no_reason(college: Organisation) -> None:
    _, both = unsuspendable_and_suspendable(college)
    client = member(college, Role.ISSUER)
    path = f"/workspace/college/credentials/{both.pk}/status"
    assert "Suspending is temporary" in client.get(path, {"state": "suspended"}).content.decode()
    assert client.post(path, {"state": "suspended", "reason": ""}).status_code == 302
    assert IssuedCredential.objects.get(pk=both.pk).state == "suspended"
    assert "Reinstating lifts the suspension" in client.get(path, {"state": "valid"}).content.decode()
    assert client.post(path, {"state": "valid"}).status_code == 302
    assert IssuedCredential.objects.get(pk=both.pk).state == "valid"


def test_viewers_and_other_organisations_cannot_change_anything(
    college: Organisation, employer: Organisation, specification: Specification
) -> None:
    record = issue(specification, "anna@example.se", "Anna Lind")
    viewer = member(college, Role.VIEWER)
    page = viewer.get("/workspace/college/credentials/").content.decode()
    assert "Anna Lind" in page
    assert "Revoke…" not in page
    assert 'type="checkbox"' not in page
    outsider = member(employer, Role.OWNER)
    assert outsider.get("/workspace/college/credentials/").status_code == 404
    for client in (viewer, outsider):
        status = f"/workspace/college/credentials/{record.pk}/status"
        assert client.get(status, {"state": "revoked"}).status_code == 404
        assert client.post(status, {"state": "revoked", "reason": "x"}).status_code == 404
        bulk_path = "/workspace/college/credentials/revoke"
        assert client.post(bulk_path, {"pk": [record.pk], "reason": "x", "confirm": "1"}).status_code == 404
        assert client.post(f"/workspace/college/credentials/{record.pk}/erase").status_code == 404
    # An owner of another organisation naming this one's credential in its own workspace finds nothing.
    assert outsider.get(f"/workspace/employer/credentials/{record.pk}/").status_code == 404
    done = outsider.post("/workspace/employer/credentials/revoke", {"pk": [record.pk], "reason": "x", "confirm": "1"})
    assert done.status_code == 302
    assert IssuedCredential.objects.get(pk=record.pk).state == "valid"
    assert not AuditEvent.objects.filter(action="credential.revoked").exists()


def test_bulk_revocation_is_confirmed_and_done_together(college: Organisation, specification: Specification) -> None:
    records = [issue(specification, f"l{n}@example.se", f"Learner {n}") for n in range(3)]
    kept = issue(specification, "kept@example.se", "Kept Learner")
    services.set_status(college, records[2].credential_id, "revoked", reason="earlier", actor="test")
    client = member(college, Role.ISSUER)
    picked = {"pk": [r.pk for r in records], "next": "/workspace/college/credentials/"}
    confirm = client.post("/workspace/college/credentials/revoke", picked).content.decode()
    assert "Revoke 2 credentials?" in confirm
    assert "Revoking is permanent" in confirm
    assert "1 selected credential is already revoked and is left as it is." in confirm
    assert "Learner 0" in confirm
    assert "Kept Learner" not in confirm
    assert IssuedCredential.objects.filter(state="revoked").count() == 1
    missing = client.post("/workspace/college/credentials/revoke", {**picked, "confirm": "1", "reason": ""})
    assert missing.status_code == 400
    assert "Give the reason for revoking." in missing.content.decode()
    done = client.post(
        "/workspace/college/credentials/revoke", {**picked, "confirm": "1", "reason": "Course cancelled"}
    )
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    assert "2 credentials are now revoked." in page
    states = dict(IssuedCredential.objects.values_list("pk", "state"))
    assert [states[r.pk] for r in records] == ["revoked", "revoked", "revoked"]
    assert states[kept.pk] == "valid"
    events = AuditEvent.objects.filter(action="credential.revoked", details__reason="Course cancelled")
    assert sorted(events.values_list("target", flat=True)) == sorted(r.credential_id for r in records[:2])


def test_bulk_revocation_is_all_or_nothing(college: Organisation, specification: Specification) -> None:
    records = [issue(specification, f"l{n}@example.se") for n in range(2)]
    with pytest.raises(IssuedCredential.DoesNotExist):
        services.set_status_many(college, [records[0].pk, 10**6], "revoked", reason="x", actor="test")
    services.set_status(college, records[1].credential_id, "revoked", reason="x", actor="test")
    from merit.server.issuing.transitions import StatusChangeRefused

    with pytest.raises(StatusChangeRefused):
        services.set_status_many(college, [r.pk for r in records], "revoked", reason="again", actor="test")
    assert IssuedCredential.objects.get(pk=records[0].pk).state == "valid"
    assert AuditEvent.objects.filter(action="credential.revoked").count() == 1


def test_nothing_selected_says_so(college: Organisation) -> None:
    response = member(college, Role.ISSUER).post("/workspace/college/credentials/revoke", {"pk": ["x"]}, follow=True)
    assert "Select the credentials to revoke first." in response.content.decode()


def test_erasing_a_learners_details(college: Organisation, specification: Specification) -> None:
    record = issue(specification, "anna@example.se", "Anna Lind")
    job, _, _ = bulk.create_job(specification, "l.csv", b"email,name\nbo@example.se,Bo Ek\n", actor="test")
    bulk.run_job(job.pk)
    bo = IssuanceRow.objects.get(job=job).credential
    assert bo is not None
    client = member(college, Role.ISSUER)
    confirm = client.get(f"/workspace/college/credentials/{record.pk}/erase").content.decode()
    assert "This cannot be undone" in confirm
    assert IssuedCredential.objects.get(pk=record.pk).learner_name == "Anna Lind"
    for target in (record, bo):
        assert client.post(f"/workspace/college/credentials/{target.pk}/erase").status_code == 302
        target.refresh_from_db()
        assert (target.learner_name, target.learner_contact, target.learner_search) == ("", "", "")
        assert target.learner_erased_at is not None
        assert target.state == "valid"
    assert ClaimLink.objects.get(credential=record).email == ""
    assert IssuanceRow.objects.get(job=job).data == {}
    page = client.get("/workspace/college/credentials/", {"q": "anna"}).content.decode()
    assert "No credential matches." in page
    assert "(erased on request)" in client.get("/workspace/college/credentials/").content.decode()
    assert AuditEvent.objects.filter(action="credential.learner_erased", target=record.credential_id).exists()
    assert "Anna" not in json.dumps(list(AuditEvent.objects.values_list("details", flat=True)))


def test_the_migration_recovers_earlier_learners(college: Organisation, specification: Specification) -> None:
    from importlib import import_module

    migration = import_module("merit.server.issuing.migrations.0003_credentials_learner_record")
    unclaimed = issue(specification, "anna@example.se", "Anna Lind")
    did = services.issue_from_specification(specification, Learner(did="did:example:kari", name="Kari"), actor="x")
    job, _, _ = bulk.create_job(specification, "l.csv", b"email,name\nbo@example.se,Bo Ek\n", actor="test")
    bulk.run_job(job.pk)
    blank = learners.details("", "")
    IssuedCredential.objects.update(**blank)
    migration.backfill(apps, None)
    found = {r.pk: (r.learner_name, r.learner_contact) for r in IssuedCredential.objects.all()}
    assert found[unclaimed.pk] == ("Anna Lind", "anna@example.se")  # Name in the credential, the link's address.
    assert found[did.pk] == ("Kari", "did:example:kari")
    bo = IssuanceRow.objects.get(job=job).credential
    assert bo is not None
    assert found[bo.pk] == ("Bo Ek", "bo@example.se")
    assert IssuedCredential.objects.get(pk=unclaimed.pk).learner_search == "anna lind anna@example.se"


def test_fold() -> None:
    assert learners.fold("  ÅSA  Øberg-Łukasz Æsir straße ") == "asa oberg-lukasz aesir strasse"
