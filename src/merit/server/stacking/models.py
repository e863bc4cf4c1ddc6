"""Awards of qualifications: the stacked credential an institution signed (an ``IssuedCredential``, with the
learner's details in the issuer's record there) and the components and recognised units it rests on, with what
was found of each when it was awarded. No credential JSON is built here (``services.py`` does, through
``merit.core.qualifications.award``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from merit.server.accounts.models import Organisation
from merit.server.issuing.models import IssuedCredential
from merit.server.qualifications.models import Qualification


class Award(models.Model):
    """A full or partial qualification, or one unit of it, awarded by an accredited institution.

    .. pii: who awarded it (a username); the learner is named only in the credential's issuer record.
    .. pii_types: username
    .. pii_retirement: kept as the institution's record of what it awarded
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="awards")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="awards")
    unit_iri = models.CharField(max_length=500, blank=True, help_text="The unit awarded, when only one unit is.")
    credential = models.OneToOneField(IssuedCredential, on_delete=models.PROTECT, related_name="award")
    accreditation_id = models.CharField(
        max_length=300, help_text="The accreditation credential that named the qualification at the award."
    )
    source = models.CharField(max_length=100, blank=True, help_text="Where the basis came from (a validation case).")
    awarded_by = models.CharField(max_length=200)
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-awarded_at", "-pk"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.organisation.slug}: {self.qualification.iri} ({self.credential.credential_id})"


class AwardComponent(models.Model):
    """One thing an award rests on: a component credential (its id, the SHA-256 of its bytes as verified, its
    issuer and the state found) or a unit recognised by validation (the decision's IRI).

    .. no_pii: identifiers of credentials and decisions; the credentials themselves are not kept here.
    """

    class Kind(models.TextChoices):
        CREDENTIAL = "credential", _("component credential")
        RECOGNITION = "recognition", _("recognised unit")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    credential_id = models.CharField(max_length=500, help_text="The credential's id, or the decision's IRI.")
    sha256 = models.CharField(max_length=64, blank=True)
    issuer = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=20, help_text="What was found at the award (valid, recognised).")
    units = models.JSONField(default=list, help_text="The unit IRIs it counted for.")

    class Meta:
        ordering = ["award", "pk"]
        verbose_name = _("award component")
        verbose_name_plural = _("award components")
