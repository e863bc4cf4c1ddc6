"""The public address workers sign under (decision 0014). The web server records the ``MERIT_BASE_URL`` it serves
under; a worker started without one uses the recorded address, and refuses to start when there is none or when
its own differs, rather than sign credentials with a ``did:web`` nobody can resolve."""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.db import DatabaseError

from merit.server.workers.models import Installation

logger = logging.getLogger("merit.workers")


class UnknownBaseUrl(Exception):
    """The worker cannot know the installation's public address (its message says what to do)."""


def record() -> None:
    """Record the web server's address (when it was given one: ``MERIT_BASE_URL``). Before the first ``migrate``
    there is nowhere to record it, and the web server starts anyway."""
    if not os.environ.get("MERIT_BASE_URL"):
        return
    try:
        Installation.objects.update_or_create(pk=1, defaults={"base_url": settings.BASE_URL})
    except DatabaseError:
        logger.warning(
            "could not record the base URL %s for the workers (is the database migrated?)", settings.BASE_URL
        )


def recorded() -> str | None:
    return Installation.objects.filter(pk=1).values_list("base_url", flat=True).first()


def configure_worker() -> str:
    """Set ``settings.BASE_URL`` for a worker and return it; raises :class:`UnknownBaseUrl`."""
    known = recorded()
    if os.environ.get("MERIT_BASE_URL"):
        if known and known != settings.BASE_URL:
            raise UnknownBaseUrl(
                f"MERIT_BASE_URL is {settings.BASE_URL} but the web server serves {known}; "
                "give every process of the installation the same MERIT_BASE_URL"
            )
        return str(settings.BASE_URL)
    if not known:
        raise UnknownBaseUrl(
            "set MERIT_BASE_URL (the public address credentials are issued under), "
            "or start the web server once so that it records it"
        )
    settings.BASE_URL = known
    return known
