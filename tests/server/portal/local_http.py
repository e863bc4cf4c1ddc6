"""A small HTTP server on 127.0.0.1 for the fetcher's tests: fixed routes, started in a thread per test."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Route = Callable[[BaseHTTPRequestHandler], None]


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def echo(handler: BaseHTTPRequestHandler) -> None:
    """Answers with the Host header it received, as JSON."""
    body = json.dumps({"host": handler.headers.get("Host"), "path": handler.path}).encode()
    send(handler, 200, body, Content_Type="application/json")


def stream(size: int) -> Route:
    """Answers ``size`` bytes without a Content-Length, in chunks, closing the connection at the end."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        sent = 0
        try:
            while sent < size:
                handler.wfile.write(b"x" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            pass

    return route


def redirect(location: str) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 302, b"", Location=location)

    return route


def slow(seconds: float) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        with suppress(BrokenPipeError, ConnectionResetError):
            send(handler, 200, b"{}")

    return route


@contextmanager
def serve(routes: dict[str, Route | bytes | tuple[bytes, str]]) -> Iterator[str]:
    """Serve ``routes`` (path to handler, or to a body and its content type); yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            route: Any = routes.get(self.path.split("?")[0])
            if route is None:
                send(self, 404, b"not found")
            elif callable(route):
                route(self)
            else:
                body, kind = route if isinstance(route, tuple) else (route, "application/json")
                send(self, 200, body, Content_Type=kind)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
