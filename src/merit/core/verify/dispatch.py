"""One way in: every document Merit verifies (``merit verify``, the portal, the passport, the VC-API) comes here.

:func:`verify` detects the format (:mod:`merit.core.verify.formats`) and returns it with the report of named
checks that the format's verifier makes. What touches the outside world is passed in: a :class:`Verifier` (or the
collaborators to build one: ``resolve``, ``fetch_status_list``, ``clock``, ``loader``, ``trust``) and
``fetch_json`` for linked documents (Open Badges 2.0 hosted assertions and keys, JWK URLs). Credentials inside a
presentation come back here too, so an enveloped VC-JOSE credential in a presentation is verified as one.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from merit.core.credview import CredentialView
from merit.core.errors import InvalidError, MeritError
from merit.core.formats import Format, sample
from merit.core.verify.formats import BY_NAME, Context, CredentialFormat, find
from merit.core.verify.formats.base import FetchJson
from merit.core.verify.report import VerificationReport
from merit.core.verify.verifier import Verifier

Expect = Literal["credential", "presentation"]


class NotACredentialError(InvalidError):
    """The document is in none of the formats Merit reads (or is not readable at all)."""

    code = "NOT_A_CREDENTIAL"


def verify(
    document: Any,
    *,
    verifier: Verifier | None = None,
    fetch_json: FetchJson | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    expect: Expect | None = None,
    **collaborators: Any,
) -> tuple[Format, VerificationReport]:
    """The format of ``document`` (an object, its JSON text or bytes, or a compact JWS) and its report.

    ``expect`` is what an API endpoint was given: a W3C document is then verified as that kind even when it is
    not one, so that the report says why. Without ``expect`` a document in no known format raises
    :class:`NotACredentialError` (code ``NOT_A_CREDENTIAL``) with the reason.
    """
    base = verifier if verifier is not None else Verifier(**collaborators)
    context: Context | None = None

    def embedded(credential: Any) -> VerificationReport:
        assert context is not None
        return _verify(credential, context, "credential")[1]

    context = Context(dataclasses.replace(base, embedded=embedded), fetch_json, challenge, domain)
    return _verify(document, context, expect)


def _verify(document: Any, context: Context, expect: Expect | None) -> tuple[Format, VerificationReport]:
    found: CredentialFormat | None
    reason = (
        "this is not a credential Merit recognises (it reads W3C VCs and VPs with Data Integrity proofs, VC-JOSE "
        "vc+jwt, Open Badges 3.0 as JSON or JWT, Open Badges 2.0 and Europass)"
    )
    try:
        seen = sample(document, context.verifier.max_bytes)
        found = find(seen)
        if seen.header is None:
            document = seen.document  # JSON text is parsed once; a JWS stays the text its signature covers.
    except (MeritError, RecursionError) as exc:
        found = None
        detail = exc.message if isinstance(exc, MeritError) else "it is nested too deeply"
        reason = f"this is not a credential Merit can read: {detail}"
    if expect is not None and (found is None or found.name in ("vc", "vp")):
        found = BY_NAME["vp" if expect == "presentation" else "vc"]
    if found is None:
        raise NotACredentialError(reason)
    return found.name, found.verify(document, context)


def view(fmt: Format, document: Any, report: VerificationReport, language: str = "en") -> CredentialView:
    """The typed display view (:class:`merit.core.credview.CredentialView`) of a verified document in ``fmt``."""
    found = BY_NAME.get(fmt)
    if found is None:
        return CredentialView(format=fmt)
    return found.view(document, report, language)
