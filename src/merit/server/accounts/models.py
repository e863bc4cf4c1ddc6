"""Organisations, their members and roles, API tokens and the audit log."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def did_prefix() -> str:
    """What every organisation's ``did:web`` on this installation starts with (its slug follows)."""
    host = settings.BASE_URL.split("://", 1)[1].split("/", 1)[0].replace(":", "%3A")
    return f"did:web:{host}:orgs:"


COUNTRY_ZONES = {
    "SE": "Europe/Stockholm",
    "NO": "Europe/Oslo",
    "FI": "Europe/Helsinki",
    "DK": "Europe/Copenhagen",
    "IS": "Atlantic/Reykjavik",
    "PL": "Europe/Warsaw",
    "EE": "Europe/Tallinn",
    "LV": "Europe/Riga",
    "LT": "Europe/Vilnius",
    "DE": "Europe/Berlin",
    "NL": "Europe/Amsterdam",
    "BE": "Europe/Brussels",
    "FR": "Europe/Paris",
    "IE": "Europe/Dublin",
    "AT": "Europe/Vienna",
    "CZ": "Europe/Prague",
    "SK": "Europe/Bratislava",
    "IT": "Europe/Rome",
    "ES": "Europe/Madrid",
}
"""The time zone of an organisation that has not chosen one, by country (countries with one zone only)."""


class Organisation(models.Model):
    """An issuer organisation (college, training firm, employer, industry body, municipality...).

    .. no_pii: an organisation's public profile is not personal data.
    """

    slug = models.SlugField(unique=True, max_length=60)
    name = models.CharField(_("legal name"), max_length=300)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=200, blank=True)
    registration_id = models.CharField(_("registration number"), max_length=200, blank=True)
    homepage = models.URLField(_("homepage"), blank=True)
    linkedin_id = models.CharField(
        _("LinkedIn organisation id"),
        max_length=20,
        blank=True,
        help_text=_(
            "The number in your LinkedIn company page's admin address, so that learners' profiles show your logo."
        ),
    )
    logo = models.BinaryField(_("logo"), blank=True, default=b"")
    logo_type = models.CharField(max_length=20, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        help_text="An IANA time zone; empty means the zone of the organisation's country (COUNTRY_ZONES), else UTC.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    @property
    def zone_name(self) -> str:
        """The organisation's time zone: its own, else its country's, else UTC."""
        return self.time_zone or COUNTRY_ZONES.get(self.country.upper(), "UTC")

    def zone(self) -> ZoneInfo:
        """The time zone in which dates without a time are read (bulk uploads) and times are shown (e-mails)."""
        try:
            return ZoneInfo(self.zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    @property
    def did(self) -> str:
        """The organisation's ``did:web``, served by Merit at ``/orgs/<slug>/did.json``."""
        return f"{did_prefix()}{self.slug}"


class Role(models.TextChoices):
    OWNER = "owner", _("owner")
    DESIGNER = "designer", _("designer")
    ISSUER = "issuer", _("issuer")
    VIEWER = "viewer", _("viewer")
    ASSESSOR = "assessor", _("assessor")


class Membership(models.Model):
    """A user's role in an organisation.

    .. pii: links a user account to an organisation.
    .. pii_types: id
    .. pii_retirement: deleted with the user
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_user")]


class Account(models.Model):
    """What Merit knows about a user account beyond Django's user: whether its e-mail address is verified, and the
    language the user chose with the language switcher (empty: the browser's).

    .. pii: records when a user's e-mail address was verified, and the user's chosen language.
    .. pii_types: id
    .. pii_retirement: deleted with the user
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merit_account")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True, default="")


class Invitation(models.Model):
    """An invitation to join an organisation with a role. Only a SHA-256 hash of the link's secret is stored.

    .. pii: the invited person's e-mail address and who invited them.
    .. pii_types: email_address, id
    .. pii_retirement: deleted with the organisation; the inviter link is cleared when that user is deleted
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"


class ApiToken(models.Model):
    """A per-organisation API token. Only a SHA-256 hash of the secret is stored.

    .. no_pii:
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEvent(models.Model):
    """One action in an organisation: who, when, what. Exportable.

    .. pii: the actor's username.
    .. pii_types: username
    .. pii_retirement: the actor is replaced by "deleted user" when the user is deleted
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="audit_events", null=True)
    actor = models.CharField(max_length=200)
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
