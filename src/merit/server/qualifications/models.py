"""Qualifications as data (``merit.core.qualifications``): qualifications and their units as a register publishes
them, the mapping of micro-credential specifications to units (approved by the registry authority where it
requires), and the qualifications a learner follows. Units and their outcomes are kept as rows and texts, the rules as
Merit's JSON form of them (``merit.core.qualifications.codec``); no credential JSON is kept here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from merit.server.accounts.models import Organisation


def in_reader_language(texts: dict[str, str], fallback: str) -> str:
    """``texts`` in the reader's language, else in ``fallback`` (the register's language), else any it has."""
    reader = (get_language() or "").split("-")[0]
    return texts.get(reader) or texts.get(fallback) or next(iter(texts.values()), "")


class Qualification(models.Model):
    """A full or partial qualification, imported from a register (ZRK, QDR, a national table) or entered in Merit.

    .. no_pii:
    """

    class Kind(models.TextChoices):
        FULL = "full", _("full qualification")
        PARTIAL = "partial", _("partial qualification")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        ARCHIVED = "archived", _("archived")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="qualifications",
        help_text="The authority or certifying institution that imported it and may change it.",
    )
    iri = models.CharField(max_length=500, unique=True)
    code = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=20, default="merit")
    language = models.CharField(max_length=10, default="en")
    title = models.JSONField(help_text="{language: text}")
    description = models.JSONField(default=dict, blank=True)
    country = models.CharField(max_length=2, blank=True)
    nqf_level = models.CharField(max_length=200, blank=True, help_text="The QDR concept IRI of the national level.")
    eqf_level = models.PositiveSmallIntegerField(null=True, blank=True)
    isced = models.CharField(max_length=4, blank=True)
    credits = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    validity_months = models.PositiveIntegerField(null=True, blank=True)
    rules = models.JSONField(default=list, blank=True, help_text="The completion rules, in Merit's JSON form.")
    awarding_bodies = models.JSONField(default=list, blank=True)
    homepage = models.URLField(max_length=500, blank=True)
    extra = models.JSONField(default=dict, blank=True, help_text="Register fields kept for export.")
    search = models.TextField(blank=True, help_text="Code, titles and unit titles, folded for search.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "pk"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")

    def __str__(self) -> str:
        return f"{self.code} {in_reader_language(self.title, self.language)}".strip()


class Unit(models.Model):
    """A set of learning outcomes of a qualification (a unit), with its outcomes and how they are verified.

    .. no_pii:
    """

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="units")
    iri = models.CharField(max_length=500)
    code = models.CharField(max_length=100, blank=True)
    position = models.PositiveIntegerField(default=0)
    title = models.JSONField(help_text="{language: text}")
    outcomes = models.JSONField(default=list, blank=True, help_text="[{text, esco, criteria}]")
    verification = models.JSONField(default=dict, blank=True)
    credits = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, default="active")
    accepted_assessment = models.JSONField(default=list, blank=True)
    min_supervision = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["qualification", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["qualification", "iri"], name="one_unit_iri_per_qualification")]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.code} {in_reader_language(self.title, self.qualification.language)}".strip()


class UnitMapping(models.Model):
    """A micro-credential specification (an organisation's ``specification_key``, every version) covering a unit,
    fully or partly. Where the registry requires it, the mapping counts only once the authority approved it.

    .. pii: who asked and who decided (usernames).
    .. pii_types: username
    .. pii_retirement: kept as the registry's record of decisions
    """

    class Coverage(models.TextChoices):
        FULL = "full", _("fully")
        PARTIAL = "partial", _("partly")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("awaiting approval")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="unit_mappings")
    specification_key = models.SlugField(max_length=100)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="mappings")
    coverage = models.CharField(max_length=10, choices=Coverage.choices, default=Coverage.FULL)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    requested_by = models.CharField(max_length=200)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "specification_key", "unit"], name="one_mapping_per_specification_and_unit"
            )
        ]
        verbose_name = _("unit mapping")
        verbose_name_plural = _("unit mappings")

    def __str__(self) -> str:
        return f"{self.organisation.slug}/{self.specification_key} → {self.unit.iri} ({self.coverage}, {self.state})"


class Following(models.Model):
    """A qualification a learner follows in their passport.

    .. pii: which qualifications a learner works toward.
    .. pii_types: other
    .. pii_retirement: deleted with the account
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_qualifications")
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "qualification"], name="follow_a_qualification_once")]
        verbose_name = _("followed qualification")
        verbose_name_plural = _("followed qualifications")


class ImportBatch(models.Model):
    """One uploaded file of qualifications, read: its dry run (what will be created or updated, each bad record) and,
    once imported, when. Only the member who checked it may import it, through an unguessable key; a batch with a
    bad record is never imported (``docs/decisions/0024-qualification-imports.md``).

    .. pii: who uploaded it (username).
    .. pii_types: username
    .. pii_retirement: the uploader is replaced by "deleted user" when the user is deleted (as in the audit log)
    """

    key = models.CharField(max_length=43, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="qualification_imports")
    created_by = models.CharField(max_length=200)
    filename = models.CharField(max_length=255, blank=True)
    source = models.CharField(max_length=10, help_text="loq, zrk, table or merit")
    qualifications = models.JSONField(default=list, help_text="The qualifications read, in Merit's JSON form.")
    plan = models.JSONField(default=list, help_text="[{id, code, title, action: create|update}]")
    errors = models.JSONField(default=list, help_text="[{record, message}]")
    notes = models.JSONField(default=list, help_text="[{record, message}]: read but not interpreted")
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("qualification import")
        verbose_name_plural = _("qualification imports")

    def __str__(self) -> str:
        return f"{self.organisation.slug}: {self.filename or self.source} ({len(self.qualifications)})"


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def _forget_uploader(sender: type, instance: models.Model, **kwargs: object) -> None:
    """A deleted user's imports name a "deleted user", as the audit log does (``passport.yourdata``)."""
    username = getattr(instance, "get_username", lambda: "")()
    if username:
        ImportBatch.objects.filter(created_by=username).update(created_by="deleted user")
