"""Validation at the workplace: an institution opens a case for a learner by e-mail, records the site, the date and
the observer, and decides by observation at work; the learner sees it once signed in with that address verified."""

from __future__ import annotations

import html
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from merit.server.accounts.models import AuditEvent, Organisation
from merit.server.qualifications.models import Qualification
from merit.server.validation import basis as casebasis
from merit.server.validation import services
from merit.server.validation.models import Case
from tests.server.passport.conftest import learner_client
from tests.server.people import person, signed_in
from tests.server.validation.conftest import ZE2

SITE = {
    "unit": [ZE2],
    "email": "Jan.Kowalski@example.pl",
    "name": "Jan Kowalski",
    "employer": "Magazyn Centralny sp. z o.o.",
    "place": "Łódź",
    "observed_on": "2026-11-30",
    "observer": "Anna Nowak",
    "open": "1",
}


def test_a_trade_body_opens_a_workplace_case_and_decides_by_observation(
    qualification: Qualification, izba: Organisation, assessor: tuple[Client, Any]
) -> None:
    client, user = assessor
    form = client.get(f"/workspace/izba-logistyki/validation/workplace?qualification={qualification.pk}")
    assert 'name="observer"' in form.content.decode()
    response = client.post(
        "/workspace/izba-logistyki/validation/workplace", {**SITE, "qualification": qualification.pk}
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.kind, case.learner_email, case.employer, case.place, case.observer) == (
        "workplace",
        "jan.kowalski@example.pl",
        "Magazyn Centralny sp. z o.o.",
        "Łódź",
        "Anna Nowak",
    )
    assert case.observed_on == date(2026, 11, 30)
    assert case.learner is None
    assert AuditEvent.objects.filter(action="validation.workplace_opened").exists()
    page = client.get(f"/workspace/izba-logistyki/validation/{case.pk}/").content.decode()
    assert '<option value="observation" selected>' in page
    services.decide(
        case,
        user,
        unit=ZE2,
        outcome="recognised",
        method="observation",
        supervision="supervised-with-id",
        identity_checked=True,
        identity_method="ID card",
        reason="Drove the forklift safely through the whole shift.",
    )
    (recognition,) = casebasis.of(case).recognitions
    assert recognition.method == "observation"
    assert recognition.supervision == "supervised-with-id"
    jan, learner = learner_client("jan.kowalski@example.pl")
    listing = learner.get("/passport/validation/").content.decode()
    assert f"/passport/validation/{case.pk}/" in listing
    seen = learner.get(f"/passport/validation/{case.pk}/").content.decode()
    assert "Magazyn Centralny" in seen
    assert "Drove the forklift safely" in seen
    assert "Withdraw" not in seen, "a workplace case is the institution's, not an application"
    assert jan.email == case.learner_email
    stranger = signed_in(person("someone@example.pl"))
    assert stranger.get(f"/passport/validation/{case.pk}/").status_code == 404


def test_someone_with_the_address_unverified_does_not_see_it(
    qualification: Qualification, izba: Organisation, assessor: tuple[Client, Any]
) -> None:
    _client, user = assessor
    case = services.open_workplace(
        izba,
        user,
        qualification,
        units=[ZE2],
        email="jan.kowalski@example.pl",
        employer="E",
        place="P",
        observed_on=date(2026, 11, 30),
        observer="O",
    )
    claimant = signed_in(person("jan.kowalski@example.pl", verified=False))
    assert claimant.get(f"/passport/validation/{case.pk}/").status_code == 404
    assert f"/passport/validation/{case.pk}/" not in claimant.get("/passport/validation/").content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"employer": ""}, "Give the employer, the place and the observer"),
        ({"observer": " "}, "Give the employer, the place and the observer"),
        ({"observed_on": "2026-13-45"}, "Give the date of the observation"),
        ({"observed_on": (date.today() + timedelta(days=3)).isoformat()}, "not in the future"),
        ({"email": "nobody"}, "Give the learner's e-mail address"),
        ({"unit": []}, "Choose at least one unit"),
    ],
)
def test_a_workplace_case_needs_the_site_the_date_and_the_observer(
    qualification: Qualification, assessor: tuple[Client, Any], change: dict[str, Any], message: str
) -> None:
    client, _user = assessor
    response = client.post(
        "/workspace/izba-logistyki/validation/workplace", {**SITE, **change, "qualification": qualification.pk}
    )
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert not Case.objects.exists()


def test_an_assessor_records_where_an_applicant_was_observed(
    qualification: Qualification, izba: Organisation, assessor: tuple[Client, Any], jan: Any
) -> None:
    client, _user = assessor
    user, learner, held = jan
    case = services.apply(user, izba, qualification, units=[ZE2], held=[held.pk])
    site = {"employer": "Magazyn Centralny", "place": "Łódź", "observed_on": "2026-11-30", "observer": "Anna Nowak"}
    refused = client.post(f"/workspace/izba-logistyki/validation/{case.pk}/site", {**site, "observer": ""})
    assert refused.status_code == 400
    assert "Give the employer, the place and the observer" in refused.content.decode()
    from merit.server.accounts.models import Role
    from tests.server.people import member_client

    viewer, _ = member_client(izba, Role.VIEWER)
    assert viewer.post(f"/workspace/izba-logistyki/validation/{case.pk}/site", site).status_code == 404
    case.refresh_from_db()
    assert case.employer == ""
    assert client.post(f"/workspace/izba-logistyki/validation/{case.pk}/site", site).status_code == 302
    case.refresh_from_db()
    assert (case.employer, case.place, case.observed_on, case.observer) == (
        "Magazyn Centralny",
        "Łódź",
        date(2026, 11, 30),
        "Anna Nowak",
    )
    assert AuditEvent.objects.filter(action="validation.site_recorded", target=case.urn).exists()
    assert "observed by Anna Nowak" in learner.get(f"/passport/validation/{case.pk}/").content.decode()
