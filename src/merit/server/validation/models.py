"""Validation of prior and work-based learning (``docs/decisions/0027-validation-of-learning.md``).

A *case* is either a learner's application to a certifying institution (with a signed presentation of held
credentials, evidence files and a statement: the learner's :class:`Submission`) or a workplace case an institution
opens itself (a trade body observing a skill on site). Assessors decide unit by unit; a :class:`Decision` is never
edited, only superseded by a later one for the same unit.

What stays when the learner deletes their account: the submission and its evidence go with the account (they are
the learner's); the case and its decisions stay as the institution's record of what it decided, naming the learner
as it recorded them.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from merit.server.accounts.models import Organisation
from merit.server.qualifications.models import Qualification, Unit

OUTCOMES = {
    "recognised": _("recognised"),
    "not-recognised": _("not recognised"),
    "further-assessment": _("further assessment needed"),
}
METHODS = {
    "interview": _("interview"),
    "observation": _("observation at work"),
    "test": pgettext_lazy("validation method", "test"),
    "portfolio": _("portfolio"),
}
SUPERVISION = {
    "supervised-with-id": _("supervised, with identity verification"),
    "supervised-without-id": _("supervised, no identity verification"),
    "unsupervised-with-id": _("unsupervised, with identity verification"),
    "unsupervised-without-id": _("unsupervised, no identity verification"),
}
"""The supervision levels of ``merit.core.microcredential.vocab.SUPERVISION`` (same keys), in the reader's language."""


class Case(models.Model):
    """An application for validation, or a workplace case an institution opened.

    .. pii: the learner's name and e-mail address, the units asked for; for a workplace case the employer, place,
       date and observer.
    .. pii_types: name, email_address, other
    .. pii_retirement: kept as the institution's record of its decisions (the learner's submission is deleted with
       the account)
    """

    class Kind(models.TextChoices):
        APPLICATION = "application", _("application")
        WORKPLACE = "workplace", _("validation at the workplace")

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("validation case", "open")
        WITHDRAWN = "withdrawn", _("withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="validation_cases")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="validation_cases")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="validation_cases"
    )
    learner_email = models.EmailField(help_text="The learner's address; a workplace case shows to whoever verified it.")
    learner_name = models.CharField(max_length=200, blank=True)
    units = models.JSONField(default=list, help_text="The IRIs of the units to decide.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    employer = models.CharField(max_length=300, blank=True)
    place = models.CharField(max_length=300, blank=True)
    observed_on = models.DateField(null=True, blank=True)
    observer = models.CharField(max_length=200, blank=True)
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("validation case")
        verbose_name_plural = _("validation cases")

    def __str__(self) -> str:
        return f"{self.public_id} {self.institution.slug} {self.qualification.iri}"

    @property
    def urn(self) -> str:
        return f"urn:uuid:{self.public_id}"


class Submission(models.Model):
    """What the learner sent with an application: the signed presentation byte for byte, its verification report
    on receipt, and the statement.

    .. pii: the learner's credentials (in the presentation), their holder DID and their statement.
    .. pii_types: other, id
    .. pii_retirement: deleted with the account
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="submission")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    presentation = models.BinaryField(help_text="The signed presentation, byte for byte as received.")
    challenge = models.CharField(max_length=100)
    domain = models.CharField(max_length=300)
    outcome = models.CharField(max_length=20, help_text="The presentation's verification outcome on receipt.")
    report = models.JSONField(default=dict, help_text="The verification report on receipt.")
    statement = models.TextField(blank=True, max_length=5000)
    received_at = models.DateTimeField(auto_now_add=True)


class Evidence(models.Model):
    """A file the learner attached (a portfolio, a reference, a photo of work done).

    .. pii: a document about the learner.
    .. pii_types: other
    .. pii_retirement: deleted with the account
    """

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]


class DecisionEdited(Exception):
    """A decision is never changed: a later one supersedes it."""


class Decision(models.Model):
    """An assessor's decision on one unit of a case, with how it was assessed and why.

    .. pii: the assessor's username; what was decided about the learner.
    .. pii_types: username, other
    .. pii_retirement: kept as the institution's record of its decisions
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="validation_decisions")
    outcome = models.CharField(max_length=20, choices=list(OUTCOMES.items()))
    method = models.CharField(max_length=20, choices=list(METHODS.items()))
    supervision = models.CharField(max_length=30, choices=list(SUPERVISION.items()))
    identity_checked = models.BooleanField(default=False)
    identity_method = models.CharField(max_length=200, blank=True)
    reason = models.TextField(max_length=5000)
    assessor = models.CharField(max_length=200)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise DecisionEdited("a decision is never edited; record a new one that supersedes it")
        super().save(*args, **kwargs)

    @property
    def urn(self) -> str:
        return f"urn:uuid:{self.public_id}"
