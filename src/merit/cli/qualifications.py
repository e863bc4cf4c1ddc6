"""``merit qualifications import FILE --organisation SLUG``: import a file of qualifications (LOQ XML, ZRK JSON or
XML, Merit's JSON, CSV) for an organisation, all or nothing, as the import page does."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from merit.cli.io import UsageError


def import_file(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "merit.server.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from merit.core.qualifications.batch import ImportRefused
    from merit.server.accounts.models import Organisation
    from merit.server.qualifications import imports

    organisation = Organisation.objects.filter(slug=args.organisation).first()
    if organisation is None:
        raise UsageError(f"there is no organisation {args.organisation!r}")
    path = Path(args.file)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        batch = imports.check(organisation, content, filename=path.name, actor="cli")
    except ImportRefused as exc:
        print(f"{path}: {exc.message}", file=sys.stderr)
        return 1
    for note in batch.notes:
        print(f"note: {note['record']}: {note['message']}", file=sys.stderr)
    if batch.errors:
        for error in batch.errors:
            print(f"{error['record']}: {error['message']}", file=sys.stderr)
        print(f"{path}: nothing imported ({len(batch.errors)} problem(s))", file=sys.stderr)
        return 1
    try:
        saved = imports.apply(batch, actor="cli")
    except imports.NotImportable as exc:
        print(f"{path}: nothing imported: {exc}", file=sys.stderr)
        return 1
    for item in batch.plan:
        print(f"{item['action']}d {item['code']} {item['id']}")
    print(f"{len(saved)} qualification(s) imported for {organisation.slug}")
    return 0
