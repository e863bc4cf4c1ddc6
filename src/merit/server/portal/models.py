"""Verification receipts: what the portal checked, kept so that a receipt's link keeps working.

Receipt JSON is built in ``services.py``; the model stores it as text, byte for byte.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class Receipt(models.Model):
    """A verification receipt, found by an unguessable public id.

    .. no_pii: the SHA-256 of the verified bytes, the credential's id and issuer, and the checks' outcomes; never
       the learner's name, e-mail address or DID (messages naming a holder are left out).
    """

    public_id = models.CharField(max_length=40, unique=True)
    credential_sha256 = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    receipt_json = models.TextField()

    def __str__(self) -> str:
        return f"receipt {self.public_id} ({self.outcome})"

    @property
    def document(self) -> dict[str, Any]:
        return dict(json.loads(self.receipt_json))
