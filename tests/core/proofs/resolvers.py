"""A resolver over keys given in advance, for tests that must not depend on DID resolution."""

from __future__ import annotations

from dataclasses import dataclass

from merit.core.errors import DidResolutionError
from merit.core.keys import PublicKey, SigningKey


@dataclass(frozen=True)
class Method:
    id: str
    controller: str
    public_key: PublicKey


class StaticResolver:
    def __init__(self, methods: dict[str, tuple[str, PublicKey]]) -> None:
        self.methods = methods

    @classmethod
    def for_did_keys(cls, keys: list[SigningKey]) -> StaticResolver:
        return cls({k.verification_method: (k.controller, k.key_pair.public_key) for k in keys})

    def __call__(self, url: str, purpose: str) -> Method:
        if url not in self.methods:
            raise DidResolutionError(f"unknown verification method {url}")
        controller, key = self.methods[url]
        return Method(url, controller, key)
