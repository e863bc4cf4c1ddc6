"""Slow peers on 127.0.0.1 for the deadline tests and `bench.slow_peer`: raw TCP servers, in threads, that drip.

Each kind answers any connection the same way, one byte every ``interval`` seconds, for at most ``seconds`` (so a
test run against a fetcher without deadlines ends, and fails, instead of hanging):

- ``headers``: the status line and headers, a byte at a time (they never end);
- ``body``: headers at once (``Content-Length: 100000``), then the body a byte at a time;
- ``close-body``: headers at once with no length (the body ends when the connection closes), then a byte at a time;
- ``silent``: reads the request and never answers (nor closes);
- ``tls-silent``: reads the TLS ClientHello and never answers it (``silent``, for an https URL);
- ``tls-drip``: answers the ClientHello with a TLS record header announcing 16 KiB, then a byte at a time;
- ``quick``: a whole answer (``{}``) at once, to show that a peer is reachable.

Given a server ``tls`` context, the HTTP kinds complete the TLS handshake at once and then drip inside it.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

KINDS = ("headers", "body", "close-body", "silent", "tls-silent", "tls-drip", "quick")
_HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"


def _script(kind: str) -> tuple[bytes, bytes]:
    """What is sent at once, and what is then dripped (repeated as needed)."""
    if kind == "headers":
        return b"", _HEADERS + b"X-Padding: " + b"a" * 100_000
    if kind == "body":
        return _HEADERS + b"Content-Length: 100000\r\n\r\n", b"{" + b" " * 99_999
    if kind == "close-body":
        return _HEADERS + b"Connection: close\r\n\r\n", b"{" + b" " * 99_999
    if kind == "quick":
        return _HEADERS + b"Content-Length: 2\r\n\r\n{}", b""
    if kind == "tls-drip":
        return b"\x16\x03\x03\x40\x00", b"\x02" * 16_384
    return b"", b""


@contextmanager
def drip(kind: str, interval: float = 0.2, seconds: float = 30.0, tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """Serve ``kind`` on a free loopback port; yields ``127.0.0.1:<port>``."""
    assert kind in KINDS, kind
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    connections: list[socket.socket] = []

    def talk(conn: socket.socket) -> None:
        first, dripped = _script(kind)
        ends = time.monotonic() + seconds
        with suppress(OSError):
            if tls is not None:
                conn.settimeout(5)
                conn = tls.wrap_socket(conn, server_side=True)
                conn.settimeout(None)
            conn.recv(65536)  # The request, or the ClientHello.
            conn.sendall(first)
            for byte in dripped:
                if time.monotonic() > ends:
                    break
                conn.sendall(bytes([byte]))
                if stop.wait(interval):
                    break
            stop.wait(max(0.0, ends - time.monotonic()))  # Silent to the end: neither answer nor close.
        with suppress(OSError):
            conn.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connections.append(conn)
            threading.Thread(target=talk, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()
        for conn in connections:
            with suppress(OSError):
                conn.close()
