"""Delivery: claim links, the e-mail that carries them, and their QR codes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import segno
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from merit.core.microcredential import Learner
from merit.server import bulkwrite
from merit.server.accounts.models import Organisation
from merit.server.delivery.models import ClaimLink
from merit.server.issuing import services as issuing
from merit.server.issuing.models import IssuedCredential, Specification

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


def issue_one(
    specification: Specification,
    learner: Learner,
    *,
    actor: str,
    grade: str | None = None,
    issuer: Organisation | None = None,
    credential_id: str | None = None,
) -> tuple[IssuedCredential, str]:
    """Issue one credential with its claim link (e-mailed when the learner has an address), both or neither; returns
    the credential and the link's token. The workspace form and the API issue one credential through this; the form
    names the credential (``credential_id``) when the issuer confirms, so that confirming twice issues once."""
    with transaction.atomic():
        record = issuing.issue_from_specification(
            specification, learner, actor=actor, grade=grade, issuer=issuer, credential_id=credential_id
        )
        token = deliver(record, learner.email) if learner.email else create_link(record)
    return record, token


def deliver_many(pairs: list[tuple[IssuedCredential, str]]) -> None:
    """Claim links for many credentials in one write, e-mailed by a background task once the surrounding
    transaction commits, so that a slow or unreachable mail server never holds up issuing.

    The links are stored with the hash of a token nobody sees; the task gives each one its real token as it
    writes the message (``email_links``), so no secret waits in the task queue."""
    expires = timezone.now() + LIFETIME
    links = [
        ClaimLink(credential=record, token_hash=_hash(secrets.token_urlsafe(32)), email=email, expires_at=expires)
        for record, email in pairs
    ]
    bulkwrite.insert(links)
    ids = [link.pk for link in links if link.email]
    if ids:
        from merit.server.delivery.tasks import email_claim_links

        transaction.on_commit(lambda: email_claim_links.enqueue(ids))


def email_links(link_ids: list[int]) -> None:
    """E-mail the claim links ``link_ids`` not yet sent, claimed or expired, each with a new token (the previous
    one stops working): one query reads the links, one update stores the tokens' hashes, one mail connection
    sends every message, and one update marks them sent."""
    links = list(
        ClaimLink.objects.select_related("credential__organisation")
        .filter(pk__in=link_ids, sent_at=None, claimed_at=None, expires_at__gt=timezone.now())
        .exclude(email="")
        .order_by("pk")
    )
    tokens = {link.pk: secrets.token_urlsafe(32) for link in links}
    bulkwrite.update_each(ClaimLink, "token_hash", {pk: _hash(token) for pk, token in tokens.items()})
    _send(links, tokens)


def send_claim_email(record_pk: int, token: str) -> None:
    """E-mail the claim link of credential ``record_pk``, whose token is ``token``."""
    links = list(ClaimLink.objects.select_related("credential__organisation").filter(credential_id=record_pk))
    _send([link for link in links if link.email], {link.pk: token for link in links})


def _send(links: list[ClaimLink], tokens: dict[int, str]) -> None:
    if not links:
        return
    messages = []
    for link in links:
        record = link.credential
        context = {
            "organisation": record.organisation.name,
            "title": record.document.get("name", ""),
            "url": claim_url(tokens[link.pk]),
            "expires": link.expires_at,
        }
        subject = _("%(organisation)s has issued you a credential") % {"organisation": record.organisation.name}
        body = render_to_string("delivery/claim_email.txt", context)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [link.email]))
    with get_connection() as connection:
        connection.send_messages(messages)
    ClaimLink.objects.filter(pk__in=[link.pk for link in links]).update(sent_at=timezone.now())


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
