"""The CSV importer for SeQF-placed and other national qualifications: one row per unit; the qualification's own
columns are filled on its first row (later rows of the same qualification leave them empty or repeat them).

Columns (names case-insensitive; ``<lang>`` is a language tag such as ``sv`` or ``en``; ``docs/pathways.md``):
``qualification`` (its IRI, required), ``code``, ``kind`` (``full`` or ``partial``), ``language``, ``title_<lang>``,
``description_<lang>``, ``framework`` and ``level`` (``SeQF`` and ``5``, ``NKR`` and ``5.1``: the QDR concept),
``eqf`` (must agree with the level when both are given), ``country``, ``isced`` (ISCED-F code), ``credits``,
``status``, ``validity_months``, ``rules`` (``all S1 S2; 1 of S3 S4; 60 credits``), and for the unit: ``unit`` (its
code; the unit's IRI is ``<qualification>#<unit>``), ``unit_title_<lang>``, ``unit_credits``,
``unit_outcomes_<lang>`` (outcomes separated by ``|``), ``unit_esco`` (each outcome's ESCO skill IRIs, separated by
spaces, the outcomes by ``|``), ``unit_verification_<lang>``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from merit.core.qualifications import levels
from merit.core.qualifications.batch import Batch, ImportRefused, check_size, esco_skills
from merit.core.qualifications.model import KINDS, STATUSES, Outcome, Qualification, Rule, Text, Unit

FIXED = (
    "qualification", "code", "kind", "language", "framework", "level", "eqf", "country", "isced", "credits",
    "status", "validity_months", "rules", "unit", "unit_credits", "unit_esco",
)  # fmt: skip
PREFIXED = ("title_", "description_", "unit_title_", "unit_outcomes_", "unit_verification_")
DELIMITERS = (",", ";", "\t")
_CHOOSE = re.compile(r"^(\d+)\s+of\s+(.+)$", re.IGNORECASE)
_CREDITS = re.compile(r"^(\d+(?:[.,]\d+)?)\s+credits(?:\s+of\s+(.+))?$", re.IGNORECASE)


class _Bad(Exception):
    pass


def _known(name: str) -> bool:
    return name in FIXED or any(name.startswith(prefix) and len(name) > len(prefix) for prefix in PREFIXED)


def _delimiter(header: str) -> str:
    def score(candidate: str) -> tuple[int, int]:
        cells = next(csv.reader([header], delimiter=candidate), [])
        return sum(_known(cell.strip().lower()) for cell in cells), len(cells)

    return max(DELIMITERS, key=score)


def _texts(row: dict[str, str], prefix: str) -> Text:
    return {key[len(prefix) :]: value for key, value in row.items() if key.startswith(prefix) and value}


def _number(value: str, name: str) -> float | None:
    if not value:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise _Bad(f"{name} must be a number, not {value!r}") from None
    if number < 0:
        raise _Bad(f"{name} cannot be negative")
    return number


@dataclass
class _Draft:
    line: int
    row: dict[str, str]
    units: list[Unit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _unit(iri: str, row: dict[str, str]) -> Unit | None:
    code = row.get("unit", "")
    if not code:
        return None
    title = _texts(row, "unit_title_")
    if not title:
        raise _Bad(f"the unit {code} has no title (a unit_title_<lang> column)")
    outcomes: dict[str, list[str]] = {
        language: [part.strip() for part in text.split("|") if part.strip()]
        for language, text in _texts(row, "unit_outcomes_").items()
    }
    count = max((len(texts) for texts in outcomes.values()), default=0)
    if any(len(texts) != count for texts in outcomes.values()):
        raise _Bad(f"the unit {code} has a different number of outcomes in each language")
    groups = [part.strip() for part in row.get("unit_esco", "").split("|")] if row.get("unit_esco") else []
    if groups and len(groups) != count:
        raise _Bad(f"the unit {code} has {len(groups)} groups of ESCO skills for {count} outcomes")
    try:
        esco = [esco_skills(group, f"the unit {code}") for group in groups] or [()] * count
    except ValueError as exc:
        raise _Bad(str(exc)) from exc
    return Unit(
        iri=f"{iri}#{code}",
        code=code,
        title=title,
        outcomes=tuple(
            Outcome({lang: texts[i] for lang, texts in outcomes.items()}, esco=esco[i]) for i in range(count)
        ),
        verification=_texts(row, "unit_verification_") or None,
        credits=_number(row.get("unit_credits", ""), "unit_credits"),
    )


def _rules(text: str, iri: str, codes: set[str]) -> tuple[Rule, ...]:
    def units(words: str) -> tuple[str, ...]:
        names = words.replace(",", " ").split()
        for name in names:
            if name not in codes:
                raise _Bad(f"the rule {part!r} names {name}, which is not a unit of this qualification")
        return tuple(f"{iri}#{name}" for name in names)

    found = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if part.lower() == "all" or part.lower().startswith("all "):
            found.append(Rule("all", units=units(part[3:])))
        elif match := _CHOOSE.match(part):
            found.append(Rule("choose", units=units(match[2]), count=int(match[1])))
        elif match := _CREDITS.match(part):
            found.append(Rule("credits", units=units(match[2] or ""), credits=float(match[1].replace(",", "."))))
        else:
            raise _Bad(f"the rule {part!r} is not “all …”, “N of …” or “N credits [of …]”")
    return tuple(found)


def _qualification(draft: _Draft) -> Qualification:
    row, iri = draft.row, draft.row["qualification"]
    kind = row.get("kind") or "full"
    if kind not in KINDS:
        raise _Bad(f"kind must be full or partial, not {kind!r}")
    status = row.get("status") or "active"
    if status not in STATUSES:
        raise _Bad(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    title = _texts(row, "title_")
    if not title:
        raise _Bad("the qualification has no title (a title_<lang> column)")
    nqf, eqf, country = None, None, row.get("country") or None
    if row.get("framework") or row.get("level"):
        concept = levels.find(row.get("framework", ""), row.get("level", ""))
        if concept is None:
            raise _Bad(f"unknown level {row.get('framework', '')} {row.get('level', '')} (not in the QDR vocabulary)")
        nqf, eqf, country = concept.iri, concept.eqf, country or concept.country
    if row.get("eqf"):
        stated = row["eqf"]
        if not stated.isdigit() or not 1 <= int(stated) <= 8:
            raise _Bad(f"eqf must be a level from 1 to 8, not {stated!r}")
        if eqf is not None and eqf != int(stated):
            raise _Bad(f"eqf {stated} contradicts the national level (EQF {eqf})")
        eqf = int(stated)
    months = row.get("validity_months", "")
    if months and not months.isdigit():
        raise _Bad(f"validity_months must be a whole number, not {months!r}")
    isced = row.get("isced", "")
    if isced and not (isced.isdigit() and len(isced) in (2, 3, 4)):
        raise _Bad(f"isced must be an ISCED-F code of 2 to 4 digits, not {isced!r}")
    language = row.get("language") or next(iter(title))
    credits = _number(row.get("credits", ""), "credits")
    return Qualification(
        iri=iri,
        code=row.get("code", ""),
        kind="full" if kind == "full" else "partial",
        title=title,
        language=language,
        source="table",
        description=_texts(row, "description_") or None,
        country=country.upper() if country else None,
        nqf_level=nqf,
        eqf_level=eqf,
        isced=isced or None,
        credits=credits,
        status=status,
        units=tuple(draft.units),
        rules=_rules(row.get("rules", ""), iri, {u.code for u in draft.units}),
        validity_months=int(months) if months else None,
    )


def read(content: str | bytes) -> Batch:
    """The qualifications of a CSV text (bytes are read as UTF-8; the server decodes other encodings first)."""
    check_size(content)
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRefused("the CSV file is not UTF-8") from exc
    text = content.removeprefix("\ufeff")
    header_line = text.split("\n", 1)[0].rstrip("\r")
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_line))
        header = [cell.strip().lower() for cell in next(reader)]
        rows = list(reader)
    except csv.Error as exc:
        raise ImportRefused(f"the file cannot be read as CSV: {exc}") from exc
    if "qualification" not in header:
        raise ImportRefused("the CSV has no qualification column")
    unknown = [name for name in header if name and not _known(name)]
    if unknown:
        raise ImportRefused(f"unknown columns: {', '.join(unknown)}")
    drafts: dict[str, _Draft] = {}
    batch = Batch()
    for line, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = {name: cell.strip() for name, cell in zip(header, cells, strict=False) if name}
        iri = row.get("qualification", "")
        if not iri.startswith(("https://", "http://", "urn:")):
            batch.fail(f"line {line}", "qualification must be the qualification's IRI (https://…)")
            continue
        draft = drafts.get(iri)
        if draft is None:
            draft = drafts[iri] = _Draft(line, row)
        else:
            for name, value in row.items():
                if name == "unit" or name.startswith("unit_") or name == "qualification":
                    continue
                if value and value != draft.row.get(name):
                    draft.problems.append(f"line {line}: {name} contradicts line {draft.line}")
        try:
            unit = _unit(iri, row)
        except _Bad as exc:
            draft.problems.append(f"line {line}: {exc}")
            continue
        if unit is not None:
            draft.units.append(unit)
    for iri, draft in drafts.items():
        name = f"line {draft.line} ({iri})"
        if draft.problems:
            for problem in draft.problems:
                batch.fail(name, problem)
            continue
        try:
            batch.add(name, _qualification(draft))
        except _Bad as exc:
            batch.fail(name, str(exc))
    return batch
