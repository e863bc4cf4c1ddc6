"""The outbound budget: how long one request (or one verification) may spend fetching, and how many may at once.

A verification can fetch many documents (``did:web`` documents, status lists, an Open Badges 2.0 assertion, its
badge class and issuer, trust registries). Each :func:`merit.server.netfetch.fetch` is bounded by its own deadline,
and all the fetches of one request share one :class:`Budget` (``MERIT_FETCH_BUDGET`` seconds in all, counted from
its first fetch); once it is spent, every further fetch fails at once, so the checks left say "could not check".

A budget that fetches takes one of ``MERIT_FETCH_CONCURRENCY`` process-wide slots and keeps it until the request
ends. A request that cannot get a slot within ``MERIT_FETCH_WAIT`` seconds gives up (its checks say "could not
check: too many verifications are fetching right now"), so slow peers can hold at most that many server threads
and the others keep serving everything else. See ``docs/decisions/0013-outbound-deadlines.md``.

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
_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def _semaphore() -> threading.BoundedSemaphore:
    """The process-wide slots, one set per configured size (so a test may change the setting)."""
    size = max(1, int(_setting("MERIT_FETCH_CONCURRENCY", 4)))
    with _slots_lock:
        return _slots.setdefault(size, threading.BoundedSemaphore(size))


class Budget:
    """The outbound time and the fetching slot of one request or verification."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline: float | None = None
        self._slot: threading.BoundedSemaphore | None = None

    def remaining(self) -> float:
        """Seconds left (the clock starts at the first fetch)."""
        if self.deadline is None:
            self.deadline = time.monotonic() + self.seconds
        return self.deadline - time.monotonic()

    def take_slot(self) -> bool:
        """Hold a fetching slot until :meth:`release`; ``False`` when none came free within ``MERIT_FETCH_WAIT``."""
        if self._slot is None:
            semaphore = _semaphore()
            wait = max(0.0, min(_setting("MERIT_FETCH_WAIT", 0.5), self.remaining()))
            if not semaphore.acquire(timeout=wait):
                return False
            self._slot = semaphore
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
