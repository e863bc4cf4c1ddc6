"""The workspace page "Award a qualification": form, confirmation of what will be signed, signing once; CSRF,
another organisation's members and an unaccredited institution refused; refusals said in words."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from merit.server.issuing import services as issuing
from merit.server.stacking.models import Award
from tests.server.stacking.conftest import ZRK, World, person

URL = "/workspace/izba-logistyki/awards/new"


def _form(unit: str = "") -> dict[str, str]:
    return {"qualification": ZRK, "unit": unit, "learner": "jan.kowalski@example.pl", "name": "Jan Kowalski"}


def test_check_then_sign_once(world: World, client: Client, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.owner)
    page = client.get(URL)
    assert page.status_code == 200
    assert "Warehouse operation with forklift trucks" in page.content.decode()
    # Only its own credentials to Jan, so ZE1 and ZE2: the whole qualification needs ZE3 too.
    refused = client.post(URL, {**_form(), "action": "check"})
    assert refused.status_code == 400
    assert "The completion rules are not met yet." in refused.content.decode()
    assert "ZE3" in refused.content.decode()
    confirm = client.post(URL, {**_form(f"{ZRK}#ZE2"), "action": "check"})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Check what will be signed" in html
    assert world.forklift.credential_id in html
    token = re.search(r'name="confirmation" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert not Award.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        signed = client.post(URL, {"confirmation": token, "action": "sign"})
    assert signed.status_code == 200
    assert "Awarded." in signed.content.decode()
    again = client.post(URL, {"confirmation": token, "action": "sign"})
    assert "nothing was signed twice" in again.content.decode()
    assert Award.objects.count() == 1
    assert Award.objects.get().unit_iri == f"{ZRK}#ZE2"
    assert len(mail.outbox) == 1


def test_a_basis_changed_since_the_confirmation_signs_nothing(world: World, client: Client) -> None:
    client.force_login(world.owner)
    confirm = client.post(URL, {**_form(f"{ZRK}#ZE2"), "action": "check"})
    token = re.search(r'name="confirmation" value="([^"]+)"', confirm.content.decode()).group(1)  # type: ignore[union-attr]
    issuing.set_status(world.izba, world.forklift.credential_id, "revoked", reason="error", actor="t")
    page = client.post(URL, {"confirmation": token, "action": "sign"})
    assert page.status_code == 400
    assert not Award.objects.exists()
    forged = client.post(URL, {"confirmation": token + "x", "action": "sign"})
    assert "This confirmation is not valid" in forged.content.decode()


def test_csrf_and_other_organisations(world: World) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.owner)
    assert strict.post(URL, {**_form(), "action": "check"}).status_code == 403
    other = issuing.create_organisation(slug="other", name="Other", country="PL")
    stranger = person(other, "stranger")
    client = Client()
    client.force_login(stranger)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {**_form(), "action": "check"}).status_code == 404
    # Its own page: no accreditation names a qualification, and a posted IRI is refused.
    own = client.get("/workspace/other/awards/new")
    assert "cannot award one" in own.content.decode()
    posted = client.post("/workspace/other/awards/new", {**_form(f"{ZRK}#ZE2"), "action": "check"})
    assert posted.status_code == 400
    assert not Award.objects.exists()
