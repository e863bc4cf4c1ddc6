"""Which status changes apply to an issued credential, in one place: the workspace offers only these and
``services.set_status`` refuses any other, whatever a form or an API client sends.

- valid → revoked, or suspended when the credential has a suspension entry;
- suspended → valid (reinstated) or revoked;
- revoked → nothing: revocation is permanent.
"""

from __future__ import annotations

from merit.core.errors import InvalidError

STATES = ("valid", "suspended", "revoked")


class StatusChangeRefused(InvalidError):
    """A status change that does not apply to the credential's state (HTTP 400), with what a page needs to say
    why in the reader's language: ``current`` and ``wanted`` states and the ``reason`` code (``revoked``,
    ``same``, ``no_suspension``)."""

    code = "STATUS_CHANGE_NOT_ALLOWED"

    def __init__(self, message: str, *, current: str, wanted: str, reason: str) -> None:
        super().__init__(message)
        self.current, self.wanted, self.reason = current, wanted, reason


def allowed(state: str, *, can_suspend: bool) -> list[str]:
    """The states a credential in ``state`` may move to, in the order the workspace offers them."""
    if state == "valid":
        return ["revoked", "suspended"] if can_suspend else ["revoked"]
    if state == "suspended":
        return ["valid", "revoked"]
    return []


def check(state: str, wanted: str, *, can_suspend: bool) -> None:
    """Raise :class:`StatusChangeRefused` unless ``wanted`` is one of :func:`allowed` for ``state``."""
    if wanted in allowed(state, can_suspend=can_suspend):
        return
    if state == "revoked":
        message, reason = "a revoked credential cannot change status again", "revoked"
    elif wanted == state:
        message, reason = f"the credential is already {state}", "same"
    elif wanted == "suspended":
        message = "this credential has no suspension entry, so it cannot be suspended; revoke it instead"
        reason = "no_suspension"
    else:
        message, reason = f"a {state} credential cannot become {wanted}", "same"
    raise StatusChangeRefused(message, current=state, wanted=wanted, reason=reason)
