"""Organisation access: API tokens (stored hashed, scoped, revocable)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.utils import timezone

from merit.server.accounts.models import ApiToken, Organisation
from merit.server.issuing.services import audit

SCOPES = ("design", "issue", "status", "read")


class AuthenticationFailed(Exception):
    """A missing, malformed, unknown or revoked token (HTTP 401)."""


class PermissionDenied(Exception):
    """The token or user may not do this (HTTP 403)."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(organisation: Organisation, name: str, scopes: list[str], actor: str) -> tuple[ApiToken, str]:
    """Create a token; the returned secret is shown once and never stored."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(unknown)}")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation, name=name, prefix=prefix, secret_hash=_hash(secret), scopes=sorted(set(scopes))
    )
    audit(organisation, actor, "token.created", name, scopes=token.scopes)
    return token, f"mrt_{prefix}_{secret}"


def revoke_token(token: ApiToken, actor: str) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(token.organisation, actor, "token.revoked", token.name)


def authenticate(header: str | None, scope: str) -> ApiToken:
    """The token named by an ``Authorization: Bearer`` header, checked for ``scope``."""
    if not header or not header.startswith("Bearer "):
        raise AuthenticationFailed("an API token is required (Authorization: Bearer mrt_...)")
    parts = header.removeprefix("Bearer ").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != "mrt":
        raise AuthenticationFailed("the API token is malformed")
    token = ApiToken.objects.select_related("organisation").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(parts[2])):
        raise AuthenticationFailed("the API token is not valid")
    if token.revoked_at is not None:
        raise AuthenticationFailed("the API token has been revoked")
    if scope not in token.scopes:
        raise PermissionDenied(f"the API token lacks the '{scope}' scope")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
