"""Reading a ``valid_until`` cell (``docs/decisions/0019-spreadsheets.md``).

Accepted, and nothing that could be read two ways:

- ISO 8601 with an offset or ``Z`` (``2028-12-31T23:59:59Z``, ``2028-12-31 23:59+01:00``): that moment;
- a date alone, ISO (``2027-12-31``) or day first with dots as Excel writes it in Finnish, Norwegian, Polish and
  German (``31.12.2027``, ``1.2.2027``): valid through that day, until 23:59:59 in the organisation's time zone;
- either with a time and no offset (``2027-12-31 14:00``, ``31.12.2027 14:00:00``): that time in the
  organisation's time zone; a time of exactly 00:00 is what a spreadsheet writes for a date cell, so it counts
  as the date alone.

Slashes (``31/12/2027``, ``12/31/2027``) are refused: day and month swap between locales.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

END_OF_DAY = time(23, 59, 59)
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DateError(ValueError):
    """A cell that is not a date Merit reads; the message is translated."""


def _refuse(value: str) -> DateError:
    return DateError(
        _("valid_until “%(value)s” is not a date such as 2027-12-31 or 31.12.2027, or a time such as 2027-12-31 18:00.")
        % {"value": value}
    )


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    if moment.time() == time():
        moment = datetime.combine(moment.date(), END_OF_DAY)
    return moment.replace(tzinfo=zone)


def valid_until(value: str, zone: ZoneInfo) -> datetime:
    """The moment a ``valid_until`` cell means; raises :class:`DateError`."""
    text = value.strip()
    if "/" in text:
        raise DateError(
            _("valid_until “%(value)s” uses slashes, which read differently in different countries; write 2027-12-31.")
            % {"value": value}
        )
    dotted = _DOTTED.match(text)
    try:
        if dotted:
            day, month, year, hour, minute, second = dotted.groups()
            moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
            return _local(moment, zone)
        if _ISO_DAY.match(text):
            return datetime.combine(date.fromisoformat(text), END_OF_DAY, tzinfo=zone)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _refuse(value) from exc
    return moment if moment.tzinfo is not None else _local(moment, zone)
