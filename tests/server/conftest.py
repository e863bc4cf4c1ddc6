"""Fixtures: two organisations with API tokens, and a JSON client."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from merit.server.accounts.models import Organisation
from merit.server.accounts.services import create_token
from merit.server.issuing.services import create_organisation


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """Django's locale middleware leaves the last request's language active in the thread; a test that reads a page
    in Swedish must not change the language of the next test's e-mails and messages."""
    yield
    translation.activate("en")


class Api:
    def __init__(self, client: Client, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def _headers(self, token: str | None) -> dict[str, str]:
        token = token if token is not None else self.token
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def post(self, path: str, body: Any, token: str | None = None) -> Any:
        data = body if isinstance(body, str) else json.dumps(body)
        return self.client.post(path, data, content_type="application/json", **self._headers(token))

    def get(self, path: str, token: str | None = None) -> Any:
        return self.client.get(path, **self._headers(token))


@pytest.fixture
def college(db: None) -> Organisation:
    return create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")


@pytest.fixture
def employer(db: None) -> Organisation:
    return create_organisation(slug="employer", name="Logistik AB", country="SE", algorithm="P-256")


@pytest.fixture
def college_api(client: Client, college: Organisation) -> Api:
    _, secret = create_token(college, "ci", ["issue", "status", "read"], actor="test")
    return Api(client, secret)


@pytest.fixture
def employer_api(client: Client, employer: Organisation) -> Api:
    _, secret = create_token(employer, "ci", ["issue", "status", "read"], actor="test")
    return Api(client, secret)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    """A new, empty production database: a scratch PostgreSQL database when the suite runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'production.sqlite3'}"
        return
    import psycopg

    name = f"merit_deploy_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
