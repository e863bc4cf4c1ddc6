"""Signing keys, micro-credential specifications, issued credentials and status lists.

Credential JSON is never built here: models store what ``services.py`` produced with ``merit.core``.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from merit.server.accounts.models import Organisation


class OrganisationKey(models.Model):
    """A signing key. The secret is encrypted with the key-encryption key (AES-256-GCM); retired keys stay
    published for verification but no longer sign.

    .. no_pii:
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="keys")
    fragment = models.CharField(max_length=100)
    algorithm = models.CharField(max_length=10)
    public_key_multibase = models.CharField(max_length=200)
    encrypted_secret = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "fragment"], name="unique_key_fragment")]


class Specification(models.Model):
    """A version of a micro-credential specification. A published version is immutable.

    .. no_pii:
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="specifications")
    key = models.SlugField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    data = models.JSONField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "key", "version"], name="unique_spec_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def title(self) -> str:
        """The title in the reader's language, else the specification's default language, else its key."""
        titles = self.data.get("title") if isinstance(self.data, dict) else None
        if not isinstance(titles, dict) or not titles:
            return self.key
        reader = (get_language() or "").split("-")[0]
        return str(titles.get(reader) or titles.get(self.data.get("language")) or next(iter(titles.values())))


class StatusList(models.Model):
    """One Bitstring Status List of an organisation for one purpose; a new one is opened when it fills.

    .. no_pii: bits are positions, not people.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="status_lists")
    purpose = models.CharField(max_length=20)
    sequence = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    bits = models.BinaryField()
    allocated = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    signed_version = models.PositiveIntegerField(default=0)
    signed_json = models.TextField(blank=True, help_text="The signed list credential, byte for byte as served.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "purpose", "sequence"], name="unique_status_list")
        ]


class IssuedCredential(models.Model):
    """A credential Merit signed for an organisation, with its status entries, and the issuer's record of whom it
    issued it to (``docs/decisions/0018-issuer-record-of-learners.md``).

    .. pii: the signed credential identifies the learner by DID or by a salted hash of an e-mail address; the
       issuer's record beside it keeps the learner's name and e-mail address or DID as given at issuance, so that
       the issuer can find, export and revoke a learner's credential.
    .. pii_types: name, email_address, other
    .. pii_retirement: retained (the issuer's record of what it issued); the learner's name and address are erased
       by the issuer on request (``learner_erased_at``), the signed credential stays byte for byte
    """

    class State(models.TextChoices):
        VALID = "valid", _("valid")
        REVOKED = "revoked", _("revoked")
        SUSPENDED = "suspended", _("suspended")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="credentials")
    # Unique per organisation, not per installation: an id another organisation issued is none of this one's business.
    credential_id = models.CharField(max_length=300)
    specification = models.ForeignKey(Specification, on_delete=models.PROTECT, null=True, blank=True)
    document_json = models.TextField(help_text="The signed credential, byte for byte as issued.")
    state = models.CharField(max_length=20, choices=State.choices, default=State.VALID)
    state_reason = models.CharField(max_length=500, blank=True)
    state_changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was last revoked, suspended or reinstated."
    )
    issued_at = models.DateTimeField(auto_now_add=True, db_index=True)
    learner_name = models.CharField(max_length=300, blank=True, help_text="The learner's name as given at issuance.")
    learner_contact = models.CharField(
        max_length=2000, blank=True, help_text="The learner's e-mail address or DID as given at issuance."
    )
    learner_search = models.CharField(
        max_length=2400, blank=True, help_text="Name and address folded (case, accents) for search; see search.py."
    )
    learner_erased_at = models.DateTimeField(
        null=True, blank=True, help_text="When the issuer erased the learner's details on request."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "credential_id"], name="unique_credential_id_per_organisation"
            )
        ]

    @property
    def can_suspend(self) -> bool:
        """Whether the credential carries a suspension entry, so that suspending it is something verifiers see.

        Every credential issued since decision 0017 has one; Open Badges 3.0 credentials issued before it have a
        revocation entry only and can only be revoked. This says nothing of the state (a revoked credential still
        has its entry): the caller decides which actions apply to it. Prefetch ``status_entries__status_list`` when
        asking for many credentials, and this costs no query."""
        return any(entry.status_list.purpose == "suspension" for entry in self.status_entries.all())

    @property
    def actions(self) -> list[str]:
        """The states it may move to now (``transitions.allowed``): none once revoked."""
        from merit.server.issuing.transitions import allowed

        return allowed(self.state, can_suspend=self.can_suspend)

    @property
    def document(self) -> dict[str, Any]:
        """The credential as JSON (for a JWT, the credential it secures)."""
        if self.is_jwt:
            from merit.core.jwt import credential_of

            return dict(credential_of(self.document_json))
        return dict(json.loads(self.document_json))

    @property
    def is_jwt(self) -> bool:
        """Whether it was issued as a JWT (``merit.core.jwt``: the OB 3.0 JWT or VC-JOSE) rather than JSON."""
        return not self.document_json.lstrip().startswith("{")

    @property
    def secured(self) -> Any:
        """The credential as issued, for the VC-API: the JSON credential with its proof, a VC-JOSE credential as an
        ``EnvelopedVerifiableCredential``, an Open Badges 3.0 JWT as its compact text."""
        if not self.is_jwt:
            return self.document
        from merit.core.formats import jws_header
        from merit.core.jwt import enveloped

        vc_jose = jws_header(self.document_json).get("typ") == "vc+jwt"
        return enveloped(self.document_json) if vc_jose else self.document_json

    @property
    def media_type(self) -> str:
        """The media type of ``document_json``."""
        if not self.is_jwt:
            return "application/vc+ld+json"
        secured = self.secured
        return "application/vc+jwt" if isinstance(secured, dict) else "application/jwt"


class StatusEntry(models.Model):
    """The index one credential holds in one status list.

    .. no_pii:
    """

    credential = models.ForeignKey(IssuedCredential, on_delete=models.CASCADE, related_name="status_entries")
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="entries")
    index = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["status_list", "index"], name="unique_status_index")]
