"""Helpers for the account tests: users with verified addresses and a role in an organisation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from merit.server.accounts import services
from merit.server.accounts.models import Membership, Organisation

PASSWORD = "a long and unusual passphrase 42"


def person(email: str, verified: bool = True) -> Any:
    user = get_user_model().objects.create_user(email, email, PASSWORD, first_name=email.split("@")[0].title())
    if verified:
        services.mark_verified(user)
    return user


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def member_client(organisation: Organisation, role: str, email: str | None = None) -> tuple[Client, Any]:
    """A signed-in client of a new user with ``role`` in ``organisation``, and the user."""
    user = person(email or f"{role}@{organisation.slug}.example")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return signed_in(user), user
