"""The front door: the landing page, the favicon, the styled 404 and 410 pages and the language switcher."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from merit.core.microcredential import Learner
from merit.server.accounts.models import Account, Membership, Organisation, Role
from merit.server.delivery import services as delivery
from merit.server.delivery.models import ClaimLink
from merit.server.issuing import services
from tests.server.people import person, signed_in

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).parents[2]
COOKIE = settings.LANGUAGE_COOKIE_NAME


def _claim_token(organisation: Organisation) -> str:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    specification = services.publish_specification(draft, actor="test")
    record = services.issue_from_specification(specification, Learner(email="a@example.se"), actor="test")
    return delivery.create_link(record, "a@example.se")


def _switcher(html: str) -> str:
    found = re.search(r'<form class="language".*?</form>', html, re.S)
    assert found, "no language switcher on the page"
    return found.group(0)


def test_the_landing_page_says_what_merit_is_and_where_to_go(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Merit: micro-credentials you can check" in html
    for heading in ("For issuers", "For learners", "For employers and authorities"):
        assert heading in html
    for link in ('href="/verify/"', 'href="/accounts/login/"', 'href="/passport/"'):
        assert link in html
    assert "<style" not in html
    assert "<script>" not in html
    assert 'rel="icon"' in html


def test_the_landing_page_links_a_signed_in_user_to_their_workspaces(college: Organisation) -> None:
    user = person("ines@college.example")
    Membership.objects.create(user=user, organisation=college, role=Role.OWNER)
    html = signed_in(user).get("/").content.decode()
    assert "Your places in Merit" in html
    assert f'href="/workspace/{college.slug}/"' in html
    assert "Yrkeshögskolan Norr" in html
    assert 'href="/accounts/login/"' not in html.split("<main", 1)[1]


def test_the_landing_page_in_swedish(client: Client) -> None:
    client.cookies[COOKIE] = "sv"
    html = client.get("/").content.decode()
    assert '<html lang="sv">' in html
    assert "För utfärdare" in html
    assert "Verifiera ett intyg" in html
    assert "For issuers" not in html


def test_the_favicon(client: Client) -> None:
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301
    assert answer["Location"].endswith("/merit/favicon.ico")
    icon = finders.find("merit/favicon.ico")
    assert icon
    assert Path(icon).read_bytes()[:4] == b"\x00\x00\x01\x00"
    svg = finders.find("merit/favicon.svg")
    assert svg
    assert Path(svg).read_text().startswith("<svg")


@pytest.mark.parametrize(
    ("language", "title", "home"),
    [("en", "Not found", "Merit's home page"), ("sv", "Hittades inte", "Merits startsida")],
)
def test_the_404_page_is_styled_and_translated(client: Client, language: str, title: str, home: str) -> None:
    client.cookies[COOKIE] = language
    page = client.get("/no/such/page")
    assert page.status_code == 404
    html = page.content.decode()
    assert f'<html lang="{language}">' in html
    assert "base.css" in html
    assert f'<h1 id="error-title">{title}</h1>' in html
    assert home in html
    assert '<form class="language"' in html


def test_the_api_still_answers_404_with_problem_json(client: Client) -> None:
    answer = client.get("/api/v1/specifications/999999", HTTP_AUTHORIZATION="Bearer nothing")
    assert answer["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("language", ["en", "sv"])
def test_an_expired_claim_link_gives_the_styled_410_page(college: Organisation, language: str) -> None:
    token = _claim_token(college)
    ClaimLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = Client()
    client.cookies[COOKIE] = language
    for path in (f"/claim/{token}", f"/claim/{token}/credential.json"):
        gone = client.get(path)
        assert gone.status_code == 410
        assert gone["Content-Type"].startswith("text/html")
        html = gone.content.decode()
        assert "base.css" in html
        assert 'class="error-code"' in html
        assert ">410<" in html
        if language == "sv":
            assert "Den här länken fungerar inte längre" in html
        else:
            assert "This link no longer works" in html
            assert "This link has expired" in html


def test_switching_language_keeps_the_page_and_lasts(client: Client) -> None:
    answer = client.post("/language", {"language": "sv", "next": "/verify/?x=1"})
    assert answer.status_code == 302
    assert answer["Location"] == "/verify/?x=1"
    cookie = answer.cookies[COOKIE]
    assert cookie.value == "sv"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600  # Persistent, not a session cookie.
    html = client.get("/verify/").content.decode()
    assert '<html lang="sv">' in html
    assert '<option value="sv" lang="sv" selected>Svenska</option>' in html


def test_the_switcher_names_each_language_in_itself(client: Client) -> None:
    client.cookies[COOKIE] = "fi"
    switcher = _switcher(client.get("/").content.decode())
    for code, name in (("en", "English"), ("sv", "Svenska"), ("nb", "Norsk bokmål"), ("fi", "Suomi"), ("pl", "Polski")):
        assert f'value="{code}" lang="{code}"' in switcher
        assert f">{name}</option>" in switcher
    assert '<label for="language-switcher">' in switcher
    assert 'name="csrfmiddlewaretoken"' in switcher
    assert 'name="next" value="/"' in switcher


def test_switching_needs_csrf_and_refuses_other_hosts_and_unknown_languages() -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/language", {"language": "sv"}).status_code == 403
    client = Client()
    answer = client.post("/language", {"language": "sv", "next": "https://evil.example/"})
    assert answer["Location"] == "/"
    answer = client.post("/language", {"language": "xx", "next": "/verify/"})
    assert COOKIE not in answer.cookies
    assert client.get("/language").status_code == 405


def test_a_signed_in_users_choice_follows_them_to_another_browser() -> None:
    user = person("lena@example.se")
    first = signed_in(user)
    first.post("/language", {"language": "pl", "next": "/"})
    assert Account.objects.get(user=user).language == "pl"
    other = signed_in(user)  # A new browser: no language cookie yet.
    page = other.get("/passport/")
    assert '<html lang="pl">' in page.content.decode()
    assert page.cookies[COOKIE].value == "pl"
    # The browser's own later choice wins over the saved one, and is saved in its turn.
    other.post("/language", {"language": "nb", "next": "/"})
    assert '<html lang="nb">' in other.get("/passport/").content.decode()
    assert Account.objects.get(user=user).language == "nb"
    # Someone else is not affected.
    assert '<html lang="en">' in signed_in(person("per@example.se")).get("/passport/").content.decode()


def test_every_kind_of_page_has_the_switcher(college: Organisation, client: Any) -> None:
    user = person("owner@college.example")
    Membership.objects.create(user=user, organisation=college, role=Role.OWNER)
    owner = signed_in(user)
    token = _claim_token(college)
    pages = {
        "landing": (client, "/"),
        "portal": (client, "/verify/"),
        "sign-in": (client, "/accounts/login/"),
        "sign-up": (client, "/accounts/signup/"),
        "claim": (client, f"/claim/{token}"),
        "workspace": (owner, f"/workspace/{college.slug}/"),
        "passport": (owner, "/passport/"),
        "registry": (owner, f"/workspace/{college.slug}/accreditation"),
    }
    for name, (who, path) in pages.items():
        page = who.get(path, follow=True)
        assert page.status_code == 200, name
        switcher = _switcher(page.content.decode())
        assert 'action="/language"' in switcher, name


def test_the_saved_language_is_in_the_learners_export() -> None:
    user = person("maja@example.se")
    client = signed_in(user)
    client.post("/language", {"language": "fi", "next": "/"})
    archive = zipfile.ZipFile(io.BytesIO(client.get("/passport/account/export").content))
    assert json.loads(archive.read("summary.json"))["account"]["language"] == "fi"


def test_head_requests_are_answered(client: Client) -> None:
    assert client.head("/").status_code == 200
    assert client.head("/favicon.ico").status_code == 301
    assert client.post("/").status_code == 405


@pytest.mark.parametrize(
    ("language", "title"), [("en", "The form could not be sent"), ("sv", "Formuläret kunde inte skickas")]
)
def test_a_form_without_its_token_gets_the_styled_page(language: str, title: str) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.cookies[COOKIE] = language
    answer = strict.post("/verify/", {"source": "text", "text": "{}"})
    assert answer.status_code == 403
    html = answer.content.decode()
    assert f'<h1 id="error-title">{title}</h1>' in html
    assert "base.css" in html
