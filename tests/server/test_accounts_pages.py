"""Sign-up with e-mail verification, creating an organisation, and password reset by e-mail."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from merit.server.accounts import services
from merit.server.accounts.models import AuditEvent, Membership, Organisation, Role

PASSWORD = "a long and unusual passphrase 42"


def link(message: Any, pattern: str = r"https://merit\.test(/\S+)") -> str:
    """The path of the first link to this installation in an e-mail."""
    found = re.search(pattern, message.body)
    assert found, message.body
    return found.group(1)


def sign_up(client: Client, email: str = "Ada@Example.se", **extra: str) -> Any:
    return client.post("/accounts/signup/", {"email": email, "name": "Ada Lovelace", "password": PASSWORD, **extra})


def verified_user(email: str = "ada@example.se") -> Any:
    user = get_user_model().objects.create_user(email, email, PASSWORD)
    services.mark_verified(user)
    return user


def test_signup_page_is_accessible(client: Client) -> None:
    page = client.get("/accounts/signup/").content.decode()
    for name in ("email", "name", "password"):
        assert f'<label for="id_{name}">' in page
    assert 'autocomplete="new-password"' in page
    assert "csrfmiddlewaretoken" in page


def test_signup_sends_a_verification_link_that_enables_creating_an_organisation(db: None) -> None:
    client = Client()
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/sent/"
    user = get_user_model().objects.get(username="ada@example.se")
    assert user.email == "ada@example.se"
    assert user.first_name == "Ada Lovelace"
    assert not services.is_verified(user)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.se"]

    # Signed in but not verified: no organisation can be created yet.
    assert client.login(username="ada@example.se", password=PASSWORD)
    refused = client.get("/accounts/organisations/new")
    assert refused.status_code == 403
    assert "Confirm your e-mail address first" in refused.content.decode()
    assert client.post("/accounts/organisations/new", {"name": "X", "country": "SE"}).status_code == 403
    assert Organisation.objects.count() == 0

    verified = client.get(link(mail.outbox[0]))
    assert verified.status_code == 302
    assert verified["Location"] == "/accounts/organisations/new"
    assert services.is_verified(user)

    created = client.post(
        "/accounts/organisations/new",
        {"name": "Yrkeshögskolan Syd", "country": "se", "region": "Skåne", "homepage": "https://syd.example"},
    )
    organisation = Organisation.objects.get()
    assert created["Location"] == f"/workspace/{organisation.slug}/"
    assert organisation.slug == "yrkeshogskolan-syd"
    assert (organisation.country, organisation.region) == ("SE", "Skåne")
    assert organisation.keys.filter(retired_at__isnull=True).count() == 1
    assert Membership.objects.get(organisation=organisation).role == Role.OWNER
    assert AuditEvent.objects.filter(organisation=organisation, action="member.joined", actor=user.username).exists()
    assert client.get(created["Location"]).status_code == 200


def test_verification_link_signed_out_leads_to_sign_in(db: None) -> None:
    """Opened in another browser than the one that signed up (a phone, say), the link asks for the password."""
    sign_up(Client())
    page = Client().get(link(mail.outbox[0]))
    assert page.status_code == 200
    assert "/accounts/login/?next=%2Faccounts%2Forganisations%2Fnew" in page.content.decode()


def test_tampered_and_expired_verification_links_are_refused(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    client = Client()
    sign_up(client)
    path = link(mail.outbox[0])
    assert client.get(path[:-3] + "xyz").status_code == 400
    user = get_user_model().objects.get()
    four_days_ago = time.time() - 4 * 86400
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: four_days_ago)
        old = services.verification_token(user)
    expired = client.get(f"/accounts/verify/{old}")
    assert expired.status_code == 410
    assert "expired" in expired.content.decode()
    assert not services.is_verified(get_user_model().objects.get())


def test_signup_does_not_reveal_an_existing_account(db: None) -> None:
    get_user_model().objects.create_user("ada@example.se", "ada@example.se", "first password 123!")
    first = sign_up(Client(), email="ADA@example.se")
    assert first.status_code == 302
    assert first["Location"] == "/accounts/signup/sent/"
    assert get_user_model().objects.count() == 1
    assert len(mail.outbox) == 1
    assert "you already have one" in mail.outbox[0].body
    assert "/accounts/verify/" not in mail.outbox[0].body
    # The existing password still works; the sign-up changed nothing.
    assert Client().login(username="ada@example.se", password="first password 123!")


def test_signup_errors_are_shown_next_to_their_fields_and_keep_the_values(db: None) -> None:
    response = Client().post("/accounts/signup/", {"email": "not-an-address", "name": "<b>Ada</b>", "password": "ada"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page
    assert 'aria-describedby="id_email_error"' in page
    assert 'id="id_email_error"' in page
    assert 'aria-describedby="id_password_helptext id_password_error"' in page
    assert "This password is too short" in page
    assert 'value="not-an-address"' in page
    assert 'value="&lt;b&gt;Ada&lt;/b&gt;"' in page
    assert get_user_model().objects.count() == 0
    assert mail.outbox == []


def test_signup_next_survives_verification_but_not_to_other_sites(db: None) -> None:
    sign_up(Client(), next="/accounts/invitations/abc")
    sign_up(Client(), email="eve@example.se", next="https://evil.example/")
    client = Client()
    client.force_login(get_user_model().objects.get(username="ada@example.se"))
    assert client.get(link(mail.outbox[0]))["Location"] == "/accounts/invitations/abc"
    client.force_login(get_user_model().objects.get(username="eve@example.se"))
    assert client.get(link(mail.outbox[1]))["Location"] == "/accounts/organisations/new"


def test_resend_verification_link(db: None) -> None:
    client = Client()
    sign_up(client)
    client.login(username="ada@example.se", password=PASSWORD)
    assert client.post("/accounts/verify/resend").status_code == 302
    assert len(mail.outbox) == 2
    assert client.get(link(mail.outbox[1])).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Acme", "country": "XX"}, "Enter a two-letter ISO 3166-1 country code"),
        ({"name": "Acme", "country": "SWE"}, "Ensure this value has at most 2 characters"),
        ({"name": "", "country": "SE"}, "This field is required."),
        ({"name": "Acme", "country": "SE", "homepage": "not a url"}, "Enter a valid URL."),
    ],
)
def test_organisation_form_refuses_bad_input_and_keeps_it(db: None, data: dict[str, str], message: str) -> None:
    client = Client()
    client.force_login(verified_user())
    response = client.post("/accounts/organisations/new", {**data, "region": "Norrbotten"})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="Norrbotten"' in page
    assert Organisation.objects.count() == 0


def test_organisation_slugs_are_unique(college: Organisation) -> None:
    client = Client()
    client.force_login(verified_user())
    client.post("/accounts/organisations/new", {"name": "College", "country": "FI"})
    client.post("/accounts/organisations/new", {"name": "College", "country": "FI"})
    client.post("/accounts/organisations/new", {"name": "東京", "country": "JP"})
    slugs = set(Organisation.objects.values_list("slug", flat=True))
    assert slugs == {"college", "college-2", "college-3", "organisation"}


def test_login_page_links_to_password_reset_and_sign_up(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password-reset/"' in page
    assert 'href="/accounts/signup/"' in page


def test_password_reset_by_email(db: None) -> None:
    user = get_user_model().objects.create_user("ada@example.se", "ada@example.se", "old password 123!")
    client = Client()
    form = client.get("/accounts/password-reset/").content.decode()
    assert '<label for="id_email">' in form
    assert "Merit" in form
    sent = client.post("/accounts/password-reset/", {"email": "ada@example.se"})
    assert sent["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your Merit password"
    path = link(mail.outbox[0])
    assert path.startswith("/accounts/password-reset/")
    confirm = client.get(path, follow=True)
    assert confirm.status_code == 200
    assert '<label for="id_new_password1">' in confirm.content.decode()
    done = client.post(
        confirm.redirect_chain[-1][0], {"new_password1": "new password 456!", "new_password2": "new password 456!"}
    )
    assert done["Location"] == "/accounts/password-reset/done/"
    assert Client().login(username="ada@example.se", password="new password 456!")
    # Using the link proved that the user reads the address's mail.
    assert services.is_verified(user)
    # The link works once.
    assert "not valid" in client.get(path, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_looks_the_same(db: None) -> None:
    response = Client().post("/accounts/password-reset/", {"email": "nobody@example.se"})
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_password_reset_email_is_translated(db: None) -> None:
    get_user_model().objects.create_user("ada@example.se", "ada@example.se", "old password 123!")
    Client().post("/accounts/password-reset/", {"email": "ada@example.se"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert mail.outbox[0].subject == "Återställ ditt lösenord till Merit"
    assert "Hej" in mail.outbox[0].body


def test_signing_in_leads_a_learner_to_the_passport_and_a_member_to_the_workspace(college: Organisation) -> None:
    users = get_user_model()
    users.objects.create_user("lena@example.se", "lena@example.se", "a long password 123!")
    member = users.objects.create_user("staff", "staff@example.se", "a long password 123!")
    Membership.objects.create(user=member, organisation=college, role=Role.ISSUER)
    for username, landing in (("lena@example.se", "/passport/"), ("staff", "/workspace/college/")):
        client = Client()
        form = {"username": username, "password": "a long password 123!"}
        answer = client.post("/accounts/login/", form, follow=True)
        assert answer.redirect_chain[-1][0] == landing, username
