"""The report of a credential its issuer revoked or suspended on this installation says when (in the reader's
locale) and why (the issuer's words, escaped), and only for an authentic credential."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from merit.server.accounts.models import Organisation
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential
from tests.server.portal.support import micro_credential, paste, plain_credential, tampered

pytestmark = pytest.mark.django_db
WHEN = datetime(2027, 3, 5, 14, 30, tzinfo=UTC)


def changed(organisation: Organisation, document: dict, state: str, reason: str) -> None:
    services.set_status(organisation, document["id"], state, reason=reason, actor="test")
    IssuedCredential.objects.filter(organisation=organisation, credential_id=document["id"]).update(
        state_changed_at=WHEN
    )


def block(html: str) -> str:
    return html.split('<div class="status-change"', 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize(
    ("language", "when", "words"),
    [
        ("en", "On 5 March 2027, 14:30 (UTC) the issuer revoked this credential.", "The issuer's reason"),
        ("sv", "Den 5 mars 2027 14:30 (UTC) återkallade utfärdaren det här intyget.", "Utfärdarens skäl"),
    ],
)
def test_a_revoked_credential_says_when_and_why(
    client: Client, college: Organisation, language: str, when: str, words: str
) -> None:
    credential = micro_credential(college)
    changed(college, credential, "revoked", 'Issued in error <script>alert("x")</script>')
    html = paste(client, credential, language).content.decode()
    shown = block(html)
    assert 'data-status-change="revoked"' in shown
    assert when in shown
    assert words in shown
    assert "Issued in error &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in shown
    assert "<script>alert" not in html


def test_a_suspended_credential_says_when(client: Client, college: Organisation) -> None:
    credential = plain_credential(college)
    changed(college, credential, "suspended", "")
    shown = block(paste(client, credential).content.decode())
    assert "the issuer suspended this credential" in shown
    assert "reason" not in shown


def test_nothing_is_said_for_a_valid_or_a_tampered_credential(client: Client, college: Organisation) -> None:
    valid = micro_credential(college)
    assert 'class="status-change"' not in paste(client, valid).content.decode()
    changed(college, valid, "revoked", "Cheating in the exam")
    forged = paste(client, tampered(valid)).content.decode()
    assert "Cheating in the exam" not in forged
    assert 'class="status-change"' not in forged


def test_a_change_recorded_before_its_time_was_kept_gives_the_reason_only(
    client: Client, college: Organisation
) -> None:
    credential = micro_credential(college)
    services.set_status(college, credential["id"], "revoked", reason="Course withdrawn", actor="test")
    IssuedCredential.objects.filter(credential_id=credential["id"]).update(state_changed_at=None)
    shown = block(paste(client, credential).content.decode())
    assert "Course withdrawn" in shown
    assert "On " not in shown
