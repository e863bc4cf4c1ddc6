"""Reading an uploaded CSV or XLSX file of learners, validating every row before anything is issued (the dry run).

Columns: ``email`` and/or ``did`` (one of them per row), optional ``name``, ``grade``, ``valid_until`` and
``language`` (the language of the learner's e-mail). Header names are case-insensitive. How the file's bytes become
cells (encoding, delimiter, workbooks) is ``files.py``; how ``valid_until`` is read is ``dates.py``. Empty rows are
skipped. Cells that look like spreadsheet formulas are kept as text here and neutralised on every export
(``neutralise``). Every message is translated into the reader's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from merit.core.errors import MeritError
from merit.core.microcredential import Learner, Spec
from merit.server.bulk.dates import DateError, valid_until
from merit.server.bulk.files import MAX_BYTES, UploadError, sheet_of
from merit.server.issuing import recipients

__all__ = ["COLUMNS", "MAX_BYTES", "MAX_ROWS", "TEMPLATE", "Upload", "UploadError", "neutralise", "read_upload"]

MAX_ROWS = 100_000
MAX_CELL = 500
COLUMNS = ("email", "did", "name", "grade", "valid_until", "language")
LANGUAGE_ALIASES = {"no": "nb", "nob": "nb", "swe": "sv", "fin": "fi", "pol": "pl", "eng": "en"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Upload:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    refused: dict[int, dict[str, str]] = field(default_factory=dict)
    """Who each refused row was for (its email, did and name cells), for the job's results."""
    kind: str = "csv"
    encoding: str = ""
    delimiter: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "read": {"kind": self.kind, "encoding": self.encoding, "delimiter": self.delimiter},
            "valid": len(self.rows),
            "invalid": len(self.errors),
            "errors": [{"row": number, "error": error} for number, error in self.errors],
        }


def neutralise(value: str) -> str:
    """A cell value safe to open in a spreadsheet: formulas become text (OWASP CSV injection)."""
    return "'" + value if value.startswith(_FORMULA) else value


def languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def language_of(value: str) -> str | None:
    """The interface language a ``language`` cell names (``sv``, ``SV``, ``sv-SE``, ``no``...), or ``None``."""
    code = value.strip().lower().replace("_", "-").split("-")[0]
    code = LANGUAGE_ALIASES.get(code, code)
    return code if code in languages() else None


def _row_error(cells: dict[str, str], spec: Spec, zone: ZoneInfo) -> str | None:
    """What is wrong with a row, translated; normalises ``valid_until`` and ``language`` in ``cells``."""
    for name, value in cells.items():
        if len(value) > MAX_CELL:
            return _("%(column)s is longer than %(limit)s characters.") % {"column": name, "limit": MAX_CELL}
        if _CONTROL.search(value):
            return _("%(column)s contains control characters.") % {"column": name}
    try:
        Learner(email=cells.get("email") or None, did=cells.get("did") or None, name=cells.get("name") or None)
    except MeritError as exc:
        return recipients.message(exc)
    grade = cells.get("grade")
    if grade:
        if spec.grading is None:
            return _("This micro-credential has no grading, so the grade column must be empty.")
        if spec.grading.allowed_values and grade not in spec.grading.allowed_values:
            return _("The grade “%(grade)s” is not one of %(allowed)s.") % {
                "grade": grade,
                "allowed": ", ".join(spec.grading.allowed_values),
            }
    if cells.get("valid_until"):
        try:
            cells["valid_until"] = valid_until(cells["valid_until"], zone).isoformat()
        except DateError as exc:
            return str(exc)
    if cells.get("language"):
        code = language_of(cells["language"])
        if code is None:
            return _("The language “%(value)s” is not one of %(allowed)s.") % {
                "value": cells["language"],
                "allowed": ", ".join(languages()),
            }
        cells["language"] = code
    return None


def _columns(header: list[str] | None) -> list[str]:
    known = ", ".join(COLUMNS)
    if not header or not any(cell.strip() for cell in header):
        raise UploadError(
            _("The file is empty. Its first row must name the columns, such as: %(known)s.") % {"known": known}
        )
    names = [cell.strip().lower() for cell in header]
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise UploadError(
            _(
                "The first row names columns Merit does not know: %(unknown)s. The columns found were: %(found)s. "
                "The known columns are: %(known)s."
            )
            % {
                "unknown": ", ".join(f"“{n}”" for n in unknown),
                "found": ", ".join(f"“{n}”" for n in names),
                "known": known,
            }
        )
    if "email" not in names and "did" not in names:
        raise UploadError(_("The file needs an “email” or a “did” column to say who each credential is for."))
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise UploadError(_("A column appears twice: %(columns)s.") % {"columns": ", ".join(twice)})
    return names


def read_upload(content: bytes, spec: Spec, zone: ZoneInfo | None = None) -> Upload:
    """Validate every row; raise :class:`UploadError` when the file itself is unusable. Dates without a time zone
    are read in ``zone`` (the organisation's)."""
    zone = zone or ZoneInfo("UTC")
    sheet = sheet_of(content, COLUMNS)
    reader = sheet.rows
    names = _columns(next(reader, None))
    upload = Upload(kind=sheet.kind, encoding=sheet.encoding, delimiter=sheet.delimiter)
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(upload.rows) + len(upload.errors) >= MAX_ROWS:
            raise UploadError(
                _("The file has more than %(limit)s learners; split it into smaller files.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
        if len(cells) < len(names):
            cells = cells + [""] * (len(names) - len(cells))  # Spreadsheets leave trailing empty cells out.
        elif len(cells) > len(names) and not any(cell.strip() for cell in cells[len(names) :]):
            cells = cells[: len(names)]  # Nor do empty cells after the last column matter.
        if len(cells) != len(names):
            upload.errors.append(
                (
                    number,
                    _("The row has %(found)s cells; the first row names %(expected)s.")
                    % {"found": len(cells), "expected": len(names)},
                )
            )
            continue
        row = {name: cell.strip() for name, cell in zip(names, cells, strict=True)}
        error = _row_error(row, spec, zone)
        identity = (row.get("email") or "").lower() or row.get("did") or ""
        if error is None and identity in seen:
            error = _("The same learner as row %(row)s.") % {"row": seen[identity]}
        if error is not None:
            upload.errors.append((number, error))
            upload.refused[number] = {k: row[k][:MAX_CELL] for k in ("email", "did", "name") if row.get(k)}
            continue
        seen[identity] = number
        upload.rows.append((number, {k: v for k, v in row.items() if v}))
    return upload


TEMPLATE = "email,name,grade,valid_until,language\nanna.svensson@example.se,Anna Svensson,,,sv\n"
"""A template for issuers to fill in."""
