"""Importing qualifications: an uploaded file (LOQ XML, ZRK JSON or XML, Merit's JSON, CSV) is read by the core
importers into a dry run (:func:`check`: what will be created or updated, and every bad record), kept as an
:class:`ImportBatch`; :func:`apply` then saves all of it in one transaction, audited, or nothing: a batch with a bad
record, or one that meets a problem while saving, is refused whole (``docs/decisions/0024``)."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from merit.core.errors import MalformedValueError
from merit.core.qualifications import codec, loq, rules, table, zrk
from merit.core.qualifications.batch import Batch, ImportRefused, RecordError, check_size
from merit.server.accounts.models import Organisation
from merit.server.bulk import files
from merit.server.issuing.services import audit
from merit.server.qualifications import services
from merit.server.qualifications.models import ImportBatch, Qualification

SOURCES = ("loq", "zrk", "table", "merit")


class NotImportable(Exception):
    """The batch has bad records, was imported already, or met a problem while saving; ``errors`` says which."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['record']}: {e['message']}" for e in errors))
        self.errors = errors


def _merit_json(data: Any) -> Batch:
    items = data if isinstance(data, list) else [data]
    batch = Batch()
    for position, item in enumerate(items, start=1):
        name = f"record {position}"
        try:
            batch.add(name, codec.from_json(item))
        except MalformedValueError as exc:
            batch.fail(name, str(exc))
    return batch


def read(content: bytes) -> tuple[str, Batch]:
    """The source format and the batch of ``content``; :class:`ImportRefused` when the file as a whole is unreadable.

    XML: a ``Courses`` root is LOQ, anything else ZRK's legacy XML. JSON: Merit's form when its records carry
    ``"format": codec.FORMAT``, else a ZRK response. Anything else is read as CSV (encoding and delimiter detected).
    """
    check_size(content)
    start = content.lstrip()[:1]
    if content.lstrip().startswith(b"\xef\xbb\xbf"):
        start = content.lstrip()[3:].lstrip()[:1]
    if start == b"<":
        root_is_loq = b"loq-constraints" in content[:4096] and b"Courses" in content[:4096]
        return ("loq", loq.read(content)) if root_is_loq else ("zrk", zrk.read(content))
    if start in (b"{", b"["):
        try:
            data = json.loads(content)
        except RecursionError as exc:
            raise ImportRefused("the JSON is nested too deeply") from exc
        except ValueError as exc:
            raise ImportRefused(f"the file is not valid JSON: {exc}") from exc
        first = data[0] if isinstance(data, list) and data else data
        if isinstance(first, dict) and first.get("format") == codec.FORMAT:
            return "merit", _merit_json(data)
        return "zrk", zrk.read(content)
    try:
        text, _encoding = files.decode(content)
    except files.UploadError as exc:
        raise ImportRefused(str(exc)) from exc
    return "table", table.read(text)


def _errors(found: list[RecordError]) -> list[dict[str, str]]:
    return [{"record": e.record, "message": e.message} for e in found]


def check(organisation: Organisation, content: bytes, *, filename: str, actor: str) -> ImportBatch:
    """The dry run of ``content`` for ``organisation``: raises :class:`ImportRefused` for an unreadable file."""
    source, batch = read(content)
    errors = _errors(batch.errors)
    plan = []
    owners = dict(
        Qualification.objects.filter(iri__in=[q.iri for q in batch.qualifications]).values_list(
            "iri", "organisation_id"
        )
    )
    good = []
    for q in batch.qualifications:
        if q.iri in owners and owners[q.iri] != organisation.pk:
            errors.append({"record": q.iri, "message": "another organisation owns this qualification"})
            continue
        problems = rules.problems(q, services.lookup)
        if problems:
            errors += [{"record": q.iri, "message": p.message} for p in problems]
            continue
        good.append(q)
        title = q.text(q.title) or ""
        action = "update" if q.iri in owners else "create"
        plan.append({"id": q.iri, "code": q.code, "title": title, "lang": q.language, "action": action})
    return ImportBatch.objects.create(
        key=secrets.token_urlsafe(32),
        organisation=organisation,
        created_by=actor,
        filename=filename[:255],
        source=source,
        qualifications=[codec.to_json(q) for q in good],
        plan=plan,
        errors=errors,
        notes=_errors(batch.notes),
    )


def apply(record: ImportBatch, *, actor: str) -> list[Qualification]:
    """Save every qualification of ``record`` in one transaction; :class:`NotImportable` (nothing saved) when the
    batch has errors, was imported already or a qualification cannot be saved now."""
    if record.errors:
        raise NotImportable(record.errors)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=record.pk)
        if locked.imported_at is not None:
            raise NotImportable([{"record": "file", "message": "this file was imported already"}])
        saved = []
        for data in locked.qualifications:
            qualification = codec.from_json(data)
            try:
                saved.append(services.save(locked.organisation, qualification, actor=actor))
            except services.NotYours as exc:
                raise NotImportable(
                    [{"record": qualification.iri, "message": "another organisation owns this qualification"}]
                ) from exc
            except rules.RuleError as exc:
                raise NotImportable(
                    [{"record": qualification.iri, "message": p.message} for p in exc.problems]
                ) from exc
        locked.imported_at = timezone.now()
        locked.save(update_fields=["imported_at"])
        audit(
            locked.organisation,
            actor,
            "qualifications.imported",
            locked.filename or locked.source,
            source=locked.source,
            count=len(saved),
        )
    record.imported_at = locked.imported_at
    return saved


def import_file(organisation: Organisation, content: bytes, *, filename: str, actor: str) -> list[Qualification]:
    """Check and import in one step (the demo, the CLI and the API without a dry run)."""
    return apply(check(organisation, content, filename=filename, actor=actor), actor=actor)
