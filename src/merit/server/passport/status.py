"""The state each card in a passport shows, re-checked whenever the passport is shown: valid, revoked,
suspended, expired, or "could not check" (never silently "valid").

A credential's signature was verified when it entered the passport and its bytes never change, so a page only
re-checks what can change: its status list bits and the clock. Each status list is read once per page: this
installation's lists straight from the database, other lists through the server's fetcher with a short cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from merit.core.status import StatusList as Bits
from merit.server.issuing.models import StatusList
from merit.server.passport.models import HeldCredential

State = Literal["valid", "revoked", "suspended", "expired", "could_not_check"]
Lookup = Callable[[str], Bits | None]


def labels() -> dict[State, str]:
    """Each state as a card shows it: a symbol (hidden from screen readers) and words, never colour alone."""
    return {
        "valid": _("Valid"),
        "revoked": _("Revoked"),
        "suspended": _("Suspended"),
        "expired": _("Expired"),
        "could_not_check": _("Could not check"),
    }


SYMBOLS: dict[str, str] = {"valid": "✓", "revoked": "✗", "suspended": "⏸", "expired": "⌛", "could_not_check": "?"}


def local_bits(url: str) -> Bits | None:
    """A status list of this installation, read from the database (``None`` when the URL is not one of ours)."""
    prefix = f"{settings.BASE_URL}/status/"
    if not url.startswith(prefix):
        return None
    try:
        slug, purpose, sequence = url.removeprefix(prefix).split("/")
        found = StatusList.objects.only("size", "bits").get(
            organisation__slug=slug, purpose=purpose, sequence=int(sequence)
        )
    except (ValueError, StatusList.DoesNotExist):
        return None
    return Bits(found.size, bytes(found.bits))


def states(
    held: Iterable[HeldCredential], lookup: Lookup = local_bits, now: datetime | None = None
) -> dict[int, State]:
    """The state of each credential, by primary key."""
    now = now or timezone.now()
    lists: dict[str, Bits | None] = {}
    result: dict[int, State] = {}
    for item in held:
        state: State = "valid" if item.outcome == "verified" else "could_not_check"
        for entry in item.status_entries:
            url = entry["url"]
            if url not in lists:
                lists[url] = lookup(url)
            bits = lists[url]
            if bits is None or not 0 <= entry["index"] < bits.size:
                state = "could_not_check"
                continue
            if bits.get(entry["index"]):
                state = "revoked" if entry["purpose"] == "revocation" else "suspended"
                break
        if state in ("valid", "could_not_check") and item.valid_until is not None and item.valid_until <= now:
            state = "expired"
        result[item.pk] = state
    return result
