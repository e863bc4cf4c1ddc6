"""The organisation's time zone: its country's by default, chosen on the profile page from the IANA list, checked,
and used for dates without a time in uploads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from merit.server.accounts.models import AuditEvent, Organisation, Role
from merit.server.issuing import services
from tests.server.people import member_client

PROFILE = {"name": "Yrkeshögskolan Norr", "country": "SE"}


@pytest.fixture(autouse=True)
def _back_to_english() -> Iterator[None]:
    """A request in Swedish leaves Swedish active in this thread (LocaleMiddleware); later tests expect English."""
    yield
    translation.deactivate()


def test_the_default_is_the_countrys_zone_else_utc(db: None) -> None:
    assert services.create_organisation(slug="a", name="A", country="SE").zone_name == "Europe/Stockholm"
    assert services.create_organisation(slug="b", name="B", country="PL").zone_name == "Europe/Warsaw"
    assert services.create_organisation(slug="c", name="C", country="US").zone_name == "UTC"  # Several zones.


def test_the_owner_chooses_a_zone_on_the_profile_page(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    page = owner.get("/workspace/college/profile").content.decode()
    assert '<label for="id_time_zone">Time zone</label>' in page
    assert '<option value="Europe/Stockholm" selected>Europe/Stockholm</option>' in page  # The country's, shown.
    assert '<option value="America/Argentina/Buenos_Aires">America/Argentina/Buenos Aires</option>' in page
    saved = owner.post("/workspace/college/profile", {**PROFILE, "time_zone": "Europe/Helsinki"})
    assert saved.status_code == 302
    college.refresh_from_db()
    assert (college.time_zone, str(college.zone())) == ("Europe/Helsinki", "Europe/Helsinki")
    event = AuditEvent.objects.filter(organisation=college, action="organisation.updated").latest("at")
    assert event.details["fields"] == ["time_zone"]


def test_a_zone_not_in_the_list_is_refused_in_the_readers_language(college: Organisation) -> None:
    owner, _ = member_client(college, Role.OWNER)
    for value in ("Mars/Olympus_Mons", "../../etc/passwd", "Europe/Stockholm\n"):
        response = owner.post("/workspace/college/profile", {**PROFILE, "time_zone": value})
        assert response.status_code == 400
        assert "Select a valid choice." in response.content.decode()
    swedish = owner.post(
        "/workspace/college/profile", {**PROFILE, "time_zone": "Mars/Olympus_Mons"}, HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert "Tidszon" in swedish.content.decode()
    college.refresh_from_db()
    assert college.time_zone == ""
