"""The trust registry: the authorities of this installation, the accreditations they grant (published as signed
accreditation credentials, see ``merit.core.trust``), applications and their decision history, and the rights a
creator organisation grants others to issue its micro-credentials. Credential JSON is never built here."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from merit.server.accounts.models import Organisation
from merit.server.issuing.models import IssuedCredential

QA_FRAMEWORKS = [
    ("ESG", "ESG (European Standards and Guidelines for Quality Assurance in the EHEA)"),
    ("EQAVET", "EQAVET (European Quality Assurance in Vocational Education and Training)"),
    ("national", _("a national scheme")),
    ("other", _("another framework")),
]


class Authority(models.Model):
    """A registry authority: an organisation of this installation (its ``did:web`` and keys sign the
    accreditations) that is a root of trust.

    .. no_pii:
    """

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="authority")
    requires_mapping_approval = models.BooleanField(
        default=True,
        help_text="A micro-credential mapped to a unit of a qualification this authority owns counts only once "
        "the authority approved the mapping (decision 0025).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")

    def __str__(self) -> str:
        return self.organisation.name


class QualityAssuranceBody(models.Model):
    """A quality-assurance body an authority recognises (an EQAR-registered agency, a national VET inspectorate).

    .. no_pii:
    """

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="quality_bodies")
    name = models.CharField(max_length=300)
    framework = models.CharField(max_length=20, choices=QA_FRAMEWORKS)
    country = models.CharField(max_length=2, blank=True)
    url = models.URLField(blank=True)
    recognised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="one_body_name_per_authority")]
        verbose_name = _("quality-assurance body")
        verbose_name_plural = _("quality-assurance bodies")

    def __str__(self) -> str:
        return self.name


class Scope(models.Model):
    """What an application asks for or an accreditation covers (``merit.core.trust.Scope``).

    .. no_pii:
    """

    eqf_min = models.PositiveSmallIntegerField(null=True, blank=True)
    eqf_max = models.PositiveSmallIntegerField(null=True, blank=True)
    isced_fields = models.JSONField(default=list, blank=True)
    credential_types = models.JSONField(default=list, blank=True)
    regions = models.JSONField(default=list, blank=True)
    qualifications = models.JSONField(
        default=list, blank=True, help_text="IRIs of the qualifications it covers awarding (a certifying institution)."
    )

    class Meta:
        abstract = True


class Application(Scope):
    """An organisation's application to an authority for accreditation, with its evidence.

    .. pii: who submitted and who decided (usernames).
    .. pii_types: username
    .. pii_retirement: kept as the registry's record of decisions
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="applications")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="applications")
    qa_framework = models.CharField(max_length=20, choices=QA_FRAMEWORKS)
    qa_framework_detail = models.CharField(max_length=300, blank=True)
    accrediting_body = models.CharField(max_length=300)
    message = models.TextField(blank=True, max_length=5000)
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True, max_length=5000)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.authority} ({self.get_state_display()}, {self.created_at:%Y-%m-%d})"


class Evidence(models.Model):
    """A document attached to an application (a QA report, a decision of a national body...).

    .. no_pii: documents about an organisation.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")

    def __str__(self) -> str:
        return self.name


class Accreditation(Scope):
    """An accreditation of an organisation by an authority, published as a signed accreditation credential.
    It is never deleted: it is withdrawn (a state with its reason and time, and a signed replacement that ends at
    the withdrawal), so the trust list keeps saying what was accredited when.

    .. no_pii:
    """

    class State(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        WITHDRAWN = "withdrawn", _("withdrawn")
        EXPIRED = "expired", _("expired")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="accreditations")
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="accreditations")
    application = models.OneToOneField(Application, on_delete=models.SET_NULL, null=True, blank=True)
    qa_framework = models.CharField(max_length=300)
    accrediting_body = models.CharField(max_length=300)
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.ACTIVE)
    credential = models.OneToOneField(IssuedCredential, on_delete=models.PROTECT, related_name="+")
    withdrawal = models.OneToOneField(
        IssuedCredential, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    state_reason = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.authority}, {self.get_current_state_display()})"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ProtectedError("an accreditation is withdrawn, never deleted", {self})

    @property
    def current_state(self) -> str:
        """The state now: an active accreditation whose period has ended is expired (no decision needed)."""
        if self.state == self.State.ACTIVE and self.valid_until is not None and self.valid_until <= timezone.now():
            return str(self.State.EXPIRED)
        return str(self.state)

    def get_current_state_display(self) -> str:
        return str(dict(self.State.choices)[self.current_state])


class Decision(models.Model):
    """One decision about an application or an accreditation: visible to the applicant, kept for the record.

    .. pii: the deciding user's username.
    .. pii_types: username
    .. pii_retirement: kept as the registry's record of decisions
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions", null=True)
    accreditation = models.ForeignKey(Accreditation, on_delete=models.CASCADE, related_name="decisions", null=True)
    action = models.CharField(max_length=30)
    reason = models.TextField(blank=True, max_length=5000)
    actor = models.CharField(max_length=200)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        about = self.application or self.accreditation
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}: {about}"


class IssuingGrant(models.Model):
    """The right a creator organisation grants another to issue one of its micro-credentials, for a time.

    .. no_pii:
    """

    creator = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="grants_given")
    specification_key = models.SlugField(max_length=100)
    grantee = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="grants_received")
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("issuing grant")
        verbose_name_plural = _("issuing grants")

    def __str__(self) -> str:
        return f"{self.creator} → {self.grantee}: {self.specification_key}"
