"""Claim links: how a learner receives a credential."""

from __future__ import annotations

from django.db import models

from merit.server.issuing.models import IssuedCredential


class ClaimLink(models.Model):
    """An unguessable, expiring link to one credential. Only a SHA-256 hash of the token is stored.

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
