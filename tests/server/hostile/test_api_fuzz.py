"""Schema-driven fuzzing of every operation in the OpenAPI document (schemathesis on hypothesis), signed in as a
demo organisation with a token of every scope, so the authenticated operations are exercised past their token
check: whatever a client sends (valid, invalid, NUL, huge numbers, over-long strings), the answer is never a
server error and never shows a traceback. Bounded (``MAX_EXAMPLES`` per operation, derandomised, so CI runs the
same cases each time); runs on SQLite and on PostgreSQL in CI."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_started
from django.test import Client
from hypothesis import HealthCheck, assume, settings
from schemathesis.checks import not_a_server_error

from merit.server import wsgi
from merit.server.accounts.models import Organisation
from merit.server.accounts.services import SCOPES, create_token
from merit.server.demo import create_demo_data
from merit.server.wsgi import application

MAX_EXAMPLES = 25
# The schema is read while the module is collected, where no test database is open: the application's first request
# would record its base URL (for the workers) there, so that one-off hook is dropped here.
request_started.disconnect(wsgi._record_base_url)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@schemathesis.check
def no_traceback(ctx: Any, response: Any, case: Any) -> bool | None:
    """No answer, whatever its status, shows Python's traceback (a sign of an error handled by printing it)."""
    if "Traceback (most recent call last)" in response.text:
        raise AssertionError("the answer shows a traceback")
    return None


@pytest.fixture
def token(transactional_db: None) -> Iterator[str]:
    """A token of every scope of a demo organisation (published specifications, credentials, some revoked); once
    an operation has been fuzzed, what the API stored still renders on the organisation's pages."""
    create_demo_data()
    organisation = Organisation.objects.get(slug="yrkeshogskolan-norr")
    yield create_token(organisation, "fuzz", list(SCOPES), actor="test")[1]
    owner = Client(raise_request_exception=False)
    owner.force_login(get_user_model().objects.get(username="yrkeshogskolan-norr-owner"))
    for page in ("", "specifications/", "tokens"):
        response = owner.get(f"/workspace/yrkeshogskolan-norr/{page}")
        assert response.status_code == 200, f"/workspace/yrkeshogskolan-norr/{page} answered {response.status_code}"


def test_the_schema_has_every_operation() -> None:
    paths = schema.raw_schema["paths"]
    assert "/credentials/issue" in paths
    assert "/api/v1/credentials" in paths
    assert "/registry/v1/issuers" in paths
    assert sum(len(operations) for operations in paths.values()) >= 18


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_with_a_server_error(case: Any, token: str) -> None:
    # werkzeug's test client, which schemathesis sends WSGI requests with, cannot encode a multipart body that is
    # not a mapping (schemathesis's negative cases make some): a limit of the client, not a request Merit gets.
    assume(not (case.media_type or "").startswith("multipart/") or isinstance(case.body, dict))
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=[not_a_server_error, no_traceback])
