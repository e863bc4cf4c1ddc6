"""DIDs and verification methods: did:key, did:web and the resolver."""

from merit.core.dids.key import resolve_did_key
from merit.core.dids.resolver import Resolver, VerificationMethod, WebFetcher
from merit.core.dids.web import did_web_document, did_web_url

__all__ = ["Resolver", "VerificationMethod", "WebFetcher", "did_web_document", "did_web_url", "resolve_did_key"]
