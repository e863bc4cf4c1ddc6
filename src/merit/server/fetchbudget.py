"""The outbound budget: how long one request (or one verification) may spend fetching, and how many may at once.

A verification can fetch many documents (``did:web`` documents, status lists, an Open Badges 2.0 assertion, its
badge class and issuer, trust registries). Each :func:`merit.server.netfetch.fetch` is bounded by its own deadline,
and all the fetches of one request share one :class:`Budget` (``MERIT_FETCH_BUDGET`` seconds in all, counted from
its first fetch); once it is spent, every further fetch fails at once, so the checks left say "could not check".

A budget that fetches takes one of ``MERIT_FETCH_CONCURRENCY`` process-wide slots and keeps it until the request
ends. A request that cannot get a slot within ``MERIT_FETCH_WAIT`` seconds gives up (its checks say "could not
check: too many verifications are fetching right now"), and so does one that finds half as many requests already
waiting, so slow peers can hold at most that many server threads (and the waiting room a few more, briefly) and the
others keep serving everything else. See ``docs/decisions/0013-outbound-deadlines.md``.

:class:`FetchBudgetMiddleware` gives every request one budget; :func:`budget` opens one outside a request (or
joins the one already open).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_current: ContextVar[Budget | None] = ContextVar("merit_fetch_budget", default=None)
_slots: dict[int, Slots] = {}
_slots_lock = threading.Lock()


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


class Slots:
    """``size`` fetching slots, and a waiting room of half as many: a request that finds every slot taken waits
    for one only if the room has space, so the requests waiting never hold more threads than that either."""

    def __init__(self, size: int) -> None:
        self._free = threading.BoundedSemaphore(size)
        self._room = max(1, size // 2)
        self._waiting = 0
        self._lock = threading.Lock()

    def acquire(self, wait: float) -> bool:
        if self._free.acquire(blocking=False):
            return True
        with self._lock:
            if self._waiting >= self._room:
                return False
            self._waiting += 1
        try:
            return self._free.acquire(timeout=wait)
        finally:
            with self._lock:
                self._waiting -= 1

    def release(self) -> None:
        self._free.release()


def _process_slots() -> Slots:
    """The process-wide slots, one set per configured size (so a test may change the setting)."""
    size = max(1, int(_setting("MERIT_FETCH_CONCURRENCY", 4)))
    with _slots_lock:
        return _slots.setdefault(size, Slots(size))


class Budget:
    """The outbound time and the fetching slot of one request or verification."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline: float | None = None
        self._slot: Slots | None = None

    def remaining(self) -> float:
        """Seconds left (the clock starts at the first fetch)."""
        if self.deadline is None:
            self.deadline = time.monotonic() + self.seconds
        return self.deadline - time.monotonic()

    def take_slot(self) -> bool:
        """Hold a fetching slot until :meth:`release`; ``False`` when none came free within ``MERIT_FETCH_WAIT``."""
        if self._slot is None:
            slots = _process_slots()
            if not slots.acquire(max(0.0, min(_setting("MERIT_FETCH_WAIT", 0.5), self.remaining()))):
                return False
            self._slot = slots
        return True

    def release(self) -> None:
        if self._slot is not None:
            self._slot.release()
            self._slot = None


def current() -> Budget | None:
    """The budget open in this context, if any."""
    return _current.get()


@contextmanager
def budget(seconds: float | None = None) -> Iterator[Budget]:
    """The budget open in this context, or a new one of ``seconds`` (default ``MERIT_FETCH_BUDGET``) until the
    block ends; a budget opened inside another is the outer one, so a request's fetches share one."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    opened = Budget(seconds if seconds is not None else _setting("MERIT_FETCH_BUDGET", 15.0))
    token = _current.set(opened)
    try:
        yield opened
    finally:
        _current.reset(token)
        opened.release()


class FetchBudgetMiddleware:
    """One outbound budget, and at most one fetching slot, per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with budget():
            return self.get_response(request)
