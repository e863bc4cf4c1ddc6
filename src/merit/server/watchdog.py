"""A deadline for the sockets of one outbound exchange, whatever the peer does (used by :mod:`netfetch`).

Socket timeouts bound each ``recv``, not an exchange: a peer that sends a byte a second never trips them, in the
TLS handshake, the status line, the headers or the body. A :class:`Watchdog` timer shuts every socket of the
exchange down at the deadline instead, and a blocked read returns at once. urllib3 hands each new socket to the
watchdog through the connection classes :class:`WatchedHTTP` and :class:`WatchedHTTPS`.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import suppress
from typing import Any

import urllib3.connection


class Watchdog:
    """Shuts down every socket of one exchange at ``deadline``, which ends any read or TLS handshake at once.

    It shuts down a duplicate of each socket: shutting down acts on the connection, which the duplicate shares with
    the socket that urllib3 (or the TLS layer, which takes the original over) reads from, and the duplicate is
    closed only here, so its descriptor cannot have been reused for another connection meanwhile."""

    def __init__(self, deadline: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        duplicate = sock.dup()
        with self._lock:
            self._sockets.append(duplicate)
            if self.expired:
                self._shut(duplicate)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        with suppress(OSError):  # Already closed.
            sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


class Watched:
    """A connection whose socket is handed to a :class:`Watchdog` as soon as it is connected."""

    watchdog: Watchdog

    def __init__(self, *args: Any, watchdog: Watchdog, **kwargs: Any) -> None:
        self.watchdog = watchdog
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        self.watchdog.watch(sock)
        return sock


class WatchedHTTP(Watched, urllib3.connection.HTTPConnection):
    pass


class WatchedHTTPS(Watched, urllib3.connection.HTTPSConnection):
    pass
