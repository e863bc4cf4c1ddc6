"""Signed Open Badges 2.0 assertions: the JWS signature with the issuer's key, and the revocation list.

https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html#SignedBadge (steps 4 to 7),
``#CryptographicKey`` and ``#RevocationList``. JWS (RFC 7515) is checked with ``joserfc``
(``docs/decisions/0007-openbadges2.md``).
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

from merit.core import formats
from merit.core.errors import (
    CouldNotVerifyError,
    MalformedProofError,
    MeritError,
    ProofVerificationError,
    StatusRetrievalError,
    StatusVerificationError,
    UnsupportedCryptosuiteError,
)
from merit.core.openbadges2.model import (
    SIGNATURE_ALGORITHMS,
    Fetcher,
    RevokedError,
    badge_and_issuer,
    link_id,
    step,
    verification_of,
)
from merit.core.verify.report import PROOF, STATUS, Check, VerificationReport


def public_key(pem: Any) -> RSAKey | ECKey:
    """A JOSE key from a CryptographicKey's ``publicKeyPem`` (RSA or elliptic-curve)."""
    if not isinstance(pem, str):
        raise MalformedProofError("the issuer's key has no publicKeyPem")
    try:
        loaded = load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise MalformedProofError("the issuer's publicKeyPem is not a PEM public key") from exc
    if isinstance(loaded, rsa.RSAPublicKey):
        return RSAKey.import_key(loaded)
    if isinstance(loaded, ec.EllipticCurvePublicKey):
        return ECKey.import_key(pem)
    raise UnsupportedCryptosuiteError(f"the issuer's key is of an unsupported kind ({type(loaded).__name__})")


def _trusted_keys(assertion: dict[str, Any], profile: dict[str, Any]) -> list[Any]:
    """The keys to test (step 4): the ``creator`` if the profile lists it, else every key the profile lists."""
    declared = [k for k in formats.as_list(profile.get("publicKey")) if link_id(k) is not None]
    creator = link_id(verification_of(assertion).get("creator"))
    if creator is not None:
        listed = [k for k in declared if link_id(k) == creator]
        if not listed:
            raise ProofVerificationError(f"signed with the key {creator}, which the issuer profile does not list")
        return listed
    if not declared:
        raise CouldNotVerifyError("the issuer profile lists no public key, so the signature cannot be checked")
    return declared


def _verify(token: str, assertion: dict[str, Any], profile: dict[str, Any], fetcher: Fetcher) -> str:
    algorithm = formats.jws_algorithm(formats.jws_header(token), SIGNATURE_ALGORITHMS)
    unavailable: list[MeritError] = []
    for entry in _trusted_keys(assertion, profile):
        key_id = str(link_id(entry))
        try:
            document = entry if isinstance(entry, dict) and "publicKeyPem" in entry else fetcher.get(key_id, "the key")
        except CouldNotVerifyError as exc:
            unavailable.append(exc)
            continue
        owner = link_id(document.get("owner"))
        if owner is not None and owner != profile["id"]:
            raise ProofVerificationError(f"the key {key_id} belongs to {owner}, not to the issuer {profile['id']}")
        try:
            jws.deserialize_compact(token, public_key(document.get("publicKeyPem")), algorithms=[algorithm])
        except JoseError:
            continue
        return f"signature valid ({algorithm} with the issuer's key {key_id})"
    if unavailable:
        raise CouldNotVerifyError(f"the signature could not be checked: {unavailable[0].message}")
    raise ProofVerificationError("the signature does not verify with the issuer's key")


def check_signature(report: VerificationReport, assertion: dict[str, Any], token: str | None, fetcher: Fetcher) -> None:
    """The proof check of a signed assertion (steps 4 to 6 of SignedBadge verification)."""
    with step(report, PROOF):
        if token is None:
            raise CouldNotVerifyError(
                "the assertion declares signed verification but came without its signature (JWS); "
                "ask for the signed badge"
            )
        try:
            _badge, profile = badge_and_issuer(assertion, fetcher, [])
        except MeritError as exc:
            raise CouldNotVerifyError(f"the issuer's keys could not be found: {exc.message}") from exc
        report.add(Check(PROOF, "passed", _verify(token, assertion, profile, fetcher)))


def _listed(entry: Any, assertion: dict[str, Any]) -> bool:
    if isinstance(entry, str):
        return entry == assertion.get("id")
    if not isinstance(entry, dict) or entry.get("revoked") is False:
        return False
    uid = assertion.get("uid")
    return entry.get("id") == assertion.get("id") or (uid is not None and entry.get("uid") == uid)


def revocation_status(assertion: dict[str, Any], fetcher: Fetcher) -> Check:
    """The status check of a signed assertion: ``revoked``, then the issuer's revocation list (step 7)."""
    if assertion.get("revoked") is True:
        reason = assertion.get("revocationReason")
        raise RevokedError(f"revoked by the issuer{': ' + reason if isinstance(reason, str) else ''}")
    try:
        _badge, profile = badge_and_issuer(assertion, fetcher, [])
    except MeritError as exc:
        raise StatusRetrievalError(f"not checked: the issuer profile is not available ({exc.message})") from exc
    where = profile.get("revocationList")
    if where is None:
        return Check(STATUS, "passed", "not revoked (the issuer publishes no revocation list)")
    revocations = where if isinstance(where, dict) else fetcher.get(str(where), "the revocation list")
    entries = revocations.get("revokedAssertions")
    if not isinstance(entries, list):
        raise StatusVerificationError("the issuer's revocation list has no revokedAssertions list")
    issuer = link_id(revocations.get("issuer"))
    if issuer is not None and issuer != profile["id"]:
        raise StatusVerificationError(f"the revocation list belongs to {issuer}, not to the issuer {profile['id']}")
    for entry in entries:
        if _listed(entry, assertion):
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            raise RevokedError(f"revoked by the issuer{': ' + reason if isinstance(reason, str) else ''}")
    return Check(STATUS, "passed", f"not revoked (not in the issuer's revocation list of {len(entries)})")
