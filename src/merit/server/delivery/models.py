"""Claim links: how a learner receives a credential."""

from __future__ import annotations

from django.db import models

from merit.server.issuing.models import IssuedCredential


class ClaimLink(models.Model):
    """An unguessable, expiring link to one credential. A SHA-256 hash of the token finds the link; the token itself
    is kept sealed (AES-GCM under the key-encryption key, ``issuing/sealing.py``) only until the link is claimed or
    expires, for the issuer's export of a job's claim links (``docs/decisions/0019-spreadsheets.md``).

    .. pii: the address the link was sent to, kept until the link is claimed or expires.
    .. pii_types: email_address
    .. pii_retirement: cleared when the credential is claimed or the link expires
    """

    credential = models.OneToOneField(IssuedCredential, on_delete=models.CASCADE, related_name="claim_link")
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    token_sealed = models.BinaryField(blank=True, default=b"")
    language = models.CharField(max_length=8, blank=True, help_text="The language of the e-mail (en, sv, nb, fi, pl).")
    bounced_at = models.DateTimeField(null=True, blank=True, help_text="When the mail server refused the message.")
    bounce_reason = models.CharField(max_length=300, blank=True)
