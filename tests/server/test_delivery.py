"""Delivery: claim links by e-mail, the claim page, the download, expiry, and escaping."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core import mail
from django.utils import timezone

from merit.server.accounts.models import Organisation
from merit.server.bulk import services as bulk
from merit.server.delivery.models import ClaimLink
from merit.server.issuing import services
from merit.server.issuing.models import Specification

ROOT = Path(__file__).parents[2]


def _specification(organisation: Organisation, title: str = "Installing photovoltaic systems") -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    data["title"] = {"sv": title, "en": title}
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    return services.publish_specification(draft, actor="test")


def _links(text: str) -> list[str]:
    return re.findall(r"https://merit\.test(/claim/[A-Za-z0-9_-]+)", text)


def test_bulk_issuance_emails_each_learner_a_working_claim_link(
    college: Organisation, client: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    specification = _specification(college)
    content = b"email,name\nanna@example.se,Anna\nomar@example.se,Omar\n"
    job, _, _ = bulk.create_job(specification, "two.csv", content, actor="test")
    with django_capture_on_commit_callbacks(execute=True):
        bulk.run_job(job.pk)
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.se", "omar@example.se"]
    message = next(m for m in mail.outbox if m.to == ["anna@example.se"])
    # In the micro-credential's language (Swedish), as no row asks for another.
    assert message.subject == "Yrkeshögskolan Norr har utfärdat ett intyg till dig"
    (path,) = _links(message.body)
    token = path.rsplit("/", 1)[1]
    assert not ClaimLink.objects.filter(token_hash=token).exists()  # Stored hashed only.
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Installing photovoltaic systems" in html
    assert "<svg" in html
    assert page["Cache-Control"] == "no-store"
    download = client.get(path + "/credential.json")
    claimed = ClaimLink.objects.exclude(claimed_at=None).get()
    assert claimed.email == ""  # The address is cleared once the credential is claimed.
    assert download.content == claimed.credential.document_json.encode()
    assert download["Content-Type"].startswith("application/vc+ld+json")


def test_expired_and_unknown_links(college: Organisation, client: Any) -> None:
    specification = _specification(college)
    from merit.core.microcredential import Learner
    from merit.server.delivery import services as delivery

    record = services.issue_from_specification(specification, Learner(email="a@example.se"), actor="test")
    token = delivery.create_link(record, "a@example.se")
    assert client.get(f"/claim/{token}").status_code == 200
    ClaimLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    gone = client.get(f"/claim/{token}")
    assert gone.status_code == 410
    assert "expired" in gone.content.decode()
    assert ClaimLink.objects.get().email == ""
    assert client.get("/claim/not-a-real-token").status_code == 404


def test_user_text_is_escaped_on_the_claim_page(college: Organisation, client: Any) -> None:
    specification = _specification(college, title='<script>alert("x")</script>')
    from merit.core.microcredential import Learner
    from merit.server.delivery import services as delivery

    record = services.issue_from_specification(specification, Learner(email="a@example.se"), actor="test")
    html = client.get(f"/claim/{delivery.create_link(record)}").content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html
