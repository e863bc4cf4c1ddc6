"""The units of qualifications a micro-credential covers, as Open Badges 3.0 ``alignment`` entries (decision 0025).

An approved mapping of a specification to a unit (a set of learning outcomes) of a qualification becomes two kinds of
``Alignment``, standard OB 3.0 properties only:

* the unit: ``targetType`` ``ext:QualificationUnit``, ``targetUrl`` the unit's IRI, ``targetName`` its title,
  ``targetFramework`` the IRI of the qualification it belongs to, ``targetCode`` the coverage (``full`` or
  ``partial``), ``targetDescription`` a sentence saying so;
* the qualification, once: ``targetType`` ``ceterms:Credential`` (the CTDL term OB 3.0 lists for a credential such
  as a qualification), ``targetUrl`` its register IRI, ``targetName`` its title, ``targetCode`` its code.

:func:`alignments` writes them from plain data (the server passes its approved mappings); :func:`read` reads them back
into :class:`~merit.core.credview.UnitAlignment` from any issuer's credential that uses this encoding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from merit.core.credview import UnitAlignment
from merit.core.microcredential import vocab

UNIT = vocab.QUALIFICATION_UNIT
QUALIFICATION = "ceterms:Credential"
COVERAGES = ("full", "partial")
_SAYS = {"full": "fully", "partial": "partly"}


@dataclass(frozen=True)
class UnitCover:
    """A unit a specification covers: the unit's IRI, title and code, the coverage, and its qualification's IRI,
    title and code (titles in the credential's language, or the best the catalogue has)."""

    unit: str
    unit_name: str
    qualification: str
    qualification_name: str
    coverage: str = "full"
    unit_code: str = ""
    qualification_code: str = ""

    def __post_init__(self) -> None:
        if self.coverage not in COVERAGES:
            raise ValueError(f"coverage must be full or partial, not {self.coverage!r}")


def alignments(covers: Sequence[UnitCover]) -> list[dict[str, Any]]:
    """The OB 3.0 alignments of ``covers``: each unit, then each qualification once, in the order given."""
    found: list[dict[str, Any]] = []
    qualifications: dict[str, dict[str, Any]] = {}
    for cover in covers:
        unit = cover.unit_code or cover.unit
        of = " ".join(part for part in (cover.qualification_code, cover.qualification_name) if part)
        says = f"Covers unit {unit} of qualification {of or cover.qualification} {_SAYS[cover.coverage]}"
        found.append(
            {
                "type": ["Alignment"],
                "targetType": UNIT,
                "targetName": cover.unit_name or cover.unit,
                "targetUrl": cover.unit,
                "targetFramework": cover.qualification,
                "targetCode": cover.coverage,
                "targetDescription": says,
            }
        )
        if cover.qualification not in qualifications:
            entry: dict[str, Any] = {
                "type": ["Alignment"],
                "targetType": QUALIFICATION,
                "targetName": cover.qualification_name or cover.qualification,
                "targetUrl": cover.qualification,
            }
            if cover.qualification_code:
                entry["targetCode"] = cover.qualification_code
            qualifications[cover.qualification] = entry
    return found + list(qualifications.values())


def _iri(value: Any) -> str | None:
    return value if isinstance(value, str) and ":" in value and not value.isspace() and len(value) <= 2000 else None


def read(entries: Iterable[Any]) -> list[UnitAlignment]:
    """The units ``entries`` (an achievement's alignments) say the credential covers. A unit's qualification is its
    ``targetFramework`` when that is an IRI, else the one qualification alignment whose IRI begins the unit's, else
    unknown; a coverage other than ``full`` reads as ``partial`` (never more than the credential says)."""
    items = [a for a in entries if isinstance(a, dict)]
    qualifications = [q for a in items if a.get("targetType") == QUALIFICATION and (q := _iri(a.get("targetUrl")))]
    found: list[UnitAlignment] = []
    seen: set[str] = set()
    for a in items:
        unit = _iri(a.get("targetUrl")) if a.get("targetType") == UNIT else None
        if unit is None or unit in seen:
            continue
        seen.add(unit)
        qualification = _iri(a.get("targetFramework"))
        if qualification is None:
            prefixed = [q for q in qualifications if unit.startswith(q)]
            qualification = prefixed[0] if len(prefixed) == 1 else None
        found.append(UnitAlignment(unit, "full" if a.get("targetCode") == "full" else "partial", qualification))
    return found
