"""The competence map, the learner's addresses, the export of everything and deleting the account."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from django.core import mail
from django.test import Client

from merit.server.accounts.models import Organisation
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.passport.models import EmailAddress, HeldCredential, HolderKey, Share
from tests.server.passport.conftest import issue_to, specification_of


def test_the_map_combines_skills_levels_and_workload(
    solar: Specification, employer: Organisation, anna: tuple[Any, Client]
) -> None:
    _user, client = anna
    forklift = specification_of(employer, "forklift-workplace-validation", "forklift")
    for specification in (solar, forklift):
        _record, token = issue_to(specification, "anna@example.se")
        client.post(f"/claim/{token}/passport")
    page = client.get("/passport/map").content.decode()
    assert "from 2 credentials" in page
    assert "7.5 ECTS credits" in page
    assert "216 hours" in page, "200 hours of the course and 16 of the workplace validation"
    assert "working with machinery and specialised equipment" in page
    assert "install photovoltaic systems" in page
    assert "operate forklift" in page
    assert re.search(r"<th scope=\"row\">Credentials</th>(<td>\d+</td>){8}", page.replace("\n", ""))
    assert '<svg role="img" aria-labelledby="areas-title"' in page
    assert page.count("<table>") == 0 or "<caption" in page


def test_an_old_address_still_lands_in_the_same_passport(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    client.post("/passport/account", {"email": "anna.old@school.example"})
    link = re.search(r"https://merit.test(/passport/addresses/verify/\S+)", mail.outbox[-1].body)
    assert link is not None
    assert EmailAddress.objects.get(user=user).verified_at is None
    record, _token = issue_to(solar, "anna.old@school.example")
    client.post("/passport/import", {"json": record.document_json})
    assert not HeldCredential.objects.get(owner=user).recipient_verified
    assert Client().get(link.group(1)).status_code == 200
    HeldCredential.objects.all().delete()
    client.post("/passport/import", {"json": record.document_json})
    assert HeldCredential.objects.get(owner=user).recipient_verified
    assert Client().get(link.group(1).replace("verify/", "verify/x")).status_code == 400


def test_an_address_verified_by_another_account_stays_theirs(anna: tuple[Any, Client]) -> None:
    from tests.server.passport.conftest import learner_client

    user, client = anna
    client.post("/passport/account", {"email": "bo@example.se"})
    link = re.search(r"https://merit.test(/passport/addresses/verify/\S+)", mail.outbox[-1].body)
    learner_client("bo@example.se")
    assert link is not None
    assert Client().get(link.group(1)).status_code == 400
    assert EmailAddress.objects.get(user=user).verified_at is None


def test_the_export_holds_every_credential_exactly(solar: Specification, anna: tuple[Any, Client]) -> None:
    _user, client = anna
    record, token = issue_to(solar, "anna@example.se")
    client.post(f"/claim/{token}/passport")
    response = client.get("/passport/account/export")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    summary = json.loads(archive.read("summary.json"))
    assert summary["account"]["email"] == "anna@example.se"
    (entry,) = summary["credentials"]
    assert archive.read(entry["file"]) == record.document_json.encode("utf-8")


def test_deleting_the_account_leaves_nothing_personal(solar: Specification, anna: tuple[Any, Client]) -> None:
    user, client = anna
    record, token = issue_to(solar, "anna@example.se")
    client.post(f"/claim/{token}/passport")
    held = HeldCredential.objects.get(owner=user)
    client.post("/passport/shares", {"credential": [held.pk], "days": "30"})
    client.post("/passport/presentation", {"credential": [held.pk]})
    refused = client.post("/passport/account/delete", {"confirm": "someone else"})
    assert refused.status_code == 400
    assert HeldCredential.objects.exists()
    done = client.post("/passport/account/delete", {"confirm": "anna@example.se"})
    assert "Your account is deleted" in done.content.decode()
    assert not HeldCredential.objects.exists()
    assert not Share.objects.exists()
    assert not HolderKey.objects.exists()
    assert IssuedCredential.objects.get(pk=record.pk).state == "valid", "what the issuer issued stays valid"
    assert client.get("/passport/").status_code == 302
