"""Random bytes and text into the portal's and the passport's forms (hypothesis with Django's test client): the
file upload (with the first bytes of every format the portal sniffs, so the readers behind them are reached), the
paste field, the URL field, the passport import. No answer is a server error. Web addresses point at loopback,
which the outbound fetcher refuses, so the test never touches the network."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.passport.conftest import learner_client

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PREFIXES = [b"", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"{", b"[", b"<svg ", b"eyJhbGciOiJFZERTQSJ9.", b"\xef\xbb\xbf{"]
files = st.builds(lambda prefix, rest: prefix + rest, st.sampled_from(PREFIXES), st.binary(max_size=2000))
texts = st.one_of(
    st.text(max_size=500),
    st.builds(lambda key, value: f'{{"{key}": {value}}}', st.text(max_size=20), st.text(max_size=50)),
    st.sampled_from(['{"@context": []}', '{"verifiableCredential": {}}', "a.b.c", '{"a": 1e999}', "[" * 100]),
)
addresses = st.one_of(
    st.text(max_size=200),
    st.builds(lambda path: "http://127.0.0.1:1/" + path, st.text(max_size=100)),
    st.builds(lambda path: "https://[::1]/" + path, st.text(max_size=100)),
)


def answered(response: Any) -> int:
    assert response.status_code < 500
    return int(response.status_code)


@pytest.mark.django_db
@FUZZ
@given(content=files, name=st.text(max_size=40))
def test_portal_file_upload(content: bytes, name: str) -> None:
    upload = SimpleUploadedFile(name.replace("\x00", "") or "x", content)
    answered(Client().post("/verify/", {"source": "file", "file": upload}))


@pytest.mark.django_db
@FUZZ
@given(text=texts, source=st.sampled_from(["text", "url", "file", "", "other"]), challenge=st.text(max_size=30))
def test_portal_paste_and_address(text: str, source: str, challenge: str) -> None:
    answered(Client().post("/verify/", {"source": source, "text": text, "challenge": challenge}))


@pytest.mark.django_db
@FUZZ
@given(url=addresses)
def test_portal_address_field(url: str) -> None:
    answered(Client().post("/verify/", {"source": "url", "url": url}))


@pytest.mark.django_db
@FUZZ
@given(content=files, pasted=texts)
def test_passport_import(content: bytes, pasted: str) -> None:
    _user, client = learner_client(f"fuzz-{abs(hash((content, pasted)))}@example.se")
    answered(client.post("/passport/import", {"file": SimpleUploadedFile("x.bin", content)}))
    answered(client.post("/passport/import", {"json": pasted}))
