"""Fetching from the outside world, safely: the one way the server reads a URL it was given.

Everything the server fetches from elsewhere (a credential at a URL, a ``did:web`` document, a status list) goes
through :func:`fetch`. It refuses to reach this machine or its networks (server-side request forgery,
https://owasp.org/www-community/attacks/Server_Side_Request_Forgery): only ``http`` and ``https`` URLs are read, the
host name is resolved once and every address is checked against the special-purpose registries (RFC 6890: loopback,
private and unique-local, link-local including the cloud metadata address, multicast, unspecified, reserved,
shared CGNAT space, and IPv4-mapped IPv6 forms of all of them), and the connection goes to the checked address
itself, with the name sent in the ``Host`` header and as TLS SNI, so the answer of a second DNS query can never
move it elsewhere (DNS rebinding). Redirects are followed by hand (at most three), each one checked again. The
body is streamed and abandoned past ``max_bytes``.

A deadline bounds the whole exchange whatever the peer does: the name is resolved in a bounded pool of threads and
waited for no longer than the time left, connecting is bounded by it, and a watchdog shuts the socket down at the
deadline, which ends a TLS handshake, a status line, headers or a body dripped a byte at a time. The deadline is the
smaller of ``timeout`` (default ``MERIT_FETCH_TIMEOUT``) and what is left of the request's outbound budget
(:mod:`merit.server.fetchbudget`), which also limits how many requests may be fetching at once.

Operators may allow some networks (tests, intranets) with the setting ``MERIT_FETCH_ALLOW``: comma-separated
CIDRs, for example ``127.0.0.1/32,10.20.0.0/16``.

Both error types are :class:`~merit.core.errors.CouldNotVerifyError`: a verifier that could not fetch something
says "could not check", never "valid" or "invalid". See ``docs/decisions/0005-outbound-fetching.md`` and
``docs/decisions/0013-outbound-deadlines.md``.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Literal
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings

from merit.core.errors import CouldNotVerifyError
from merit.server import fetchbudget
from merit.server.watchdog import Watchdog, WatchedHTTP, WatchedHTTPS

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Reason = Literal[
    "scheme",
    "credentials",
    "host",
    "loopback",
    "private",
    "link-local",
    "multicast",
    "unspecified",
    "reserved",
    "shared",
    "not-global",
    "too-large",
    "redirects",
    "downgrade",
]
MAX_REDIRECTS = 3
_CHUNK = 16 * 1024
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = "Merit-Verifier/0.1 (+https://purl.org/merit)"
_DNS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="merit-dns")
"""Name lookups run here, so a resolver that hangs holds one of these threads, never a request past its deadline."""


class FetchError(CouldNotVerifyError):
    """The URL could not be read; ``url`` is the one that was being fetched."""

    code = "FETCH_ERROR"

    def __init__(self, message: str, url: str = "") -> None:
        super().__init__(message)
        self.url = url


class FetchRefused(FetchError):
    """Merit's policy refused the fetch; ``reason`` says which rule (see :data:`Reason`)."""

    code = "FETCH_REFUSED"

    def __init__(self, message: str, url: str = "", reason: Reason = "host") -> None:
        super().__init__(message, url)
        self.reason = reason


class FetchFailed(FetchError):
    """The network failed: the name did not resolve, the connection failed or timed out, or the server said no."""

    code = "FETCH_FAILED"


class FetchBusy(FetchFailed):
    """Too many requests are fetching from elsewhere right now (``MERIT_FETCH_CONCURRENCY``): try again soon."""

    code = "FETCH_BUSY"


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (tests replace this function to simulate DNS answers)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"the name {host} could not be resolved") from exc
    return list(dict.fromkeys(str(answer[4][0]) for answer in answers))


def _resolve_within(host: str, port: int, seconds: float, url: str) -> list[str]:
    """:func:`resolve`, waited for at most ``seconds`` (``getaddrinfo`` itself cannot be interrupted)."""
    lookup = _DNS.submit(resolve, host, port)
    try:
        return lookup.result(timeout=max(0.001, seconds))
    except FutureTimeout as exc:
        lookup.cancel()  # Still queued behind hung lookups: never run it.
        raise FetchFailed(f"the name {host} could not be resolved in time", url) from exc


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    value = getattr(settings, "MERIT_FETCH_ALLOW", "") or ""
    entries: Iterable[str] = value.split(",") if isinstance(value, str) else value
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()]


def classify(address: IPAddress) -> Reason | None:
    """Why ``address`` may not be fetched from, or ``None`` when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return classify(mapped) or ("reserved" if address.sixtofour else None)
    checks: list[tuple[bool, Reason]] = [
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT, "shared"),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
        (not address.is_global, "not-global"),
    ]
    return next((reason for failed, reason in checks if failed), None)


_DESCRIPTIONS: dict[Reason, str] = {
    "loopback": "a loopback address (this machine)",
    "private": "a private network address",
    "link-local": "a link-local address (including cloud metadata services)",
    "multicast": "a multicast address",
    "unspecified": "the unspecified address",
    "reserved": "a reserved address",
    "shared": "a carrier-grade NAT (shared) address",
    "not-global": "an address that is not publicly routable",
}


def check_address(address: str, url: str = "") -> IPAddress:
    """The parsed ``address``; raises :class:`FetchRefused` unless it is public or allowed by the operator."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if any(ip in network for network in _allowed_networks()):
        return ip
    reason = classify(ip)
    if reason is not None:
        raise FetchRefused(f"{url or address} resolves to {ip}, {_DESCRIPTIONS[reason]}", url, reason)
    return ip


def _target(url: str) -> tuple[str, str, int, str]:
    """The scheme, host, port and request path of ``url``; refuses other schemes and embedded credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(f"{url!r} is not a valid URL", url, "host") from exc
    if parts.scheme not in ("http", "https"):
        raise FetchRefused(f"only http and https URLs are fetched, not {parts.scheme or 'this'}:", url, "scheme")
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("URLs with a user name or password are not fetched", url, "credentials")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchRefused(f"{url!r} has no host", url, "host")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path


def _host_header(host: str, port: int, scheme: str) -> str:
    name = f"[{host}]" if ":" in host else host
    return name if port == (443 if scheme == "https" else 80) else f"{name}:{port}"


def _pool(
    scheme: str, address: IPAddress, host: str, port: int, timeout: float, watchdog: Watchdog
) -> urllib3.HTTPConnectionPool:
    limits = urllib3.Timeout(connect=timeout, read=timeout)
    if scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            str(address),
            port,
            timeout=limits,
            maxsize=1,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=host,
            assert_hostname=host,
            watchdog=watchdog,
        )
        pool.ConnectionCls = WatchedHTTPS
    else:
        pool = urllib3.HTTPConnectionPool(
            str(address), port, timeout=limits, maxsize=1, retries=False, watchdog=watchdog
        )
        pool.ConnectionCls = WatchedHTTP
    return pool


def _too_long(url: str) -> FetchFailed:
    return FetchFailed(f"{url} took too long to answer", url)


def _read(response: urllib3.BaseHTTPResponse, url: str, max_bytes: int, watchdog: Watchdog) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise FetchRefused(f"{url} is larger than the limit of {max_bytes} bytes", url, "too-large")
    body = bytearray()
    while True:
        chunk = response.read(_CHUNK)
        if watchdog.expired:  # The end of a body cut off at the deadline is not the end of the body.
            raise _too_long(url)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > max_bytes:
            raise FetchRefused(f"{url} is larger than the limit of {max_bytes} bytes", url, "too-large")


def _once(url: str, accept: str, max_bytes: int, deadline: float) -> tuple[int, str | None, bytes]:
    """One request: the status, the ``Location`` of a redirect, and the body of a final answer."""
    scheme, host, port, path = _target(url)
    if deadline - time.monotonic() <= 0:
        raise _too_long(url)
    addresses = [
        check_address(address, url) for address in _resolve_within(host, port, deadline - time.monotonic(), url)
    ]
    if not addresses:
        raise FetchFailed(f"the name {host} has no address", url)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _too_long(url)
    watchdog = Watchdog(deadline)
    pool = _pool(scheme, addresses[0], host, port, remaining, watchdog)
    headers = {
        "Host": _host_header(host, port, scheme),
        "Accept": accept,
        "Accept-Encoding": "identity",
        "User-Agent": USER_AGENT,
    }
    try:
        response = pool.urlopen(
            "GET", path, headers=headers, redirect=False, retries=False, preload_content=False, decode_content=False
        )
        try:
            if response.status in _REDIRECTS:
                return response.status, response.headers.get("Location"), b""
            if response.status != 200:
                raise FetchFailed(f"{url} answered HTTP {response.status}", url)
            return 200, None, _read(response, url, max_bytes, watchdog)
        finally:
            response.release_conn()
            response.close()
    except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
        if watchdog.expired:  # Whatever the cut-off socket raised, the cause is the deadline.
            raise _too_long(url) from exc
        if isinstance(exc, urllib3.exceptions.NewConnectionError):  # A subclass of the timeout error: test it first.
            raise FetchFailed(f"could not connect to {host}", url) from exc
        if isinstance(exc, urllib3.exceptions.TimeoutError | socket.timeout):
            raise _too_long(url) from exc
        if isinstance(exc, urllib3.exceptions.SSLError):
            raise FetchFailed(f"the TLS connection to {host} failed (certificate or protocol)", url) from exc
        raise FetchFailed(f"could not connect to {host}", url) from exc
    finally:
        pool.close()
        watchdog.close()


def fetch(url: str, *, max_bytes: int, timeout: float | None = None, accept: str = "application/json") -> bytes:
    """The body of ``url`` (HTTP 200), at most ``max_bytes`` long, within ``timeout`` seconds in all (never more
    than ``MERIT_FETCH_TIMEOUT``) and within what is left of the request's outbound budget.

    Raises :class:`FetchRefused` when policy forbids the URL, an address it resolves to, a redirect or the size,
    :class:`FetchBusy` when no fetching slot came free in time, and :class:`FetchFailed` when the network or the
    server fails or the time runs out.
    """
    _target(url)  # A URL refused outright is refused at once, without waiting for a fetching slot.
    with fetchbudget.budget() as spent:
        limit = float(getattr(settings, "MERIT_FETCH_TIMEOUT", 10.0))
        limit = min(limit, timeout) if timeout is not None else limit
        left = spent.remaining()
        if left <= 0:
            raise FetchFailed(f"the time allowed for fetching ({spent.seconds:g} s) ran out before {url}", url)
        if not spent.take_slot():
            raise FetchBusy("too many verifications are fetching from other sites right now; try again", url)
        deadline = time.monotonic() + min(limit, spent.remaining())
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            status, location, body = _once(current, accept, max_bytes, deadline)
            if status == 200:
                return body
            if not location:
                raise FetchFailed(f"{current} redirected without a Location", url)
            following = urljoin(current, location)
            if current.startswith("https:") and not following.startswith("https:"):
                raise FetchRefused(f"{current} redirected from https to {following}", url, "downgrade")
            current = following
        raise FetchRefused(f"{url} redirected more than {MAX_REDIRECTS} times", url, "redirects")
