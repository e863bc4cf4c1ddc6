"""ESCO labels in other languages than the bundled English: read from the official ESCO CSV exports, kept in a
file per language, looked up and searched with English as the fallback.

ESCO publishes its classification in 28 languages; an operator downloads the CSV export of a language (for
example ``skills_pl.csv`` and ``skillGroups_pl.csv``) and runs ``merit esco import`` on it. :func:`read_export`
reads such a file (columns ``conceptUri``, ``preferredLabel``, ``altLabels``: the official layout, one alternative
label a line) and :func:`join` keeps the concepts the bundled ESCO v1.1.1 knows, joined on ``conceptUri`` (concept
URIs do not change between ESCO versions; labels may). :func:`write` stores them as
``<directory>/esco-<language>.json.gz``; :meth:`Labels.load` reads every such file of a directory. The core reads
no settings: the caller passes the directory (the server, ``MERIT_HOME/esco`` by default).

Every answer says which language its text is in, so that a page in Polish can mark an English fallback
``lang="en"``. This service uses the ESCO classification of the European Commission.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from merit.core.microcredential import esco
from merit.core.microcredential.esco_index import words

__all__ = [
    "FORMAT",
    "ExportError",
    "Label",
    "Labels",
    "join",
    "language_of",
    "read_export",
    "write",
]

FORMAT = "merit-esco-labels/1"
# ESCO's language codes where they differ from Merit's: ESCO's Norwegian is Bokmål under "no".
_ESCO_TO_MERIT = {"no": "nb"}
_FILE_LANGUAGE = re.compile(r"^[A-Za-z]+_([a-z]{2,3})(?:-[A-Za-z]+)?\.csv$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_REQUIRED = ("conceptUri", "preferredLabel")
MAX_LABEL = 500
# One concept's labels in a stored file: [preferred label, [alternative labels]].
Entry = list[Any]


class ExportError(ValueError):
    """The file is not an ESCO CSV export Merit reads; ``reason`` names what is wrong (for translated messages),
    ``details`` the facts (a row number, the missing columns)."""

    def __init__(self, reason: str, **details: object) -> None:
        super().__init__(f"{reason}: {details}" if details else reason)
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class Label:
    """A concept's label in ``language`` (a Merit language code: ``en``, ``sv``, ``nb``, ``fi``, ``pl``)."""

    text: str
    language: str


def language_of(file_name: str) -> str | None:
    """The Merit language code of an ESCO export's file name (``skills_pl.csv`` → ``pl``, ``skills_no.csv`` →
    ``nb``), or ``None`` when the name does not say."""
    found = _FILE_LANGUAGE.match(Path(file_name).name)
    if found is None:
        return None
    code = found.group(1).lower()
    return _ESCO_TO_MERIT.get(code, code)


def merit_language(code: str) -> str:
    """A language code as Merit names it (ESCO's ``no`` is ``nb``); refuses what is not a language code."""
    code = code.strip().lower()
    if not _LANGUAGE.match(code):
        raise ExportError("bad-language", language=code)
    return _ESCO_TO_MERIT.get(code, code)


def _clean(text: str) -> str:
    return " ".join(text.split())[:MAX_LABEL]


def read_export(stream: IO[str]) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(concept URI, preferred label, alternative labels) for each row of an official ESCO CSV export.

    The export is UTF-8 with a header row; list cells such as ``altLabels`` hold one label a line. A file without
    ``conceptUri`` and ``preferredLabel`` columns raises :class:`ExportError` (``missing-columns``); rows without a
    URI or a label are skipped."""
    reader = csv.DictReader(stream)
    header = [name.lstrip("\ufeff") for name in reader.fieldnames or []]
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise ExportError("missing-columns", columns=missing)
    reader.fieldnames = header
    for row in reader:
        uri = (row.get("conceptUri") or "").strip()
        preferred = _clean(row.get("preferredLabel") or "")
        if not uri or not preferred:
            continue
        alternatives = tuple(
            label for label in (_clean(part) for part in (row.get("altLabels") or "").split("\n")) if label
        )
        yield uri, preferred, alternatives


def join(rows: Iterable[tuple[str, str, tuple[str, ...]]]) -> tuple[dict[str, Entry], int]:
    """The rows whose concept the bundled ESCO knows (a skill or a skill group), keyed by its URI, and how many
    rows were left out because it does not."""
    kept: dict[str, Entry] = {}
    unknown = 0
    for uri, preferred, alternatives in rows:
        concept = esco.concept(uri)
        if concept is None:
            unknown += 1
            continue
        kept[concept.uri] = [preferred, list(alternatives)]
    return kept, unknown


def path_for(directory: Path, language: str) -> Path:
    return directory / f"esco-{language}.json.gz"


def write(directory: Path, language: str, labels: dict[str, Entry], sources: list[str]) -> Path:
    """Store ``labels`` (from :func:`join`) for ``language``, merged with what is stored already (a later export
    of the same concept replaces its labels); returns the file written."""
    directory.mkdir(parents=True, exist_ok=True)
    target = path_for(directory, language)
    merged: dict[str, Entry] = {}
    known_sources: list[str] = []
    if target.exists():
        old = _read(target)
        merged.update(old.get("labels", {}))
        known_sources = list(old.get("sources", []))
    merged.update(labels)
    document = {
        "format": FORMAT,
        "language": language,
        "sources": sorted(set(known_sources) | set(sources)),
        "labels": dict(sorted(merged.items())),
    }
    data = gzip.compress(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), mtime=0)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target


def _read(path: Path) -> dict[str, Any]:
    document = json.loads(gzip.decompress(path.read_bytes()))
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ExportError("not-a-label-file", path=str(path))
    return document


class Labels:
    """ESCO labels per language, with the bundled English as the fallback."""

    def __init__(self, tables: dict[str, dict[str, Entry]] | None = None) -> None:
        self.tables = tables or {}
        self._folded: dict[str, list[tuple[str, str, bool]]] = {}

    @classmethod
    def load(cls, directory: Path | None) -> Labels:
        """Every ``esco-<language>.json.gz`` in ``directory`` (none when it is ``None`` or absent)."""
        tables: dict[str, dict[str, Entry]] = {}
        if directory is not None and directory.is_dir():
            for path in sorted(directory.glob("esco-*.json.gz")):
                document = _read(path)
                language = str(document.get("language") or "")
                labels = document.get("labels")
                if _LANGUAGE.match(language) and isinstance(labels, dict):
                    tables[language] = labels
        return cls(tables)

    @property
    def languages(self) -> list[str]:
        return sorted(self.tables)

    def label(self, uri: str, languages: list[str]) -> Label | None:
        """The concept's preferred label in the first of ``languages`` that has one, else the bundled English;
        ``None`` when ESCO does not know the concept."""
        concept = esco.concept(uri)
        if concept is None:
            return None
        for language in languages:
            entry = self.tables.get(language, {}).get(concept.uri)
            if entry:
                return Label(str(entry[0]), language)
        return Label(concept.label, "en")

    def alternatives(self, uri: str, language: str) -> tuple[str, ...]:
        entry = self.tables.get(language, {}).get(uri)
        if entry and isinstance(entry[1], list):
            return tuple(str(label) for label in entry[1])
        found = esco.skill(uri)
        return found.alt_labels if found is not None and language == "en" else ()

    def _index(self, language: str) -> list[tuple[str, str, bool]]:
        """(folded label between spaces, URI, is preferred) of every skill label in ``language``."""
        found = self._folded.get(language)
        if found is None:
            found = []
            for uri, entry in self.tables.get(language, {}).items():
                if esco.skill(uri) is None:
                    continue  # A skill group: not something a learning outcome aligns to.
                found.append((f" {' '.join(words(str(entry[0])))} ", uri, True))
                found.extend((f" {' '.join(words(str(alt)))} ", uri, False) for alt in entry[1] or [])
            self._folded[language] = found
        return found

    def search(self, query: str, language: str, *, limit: int = 10) -> list[tuple[esco.Skill, Label]]:
        """Skills whose label in ``language`` matches ``query`` (every query word starts a word of the label,
        ignoring case and accents), best first: exact preferred labels, preferred labels, alternative labels, shorter
        before longer; then English matches (:func:`merit.core.microcredential.esco.search`) fill up to ``limit``,
        each with the label in ``language`` where there is one."""
        text = query[: esco.MAX_QUERY_LENGTH].strip()
        if limit <= 0 or len(text) < esco.MIN_QUERY_LENGTH:
            return []
        results: list[tuple[esco.Skill, Label]] = []
        seen: set[str] = set()
        query_words = words(text)
        if language in self.tables and query_words:
            exact = f" {' '.join(query_words)} "
            starts = sorted({" " + word for word in query_words}, key=len, reverse=True)
            # The longest (most selective) word first, in one pass the interpreter runs quickly; then the others.
            first, rest = starts[0], starts[1:]
            candidates = [entry for entry in self._index(language) if first in entry[0]]
            hits = [
                (folded != exact, not preferred, len(folded), folded, uri)
                for folded, uri, preferred in candidates
                if all(start in folded for start in rest)
            ]
            for *_rank, uri in sorted(hits):
                if uri in seen:
                    continue
                seen.add(uri)
                found = esco.skill(uri)
                label = self.label(uri, [language])
                if found is not None and label is not None:
                    results.append((found, label))
                if len(results) >= limit:
                    return results
        for found in esco.search(text, limit=limit):
            if found.uri not in seen and len(results) < limit:
                seen.add(found.uri)
                results.append((found, self.label(found.uri, [language]) or Label(found.label, "en")))
        return results


def read_file(path: Path) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """:func:`read_export` of a file on disk (UTF-8, with or without a byte order mark)."""
    with open(path, encoding="utf-8-sig", newline="") as stream:
        yield from read_export(stream)
