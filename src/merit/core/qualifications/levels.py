"""National qualification framework levels: the QDR concepts (``data/nqf-levels-derived.csv``, from the LOQ
schema's ``cv/nqf.xsd``) and the EQF level each maps to.

The EQF level is given only for the frameworks referenced to the EQF one to one, level n to EQF n (SeQF, PQF/PRK,
FiNQF, NKR with its sublevels; sources in ``docs/decisions/0024-qualification-imports.md``).
Any other framework's level has no EQF level here: Merit never guesses one.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

EQF_PREFIX = "http://data.europa.eu/snb/eqf/"
ONE_TO_ONE: dict[str, str] = {
    "SeQF": "SE",
    "PQF": "PL",
    "FiNQF": "FI",
    "NKR": "NO",
}
"""Frameworks whose level n (and sublevels n.1, n.2) is EQF level n, with their country."""
_LABEL = re.compile(r"^(?P<framework>.+?) Level (?P<level>\d)(?:\.\d)?$")


@dataclass(frozen=True)
class Level:
    iri: str
    label: str
    framework: str | None
    eqf: int | None
    country: str | None


@cache
def _all() -> dict[str, Level]:
    text = resources.files("merit.core.qualifications").joinpath("data/nqf-levels-derived.csv").read_text("utf-8")
    found: dict[str, Level] = {}
    for row in csv.DictReader(io.StringIO(text)):
        match = _LABEL.match(row["label_en"])
        framework = match["framework"] if match else None
        mapped = framework in ONE_TO_ONE if framework else False
        found[row["conceptUri"]] = Level(
            iri=row["conceptUri"],
            label=row["label_en"],
            framework=framework,
            eqf=int(match["level"]) if match and mapped else None,
            country=ONE_TO_ONE.get(framework or "") if mapped else None,
        )
    return found


def level(iri: str) -> Level | None:
    """The NQF level concept ``iri``, or None when the QDR vocabulary does not have it."""
    return _all().get(iri)


def find(framework: str, number: str) -> Level | None:
    """The concept of ``framework``'s level ``number`` (``find("SeQF", "5")``, ``find("NKR", "5.1")``), or None."""
    label = f"{framework} Level {number.strip()}"
    return next((lvl for lvl in _all().values() if lvl.label == label), None)


def eqf_of(iri: str | None) -> int | None:
    """The EQF level an NQF level concept maps to, or None (unknown concept or a framework not mapped)."""
    found = level(iri) if iri else None
    return found.eqf if found else None


def eqf_number(iri: str) -> int | None:
    """The number of an EQF level concept (``http://data.europa.eu/snb/eqf/4`` → 4), or None."""
    tail = iri.removeprefix(EQF_PREFIX)
    return int(tail) if tail != iri and tail.isdigit() and 1 <= int(tail) <= 8 else None
