"""The claim e-mail: in the learner's language (the spreadsheet's language column, else the micro-credential's),
HTML with a plain-text part, user text escaped, times in the organisation's zone without a doubled full stop, and
one message per file with the embedded default's file backend."""

from __future__ import annotations

import email
import json
import re
import smtplib
from datetime import UTC, datetime
from email import policy
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as MemoryBackend

from merit.core.microcredential import Learner
from merit.server.accounts.models import Organisation
from merit.server.bulk import services as bulk
from merit.server.delivery import services as delivery
from merit.server.delivery.models import ClaimLink
from merit.server.issuing import services
from merit.server.issuing.models import Specification

ROOT = Path(__file__).parents[3]


def _specification(organisation: Organisation, language: str = "sv") -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    data["language"] = language
    data["title"] = {"sv": "Installation av solceller", "en": "Installing photovoltaic systems"}
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    return services.publish_specification(draft, actor="test")


@pytest.fixture
def immediate(settings: Any) -> Any:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return settings


def _run(specification: Specification, content: bytes, capture: Any) -> None:
    job, _, _ = bulk.create_job(specification, "learners.csv", content, actor="test")
    with capture(execute=True):
        bulk.run_job(job.pk)


SUBJECTS = {
    "en": "Yrkeshögskolan Norr has issued you a credential",
    "sv": "Yrkeshögskolan Norr har utfärdat ett intyg till dig",
    "nb": "Yrkeshögskolan Norr har utstedt et kvalifikasjonsbevis til deg",
    "fi": "Yrkeshögskolan Norr on myöntänyt sinulle todistuksen",
    "pl": "Otrzymujesz poświadczenie od Yrkeshögskolan Norr",
}


def test_each_learner_gets_the_email_in_the_language_of_the_row(
    college: Organisation, immediate: Any, django_capture_on_commit_callbacks: Any
) -> None:
    specification = _specification(college, language="sv")
    content = (
        b"email,name,language\n"
        b"eng@example.se,E,en\nswe@example.se,S,\nnor@example.no,N,nb\nfin@example.fi,F,fi\npol@example.pl,P,pl\n"
    )
    with django_capture_on_commit_callbacks(execute=True):  # A staff member browsing in English changes nothing.
        _run(specification, content, django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m for m in mail.outbox}
    languages = {"eng@example.se": "en", "swe@example.se": "sv", "nor@example.no": "nb", "fin@example.fi": "fi"}
    languages["pol@example.pl"] = "pl"
    for address, language in languages.items():
        message = by_address[address]
        assert message.subject == SUBJECTS[language], address
        assert message.extra_headers["Content-Language"] == language
        html = message.alternatives[0][0]
        assert f'<html lang="{language}">' in html
    assert "Installing photovoltaic systems" in by_address["eng@example.se"].body
    assert "Installation av solceller" in by_address["swe@example.se"].body


def test_a_single_credential_follows_the_specifications_language(
    college: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    specification = _specification(college, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        delivery.issue_one(specification, Learner(email="a@example.se"), actor="test")
    assert mail.outbox[0].subject == SUBJECTS["en"]
    assert ClaimLink.objects.get().language == "en"


def test_html_with_a_text_part_escaped_and_no_double_full_stop(db: None) -> None:
    organisation = services.create_organisation(slug="amp", name='Bygg & Co <b>"AB"</b>', country="SE")
    specification = _specification(organisation, language="en")
    record = services.issue_from_specification(specification, Learner(email="a@example.se"), actor="test")
    token = delivery.create_link(record, "a@example.se", "en")
    # 07:58 UTC is 08:58 in Stockholm (English once wrote "8:58 a.m.", whose full stop the sentence doubled).
    ClaimLink.objects.update(expires_at=datetime(2027, 1, 3, 7, 58, tzinfo=UTC))
    delivery.send_claim_email(record.pk, token)
    (message,) = mail.outbox
    text, (html, kind) = message.body, message.alternatives[0]
    assert kind == "text/html"
    assert 'Bygg & Co <b>"AB"</b> has issued you a digital credential' in text  # Plain text is not HTML-escaped.
    assert "Bygg &amp; Co &lt;b&gt;&quot;AB&quot;&lt;/b&gt;" in html
    assert "<b>" not in html
    assert f'href="https://merit.test/claim/{token}"' in html
    assert f"https://merit.test/claim/{token}" in text
    assert "3 January 2027, 08:58 (Europe/Stockholm)." in text
    assert ".." not in text
    assert ".." not in html
    assert 'style="' in html
    assert "<style" not in html


def test_the_file_backend_writes_one_message_per_file(
    college: Organisation, immediate: Any, django_capture_on_commit_callbacks: Any, tmp_path: Path
) -> None:
    immediate.EMAIL_BACKEND = "merit.server.delivery.filemail.EmailBackend"
    immediate.EMAIL_FILE_PATH = str(tmp_path)
    specification = _specification(college)
    content = ("email\n" + "".join(f"learner{i}@example.se\n" for i in range(5))).encode()
    _run(specification, content, django_capture_on_commit_callbacks)
    files = sorted(tmp_path.iterdir())
    assert len(files) == 5
    recipients = set()
    for path in files:
        assert path.suffix == ".eml"
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        recipients.add(str(parsed["To"]))
        assert parsed.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in parsed.iter_parts()] == ["text/plain", "text/html"]
    assert recipients == {f"learner{i}@example.se" for i in range(5)}
    assert ClaimLink.objects.exclude(sent_at=None).count() == 5


def test_a_mail_server_down_on_every_retry_marks_the_links_bounced(
    college: Organisation, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from merit.server.delivery import tasks

    specification = _specification(college)
    record = services.issue_from_specification(specification, Learner(email="a@example.se"), actor="test")
    delivery.deliver_many([(record, "a@example.se", "sv")])
    link = ClaimLink.objects.get()

    def down(link_ids: list[int]) -> None:
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(delivery, "email_links", down)
    monkeypatch.setattr(tasks.retry, "again", lambda *args: False)  # The last attempt.
    with pytest.raises(ConnectionRefusedError):
        tasks.email_claim_links.func([link.pk], attempt=8)
    link.refresh_from_db()
    assert link.bounced_at is not None
    assert link.bounce_reason == "ConnectionRefusedError: mail server down"


class BusyBackend(MemoryBackend):
    """A mail server that answers "try later" (451) for one address: a failure worth retrying."""

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if "busy@example.se" in message.to:
                raise smtplib.SMTPRecipientsRefused({"busy@example.se": (451, b"4.7.1 try again later")})
        return super().send_messages(messages)


def test_a_temporary_refusal_stops_the_batch_for_a_retry_and_nothing_is_sent_twice(
    college: Organisation, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.server.delivery.test_mail.BusyBackend"
    specification = _specification(college)
    records = [
        services.issue_from_specification(specification, Learner(email=address), actor="test")
        for address in ("first@example.se", "busy@example.se", "last@example.se")
    ]
    delivery.deliver_many(
        [
            (record, record_email, "sv")
            for record, record_email in zip(
                records, ("first@example.se", "busy@example.se", "last@example.se"), strict=True
            )
        ]
    )
    ids = list(ClaimLink.objects.order_by("pk").values_list("pk", flat=True))
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        delivery.email_links(ids)
    assert [m.to[0] for m in mail.outbox] == ["first@example.se"]
    sent = list(ClaimLink.objects.order_by("pk").values_list("email", "sent_at"))
    assert [address for address, at in sent if at is not None] == ["first@example.se"]
    assert ClaimLink.objects.exclude(bounced_at=None).count() == 0  # 4xx is not a bounce.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    delivery.email_links(ids)  # The retry.
    assert sorted(m.to[0] for m in mail.outbox) == ["busy@example.se", "first@example.se", "last@example.se"]


def test_a_link_made_before_tokens_were_sealed_gets_a_new_working_token(college: Organisation, client: Any) -> None:
    specification = _specification(college)
    record = services.issue_from_specification(specification, Learner(email="old@example.se"), actor="test")
    delivery.create_link(record, "old@example.se")
    ClaimLink.objects.update(token_sealed=b"")  # As links made before migration 0002 are.
    delivery.email_links([ClaimLink.objects.get().pk])
    (message,) = mail.outbox
    (path,) = re.findall(r"https://merit\.test(/claim/[A-Za-z0-9_-]+)", message.body)
    assert client.get(path).status_code == 200
