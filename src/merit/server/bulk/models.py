"""Bulk issuance jobs and their rows. A row is issued in one transaction with its credential, so a job stopped
at any point resumes with no duplicate and no gap."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from merit.server.accounts.models import Organisation
from merit.server.issuing.models import IssuedCredential, Specification


class IssuanceJob(models.Model):
    """One uploaded file for one published specification. The same file is never issued twice.

    .. no_pii: counts and a hash of the file only.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="issuance_jobs")
    specification = models.ForeignKey(Specification, on_delete=models.PROTECT, related_name="issuance_jobs")
    file_sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=255)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    created_by = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(
        max_length=500, blank=True, help_text="Why the job stopped (state failed), after its retries were spent."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "specification", "file_sha256"], name="one_job_per_file")
        ]


class IssuanceRow(models.Model):
    """One learner row of an upload.

    .. pii: the learner's e-mail address, name or DID as uploaded, kept to issue and deliver the credential.
    .. pii_types: email_address, name
    .. pii_retirement: deleted with the job; the issued credential keeps only a salted hash of the address
    """

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        ISSUED = "issued", _("issued")
        REJECTED = "rejected", _("rejected")

    job = models.ForeignKey(IssuanceJob, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(help_text="The row's line number in the uploaded file.")
    data = models.JSONField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    error = models.CharField(max_length=500, blank=True)
    credential = models.OneToOneField(IssuedCredential, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="unique_row_number")]
        indexes = [models.Index(fields=["job", "state"])]


class CheckedUpload(models.Model):
    """A file that passed the dry run, kept so that the issuer issues it without choosing it again. Only the member
    who checked it may issue it, through an unguessable key; it is deleted once issued, or when it expires.

    .. pii: the uploaded file: learners' e-mail addresses, names or DIDs.
    .. pii_types: email_address, name
    .. pii_retirement: deleted when its job is created, or once expired (on the next upload, or by a task)
    """

    key = models.CharField(max_length=43, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="checked_uploads")
    specification = models.ForeignKey(Specification, on_delete=models.CASCADE, related_name="checked_uploads")
    created_by = models.CharField(max_length=200)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    valid = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
