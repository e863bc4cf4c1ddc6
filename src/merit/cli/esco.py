"""``merit esco import``: ESCO labels in another language from the official CSV exports, into the folder the server
reads them from (``$MERIT_ESCO_LABELS``, else ``$MERIT_HOME/esco``; ``docs/decisions/0020-esco-languages.md``)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from merit.cli.io import UsageError


def labels_directory(into: str | None = None) -> Path:
    """The folder for the label files: ``into``, else ``$MERIT_ESCO_LABELS``, else ``$MERIT_HOME/esco`` (the
    server's settings use the same rule)."""
    if into:
        return Path(into)
    if os.environ.get("MERIT_ESCO_LABELS"):
        return Path(os.environ["MERIT_ESCO_LABELS"])
    return Path(os.environ.get("MERIT_HOME", Path.home() / ".merit")) / "esco"


def import_labels(args: argparse.Namespace) -> int:
    from merit.core.microcredential import esco_languages as languages

    named = {languages.language_of(name) for name in args.files}
    try:
        language = languages.merit_language(args.language) if args.language else None
    except languages.ExportError as exc:
        raise UsageError(f"--language {args.language!r} is not a language code") from exc
    if language is None:
        if len(named) != 1 or None in named:
            raise UsageError("say the files' language with --language (their names do not say one language)")
        language = named.pop()
    directory = labels_directory(args.into)
    total = unknown = 0
    labels: dict[str, list[object]] = {}
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise UsageError(f"{name}: no such file")
        try:
            kept, left_out = languages.join(languages.read_file(path))
        except UnicodeDecodeError as exc:
            raise UsageError(f"{name}: not UTF-8 (the official ESCO exports are)") from exc
        except languages.ExportError as exc:
            missing = exc.details.get("columns")
            columns = ", ".join(str(c) for c in missing) if isinstance(missing, list) else ""
            raise UsageError(f"{name}: not an ESCO CSV export (missing columns: {columns})") from exc
        labels.update(kept)
        total += len(kept)
        unknown += left_out
        print(f"{name}: {len(kept)} concepts in {language}; {left_out} not in the bundled ESCO v1.1.1, left out")
    if not labels:
        print("merit esco import: no concept of the bundled ESCO found; nothing written", file=sys.stderr)
        return 1
    target = languages.write(directory, language, labels, [Path(name).name for name in args.files])
    print(f"wrote {target} ({total} concepts); restart merit serve to use them")
    return 0
