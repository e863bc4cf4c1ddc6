"""Bulk issuance at scale: a batch costs the same number of queries whatever its size, status indexes say nothing
about the order of issuing, the bulk writes return saved rows, claim e-mails leave through a task that holds no
secret, and two workers allocating at once on PostgreSQL each take a status list of their own."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from merit.core.microcredential import Learner
from merit.server import bulkwrite
from merit.server.accounts.models import AuditEvent, Organisation
from merit.server.bulk import services as bulk
from merit.server.bulk.models import IssuanceRow
from merit.server.delivery import services as delivery
from merit.server.delivery.models import ClaimLink
from merit.server.issuing import services
from merit.server.issuing.models import IssuedCredential, Specification, StatusEntry, StatusList

ROOT = Path(__file__).parents[3]


def _specification(organisation: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(organisation, "solar", data, actor="test")
    return services.publish_specification(draft, actor="test")


def _csv(count: int, start: int = 0) -> bytes:
    return ("email,name,grade\n" + "".join(f"l{i}@example.se,L {i},VG\n" for i in range(start, start + count))).encode()


def _queries_to_run(specification: Specification, count: int, start: int) -> int:
    job, _, _ = bulk.create_job(specification, f"{start}.csv", _csv(count, start), actor="test")
    with CaptureQueriesContext(connection) as queries:
        finished = bulk.run_job(job.pk, batch=count)
    assert finished.issued == count
    return len(queries)


def test_the_queries_of_a_batch_do_not_grow_with_its_rows(college: Organisation) -> None:
    specification = _specification(college)
    _queries_to_run(specification, 2, 0)  # Opens the status list, which takes a few queries once.
    few = _queries_to_run(specification, 3, 100)
    many = _queries_to_run(specification, 60, 200)
    assert few == many
    assert many <= 30, "one batch: claim the rows, allocate, write credentials, entries, audit, links, progress"


def test_status_indexes_are_random_unique_and_not_in_the_order_of_issuing(college: Organisation) -> None:
    specification = _specification(college)
    results = services.issue_batch(
        specification, [(Learner(email=f"l{i}@example.se"), "VG") for i in range(60)], actor="test"
    )
    assert all(isinstance(r, IssuedCredential) for r in results)
    for purpose in ("revocation", "suspension"):  # Each credential has one entry of each (decision 0017).
        indexes = [
            StatusEntry.objects.get(credential=r, status_list__purpose=purpose).index
            for r in results
            if isinstance(r, IssuedCredential)
        ]
        assert len(set(indexes)) == 60
        assert indexes != sorted(indexes)  # Sorted by chance once in 60! runs.
        (status_list,) = StatusList.objects.filter(organisation=college, purpose=purpose)
        assert status_list.allocated == 60


def test_bulk_writes_return_saved_rows_with_their_defaults(college: Organisation, monkeypatch: Any) -> None:
    events = [AuditEvent(organisation=college, actor="test", action="bulkwrite", target=str(i)) for i in range(7)]
    bulkwrite.insert(events)
    assert all(e.pk is not None and e.at is not None and not e._state.adding for e in events)
    stored = AuditEvent.objects.filter(action="bulkwrite").order_by("pk")
    assert [(e.pk, e.target, e.details) for e in stored] == [(e.pk, e.target, {}) for e in events]
    monkeypatch.setattr(bulkwrite, "CHUNK", 3)  # Seven rows in three statements.
    bulkwrite.update_each(AuditEvent, "target", {e.pk: f"t{e.pk}" for e in events}, actor="updated")
    assert {(e.target, e.actor) for e in stored.all()} == {(f"t{e.pk}", "updated") for e in events}


def test_claim_emails_leave_through_a_task_that_holds_no_secret(
    college: Organisation, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    specification = _specification(college)
    job, _, _ = bulk.create_job(specification, "three.csv", _csv(3), actor="test")
    with django_capture_on_commit_callbacks(execute=True):
        bulk.run_job(job.pk)
    assert mail.outbox == []
    (task,) = DBTaskResult.objects.filter(task_path__endswith="email_claim_links")
    (ids,) = task.args_kwargs["args"]
    assert sorted(ids) == sorted(ClaimLink.objects.values_list("pk", flat=True))
    delivery.email_links(ids)
    assert sorted(m.to[0] for m in mail.outbox) == ["l0@example.se", "l1@example.se", "l2@example.se"]
    for message in mail.outbox:
        (path,) = re.findall(r"https://merit\.test(/claim/[A-Za-z0-9_-]+)", message.body)
        assert client.get(path).status_code == 200
    delivery.email_links(ids)
    assert len(mail.outbox) == 3, "links already sent are not sent again"
    assert IssuanceRow.objects.filter(job=job, state="issued").count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_allocating_at_once_each_take_a_list_of_their_own() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite runs one writer at a time")
    college = services.create_organisation(slug="two-lists", name="Two Lists", country="SE")
    with transaction.atomic():
        # List 1 exists and nobody holds it.
        services._allocate_many(college, "revocation", 1)
    holding, done = threading.Event(), threading.Event()
    taken: list[int] = []

    def first_worker() -> None:
        try:
            with transaction.atomic():
                taken.extend({lst.pk for lst, _ in services._allocate_many(college, "revocation", 5)})
                holding.set()
                done.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    assert holding.wait(10)
    try:
        with transaction.atomic():
            connection.cursor().execute("SET LOCAL lock_timeout = '5s'")  # Fail, rather than hang, if it waits.
            second = {lst.pk for lst, _ in services._allocate_many(college, "revocation", 5)}
    finally:
        done.set()
        thread.join()
    assert len(taken) == len(second) == 1
    assert taken != list(second)
    assert sorted(StatusList.objects.filter(organisation=college).values_list("sequence", "allocated")) == [
        (1, 6),
        (2, 5),
    ]


def _wait_until_held_or_waiting(held: threading.Event) -> None:
    """Return once ``held`` is set or another connection to this database waits for a lock (fail after 10 s)."""
    for _ in range(1000):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0] or held.is_set():
                return
        time.sleep(0.01)
    raise AssertionError("the second batch neither allocated nor waited")


@pytest.mark.django_db(transaction=True)
def test_batches_that_open_lists_at_once_never_wait_for_each_other() -> None:
    """The first two batches of a job both find no list. Neither may hold anything that makes the other's next
    batch wait: when opening a list locked the organisation's row to the end of the batch, the second batch waited
    for the first, took list 1 with the row still locked, and from then on the two workers took turns."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite runs one writer at a time")
    college = services.create_organisation(slug="no-turns", name="No Turns", country="SE")
    opened, first_done, second_holding, release = (threading.Event() for _ in range(4))
    lists: dict[str, set[int]] = {}

    def batch(name: str, hold: threading.Event, held: threading.Event) -> None:
        try:
            with transaction.atomic():
                lists[name] = {lst.sequence for lst, _ in services._allocate_many(college, "revocation", 5)}
                held.set()
                hold.wait(10)
        finally:
            connection.close()

    first = threading.Thread(target=batch, args=("first", first_done, opened))
    first.start()
    assert opened.wait(10)
    second = threading.Thread(target=batch, args=("second", release, second_holding))
    second.start()
    _wait_until_held_or_waiting(second_holding)
    first_done.set()  # The first batch commits list 1.
    first.join()
    try:
        assert second_holding.wait(10)
        with transaction.atomic():
            connection.cursor().execute("SET LOCAL lock_timeout = '5s'")  # Fail, rather than hang, if it waits.
            lists["next"] = {lst.sequence for lst, _ in services._allocate_many(college, "revocation", 5)}
    finally:
        release.set()
        second.join()
    assert lists == {"first": {1}, "second": {2}, "next": {1}}
