"""A mail server that cannot be reached delays the claim e-mails (retried with back-off), it does not lose them."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from django.conf import LazySettings
from django_tasks_db.models import DBTaskResult

from merit.core.microcredential import Learner
from merit.server.accounts.models import Organisation
from merit.server.delivery import services as delivery
from merit.server.delivery.models import ClaimLink
from merit.server.delivery.tasks import email_claim_links
from merit.server.issuing import services
from merit.server.workers import retry

ROOT = Path(__file__).parents[3]


@pytest.mark.django_db
def test_claim_e_mails_are_retried_while_the_mail_server_is_down(college: Organisation, settings: LazySettings) -> None:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    spec = services.publish_specification(services.save_specification(college, "s", data, actor="t")[0], actor="t")
    record = services.issue_from_specification(spec, Learner(email="a@example.se"), actor="test")
    delivery.create_link(record, "a@example.se")
    link = ClaimLink.objects.get()
    with socket.socket() as probe:  # A port nobody listens on.
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    email_claim_links.call([link.pk])
    (again,) = DBTaskResult.objects.filter(task_path="merit.server.delivery.tasks.email_claim_links")
    assert again.args_kwargs == {"args": [[link.pk]], "kwargs": {"attempt": 2}}
    link.refresh_from_db()
    assert link.sent_at is None
    with pytest.raises(ConnectionRefusedError):
        email_claim_links.call([link.pk], attempt=retry.ATTEMPTS)
    assert DBTaskResult.objects.count() == 1, "the last attempt is not queued again"
