"""What an importer returns: the qualifications it read and, for each record it could not read, where and why.

Importers never raise for a bad record: they list it in :attr:`Batch.errors` and go on, so that one upload shows
every problem at once. A whole file that cannot be read (not XML, too large, a DTD) raises
:class:`ImportRefused`. The server saves a batch only when it has no errors (``docs/decisions/0024``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from merit.core.errors import MalformedValueError
from merit.core.qualifications import rules
from merit.core.qualifications.model import Qualification

MAX_BYTES = 5 * 1024 * 1024
"""The largest file an importer reads (a register page of 100 qualifications is well under 1 MB)."""
MAX_RECORDS = 1000


class ImportRefused(MalformedValueError):
    """The file as a whole cannot be read; nothing in it is imported."""


@dataclass(frozen=True)
class RecordError:
    """A record that cannot be imported: ``record`` names it (its id, or its position: ``record 3``, ``line 7``)."""

    record: str
    message: str


@dataclass
class Batch:
    qualifications: list[Qualification] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    notes: list[RecordError] = field(default_factory=list)
    """What was read but not interpreted (kept in ``extra``): not errors."""

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, record: str, message: str) -> None:
        self.errors.append(RecordError(record, message))

    def add(self, record: str, qualification: Qualification) -> None:
        """Keep ``qualification`` unless its rules are contradictory or its IRI came earlier in the batch."""
        if any(q.iri == qualification.iri for q in self.qualifications):
            self.fail(record, f"{qualification.iri} is in the file twice")
            return
        if len(self.qualifications) >= MAX_RECORDS:
            self.fail(record, f"a file may hold at most {MAX_RECORDS} qualifications")
            return
        if found := rules.problems(qualification):
            for problem in found:
                self.fail(record, problem.message)
            return
        self.qualifications.append(qualification)


ESCO_SKILL = re.compile(
    r"^http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)


def esco_skills(value: str, where: str) -> tuple[str, ...]:
    """The ESCO skill IRIs in ``value`` (separated by spaces); :class:`ValueError` naming ``where`` for anything
    else."""
    found = tuple(value.split())
    for iri in found:
        if not ESCO_SKILL.match(iri):
            raise ValueError(f"{where}: {iri!r} is not an ESCO skill IRI (http://data.europa.eu/esco/skill/…)")
    return found


def check_size(content: bytes | str) -> None:
    if len(content) > MAX_BYTES:
        raise ImportRefused(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    if not content.strip():
        raise ImportRefused("the file is empty")
