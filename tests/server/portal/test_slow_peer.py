"""A slow peer never holds a fetch, a verification or the site past its deadline (issue 12, item 1).

Peers drip a byte every 0.2 s (``drip.py``): the TLS handshake, the status line and headers, or the body; others
never answer, and a name lookup may hang. The deadline is the feature, so the tests measure it: each fetch ends
within its timeout plus a small margin, a whole verification within its budget, and a request that cannot get a
fetching slot gives up after its short wait.
"""

from __future__ import annotations

import contextvars
import ipaddress
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from bench.drip import drip
from django.test import Client
from django.utils import translation

from merit.core.keys import KeyPair, SigningKey
from merit.server import fetchbudget, netfetch
from merit.server.netfetch import FetchBusy, FetchFailed, fetch
from merit.server.portal import services
from merit.server.portal.report import plain
from tests.server.portal.local_http import serve
from tests.server.portal.support import outside_credential

KB = 1024
MARGIN = 0.75
"""Seconds allowed past a deadline: the watchdog's timer, closing the sockets and raising."""


@pytest.fixture(autouse=True)
def allow_loopback(settings: Any) -> None:
    settings.MERIT_FETCH_ALLOW = "127.0.0.1/32"


def timed(call: Callable[[], Any]) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        call()
    except Exception as exc:
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


@pytest.mark.parametrize(
    ("kind", "scheme"),
    [
        ("headers", "http"),
        ("body", "http"),
        ("close-body", "http"),
        ("silent", "http"),
        ("tls-silent", "https"),
        ("tls-drip", "https"),
    ],
)
def test_a_dripping_or_silent_peer_is_cut_off_at_the_deadline(kind: str, scheme: str) -> None:
    with drip(kind) as peer:
        elapsed, error = timed(lambda: fetch(f"{scheme}://{peer}/doc", max_bytes=1024 * KB, timeout=2))
    assert isinstance(error, FetchFailed), error
    assert "took too long" in error.message
    assert elapsed < 2 + MARGIN, f"{kind}: {elapsed:.2f} s"


@pytest.fixture
def trusted_tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A server context for 127.0.0.1 whose self-signed certificate this process trusts (``SSL_CERT_FILE``)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


@pytest.mark.parametrize("kind", ["headers", "body", "close-body", "silent"])
def test_a_peer_dripping_inside_tls_is_cut_off_at_the_deadline(kind: str, trusted_tls: ssl.SSLContext) -> None:
    with drip("quick", seconds=5, tls=trusted_tls) as peer:
        # The peer is trusted: a quick answer comes through (so the cut-offs below are the deadline's doing).
        assert fetch(f"https://{peer}/doc", max_bytes=KB, timeout=2) == b"{}"
    with drip(kind, tls=trusted_tls) as peer:
        elapsed, error = timed(lambda: fetch(f"https://{peer}/doc", max_bytes=1024 * KB, timeout=2))
    assert isinstance(error, FetchFailed), error
    assert "took too long" in error.message
    assert elapsed < 2 + MARGIN, f"{kind}: {elapsed:.2f} s"


def test_a_hanging_name_lookup_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def hangs(host: str, port: int) -> list[str]:
        release.wait(10)
        return ["127.0.0.1"]

    monkeypatch.setattr(netfetch, "resolve", hangs)
    try:
        elapsed, error = timed(lambda: fetch("https://slow-dns.example/doc", max_bytes=KB, timeout=1))
    finally:
        release.set()
    assert isinstance(error, FetchFailed), error
    assert "could not be resolved in time" in error.message
    assert elapsed < 1 + MARGIN


def test_a_quick_peer_still_answers() -> None:
    with serve({"/doc": b'{"ok": true}'}) as base:
        assert fetch(f"{base}/doc", max_bytes=KB, timeout=2) == b'{"ok": true}'


def test_no_fetch_takes_longer_than_the_setting(settings: Any) -> None:
    settings.MERIT_FETCH_TIMEOUT = 1
    with drip("headers") as peer:
        elapsed, error = timed(lambda: fetch(f"http://{peer}/doc", max_bytes=KB, timeout=5))
    assert isinstance(error, FetchFailed)
    assert elapsed < 1 + MARGIN


def test_the_fetches_of_one_budget_share_its_time(settings: Any) -> None:
    settings.MERIT_FETCH_TIMEOUT = 5
    with drip("body") as peer, fetchbudget.budget(1.5):
        first, error = timed(lambda: fetch(f"http://{peer}/a", max_bytes=1024 * KB))
        assert isinstance(error, FetchFailed)
        second, error = timed(lambda: fetch(f"http://{peer}/b", max_bytes=1024 * KB))
    assert first < 1.5 + MARGIN
    assert isinstance(error, FetchFailed)
    assert "the time allowed for fetching (1.5 s) ran out" in error.message
    assert second < 0.1


def web_credential(did_host: str, status_url: str) -> dict[str, Any]:
    """A credential whose issuer is ``did:web:<did_host>`` (its key is fetched from there) with a status entry."""
    did = "did:web:" + did_host.replace(":", "%3A")
    return outside_credential(SigningKey(KeyPair.generate(), did, f"{did}#key-1"), status_url)


@pytest.mark.django_db
def test_a_verification_whose_key_and_status_list_drip_could_not_be_checked_within_its_budget(
    settings: Any,
) -> None:
    settings.MERIT_FETCH_TIMEOUT = 2
    settings.MERIT_FETCH_BUDGET = 3
    with drip("tls-drip") as key_host, drip("body") as list_host:
        credential = web_credential(key_host, f"http://{list_host}/lists/1")
        started = time.monotonic()
        _, report = services.verify_document(credential)
        elapsed = time.monotonic() - started
    checks = {check.name: check for check in report.checks}
    assert report.outcome == "could_not_verify"
    assert checks["proof"].outcome == "could_not_check", checks["proof"]
    assert checks["status"].outcome == "could_not_check", checks["status"]
    assert elapsed < 3 + MARGIN, f"{elapsed:.2f} s"


@pytest.fixture
def one_slot(settings: Any) -> Iterator[threading.Event]:
    """One fetching slot in the process, taken by another thread's budget until the event is set."""
    settings.MERIT_FETCH_CONCURRENCY = 1
    settings.MERIT_FETCH_WAIT = 0.2
    taken, done = threading.Event(), threading.Event()

    def hold() -> None:
        with fetchbudget.budget() as held:
            assert held.take_slot()
            taken.set()
            done.wait(10)

    holder = threading.Thread(target=contextvars.Context().run, args=(hold,))
    holder.start()
    assert taken.wait(5)
    yield done
    done.set()
    holder.join()


def test_a_fetch_that_gets_no_slot_gives_up_after_a_short_wait(one_slot: threading.Event) -> None:
    with serve({"/doc": b"{}"}) as base:
        elapsed, error = timed(lambda: fetch(f"{base}/doc", max_bytes=KB))
        assert isinstance(error, FetchBusy), error
        assert "too many verifications are fetching" in error.message
        assert elapsed < 0.2 + MARGIN
        one_slot.set()  # The holder's budget ends, and its slot is free again.
        time.sleep(0.1)
        assert fetch(f"{base}/doc", max_bytes=KB) == b"{}"


def test_a_refused_url_is_refused_at_once_even_with_no_slot_free(one_slot: threading.Event) -> None:
    elapsed, error = timed(lambda: fetch("file:///etc/passwd", max_bytes=KB))
    assert isinstance(error, netfetch.FetchRefused)
    assert error.reason == "scheme"
    assert elapsed < 0.1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Too many verifications are fetching from other sites right now. Try again in a moment."),
        ("sv", "För många verifieringar hämtar från andra webbplatser just nu. Försök igen om en stund."),
    ],
)
def test_the_portal_says_try_again_when_no_slot_is_free(
    client: Client, one_slot: threading.Event, language: str, text: str
) -> None:
    page = client.post(
        "/verify/", {"source": "url", "url": "http://127.0.0.1:9/credential.json"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert page.status_code == 503
    assert page["Retry-After"] == "5"
    assert text in page.content.decode()


@pytest.mark.django_db
def test_a_verification_with_no_slot_could_not_check_and_says_why(one_slot: threading.Event) -> None:
    credential = web_credential("127.0.0.1:9", "http://127.0.0.1:9/lists/1")
    _, report = services.verify_document(credential)
    checks = {check.name: check for check in report.checks}
    assert report.outcome == "could_not_verify"
    assert checks["proof"].outcome == "could_not_check"
    assert checks["proof"].code == "FETCH_BUSY"
    with translation.override("en"):
        assert "too many verifications are fetching" in plain(checks["proof"])


def test_when_the_waiting_room_is_full_a_fetch_gives_up_at_once(settings: Any) -> None:
    """Two slots, so one request may wait: a second one does not wait at all, so waiting never holds many threads."""
    settings.MERIT_FETCH_CONCURRENCY = 2
    settings.MERIT_FETCH_WAIT = 3
    taken, done = threading.Semaphore(0), threading.Event()
    outcomes: list[BaseException | None] = []

    def hold() -> None:
        with fetchbudget.budget() as held:
            assert held.take_slot()
            taken.release()
            done.wait(10)

    def wait_for_a_slot() -> None:
        outcomes.append(timed(lambda: fetch("http://127.0.0.1:9/", max_bytes=KB))[1])

    holders = [threading.Thread(target=contextvars.Context().run, args=(hold,)) for _ in range(2)]
    for holder in holders:
        holder.start()
    assert taken.acquire(timeout=5)
    assert taken.acquire(timeout=5)
    waiter = threading.Thread(target=contextvars.Context().run, args=(wait_for_a_slot,))
    waiter.start()
    time.sleep(0.3)  # The waiter is in the room now.
    try:
        elapsed, error = timed(lambda: fetch("http://127.0.0.1:9/", max_bytes=KB))
        assert isinstance(error, FetchBusy), error
        assert elapsed < 0.5
    finally:
        done.set()
        for thread in [*holders, waiter]:
            thread.join()
    # It got a slot when they ended, and tried (nothing listens on port 9).
    assert len(outcomes) == 1
    assert isinstance(outcomes[0], FetchFailed)
    assert not isinstance(outcomes[0], FetchBusy)


@pytest.mark.django_db
def test_the_portal_url_field_answers_within_the_deadline(client: Client, settings: Any) -> None:
    settings.MERIT_FETCH_TIMEOUT = 2
    client.get("/verify/")  # The first request loads the URLs and templates: not what is measured.
    with drip("body") as peer:
        started = time.monotonic()
        page = client.post("/verify/", {"source": "url", "url": f"http://{peer}/credential.json"})
        elapsed = time.monotonic() - started
    assert page.status_code == 400
    assert "The credential could not be fetched" in page.content.decode()
    assert elapsed < 2 + MARGIN
