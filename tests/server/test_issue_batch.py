"""Issuing in batches: one transaction, status indexes allocated together across list boundaries, every
credential verifying, and a bad row refused on its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from merit.core.errors import MeritError
from merit.core.microcredential import Learner
from merit.core.status import MIN_ENTRIES
from merit.server.accounts.models import AuditEvent, Organisation
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification, StatusEntry, StatusList

ROOT = Path(__file__).parents[2]


@pytest.fixture
def forklift(employer: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "forklift-workplace-validation.json").read_text(encoding="utf-8"))
    draft, _ = services.save_specification(employer, "forklift", data, actor="test")
    return services.publish_specification(draft, actor="test")


def test_a_batch_spreads_over_new_lists_without_repeating_an_index(
    forklift: Specification, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "FILL_LIMIT", 10 / MIN_ENTRIES)  # Ten entries a list, so 25 need three lists.
    learners = [(Learner(email=f"learner{i}@example.pl"), None) for i in range(25)]
    results = services.issue_batch(forklift, learners, actor="test")
    assert all(isinstance(r, IssuedCredential) for r in results)
    entries = list(StatusEntry.objects.all())
    assert len(entries) == 50  # A revocation and a suspension entry each (decision 0017).
    assert len({(e.status_list_id, e.index) for e in entries}) == 50
    assert StatusList.objects.filter(purpose="revocation").count() == 3
    assert StatusList.objects.filter(purpose="suspension").count() == 3
    for status_list in StatusList.objects.all():
        assert status_list.allocated == status_list.entries.count()
    assert AuditEvent.objects.filter(action="credential.issued").count() == 25
    verifier = services.verifier()
    for record in results[::6]:
        assert isinstance(record, IssuedCredential)
        assert verifier.verify_credential(record.document).verified


def test_a_bad_grade_refuses_only_its_row(forklift: Specification) -> None:
    items = [(Learner(email="a@example.pl"), "zaliczone"), (Learner(email="b@example.pl"), "A+")]
    good, bad = services.issue_batch(forklift, items, actor="test")
    assert isinstance(good, IssuedCredential)
    assert isinstance(bad, MeritError)
    assert "not one of" in bad.message
    assert IssuedCredential.objects.count() == 1
