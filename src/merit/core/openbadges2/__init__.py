"""Open Badges 2.0 assertions, so learners can import the badges other platforms issued.

Specification: https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html.

* :func:`verify_assertion` checks an assertion, hosted or signed (a JWS), and returns a
  :class:`~merit.core.verify.report.VerificationReport` with the checks ``parse``, ``structure``, ``proof``,
  ``issuer``, ``validity_period`` and ``status``. Linked documents come through the caller's ``fetch_json(url)``;
  without it nothing is fetched and the checks that need a document are ``could_not_check``.
* :func:`recipient_matches` tells whether an assertion was awarded to an e-mail address (plain or hashed).
* :func:`assertion_view` gives the display data in the keys of ``extract_spec_view``.

The reasons for the choices made are in ``docs/decisions/0007-openbadges2.md``.
"""

from merit.core.openbadges2.model import (
    DocumentLoadError,
    ExpiredError,
    FetchJson,
    GoneError,
    RevokedError,
    recipient_matches,
)
from merit.core.openbadges2.verify import verify_assertion
from merit.core.openbadges2.view import assertion_view

__all__ = [
    "DocumentLoadError",
    "ExpiredError",
    "FetchJson",
    "GoneError",
    "RevokedError",
    "assertion_view",
    "recipient_matches",
    "verify_assertion",
]
