"""Every page Merit serves, walked from the URL conf for each role (anonymous, issuer, learner, registry authority,
admin), carries the Content-Security-Policy, and its HTML has nothing the policy would block: no inline script, no
event-handler attribute, no ``javascript:`` URL, no inline style (docs/decisions/0015-content-security-policy.md)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from merit.server.accounts import members
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.bulk.models import IssuanceJob
from merit.server.delivery import services as delivery
from merit.server.demo import create_demo_data
from merit.server.issuing.models import IssuedCredential, Specification
from merit.server.passport import services as passport
from merit.server.passport.models import EmailAddress, HeldCredential
from merit.server.portal.models import Receipt
from merit.server.registry.models import Accreditation, Application

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}
# Script types that are data, not code: the browser never runs them (Swagger UI's settings are one).
DATA_SCRIPTS = {"application/json", "application/ld+json"}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


class InlineFinder(HTMLParser):
    """Collects what a strict policy blocks: inline <script> and <style>, on…= and style= attributes, javascript:
    URLs, and htmx's hx-on (which needs eval)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src") and (values.get("type") or "").lower() not in DATA_SCRIPTS:
            self._in_script = True
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on") or name == "style":
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:...>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]}")


def inline_content(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_the_finder_finds_what_the_policy_blocks() -> None:
    bad = (
        '<script>alert(1)</script><p onclick="x()" style="color:red"><a href="javascript:x()">a</a>'
        '<style>p{}</style><input hx-on:keydown="x()">'
    )
    assert len(inline_content(bad)) == 6
    good = '<script src="/static/a.js"></script><script type="application/json">{"a": 1}</script><p class="x">'
    assert inline_content(good) == []


def patterns(resolvers: list[Any], prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if str(entry.pattern) != "admin/":  # The admin is walked through its registered models below.
                found += patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), entry.name or ""))
    return found


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """The demo data, plus what it does not make: a share, a claim link, an invitation, a job, a receipt, an
    application waiting for review, and a reviewer who owns the registry authority."""
    create_demo_data()
    users = get_user_model()
    issuer_org = Organisation.objects.get(slug="yrkeshogskolan-norr")
    issuer = users.objects.get(username="yrkeshogskolan-norr-owner")
    learner = users.objects.get(username="anna.svensson@example.se")
    admin_user = users.objects.get(username="operator")
    reviewer = users.objects.create_user("reviewer", "reviewer@registry.example", "a long reviewer passphrase 7")
    Membership.objects.create(user=reviewer, organisation=Organisation.objects.get(slug="demo-registry"), role="owner")
    record = IssuedCredential.objects.filter(organisation=issuer_org).order_by("pk").first()
    assert record is not None
    spec = Specification.objects.get(organisation=issuer_org)
    held = HeldCredential.objects.filter(owner=learner).order_by("pk").first()
    assert held is not None
    share, share_token = passport.create_share(learner, [held], days=7, label="CV")
    _, invitation_token = members.invite(issuer_org, "new.colleague@example.se", Role.ISSUER, issuer)
    job = IssuanceJob.objects.create(
        organisation=issuer_org, specification=spec, file_sha256="0" * 64, filename="a.csv", total=3, created_by="t"
    )
    receipt = Receipt.objects.create(
        public_id="r" * 20, credential_sha256="0" * 64, outcome="verified", receipt_json="{}"
    )
    status_url = record.document["credentialStatus"]
    status_url = (status_url[0] if isinstance(status_url, list) else status_url)["statusListCredential"]
    address = EmailAddress.objects.filter(user=learner).first()
    values = {
        "slug": issuer_org.slug,
        "key": spec.key,
        "spec_id": str(spec.pk),
        "credential_pk": str(record.pk),
        "credential_id": record.credential_id,
        "job_id": str(job.pk),
        "did": issuer_org.did,
        "public_id": receipt.public_id,
        "membership_pk": str(Membership.objects.filter(organisation=issuer_org).first().pk),  # type: ignore[union-attr]
        "invitation_pk": str(issuer_org.invitations.first().pk),  # type: ignore[union-attr]
        "token_pk": str(issuer_org.tokens.first().pk),  # type: ignore[attr-defined]
    }
    by_name = {
        "claim": {"token": delivery.create_link(record)},
        "shared": {"token": share_token},
        "invitation": {"token": invitation_token},
        "revoke-share": {"pk": str(share.pk)},
        "remove-address": {"pk": str(address.pk if address else 1)},
        "review-application": {"pk": str(Application.objects.first().pk)},  # type: ignore[union-attr]
        "change": {"pk": str(Accreditation.objects.first().pk)},  # type: ignore[union-attr]
        "status-list": resolve(urlsplit(status_url).path).kwargs,
        "trust_list": {"slug": "demo-registry"},
    }
    for name in ("credential", "download", "pdf", "linkedin", "remove"):
        by_name[name] = {"pk": str(held.pk)}
    clients = {"anonymous": Client()}
    for role, user in (("issuer", issuer), ("learner", learner), ("authority", reviewer), ("admin", admin_user)):
        clients[role] = Client()
        clients[role].force_login(user)
    return {"values": values, "by_name": by_name, "clients": clients}


def url_for(route: str, name: str, world: dict[str, Any]) -> str:
    given = {**world["values"], **{k: str(v) for k, v in world["by_name"].get(name, {}).items()}}

    def fill(match: re.Match[str]) -> str:
        return given.get(match.group(2), "1")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: fill(m), route)


def check(response: Any, where: str) -> list[str]:
    header = response.headers.get("Content-Security-Policy")
    if not header:
        return [f"{where}: no Content-Security-Policy"]
    problems = [
        f"{where}: {name} is {directives(header).get(name)!r}, not {value!r}"
        for name, value in POLICY.items()
        if directives(header).get(name) != value
    ]
    if "unsafe" in header:
        problems.append(f"{where}: the policy allows something unsafe: {header}")
    if response.headers.get("Content-Type", "").startswith("text/html"):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        problems += [f"{where}: {item}" for item in inline_content(body.decode("utf-8", "replace"))]
    return problems


def test_every_page_for_every_role_has_the_policy_and_no_inline_code(world: dict[str, Any]) -> None:
    routes = patterns(get_resolver().url_patterns)
    assert len(routes) > 60, "the walk covers the whole URL conf"
    problems: list[str] = []
    pages: dict[str, set[str]] = {}
    for role, client in world["clients"].items():
        for route, name in routes:
            if name in ("logout", "linkedin"):  # POST only; GET would sign out or leave for LinkedIn.
                continue
            url = url_for(route, name, world)
            response = client.get(url)
            assert response.status_code < 500, f"{role} GET {url}: {response.status_code}"
            problems += check(response, f"{role} GET {url}")
            if response.status_code == 200 and response.headers.get("Content-Type", "").startswith("text/html"):
                pages.setdefault(role, set()).add(name)
    assert problems == []
    # The walk reached the real pages, not only their 404s.
    assert {"verify", "login", "signup", "claim", "shared", "openapi-view"} <= pages["anonymous"]
    assert {"dashboard", "designer", "designer-new", "job", "profile", "tokens", "members", "issue-one"} <= pages[
        "issuer"
    ]
    assert {"home", "credential", "shares", "presentation", "account", "map", "import"} <= pages["learner"]
    assert {"review", "review-application"} <= pages["authority"]


def test_forms_shown_again_with_their_errors_have_no_inline_code(world: dict[str, Any]) -> None:
    issuer, learner, anonymous = (world["clients"][r] for r in ("issuer", "learner", "anonymous"))
    slug, spec_id = world["values"]["slug"], world["values"]["spec_id"]
    posts = [
        (anonymous, reverse("login")),
        (anonymous, reverse("accounts:signup")),
        (anonymous, reverse("portal:verify")),
        (issuer, reverse("workspace:tokens", args=[slug])),
        (issuer, reverse("workspace:invite", args=[slug])),
        (issuer, reverse("workspace:issue-one", args=[slug, spec_id])),
        (issuer, reverse("workspace:upload", args=[slug, spec_id])),
        (issuer, reverse("workspace:designer-new", args=[slug])),
        (learner, reverse("passport:import")),
        (learner, reverse("passport:shares")),
    ]
    problems: list[str] = []
    for client, url in posts:
        response = client.post(url, {})
        assert response.status_code < 500, f"POST {url}: {response.status_code}"
        problems += check(response, f"POST {url}")
    assert problems == []


def test_the_admin_pages_have_the_policy_and_no_inline_code(world: dict[str, Any]) -> None:
    client = world["clients"]["admin"]
    urls = [reverse("admin:index"), reverse("admin:login"), reverse("admin:password_change")]
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        first = model._default_manager.first()
        if first is not None:
            urls.append(reverse(f"{name}_change", args=[first.pk]))
    problems: list[str] = []
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, f"GET {url}: {response.status_code}"
        problems += check(response, f"admin GET {url}")
    assert problems == []
    assert Client().get(reverse("admin:login")).headers["Content-Security-Policy"]


def test_api_answers_and_errors_carry_the_policy(client: Client) -> None:
    for url in ("/api/v1/credentials", "/api/openapi.json", "/no-such-page", "/static/merit/base.css"):
        response = client.get(url)
        assert check(response, url) == [], url


def settings_of(base_url: str, **env: str) -> dict[str, Any]:
    """The HSTS settings a server started with ``MERIT_BASE_URL=base_url`` and ``env`` has."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s\n"
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD]))"
    )
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MERIT_")},
        "DJANGO_SETTINGS_MODULE": "merit.server.settings",
        "MERIT_HOME": os.environ.get("MERIT_HOME", ""),
        "MERIT_BASE_URL": base_url,
        **env,
    }
    out = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, check=True, timeout=60)
    seconds, subdomains, preload = json.loads(out.stdout)
    return {"seconds": seconds, "subdomains": subdomains, "preload": preload}


@pytest.mark.parametrize(
    ("base_url", "env", "expected"),
    [
        ("http://localhost:8000", {}, {"seconds": 0, "subdomains": False, "preload": False}),
        ("https://credentials.example.org", {}, {"seconds": 31536000, "subdomains": False, "preload": False}),
        (
            "https://credentials.example.org",
            {"MERIT_HSTS_SECONDS": "600", "MERIT_HSTS_INCLUDE_SUBDOMAINS": "1"},
            {"seconds": 600, "subdomains": True, "preload": False},
        ),
    ],
)
def test_hsts_is_on_when_served_over_https_and_configurable(
    base_url: str, env: dict[str, str], expected: dict[str, Any]
) -> None:
    assert settings_of(base_url, **env) == expected


def test_hsts_header_on_https_requests_only(client: Client, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    secure = client.get("/verify/", secure=True)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/verify/").headers, "never over plain http"
