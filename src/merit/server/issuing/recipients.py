"""What the server says when a learner's e-mail address or DID is refused, in the reader's language. The check
itself is ``merit.core.recipients`` (through ``Learner``), the one for bulk rows, the workspace form, the API and
the passport's further addresses."""

from __future__ import annotations

from django.utils.translation import gettext as _

from merit.core import recipients
from merit.core.errors import MeritError
from merit.core.recipients import RecipientError


def message(error: MeritError) -> str:
    """The translated message of a refused address or DID; any other error's own message."""
    if not isinstance(error, RecipientError):
        return error.message
    value, first = error.value, error.value[:1]
    if error.reason == recipients.EMAIL_FORMULA:
        return _(
            "“%(value)s” is not an e-mail address: it begins with “%(first)s”, which spreadsheets read as a formula."
        ) % {"value": value, "first": first}
    if error.reason == recipients.EMAIL_NO_TOP_LEVEL_DOMAIN:
        return _("“%(value)s” is not an e-mail address: its domain has no top-level domain, such as .org.") % {
            "value": value
        }
    if error.reason == recipients.EMAIL_RESERVED_DOMAIN:
        return _(
            "“%(value)s” is not an e-mail address: its domain is reserved for tests and private networks and never"
            " receives mail."
        ) % {"value": value}
    if error.reason == recipients.EMAIL_SYNTAX:
        return _("“%(value)s” is not an e-mail address.") % {"value": value}
    if error.reason == recipients.DID_WEB:
        return _("“%(value)s” is not a valid did:web DID: it needs a host name such as example.org.") % {"value": value}
    if error.reason == recipients.DID_KEY:
        return _("“%(value)s” is not a did:key DID with a public key Merit can read.") % {"value": value}
    return _("“%(value)s” is not a DID (did:method:identifier).") % {"value": value}


def check_email(value: str) -> str | None:
    """None if ``value`` is an e-mail address Merit takes, else the translated reason."""
    try:
        recipients.check_email(value)
    except RecipientError as error:
        return message(error)
    return None
