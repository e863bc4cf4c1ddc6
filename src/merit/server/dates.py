"""Dates and times on pages, in the reader's locale (Django's localised ``DATE_FORMAT``/``DATETIME_FORMAT``) and
the current time zone, from whatever Merit has: a ``date``, an aware ``datetime``, or the ISO 8601 text of a
credential or a core check (``2027-12-31``, ``2026-12-04T18:26:49Z``). Text that is not a date comes back as it is,
so nothing a credential says is lost."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import formats, timezone

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")


def parse(value: str) -> dt.date | dt.datetime | None:
    """The first ISO 8601 date or date-time in ``value`` (a date-time without an offset is taken as UTC)."""
    found = _ISO.search(value)
    if found is None:
        return None
    text = found.group(0)
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=dt.UTC)


def day(value: str | dt.date | None) -> str:
    """The day of ``value`` in the reader's locale ("4 december 2026"); a date-time's day in the current time
    zone."""
    if value is None or value == "":
        return ""
    found = parse(value) if isinstance(value, str) else value
    if found is None:
        return str(value)
    if isinstance(found, dt.datetime):
        found = timezone.localtime(found).date()
    return formats.date_format(found, "DATE_FORMAT")


def moment(value: str | dt.datetime | None) -> str:
    """A date-time in the reader's locale and the current time zone ("4 december 2026 18:26"); a bare date as
    :func:`day`."""
    if value is None or value == "":
        return ""
    found = parse(value) if isinstance(value, str) else value
    if found is None:
        return str(value)
    if not isinstance(found, dt.datetime):
        return formats.date_format(found, "DATE_FORMAT")
    return formats.date_format(timezone.localtime(found), "DATETIME_FORMAT")
