"""The learner's competence passport: the credentials they hold, their e-mail addresses, their holder key and
the shares they make. Credential JSON is never built here; the original bytes are kept exactly as received."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class EmailAddress(models.Model):
    """A further e-mail address of a learner, so that credentials issued to an old address land in the same
    passport. The account's own address is the user's ``email``.

    .. pii: an e-mail address of the learner.
    .. pii_types: email_address
    .. pii_retirement: deleted with the account, or when the learner removes it
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_addresses")
    email = models.EmailField(_("e-mail address"))
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "email"], name="one_address_per_learner")]


class HolderKey(models.Model):
    """The learner's holder key (``did:key``, Ed25519) for signing presentations, sealed like issuer keys.

    .. pii: the learner's DID, a pseudonymous identifier.
    .. pii_types: id
    .. pii_retirement: deleted with the account
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="holder_key")
    did = models.CharField(max_length=200, unique=True)
    encrypted_secret = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)


class HeldCredential(models.Model):
    """A credential in a learner's passport, with what was found when it was added.

    .. pii: the credential is about the learner (name, hashed e-mail, results).
    .. pii_types: other
    .. pii_retirement: deleted with the account or when the learner removes it
    """

    class Format(models.TextChoices):
        VC = "vc", _("Verifiable Credential")
        VC_JOSE = "vc-jose", _("Verifiable Credential (VC-JOSE)")
        OB3_JWT = "ob3-jwt", _("Open Badges 3.0 (JWT)")
        OB2 = "ob2", _("Open Badges 2.0")
        EDC = "edc", _("Europass Digital Credential")

    class Source(models.TextChoices):
        CLAIM = "claim", _("claimed from a link")
        IMPORT = "import", _("imported")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="held_credentials")
    original = models.BinaryField(help_text="The credential, byte for byte as received.")
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=10, choices=Format.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    credential_id = models.CharField(max_length=500, blank=True)
    title = models.CharField(max_length=500)
    titles = models.JSONField(default=dict, blank=True, help_text="The title in each language the credential has.")
    issuer_name = models.CharField(max_length=500, blank=True)
    issuer_id = models.CharField(max_length=500, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True, db_index=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    eqf_level = models.PositiveSmallIntegerField(null=True, blank=True)
    ects = models.FloatField(null=True, blank=True)
    hours = models.FloatField(null=True, blank=True)
    skills = models.JSONField(default=list, blank=True, help_text="[{uri, label}] of the skills it names.")
    outcome = models.CharField(max_length=20, help_text="The verification outcome when the credential was added.")

    class SubjectMatch(models.TextChoices):
        YES = "yes", _("issued to you")
        NO = "no", _("not issued to you")
        UNKNOWN = "unknown", _("not known to whom it was issued")

    subject_match = models.CharField(
        max_length=10,
        choices=SubjectMatch.choices,
        default=SubjectMatch.UNKNOWN,
        help_text="Whether it was issued to one of the learner's verified identifiers (merit.server.passport.subjects);"
        " only 'yes' counts toward skills and progress.",
    )
    status_entries = models.JSONField(default=list, blank=True, help_text="[{url, index, purpose}] of its status.")
    accreditation = models.CharField(
        max_length=20,
        blank=True,
        help_text="The accreditation check's outcome at the last verification ('' when it made none).",
    )
    accredited_by = models.CharField(max_length=500, blank=True, help_text="The accrediting body that check named.")
    namesake_of = models.CharField(
        max_length=500,
        blank=True,
        help_text="The accredited organisation whose name the issuer uses without being it, at the last verification.",
    )
    units = models.JSONField(
        default=list,
        blank=True,
        help_text="[{unit, coverage, qualification}]: the units of qualifications its alignments say it covers"
        " (merit.server.passport.pathways).",
    )
    specification = models.CharField(
        max_length=220,
        blank=True,
        help_text="'organisation-slug/key' of its specification when this installation issued it ('' otherwise):"
        " the specification's approved unit mappings then say which units it covers.",
    )
    assessment = models.JSONField(default=list, blank=True, help_text="Merit's codes of its types of assessment.")
    supervision = models.CharField(max_length=40, blank=True, help_text="Merit's code of its supervision level.")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "sha256"], name="one_copy_per_passport")]
        ordering = ["-issued_at", "-added_at"]

    @property
    def recipient_verified(self) -> bool:
        """Whether the credential was issued to one of the learner's verified e-mail addresses or DIDs."""
        return self.subject_match == self.SubjectMatch.YES

    @property
    def document(self) -> dict[str, Any]:
        """The credential as JSON (for a JWT, the credential it carries, as its verification read it)."""
        if self.is_jws:
            from merit.core.jwt import credential_of

            return dict(credential_of(bytes(self.original).decode("ascii")))
        return dict(json.loads(bytes(self.original)))

    @property
    def is_jws(self) -> bool:
        """Whether the original is a compact JWS (VC-JOSE, an Open Badges 3.0 JWT, a signed Open Badges 2.0
        assertion) rather than a JSON document."""
        return not bytes(self.original).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")

    @property
    def media_type(self) -> tuple[str, str]:
        """The original's media type and file extension, for downloads."""
        if not self.is_jws:
            return "application/vc+ld+json", "json"
        return ("application/vc+jwt" if self.format == self.Format.VC_JOSE else "application/jwt"), "jwt"

    @property
    def display_title(self) -> str:
        """The title in the reader's language when the credential has it."""
        reader = (get_language() or "en").split("-")[0]
        return str(self.titles.get(reader) or self.title) if isinstance(self.titles, dict) else self.title


class Share(models.Model):
    """A public link to some of a learner's credentials, with an expiry and a revoke button. Only a SHA-256
    hash of the link's secret is stored; a link made for a purpose (a PDF's QR code, LinkedIn) keeps its secret
    sealed too, so that the same link is used again for the same credential and purpose.

    .. pii: which credentials the learner shared, and the name the learner chose to show with them.
    .. pii_types: name, other
    .. pii_retirement: deleted with the account
    """

    class Purpose(models.TextChoices):
        SHARE = "share", _("share link")
        PDF = "pdf", _("PDF")
        LINKEDIN = "linkedin", _("LinkedIn")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares")
    label = models.CharField(_("label"), max_length=200, blank=True)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.SHARE)
    shown_name = models.CharField(
        _("your name as visitors see it"), max_length=200, blank=True, help_text="Who the share page says shared it."
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sealed_token = models.BinaryField(blank=True, default=b"", help_text="A purpose link's secret, sealed.")
    credentials = models.ManyToManyField(HeldCredential, related_name="shares")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]


class CachedStatusList(models.Model):
    """A status list credential fetched for re-checking the passport's cards, kept for a few minutes.

    .. no_pii: status lists are public documents.
    """

    url = models.CharField(max_length=1000, unique=True)
    document_json = models.TextField()
    fetched_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, help_text="Whether the list credential itself verified.")
