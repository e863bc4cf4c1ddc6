"""Delivery: claim links, the e-mail that carries them, and their QR codes."""

from __future__ import annotations

import hashlib
import secrets
import smtplib
from datetime import timedelta

import segno
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from merit.core.microcredential import Learner
from merit.server import bulkwrite
from merit.server.accounts.models import Organisation
from merit.server.delivery.models import ClaimLink
from merit.server.issuing import sealing
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


def _sealed(record_pk: int, token: str) -> bytes:
    return sealing.seal(token, f"claim-link:{record_pk}")


def token_of(link: ClaimLink) -> str | None:
    """The link's token while it is kept sealed (until claimed or expired), for the issuer's export; else ``None``."""
    if not link.token_sealed or link.claimed_at is not None or link.expires_at <= timezone.now():
        return None
    try:
        return sealing.unseal(bytes(link.token_sealed), f"claim-link:{link.credential_id}")
    except ValueError:
        return None


def language_for(specification: Specification | None, language: str = "") -> str:
    """The language of a learner's e-mail: the one asked for, else the specification's default, else English."""
    codes = {code for code, _name in settings.LANGUAGES}
    for candidate in (language, (specification.data.get("language") if specification else "") or ""):
        if candidate in codes:
            return candidate
    return settings.LANGUAGE_CODE


def create_link(record: IssuedCredential, email: str = "", language: str = "") -> str:
    """Create the claim link of a credential; returns the token (stored hashed, and sealed for the export)."""
    token = secrets.token_urlsafe(32)
    ClaimLink.objects.create(
        credential=record,
        token_hash=_hash(token),
        token_sealed=_sealed(record.pk, token),
        email=email,
        language=language,
        expires_at=timezone.now() + LIFETIME,
    )
    return token


def deliver(record: IssuedCredential, email: str, language: str = "") -> str:
    """Create a claim link and e-mail it once the surrounding transaction commits."""
    token = create_link(record, email, language)
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
    """Issue one credential with its claim link (e-mailed, in the specification's language, when the learner has an
    address), both or neither; returns the credential and the link's token. The workspace form and the API issue one
    credential through this; the form names the credential (``credential_id``) when the issuer confirms, so that
    confirming twice issues once."""
    language = language_for(specification)
    with transaction.atomic():
        record = issuing.issue_from_specification(
            specification, learner, actor=actor, grade=grade, issuer=issuer, credential_id=credential_id
        )
        token = deliver(record, learner.email, language) if learner.email else create_link(record, "", language)
    return record, token


def deliver_many(items: list[tuple[IssuedCredential, str, str]]) -> None:
    """Claim links for many credentials (each ``(credential, e-mail address or "", language)``) in one write, the
    ones with an address e-mailed by a background task once the surrounding transaction commits, so that a slow or
    unreachable mail server never holds up issuing. Only link ids wait in the task queue, never a token."""
    expires = timezone.now() + LIFETIME
    links = []
    for record, email, language in items:
        token = secrets.token_urlsafe(32)
        links.append(
            ClaimLink(
                credential=record,
                token_hash=_hash(token),
                token_sealed=_sealed(record.pk, token),
                email=email,
                language=language,
                expires_at=expires,
            )
        )
    bulkwrite.insert(links)
    ids = [link.pk for link in links if link.email]
    if ids:
        from merit.server.delivery.tasks import email_claim_links

        transaction.on_commit(lambda: email_claim_links.enqueue(ids))


def email_links(link_ids: list[int]) -> None:
    """E-mail the claim links ``link_ids`` not yet sent, bounced, claimed or expired: one query reads the links, one
    mail connection sends the messages (each on its own, so that one refused address bounces alone), and one
    update marks them sent. A link from before tokens were sealed gets a new token (the previous one stops
    working)."""
    links = list(
        ClaimLink.objects.select_related("credential__organisation", "credential__specification")
        .filter(pk__in=link_ids, sent_at=None, bounced_at=None, claimed_at=None, expires_at__gt=timezone.now())
        .exclude(email="")
        .order_by("pk")
    )
    tokens = {link.pk: token for link in links if (token := token_of(link))}
    fresh = {link.pk: secrets.token_urlsafe(32) for link in links if link.pk not in tokens}
    if fresh:
        bulkwrite.update_each(ClaimLink, "token_hash", {pk: _hash(token) for pk, token in fresh.items()})
    _send(links, tokens | fresh)


def give_up(link_ids: list[int], exc: BaseException) -> None:
    """Mark the links of ``link_ids`` still unsent as bounced: sending failed on every retry."""
    reason = f"{type(exc).__name__}: {exc}"
    ClaimLink.objects.filter(pk__in=link_ids, sent_at=None, bounced_at=None).exclude(email="").update(
        bounced_at=timezone.now(), bounce_reason=reason[:300]
    )


def send_claim_email(record_pk: int, token: str) -> None:
    """E-mail the claim link of credential ``record_pk``, whose token is ``token``."""
    links = list(
        ClaimLink.objects.select_related("credential__organisation", "credential__specification").filter(
            credential_id=record_pk
        )
    )
    _send([link for link in links if link.email], {link.pk: token for link in links})


def _refusal(exc: Exception) -> str | None:
    """Why the mail server refused a message for good (a 5xx answer), or ``None`` for a failure worth retrying."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = list(exc.recipients.values())
        if answers and all(code >= 500 for code, _text in answers):
            code, text = answers[0]
            return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500:
        error = exc.smtp_error
        return f"{exc.smtp_code} {error.decode('utf-8', 'replace') if isinstance(error, bytes) else error}"
    return None


def _send(links: list[ClaimLink], tokens: dict[int, str]) -> None:
    """Send each link's message in its learner's language; mark what was sent or refused, even when a failure
    stops the batch (the task retries the rest)."""
    if not links:
        return
    sent: list[int] = []
    bounced: dict[int, str] = {}
    try:
        with get_connection() as connection:
            for link in links:
                try:
                    connection.send_messages([message(link, tokens[link.pk])])
                except Exception as exc:
                    refusal = _refusal(exc)
                    if refusal is None:
                        raise
                    bounced[link.pk] = refusal[:300]
                else:
                    sent.append(link.pk)
    finally:
        now = timezone.now()
        ClaimLink.objects.filter(pk__in=sent).update(sent_at=now)
        for pk, reason in bounced.items():
            ClaimLink.objects.filter(pk=pk).update(bounced_at=now, bounce_reason=reason)


def message(link: ClaimLink, token: str) -> EmailMultiAlternatives:
    """The claim e-mail of ``link``: plain text with an HTML alternative, in the link's language."""
    record = link.credential
    organisation = record.organisation
    language = language_for(record.specification, link.language)
    with translation.override(language):
        titles = record.specification.data.get("title") if record.specification else None
        title = (titles.get(language) if isinstance(titles, dict) else None) or record.document.get("name", "")
        zone = organisation.zone()
        expires = formats.date_format(timezone.localtime(link.expires_at, zone), "DATETIME_FORMAT")
        context = {
            "organisation": organisation.name,
            "title": title,
            "url": claim_url(token),
            "expires": expires,
            "zone": organisation.zone_name,
            "language": language,
        }
        subject = _("%(organisation)s has issued you a credential") % {"organisation": organisation.name}
        text = render_to_string("delivery/claim_email.txt", context)
        html = render_to_string("delivery/claim_email.html", context)
    email = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [link.email])
    email.attach_alternative(html, "text/html")
    email.extra_headers["Content-Language"] = language
    return email


def open_link(token: str) -> ClaimLink:
    """The link for ``token``; raises ``ClaimLink.DoesNotExist`` (404) or :class:`LinkGone` (410)."""
    link = ClaimLink.objects.select_related("credential__organisation").get(token_hash=_hash(token))
    if link.expires_at < timezone.now():
        ClaimLink.objects.filter(pk=link.pk).update(email="", token_sealed=b"")
        raise LinkGone(_("This link has expired. Ask the issuer to send a new one."))
    return link


def mark_claimed(link: ClaimLink) -> None:
    if link.claimed_at is None:
        ClaimLink.objects.filter(pk=link.pk).update(claimed_at=timezone.now(), email="", token_sealed=b"")
