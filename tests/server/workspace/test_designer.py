"""The designer pages: the live completeness check blocks publishing until every Annex I element is there, the
preview shows the credential, published versions never change, and only the organisation's designers get in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.issuing.models import Specification
from merit.server.workspace.designer_form import form_from_spec
from tests.server.workspace.posts import as_post

EXAMPLE = json.loads((Path(__file__).parents[3] / "examples" / "solar-installation-vocational.json").read_text())


def member(organisation: Organisation, role: str, name: str = "user", **options: Any) -> Client:
    user = get_user_model().objects.create_user(f"{name}-{role}", password="correct horse battery staple")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    client = Client(**options)
    client.force_login(user)
    return client


@pytest.fixture
def designer(college: Organisation) -> Client:
    return member(college, Role.DESIGNER)


def post_of(data: dict[str, Any], action: str = "refresh", **extra: str) -> dict[str, list[str]]:
    """The form post for ``data`` (lists as lists: the test client sends each item, as a browser does)."""
    post = dict(as_post(form_from_spec(data)).lists())
    post["action"] = [action]
    for name, value in extra.items():
        post[name] = [value]
    return post


def incomplete() -> dict[str, Any]:
    data = json.loads(json.dumps(EXAMPLE))
    del data["qualityAssurance"], data["workload"]
    return data


def test_a_new_design_starts_with_the_organisation_as_awarding_body(designer: Client) -> None:
    page = designer.get("/workspace/college/specifications/new")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'value="Yrkeshögskolan Norr"' in text
    assert "2 of 8 mandatory elements complete." in text
    assert 'id="publish" disabled' in text
    assert '<label for="title__en">' in text


def test_the_check_names_what_is_missing_and_links_to_it(designer: Client) -> None:
    response = designer.post("/workspace/college/specifications/check", post_of(incomplete()), HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "6 of 8 mandatory elements complete." in text
    assert '<a href="#ects">Notional workload (ECTS credits or hours)</a>' in text
    assert '<a href="#qa_type">Type of quality assurance</a>' in text
    assert 'id="publish" disabled' in text
    assert "OpenBadgeCredential" not in text, "no credential preview while incomplete"


def test_a_complete_design_can_be_published_and_is_previewed(designer: Client) -> None:
    response = designer.post("/workspace/college/specifications/check", post_of(EXAMPLE), HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "8 of 8 mandatory elements complete." in text
    assert 'id="publish" disabled' not in text
    assert "&quot;OpenBadgeCredential&quot;" in text
    assert "did:web:merit.test:orgs:college" in text
    assert "Installing photovoltaic systems" in text, "the card is in the reader's language (English)"
    assert "Provided by an accredited or recognised provider" in text or "External quality assurance" in text


def test_publishing_is_refused_while_incomplete_and_the_draft_is_kept(designer: Client, college: Organisation) -> None:
    response = designer.post("/workspace/college/specifications/new", post_of(incomplete(), "publish", key="solar"))
    assert response.status_code == 302
    assert response["Location"] == "/workspace/college/specifications/solar/"
    draft = Specification.objects.get(organisation=college, key="solar")
    assert draft.state == "draft"
    assert draft.data["title"] == EXAMPLE["title"]
    page = designer.get(response["Location"])
    assert "Saved as a draft, but not published: mandatory elements are missing." in page.content.decode()


def test_publish_then_edit_makes_a_new_version(designer: Client, college: Organisation) -> None:
    designer.post("/workspace/college/specifications/new", post_of(EXAMPLE, "publish", key="solar"))
    first = Specification.objects.get(organisation=college, key="solar")
    assert (first.state, first.version) == ("published", 1)
    page = designer.get("/workspace/college/specifications/solar/").content.decode()
    assert "Version 1 is published and cannot change." in page
    assert "Design: Installing photovoltaic systems" in page
    unchanged = designer.post("/workspace/college/specifications/solar/", post_of(EXAMPLE, "save"), follow=True)
    assert "Nothing changed since the published version." in unchanged.content.decode()
    assert Specification.objects.filter(organisation=college, key="solar").count() == 1
    edited = json.loads(json.dumps(EXAMPLE))
    edited["workload"]["hours"] = 90
    designer.post("/workspace/college/specifications/solar/", post_of(edited, "save"))
    versions = list(Specification.objects.filter(organisation=college, key="solar").order_by("version"))
    assert [(v.version, v.state) for v in versions] == [(1, "published"), (2, "draft")]
    versions[0].refresh_from_db()
    assert versions[0].data == EXAMPLE, "the published version is immutable"
    assert versions[1].data["workload"]["hours"] == 90


def test_saving_over_htmx_redirects_the_whole_page(designer: Client) -> None:
    response = designer.post(
        "/workspace/college/specifications/new", post_of(EXAMPLE, "save", key="solar"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/workspace/college/specifications/solar/"


def test_a_taken_or_bad_short_name_saves_nothing_and_keeps_the_form(designer: Client, college: Organisation) -> None:
    designer.post("/workspace/college/specifications/new", post_of(EXAMPLE, "save", key="solar"))
    again = designer.post("/workspace/college/specifications/new", post_of(incomplete(), "save", key="solar"))
    text = again.content.decode()
    assert again.status_code == 200
    assert "Another micro-credential already uses this short name." in text
    assert "Nothing was saved" in text
    assert 'value="Yrkeshögskolan Norr"' in text
    bad = designer.post("/workspace/college/specifications/new", post_of(EXAMPLE, "save", key="Solar PV!"))
    assert "Use lower-case letters, digits and hyphens" in bad.content.decode()
    assert Specification.objects.filter(organisation=college).count() == 1


def test_typed_values_survive_a_redraw_and_are_escaped(designer: Client) -> None:
    data = incomplete()
    data["title"]["en"] = '<script>alert("x")</script>'
    post = post_of(data, "add-outcome", ects="sju")
    response = designer.post("/workspace/college/specifications/new", post)
    text = response.content.decode()
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert 'value="sju"' in text
    assert "Enter a number, such as 7.5." in text
    assert text.count('name="outcomes" value="4"') == 1, "three outcomes and the one added"


def test_only_the_organisations_designers_and_owners_design(college: Organisation, employer: Organisation) -> None:
    anonymous = Client().get("/workspace/college/specifications/new")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    for role in (Role.ISSUER, Role.VIEWER):
        client = member(college, role)
        assert client.get("/workspace/college/specifications/new").status_code == 404
        assert client.post("/workspace/college/specifications/check", post_of(EXAMPLE)).status_code == 404
        assert client.get("/workspace/college/specifications/").status_code == 200, "everyone may see the list"
    stranger = member(employer, Role.OWNER, name="stranger")
    for path in (
        "/workspace/college/specifications/",
        "/workspace/college/specifications/new",
        "/workspace/college/esco",
    ):
        assert stranger.get(path).status_code == 404
    assert stranger.post("/workspace/college/specifications/new", post_of(EXAMPLE, "save", key="x")).status_code == 404
    assert member(college, Role.OWNER, name="owner").get("/workspace/college/specifications/new").status_code == 200
    assert not Specification.objects.exists()


def test_posts_without_a_csrf_token_are_refused(college: Organisation) -> None:
    client = member(college, Role.DESIGNER, enforce_csrf_checks=True)
    response = client.post("/workspace/college/specifications/new", post_of(EXAMPLE, "save", key="solar"))
    assert response.status_code == 403
    assert not Specification.objects.exists()


def test_the_list_shows_titles_and_versions(designer: Client) -> None:
    designer.post("/workspace/college/specifications/new", post_of(EXAMPLE, "publish", key="solar"))
    text = designer.get("/workspace/college/specifications/").content.decode()
    assert "Installing photovoltaic systems" in text
    assert "Version 1: published" in text
    assert "Edit (makes a new version)" in text


PV = "http://data.europa.eu/esco/skill/18d3f89a-6ac5-4ca6-bf93-0baec4e13bcd"


def test_the_esco_picker_finds_skills_as_you_type(designer: Client) -> None:
    query = {"outcome": "2", "esco_q_2": "photovolt"}
    response = designer.get("/workspace/college/esco", query, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200
    assert f'value="add-skill:2:{PV}"' in text
    assert "install photovoltaic systems" in text
    nothing = designer.get("/workspace/college/esco", {"outcome": "0", "esco_q_0": "zqxjv"}).content.decode()
    assert "No ESCO skill matches “zqxjv”." in nothing
    assert designer.get("/workspace/college/esco", {"outcome": "x"}).status_code == 404


def test_choosing_a_skill_adds_it_to_its_outcome_and_the_preview(designer: Client) -> None:
    data = json.loads(json.dumps(EXAMPLE))
    data["learningOutcomes"][0]["escoSkills"] = []
    page = designer.post("/workspace/college/specifications/new", post_of(data, "search:0", esco_q_0="photovoltaic"))
    assert f'value="add-skill:0:{PV}"' in page.content.decode(), "the search works without JavaScript too"
    added = designer.post("/workspace/college/specifications/new", post_of(data, f"add-skill:0:{PV}"))
    text = added.content.decode()
    assert f'name="outcome_0_skill" value="{PV}"' in text
    assert 'data-focus="esco_q_0"' in text, "the keyboard focus returns to the outcome's search box"
    assert "Skills: install photovoltaic systems" in text
