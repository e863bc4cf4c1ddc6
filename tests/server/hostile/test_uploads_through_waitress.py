"""Every upload form answers an upload over its limit with its own 4xx page when served by waitress, the server
``merit serve`` runs (Django's test client would accept what waitress refuses, such as a hop-by-hop header set
by the application, which waitress turns into a 500)."""

from __future__ import annotations

import http.client
import json
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from waitress.server import create_server

from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.accounts.services import mark_verified
from merit.server.issuing import services
from merit.server.issuing.services import create_organisation
from merit.server.wsgi import application

ROOT = Path(__file__).parents[3]
OVER = 11 * 1024 * 1024


@pytest.fixture
def server(transactional_db: None) -> Iterator[int]:
    served = create_server(application, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    yield served.effective_port  # type: ignore[union-attr]
    served.task_dispatcher.shutdown()
    served.close()


def signed_in(username: str, **extra: str) -> str:
    """The session cookie of a freshly signed-in user."""
    user = get_user_model().objects.create_user(username, email=username, password="a long and private passphrase")
    mark_verified(user)
    if extra.get("organisation"):
        organisation = Organisation.objects.get(slug=extra["organisation"])
        Membership.objects.create(user=user, organisation=organisation, role=Role.OWNER)
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def post_file(port: int, path: str, fields: dict[str, str], size: int, session: str = "") -> tuple[int, str, str]:
    """POST a multipart form with a ``file`` of ``size`` bytes; returns the status, content type and body."""
    boundary = secrets.token_hex(16)
    csrf = secrets.token_hex(16)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
    head = "".join(parts) + (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.json"\r\n'
        "Content-Type: application/json\r\n\r\n"
    )
    body = head.encode() + b"{" + b" " * (size - 2) + b"}" + f"\r\n--{boundary}--\r\n".encode()
    cookies = f"csrftoken={csrf}" + (f"; sessionid={session}" if session else "")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "POST",
        path,
        body=body,
        headers={
            "Host": "localhost",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": cookies,
            "X-CSRFToken": csrf,
            "Accept-Language": "sv",
        },
    )
    response = connection.getresponse()
    answer = response.status, response.getheader("Content-Type", ""), response.read().decode("utf-8", "replace")
    connection.close()
    return answer


def test_the_portal_answers_an_upload_over_10_mb_with_its_413_page(server: int) -> None:
    status, content_type, body = post_file(server, "/verify/", {"source": "file"}, OVER)
    assert status == 413
    assert content_type.startswith("text/html")
    assert "Filen är för stor" in body


def test_the_passport_import_answers_an_upload_over_10_mb_with_its_413_page(server: int) -> None:
    session = signed_in("anna@example.se")
    status, content_type, body = post_file(server, "/passport/import", {}, OVER, session)
    assert status == 413
    assert content_type.startswith("text/html")
    assert "10 MB" in body


def test_the_bulk_upload_answers_a_file_over_10_mb_with_its_error(server: int) -> None:
    college = create_organisation(slug="college", name="Yrkeshögskolan Norr", country="SE")
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text(encoding="utf-8"))
    draft, _ = services.save_specification(college, "solar", data, actor="test")
    specification = services.publish_specification(draft, actor="test")
    session = signed_in("owner", organisation="college")
    path = f"/workspace/college/specifications/{specification.pk}/upload"
    status, content_type, body = post_file(server, path, {}, OVER, session)
    assert status < 500
    assert content_type.startswith("text/html")
    assert "10 MB" in body or "10 MiB" in body
