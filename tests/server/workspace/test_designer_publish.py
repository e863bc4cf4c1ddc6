"""Publishing from the designer: re-publishing an unchanged version says so (it once said "mandatory elements are
missing" while the check showed 8 of 8), a micro-credential outside the organisation's accreditation is published
only when the designer confirms it, with the reason named in the reader's language, and the EQF levels are offered
in that language."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from merit.core import trust
from merit.server.accounts.models import AuditEvent, Membership, Organisation, Role
from merit.server.issuing.models import Specification
from merit.server.registry import services as registry
from merit.server.registry.models import Authority
from tests.server.workspace.test_designer import EXAMPLE, member, post_of


@pytest.fixture
def designer(college: Organisation) -> Client:
    return member(college, Role.DESIGNER)


@pytest.fixture
def agency(db: None) -> Authority:
    return registry.create_authority(slug="agency", name="Myndigheten för yrkeshögskolan", country="SE")


def accredit(college: Organisation, agency: Authority, scope: trust.Scope) -> None:
    reviewer = get_user_model().objects.create_user("reviewer", password="a long and private passphrase")
    Membership.objects.create(user=reviewer, organisation=agency.organisation, role=Role.OWNER)
    application = registry.apply(
        college, agency, scope=scope, qa_framework="EQAVET", accrediting_body="MYH", actor="college-owner"
    )
    registry.approve(application, user=reviewer)


def at_level(level: int) -> dict[str, Any]:
    data = json.loads(json.dumps(EXAMPLE))
    data["eqfLevel"] = level
    return data


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_republishing_an_unchanged_published_version_says_it_is_published(
    designer: Client, college: Organisation
) -> None:
    designer.post("/workspace/college/specifications/new", post_of(EXAMPLE, "publish", key="solar"), follow=True)
    assert Specification.objects.get(organisation=college, key="solar").state == "published"
    again = designer.post("/workspace/college/specifications/solar/", post_of(EXAMPLE, "publish"), follow=True)
    said = messages_of(again)
    assert said == ["Version 1 is already published; nothing changed."]
    assert "mandatory elements are missing" not in again.content.decode()
    assert list(Specification.objects.filter(key="solar").values_list("version", "state")) == [(1, "published")]


def test_publishing_an_edit_of_a_published_version_publishes_version_two(
    designer: Client, college: Organisation
) -> None:
    designer.post("/workspace/college/specifications/new", post_of(EXAMPLE, "publish", key="solar"), follow=True)
    edited = json.loads(json.dumps(EXAMPLE))
    edited["workload"]["hours"] = 90
    response = designer.post("/workspace/college/specifications/solar/", post_of(edited, "publish"), follow=True)
    assert messages_of(response) == ["Version 2 is published."]
    versions = Specification.objects.filter(key="solar").order_by("version").values_list("version", "state")
    assert list(versions) == [(1, "published"), (2, "published")]


def test_the_check_warns_before_publishing_outside_the_accredited_scope(
    designer: Client, college: Organisation, agency: Authority
) -> None:
    accredit(college, agency, trust.Scope(eqf_min=4, eqf_max=5, isced_fields=("07",)))
    inside = designer.post("/workspace/college/specifications/check", post_of(at_level(4)), HTTP_HX_REQUEST="true")
    assert 'id="outside-scope"' not in inside.content.decode()
    outside = designer.post("/workspace/college/specifications/check", post_of(at_level(7)), HTTP_HX_REQUEST="true")
    text = outside.content.decode()
    assert 'id="outside-scope"' in text
    assert "Outside your accreditation" in text
    assert "EQF level 7 is not among the accredited levels" in text
    assert "EQF levels 4–5" in text
    assert "07 Engineering, manufacturing and construction" in text
    assert 'name="publish_outside_scope" value="yes">' in text, "not ticked until the designer ticks it"


def test_publishing_outside_the_scope_needs_the_designers_confirmation(
    designer: Client, college: Organisation, agency: Authority
) -> None:
    accredit(college, agency, trust.Scope(eqf_min=4, eqf_max=5))
    refused = designer.post(
        "/workspace/college/specifications/new", post_of(at_level(7), "publish", key="solar"), follow=True
    )
    draft = Specification.objects.get(organisation=college, key="solar")
    assert draft.state == "draft", "saved, not published"
    (said,) = messages_of(refused)
    assert said.startswith("Saved as draft version 1, but not published: this micro-credential is outside your")
    assert "Myndigheten för yrkeshögskolan accredits you for EQF levels 4–5" in said
    assert "EQF level 7 is not among the accredited levels" in said
    confirmed = designer.post(
        "/workspace/college/specifications/solar/",
        post_of(at_level(7), "publish", publish_outside_scope="yes"),
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.state == "published"
    assert messages_of(confirmed)[0] == "Version 1 is published."
    assert "cannot issue it until the accreditation covers it" in messages_of(confirmed)[1]
    assert AuditEvent.objects.filter(organisation=college, action="specification.published-outside-scope").exists()
    with pytest.raises(registry.RegistryRefusal, match="outside the accredited scope"):
        registry.may_issue(college, draft)


def test_a_suspended_accreditation_is_named_in_the_warning(
    designer: Client, college: Organisation, agency: Authority
) -> None:
    accredit(college, agency, trust.Scope(eqf_min=4, eqf_max=5))
    accreditation = college.accreditations.get()
    registry.suspend(accreditation, user=get_user_model().objects.get(username="reviewer"), reason="audit")
    response = designer.post("/workspace/college/specifications/check", post_of(at_level(4)), HTTP_HX_REQUEST="true")
    assert "Your accreditation by Myndigheten för yrkeshögskolan is suspended." in response.content.decode()


def test_an_unaccredited_organisation_is_not_warned(designer: Client, college: Organisation) -> None:
    response = designer.post("/workspace/college/specifications/check", post_of(at_level(7)), HTTP_HX_REQUEST="true")
    assert 'id="outside-scope"' not in response.content.decode()


def test_the_warning_and_the_eqf_levels_are_in_swedish(college: Organisation, agency: Authority) -> None:
    accredit(college, agency, trust.Scope(eqf_min=4, eqf_max=5))
    swedish = member(college, Role.DESIGNER, name="svensk", HTTP_ACCEPT_LANGUAGE="sv")
    page = swedish.get("/workspace/college/specifications/new").content.decode()
    assert '<option value="4">EQF-nivå 4</option>' in page
    assert "EQF level 4" not in page
    check = swedish.post("/workspace/college/specifications/check", post_of(at_level(7)), HTTP_HX_REQUEST="true")
    text = check.content.decode()
    assert "Utanför er ackreditering" in text
    assert "EQF-nivå 7 hör inte till de ackrediterade nivåerna" in text
    warning = text.split('id="outside-scope"', 1)[1].split("</div>", 1)[0]
    assert "EQF level" not in warning, "(the credential's JSON preview keeps the standard English alignment name)"
    assert "Publicera ändå, utanför den ackrediterade omfattningen" in warning


def test_only_the_current_published_version_is_offered_to_issue(designer: Client, college: Organisation) -> None:
    designer.post("/workspace/college/specifications/new", post_of(EXAMPLE, "publish", key="solar"), follow=True)
    edited = json.loads(json.dumps(EXAMPLE))
    edited["workload"]["hours"] = 90
    designer.post("/workspace/college/specifications/solar/", post_of(edited, "publish"), follow=True)
    second = Specification.objects.get(key="solar", version=2)
    assert second.state == "published"
    owner = member(college, Role.OWNER, name="owner")
    page = owner.get("/workspace/college/").content.decode()
    assert page.count("Issue Installing photovoltaic systems to one learner") == 1
    assert f"/workspace/college/specifications/{second.pk}/issue" in page
    first = Specification.objects.get(key="solar", version=1)
    assert owner.get(f"/workspace/college/specifications/{first.pk}/issue").status_code == 404, "superseded"


def test_saving_a_new_design_moves_to_its_own_address(designer: Client) -> None:
    plain = designer.post("/workspace/college/specifications/new", post_of(EXAMPLE, "save", key="solar"))
    assert (plain.status_code, plain["Location"]) == (302, "/workspace/college/specifications/solar/")
    htmx = designer.post(
        "/workspace/college/specifications/new", post_of(EXAMPLE, "save", key="wind"), HTTP_HX_REQUEST="true"
    )
    assert (htmx.status_code, htmx["HX-Redirect"]) == (204, "/workspace/college/specifications/wind/")
