"""The safe fetcher: refused schemes and address classes, DNS answers checked and pinned, size limits,
redirects checked again, timeouts. A real HTTP server runs on 127.0.0.1, allowed only where a test says so."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from merit.core.errors import CouldNotVerifyError
from merit.server import netfetch
from merit.server.netfetch import FetchFailed, FetchRefused, fetch
from tests.server.portal.local_http import echo, redirect, serve, slow, stream

KB = 1024


@pytest.fixture
def allow_loopback(settings: Any) -> None:
    settings.MERIT_FETCH_ALLOW = "127.0.0.1/32"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://127.1.2.3:8080/x", "loopback"),
        ("http://10.0.0.1/", "private"),
        ("http://172.16.5.4/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fd00::1]/", "private"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:169.254.169.254]/", "link-local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://[::]/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://100.64.0.1/", "shared"),
        ("http://240.0.0.1/", "private"),
        ("http://2130706433/", "loopback"),
    ],
)
def test_special_addresses_are_refused(url: str, reason: str) -> None:
    with pytest.raises(FetchRefused) as refused:
        fetch(url, max_bytes=KB)
    assert refused.value.reason == reason
    assert isinstance(refused.value, CouldNotVerifyError)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://example.org/", "data:,{}"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(FetchRefused) as refused:
        fetch(url, max_bytes=KB)
    assert refused.value.reason == "scheme"


def test_user_names_in_urls_are_refused() -> None:
    with pytest.raises(FetchRefused, match="user name or password"):
        fetch("https://user:secret@example.org/", max_bytes=KB)


def test_a_name_resolving_to_loopback_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netfetch, "resolve", lambda host, port: ["93.184.215.14", "127.0.0.1"])
    with pytest.raises(FetchRefused, match=r"resolves to 127\.0\.0\.1") as refused:
        fetch("https://innocent.example/credential.json", max_bytes=KB)
    assert refused.value.reason == "loopback"


def test_unresolvable_names_fail() -> None:
    with pytest.raises(FetchFailed, match="could not be resolved"):
        fetch("https://no-such-host.invalid/", max_bytes=KB)


def test_the_checked_address_is_the_one_connected_to(allow_loopback: None, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def dns(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    with serve({"/doc": echo}) as base:
        port = base.rsplit(":", 1)[1]
        monkeypatch.setattr(netfetch, "resolve", dns)
        body = json.loads(fetch(f"http://issuer.example:{port}/doc", max_bytes=KB))
    assert asked == ["issuer.example"]  # Resolved once, then connected to that address.
    assert body == {"host": f"issuer.example:{port}", "path": "/doc"}


def test_loopback_is_refused_unless_allowed(settings: Any) -> None:
    with serve({"/doc": b'{"ok": true}'}) as base:
        with pytest.raises(FetchRefused):
            fetch(f"{base}/doc", max_bytes=KB)
        settings.MERIT_FETCH_ALLOW = "10.0.0.0/8, 127.0.0.0/8"
        assert fetch(f"{base}/doc", max_bytes=KB) == b'{"ok": true}'


def test_size_limit_stops_the_stream(allow_loopback: None) -> None:
    with serve({"/big": stream(50 * 1024 * KB), "/declared": b"y" * (64 * KB)}) as base:
        started = time.monotonic()
        with pytest.raises(FetchRefused, match="larger than the limit") as refused:
            fetch(f"{base}/big", max_bytes=100 * KB)
        assert refused.value.reason == "too-large"
        assert time.monotonic() - started < 5
        with pytest.raises(FetchRefused, match="larger than the limit"):
            fetch(f"{base}/declared", max_bytes=KB)
        assert len(fetch(f"{base}/declared", max_bytes=64 * KB)) == 64 * KB


def test_redirects_are_followed_and_checked_again(allow_loopback: None) -> None:
    routes: dict[str, Any] = {"/doc": echo}
    with serve(routes) as base:
        routes["/hop"] = redirect("/doc")
        routes["/to-private"] = redirect("http://10.0.0.1/credential.json")
        routes["/to-metadata"] = redirect("http://169.254.169.254/latest/meta-data/")
        routes["/to-file"] = redirect("file:///etc/passwd")
        routes["/loop"] = redirect("/loop")
        routes["/two"] = redirect(f"{base}/hop")
        assert json.loads(fetch(f"{base}/two", max_bytes=KB))["path"] == "/doc"
        for path, reason in [("/to-private", "private"), ("/to-metadata", "link-local"), ("/to-file", "scheme")]:
            with pytest.raises(FetchRefused) as refused:
                fetch(f"{base}{path}", max_bytes=KB)
            assert refused.value.reason == reason, path
        with pytest.raises(FetchRefused, match="more than 3 times"):
            fetch(f"{base}/loop", max_bytes=KB)


def test_errors_and_timeouts(allow_loopback: None) -> None:
    with serve({"/slow": slow(3)}) as base:
        with pytest.raises(FetchFailed, match="HTTP 404"):
            fetch(f"{base}/missing", max_bytes=KB)
        started = time.monotonic()
        with pytest.raises(FetchFailed, match="took too long"):
            fetch(f"{base}/slow", max_bytes=KB, timeout=0.3)
        assert time.monotonic() - started < 2
    with pytest.raises(FetchFailed, match="could not connect"):
        fetch(f"{base}/gone", max_bytes=KB, timeout=1)
