"""Share links: public, expiring, revocable links to some of a learner's credentials.

A link the learner makes on the share page is new each time. A link made for a purpose (the QR code of a PDF, the
verification page LinkedIn links to) is made once per credential and purpose and used again: its secret is kept
sealed (AES-256-GCM, as holder keys are) beside its hash, so that printing a PDF ten times or clicking "Add to
LinkedIn" twice gives the same link, which the learner sees among their links and can revoke
(``docs/decisions/0021-learners-own-credentials.md``).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from merit.server.issuing.sealing import seal, unseal
from merit.server.passport.models import HeldCredential, Share

SHARE_DAYS = (7, 30, 90, 365)
PURPOSE_DAYS = 365
"""A purpose link works for a year from the last time it was used (a PDF printed today keeps working)."""
MAX_SHARED = 200


class ShareGone(Exception):
    """The share expired or was revoked (HTTP 410)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def share_url(token: str) -> str:
    return f"{settings.BASE_URL}/s/{token}"


def _seal_context(owner_pk: object, purpose: str) -> str:
    return f"merit-share:{owner_pk}:{purpose}"


def default_name(user: AbstractBaseUser) -> str:
    """The name a share page shows unless the learner chooses another: the name they gave when signing up."""
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or "").strip()[:200]


def create_share(
    user: AbstractBaseUser,
    held: list[HeldCredential],
    *,
    days: int,
    label: str = "",
    shown_name: str | None = None,
    purpose: str = Share.Purpose.SHARE,
) -> tuple[Share, str]:
    """A public link to ``held`` that expires after ``days``; the token is returned once and stored hashed (and,
    for a purpose link, sealed). ``shown_name`` is who the share page says shared it (the account's name unless
    the learner chose another; an empty string shows no name)."""
    if days not in SHARE_DAYS:
        raise ValueError(f"a share lasts {', '.join(map(str, SHARE_DAYS))} days")
    if not held or len(held) > MAX_SHARED or any(h.owner_id != user.pk for h in held):
        raise PermissionError("choose between 1 and 200 of your own credentials")
    token = secrets.token_urlsafe(24)
    sealed = seal(token, _seal_context(user.pk, purpose)) if purpose != Share.Purpose.SHARE else b""
    name = default_name(user) if shown_name is None else shown_name.strip()[:200]
    with transaction.atomic():
        share = Share.objects.create(
            owner=user,
            label=label[:200],
            purpose=purpose,
            shown_name=name,
            token_hash=_hash(token),
            sealed_token=sealed,
            expires_at=timezone.now() + timedelta(days=days),
        )
        share.credentials.set(held)
    return share, token


def purpose_link(user: AbstractBaseUser, held: HeldCredential, purpose: str) -> tuple[Share, str]:
    """The one link to ``held`` for ``purpose`` (``pdf`` or ``linkedin``): the one made before, while it is not
    revoked (its year starts again now), or a new one."""
    if purpose not in (Share.Purpose.PDF, Share.Purpose.LINKEDIN):
        raise ValueError("a purpose link is for a PDF or LinkedIn")
    if held.owner_id != user.pk:
        raise PermissionError("not your credential")
    with transaction.atomic():
        candidates = Share.objects.select_for_update().filter(
            owner_id=user.pk, purpose=purpose, credentials=held, revoked_at=None
        )
        for share in candidates.order_by("-created_at"):
            if share.credentials.count() != 1 or not share.sealed_token:
                continue
            try:
                token = unseal(bytes(share.sealed_token), _seal_context(user.pk, purpose))
            except ValueError:
                continue  # Sealed under another key-encryption key: make a new link.
            share.expires_at = max(share.expires_at, timezone.now() + timedelta(days=PURPOSE_DAYS))
            share.save(update_fields=["expires_at"])
            return share, token
        label = {Share.Purpose.PDF: "PDF", Share.Purpose.LINKEDIN: "LinkedIn"}[Share.Purpose(purpose)]
        return create_share(user, [held], days=PURPOSE_DAYS, label=label, purpose=purpose)


def existing_link(user: AbstractBaseUser, held: HeldCredential, purpose: str) -> str | None:
    """The URL of the live link to ``held`` for ``purpose``, if there is one (nothing is made)."""
    for share in Share.objects.filter(
        owner_id=user.pk, purpose=purpose, credentials=held, revoked_at=None, expires_at__gt=timezone.now()
    ):
        try:
            return share_url(unseal(bytes(share.sealed_token), _seal_context(user.pk, purpose)))
        except ValueError:
            continue
    return None


def url_of(share: Share) -> str | None:
    """A purpose link's URL, shown to its owner on the share page (a share page link's secret is not kept)."""
    if not share.sealed_token:
        return None
    try:
        return share_url(unseal(bytes(share.sealed_token), _seal_context(share.owner_id, share.purpose)))
    except ValueError:
        return None


def open_share(token: str) -> Share:
    """The share for ``token``; raises ``Share.DoesNotExist`` (404) or :class:`ShareGone` (410)."""
    share = Share.objects.select_related("owner").get(token_hash=_hash(token))
    if share.revoked_at is not None or share.expires_at <= timezone.now():
        raise ShareGone
    Share.objects.filter(pk=share.pk).update(views=share.views + 1)
    return share


def revoke_share(user: AbstractBaseUser, share: Share) -> None:
    if share.owner_id != user.pk:
        raise PermissionError("not your share")
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
