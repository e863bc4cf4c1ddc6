"""Delivery: claim links, the e-mail that carries them, and their QR codes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import segno
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from merit.server.delivery.models import ClaimLink
from merit.server.issuing.models import IssuedCredential

LIFETIME = timedelta(days=30)


class LinkGone(Exception):
    """The claim link expired (HTTP 410)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def claim_url(token: str) -> str:
    return f"{settings.BASE_URL}/claim/{token}"


def qr_svg(url: str) -> str:
    """The link as an inline SVG QR code."""
    return str(segno.make(url, error="m").svg_inline(scale=4, title=_("QR code of the claim link")))


def create_link(record: IssuedCredential, email: str = "") -> str:
    """Create the claim link of a credential; returns the token (shown once, stored hashed)."""
    token = secrets.token_urlsafe(32)
    ClaimLink.objects.create(
        credential=record, token_hash=_hash(token), email=email, expires_at=timezone.now() + LIFETIME
    )
    return token


def deliver(record: IssuedCredential, email: str) -> str:
    """Create a claim link and e-mail it once the surrounding transaction commits."""
    token = create_link(record, email)
    transaction.on_commit(lambda: send_claim_email(record.pk, token))
    return token


def deliver_many(pairs: list[tuple[IssuedCredential, str]]) -> None:
    """Claim links for many credentials in one write, e-mailed once the surrounding transaction commits."""
    expires = timezone.now() + LIFETIME
    tokens = [secrets.token_urlsafe(32) for _ in pairs]
    ClaimLink.objects.bulk_create(
        ClaimLink(credential=record, token_hash=_hash(token), email=email, expires_at=expires)
        for (record, email), token in zip(pairs, tokens, strict=True)
    )
    sent = [(record.pk, token) for (record, _email), token in zip(pairs, tokens, strict=True)]
    transaction.on_commit(lambda: [send_claim_email(pk, token) for pk, token in sent])


def send_claim_email(record_pk: int, token: str) -> None:
    link = ClaimLink.objects.select_related("credential__organisation").get(credential_id=record_pk)
    if not link.email:
        return
    record = link.credential
    context = {
        "organisation": record.organisation.name,
        "title": record.document.get("name", ""),
        "url": claim_url(token),
        "expires": link.expires_at,
    }
    subject = _("%(organisation)s has issued you a credential") % {"organisation": record.organisation.name}
    send_mail(
        subject,
        render_to_string("delivery/claim_email.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [link.email],
    )
    ClaimLink.objects.filter(pk=link.pk).update(sent_at=timezone.now())


def open_link(token: str) -> ClaimLink:
    """The link for ``token``; raises ``ClaimLink.DoesNotExist`` (404) or :class:`LinkGone` (410)."""
    link = ClaimLink.objects.select_related("credential__organisation").get(token_hash=_hash(token))
    if link.expires_at < timezone.now():
        ClaimLink.objects.filter(pk=link.pk).update(email="")
        raise LinkGone(_("This link has expired. Ask the issuer to send a new one."))
    return link


def mark_claimed(link: ClaimLink) -> None:
    if link.claimed_at is None:
        ClaimLink.objects.filter(pk=link.pk).update(claimed_at=timezone.now(), email="")
