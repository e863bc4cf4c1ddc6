"""Resolving verification methods: which public key may sign for which controller, and for what purpose.

Verification methods come from DID documents (https://www.w3.org/TR/did-core/#verification-methods):
``did:key`` is built locally, ``did:web`` is read from documents the caller supplied or fetched through the
fetcher the caller gave (with a cache). Without a fetcher nothing leaves the machine.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from merit.core import multibase as mb
from merit.core.bounded import keep
from merit.core.dids.key import resolve_did_key
from merit.core.dids.web import did_web_url
from merit.core.errors import (
    DidResolutionError,
    InvalidDidError,
    InvalidError,
    MalformedValueError,
    MeritError,
    MethodNotSupportedError,
)
from merit.core.keys import PublicKey

WebFetcher = Callable[[str], bytes]
MAX_DOCUMENT_BYTES = 1024 * 1024
_DID_KEY_LIMIT = 1024
_JWK_CURVES = {("OKP", "Ed25519"): "Ed25519", ("EC", "P-256"): "P-256", ("EC", "P-384"): "P-384"}


@dataclass(frozen=True)
class VerificationMethod:
    """A verification method: its id, its controller, its type and its public key."""

    id: str
    controller: str
    type: str
    public_key: PublicKey


def _public_key(method: dict[str, Any]) -> PublicKey:
    """Read the public key of a Multikey, Ed25519VerificationKey2020 or JsonWebKey(2020) method."""
    if isinstance(method.get("publicKeyMultibase"), str):
        return PublicKey.from_multibase(method["publicKeyMultibase"])
    jwk = method.get("publicKeyJwk")
    if isinstance(jwk, dict):
        if "d" in jwk:
            raise MalformedValueError("a published JWK must not contain a private key")
        algorithm = _JWK_CURVES.get((str(jwk.get("kty")), str(jwk.get("crv"))))
        if algorithm is None:
            raise MalformedValueError("publicKeyJwk has an unsupported kty/crv")
        x = mb.decode_base64url("u" + str(jwk.get("x", "")))
        if algorithm == "Ed25519":
            return PublicKey.from_multibase(mb.encode_base58btc(mb.ED25519_PUB + x))
        y = mb.decode_base64url("u" + str(jwk.get("y", "")))
        compressed = bytes([2 + (y[-1] & 1)]) + x if y else b""
        header = mb.P256_PUB if algorithm == "P-256" else mb.P384_PUB
        return PublicKey.from_multibase(mb.encode_base58btc(header + compressed))
    raise MalformedValueError("the verification method has no publicKeyMultibase or publicKeyJwk")


_DID_KEY_METHODS: dict[tuple[str, str], VerificationMethod] = {}
"""did:key verification methods already resolved, by URL and purpose (cleared when full)."""


class Resolver:
    """Resolves DIDs and verification methods; see the module documentation."""

    def __init__(
        self,
        documents: Mapping[str, dict[str, Any]] | None = None,
        web_fetcher: WebFetcher | None = None,
        cache_ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        cache_size: int = 1024,
    ) -> None:
        self.documents = dict(documents or {})
        self.web_fetcher = web_fetcher
        self.cache_ttl = cache_ttl
        self.clock = clock
        self.cache_size = cache_size
        self._cache: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()

    def resolve(self, did: str) -> dict[str, Any]:
        """The DID document of ``did``."""
        if did in self.documents:
            return self._checked(did, self.documents[did])
        if did.startswith("did:key:"):
            return resolve_did_key(did)
        if did.startswith("did:web:"):
            return self._resolve_web(did)
        if did.startswith("did:"):
            method = did.split(":")[1] if did.count(":") >= 2 else ""
            if not method:
                raise InvalidDidError(f"{did!r} is not a valid DID")
            raise MethodNotSupportedError(f"the DID method did:{method} is not supported")
        raise MethodNotSupportedError(f"{did!r} is not a DID and no controller document was supplied for it")

    def _resolve_web(self, did: str) -> dict[str, Any]:
        url = did_web_url(did)
        cached = self._cache.get(did)
        if cached is not None and self.clock() - cached[0] < self.cache_ttl:
            self._cache.move_to_end(did)
            return cached[1]
        if self.web_fetcher is None:
            raise DidResolutionError(f"resolving {did} needs {url}, and fetching it was not allowed")
        try:
            body = self.web_fetcher(url)
        except MeritError:
            raise
        except Exception as exc:
            raise DidResolutionError(f"could not fetch {url}: {exc}") from exc
        if len(body) > MAX_DOCUMENT_BYTES:
            raise InvalidError(f"the DID document at {url} is larger than 1 MiB")
        try:
            document = json.loads(body)
        except ValueError as exc:
            raise InvalidError(f"the DID document at {url} is not JSON") from exc
        document = self._checked(did, document)
        self._cache[did] = (self.clock(), document)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return document

    @staticmethod
    def _checked(did: str, document: Any) -> dict[str, Any]:
        if not isinstance(document, dict) or document.get("id") != did:
            raise InvalidError(f"the document for {did} does not have id {did}")
        return document

    def resolve_verification_method(self, url: str, purpose: str) -> VerificationMethod:
        """The method ``url``, checked to be in its controller's document and authorised for ``purpose``."""
        if not isinstance(url, str) or "#" not in url:
            raise InvalidDidError(f"{url!r} is not a verification method URL (it has no fragment)")
        controller_id = url.split("#", 1)[0]
        # A did:key method is a function of its URL alone, so it is worked out once (unless the caller supplied a
        # document of its own for the DID, which then decides).
        local = controller_id.startswith("did:key:") and controller_id not in self.documents
        if local:
            known = _DID_KEY_METHODS.get((url, purpose))
            if known is not None:
                return known
        method = self._method(url, controller_id, purpose)
        if local:
            keep(_DID_KEY_METHODS, (url, purpose), method, _DID_KEY_LIMIT)
        return method

    def _method(self, url: str, controller_id: str, purpose: str) -> VerificationMethod:
        document = self.resolve(controller_id)
        methods = {m.get("id"): m for m in document.get("verificationMethod", []) if isinstance(m, dict)}
        relationship = document.get(purpose, [])
        authorised = False
        for entry in relationship if isinstance(relationship, list) else []:
            if isinstance(entry, dict):
                methods.setdefault(entry.get("id"), entry)
                entry = entry.get("id")
            if entry in (url, url[len(controller_id) :]):
                authorised = True
        method = methods.get(url) or methods.get(url[len(controller_id) :])
        if method is None:
            raise InvalidError(f"{url} is not a verification method of {controller_id}")
        if not authorised:
            raise InvalidError(f"{url} is not authorised for {purpose} by {controller_id}")
        if method.get("controller") != controller_id:
            raise InvalidError(f"{url} is controlled by {method.get('controller')!r}, not {controller_id}")
        try:
            key = _public_key(method)
        except MalformedValueError as exc:
            raise InvalidError(f"{url}: {exc}") from exc
        return VerificationMethod(url, controller_id, str(method.get("type")), key)
