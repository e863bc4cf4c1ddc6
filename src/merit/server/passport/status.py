"""The state each card in a passport shows, re-checked whenever the passport is shown: valid, revoked,
suspended, expired, or "could not check" (never silently "valid").

A credential's signature was verified when it entered the passport and its bytes never change, so a page only
re-checks what can change: its status list bits and the clock. Each status list is read once per page: this
installation's lists straight from the database, other lists through the server's fetcher with a short cache.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from merit.core import vc
from merit.core.errors import MeritError
from merit.core.status import StatusList as Bits
from merit.core.verify.parsing import parse_json
from merit.server import netfetch
from merit.server.issuing.models import StatusList
from merit.server.passport.models import CachedStatusList, HeldCredential
from merit.server.portal import services as portal

State = Literal["valid", "revoked", "suspended", "expired", "could_not_check"]
Lookup = Callable[[str], tuple[Bits, str] | None]
"""A status list URL → its bits and the DID of the list's issuer, or ``None`` when it cannot be had."""


def labels() -> dict[State, str]:
    """Each state in words (a badge shows a symbol too, hidden from screen readers: never colour alone). "Revoked"
    has a context of its own: it agrees with the word for credential (Swedish "återkallat", Polish "unieważnione"),
    where API tokens and grants take the general form."""
    return {
        "valid": _("Valid"),
        "revoked": pgettext("credential state", "Revoked"),
        "suspended": _("Suspended"),
        "expired": _("Expired"),
        "could_not_check": _("Could not check"),
    }


SYMBOLS: dict[str, str] = {"valid": "✓", "revoked": "✗", "suspended": "⏸", "expired": "⌛", "could_not_check": "?"}


def badge(state: State, words: dict[State, str] | None = None) -> dict[str, str]:
    """What ``passport/_state.html`` shows for ``state``; ``words`` are :func:`labels`, when a page has them."""
    return {"state": state, "symbol": SYMBOLS[state], "label": (words or labels())[state]}


def local_bits(url: str) -> tuple[Bits, str] | None:
    """A status list of this installation, read from the database (``None`` when the URL is not one of ours)."""
    prefix = f"{settings.BASE_URL}/status/"
    if not url.startswith(prefix):
        return None
    try:
        slug, purpose, sequence = url.removeprefix(prefix).split("/")
        found = StatusList.objects.select_related("organisation").get(
            organisation__slug=slug, purpose=purpose, sequence=int(sequence)
        )
    except (ValueError, StatusList.DoesNotExist):
        return None
    return Bits(found.size, bytes(found.bits)), found.organisation.did


CACHE = timedelta(minutes=5)
"""How long a fetched status list is reused for the cards (its issuer's own cache header is about a minute)."""


def remote_bits(url: str) -> tuple[Bits, str] | None:
    """A status list on another host, fetched through the safe fetcher and verified (its signature by its issuer),
    kept for :data:`CACHE`. Anything that goes wrong is ``None``: the card then says "could not check"."""
    cached = CachedStatusList.objects.filter(url=url).first()
    if cached is not None and cached.fetched_at > timezone.now() - CACHE:
        document, outcome = json.loads(cached.document_json), cached.outcome
    else:
        try:
            body = netfetch.fetch(url, max_bytes=portal.MAX_LIST_BYTES, timeout=5.0, accept=portal.ACCEPT_CREDENTIAL)
            document = parse_json(body, portal.MAX_LIST_BYTES)
            outcome = portal.verifier().verify_credential(document, check_status_entries=False).outcome
        except MeritError:
            return None
        CachedStatusList.objects.update_or_create(
            url=url,
            defaults={"document_json": json.dumps(document), "fetched_at": timezone.now(), "outcome": outcome},
        )
    if outcome != "verified":
        return None
    subject = document.get("credentialSubject") if isinstance(document, dict) else None
    try:
        return Bits.decode(subject["encodedList"]), vc.issuer_id(document)  # type: ignore[index]
    except (MeritError, KeyError, TypeError):
        return None


def any_bits(url: str) -> tuple[Bits, str] | None:
    """The list at ``url``: this installation's from the database, any other through :func:`remote_bits`."""
    if url.startswith(f"{settings.BASE_URL}/status/"):
        return local_bits(url)
    return remote_bits(url)


def states(held: Iterable[HeldCredential], lookup: Lookup = any_bits, now: datetime | None = None) -> dict[int, State]:
    """The state of each credential, by primary key."""
    now = now or timezone.now()
    lists: dict[str, tuple[Bits, str] | None] = {}
    result: dict[int, State] = {}
    for item in held:
        state: State = "valid" if item.outcome == "verified" else "could_not_check"
        for entry in item.status_entries:
            url = entry["url"]
            if url not in lists:
                lists[url] = lookup(url)
            found = lists[url]
            # A list issued by anyone but the credential's issuer says nothing about it (Bitstring Status List §3.2).
            if found is None or found[1] != item.issuer_id or not 0 <= entry["index"] < found[0].size:
                state = "could_not_check"
                continue
            bits = found[0]
            if bits.get(entry["index"]):
                state = "revoked" if entry["purpose"] == "revocation" else "suspended"
                break
        if state in ("valid", "could_not_check") and item.valid_until is not None and item.valid_until <= now:
            state = "expired"
        result[item.pk] = state
    return result
