"""Where accreditation credentials come from: a trust registry, or a signed trust list for offline verifiers.

A :class:`TrustRegistry` answers one question: which signed accreditation credentials name this issuer DID as
their subject (as the EBSI Trusted Issuers Registry does for a DID, https://hub.ebsi.eu/). It opens no network
connection itself: a live registry is the caller's object (the server's, through its safe fetcher), and raises a
:class:`~merit.core.errors.CouldNotVerifyError` (usually :class:`~merit.core.errors.TrustRegistryError`) when it
cannot be reached, so that the verifier reports "could not check" and never "not accredited".
"""

from __future__ import annotations

import copy
import dataclasses
from typing import TYPE_CHECKING, Any, Protocol

from merit.core import vc
from merit.core.errors import CouldNotVerifyError, MalformedValueError, TrustListError
from merit.core.trust import claims
from merit.core.trust.names import Namesake

if TYPE_CHECKING:
    from merit.core.verify.verifier import Verifier


class TrustRegistry(Protocol):
    """A source of signed accreditation credentials, looked up by the accredited issuer's DID."""

    def accreditations(self, issuer: str) -> list[dict[str, Any]]:
        """The signed accreditation credentials whose subject is ``issuer``; raises ``CouldNotVerifyError``."""
        ...


class OfflineTrustList:
    """A :class:`TrustRegistry` read from one signed trust list credential, verified once when it is built.

    The list must verify completely now (signature, validity period, status) with ``verifier``; a tampered,
    expired or malformed list raises :class:`~merit.core.errors.TrustListError`, and a list that could not be
    verified (an authority DID that could not be resolved, say) raises ``CouldNotVerifyError``. Every
    accreditation in it must be issued by the list's own authority. The accreditations are verified again, one by
    one, by :func:`merit.core.trust.check_accreditation`; their status entries are checked with the verifier's
    status fetcher, so a verifier without one reports their status as "could not check".
    """

    def __init__(self, trust_list_credential: Any, verifier: Verifier) -> None:
        report = dataclasses.replace(verifier, trust=None).verify_credential(trust_list_credential)
        if report.outcome == "invalid":
            raise TrustListError(f"the trust list was refused ({report.reason})")
        if not report.verified or report.document is None:
            raise CouldNotVerifyError(f"the trust list could not be verified ({report.reason})")
        document = report.document
        if not claims.is_trust_list(document):
            raise TrustListError("the document is not a trust list")
        self.authority = vc.issuer_id(document)
        self.list_id = document.get("id")
        try:
            entries = claims.trust_list_entries(document)
        except MalformedValueError as exc:
            raise TrustListError(exc.message) from exc
        self._by_issuer: dict[str, list[dict[str, Any]]] = {}
        for entry in entries:
            if _issuer(entry) != self.authority:
                raise TrustListError(f"the accreditation {entry.get('id')} in the list was not issued by its authority")
            accredited = entry.get("credentialSubject")
            accredited_id = accredited.get("id") if isinstance(accredited, dict) else None
            if not isinstance(accredited_id, str):
                raise TrustListError(f"the accreditation {entry.get('id')} in the list names no accredited issuer")
            self._by_issuer.setdefault(accredited_id, []).append(entry)

    def accreditations(self, issuer: str) -> list[dict[str, Any]]:
        return copy.deepcopy(self._by_issuer.get(issuer, []))

    def namesakes(self) -> list[Namesake]:
        """Each accredited issuer in the list with the name its accreditation gives it."""
        found = []
        for did, entries in self._by_issuer.items():
            for entry in entries:
                name = entry["credentialSubject"].get("name")
                if isinstance(name, str) and name.strip():
                    found.append(Namesake(did, name))
        return found

    @property
    def issuers(self) -> list[str]:
        """The DIDs of the issuers the list accredits."""
        return sorted(self._by_issuer)


def _issuer(document: dict[str, Any]) -> str | None:
    try:
        return vc.issuer_id(document)
    except MalformedValueError:
        return None
