"""Private keys at rest: AES-256-GCM under the key-encryption key, bound to the key's identity.

The key-encryption key comes from ``MERIT_KEY_ENCRYPTION_KEY`` (32 bytes, base64url) and never reaches the
database. The associated data ties each sealed secret to its organisation and key, so a sealed secret copied to
another row does not open.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_VERSION = b"m1"


def _key() -> AESGCM:
    text = settings.KEY_ENCRYPTION_KEY
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise ImproperlyConfigured("MERIT_KEY_ENCRYPTION_KEY must be base64url") from exc
    if len(key) != 32:
        raise ImproperlyConfigured("MERIT_KEY_ENCRYPTION_KEY must be 32 bytes (base64url)")
    return AESGCM(key)


def seal(secret: str, context: str) -> bytes:
    """Encrypt ``secret``; ``context`` names what it belongs to (it must match when unsealing)."""
    nonce = os.urandom(12)
    return _VERSION + nonce + _key().encrypt(nonce, secret.encode("utf-8"), context.encode("utf-8"))


def unseal(blob: bytes, context: str) -> str:
    """Decrypt a sealed secret; raises ``ValueError`` when it was altered, moved or sealed with another key."""
    blob = bytes(blob)
    if blob[:2] != _VERSION:
        raise ValueError("unknown sealed secret format")
    try:
        return _key().decrypt(blob[2:14], blob[14:], context.encode("utf-8")).decode("utf-8")
    except InvalidTag as exc:
        raise ValueError("the sealed secret does not open with this key-encryption key and context") from exc
