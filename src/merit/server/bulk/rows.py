"""Reading an uploaded CSV or XLSX file of learners, validating every row before anything is issued (the dry run).

Columns: ``email`` and/or ``did`` (one of them per row), optional ``name``, ``grade``, ``valid_until``. Header
names are case-insensitive. A CSV file must be UTF-8 (a byte-order mark is fine); an XLSX workbook is read from
its first sheet, values only, never formulas. Empty rows are skipped. Cells that
look like spreadsheet formulas are kept as text here and neutralised on every export (``neutralise``).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from merit.core.errors import MeritError
from merit.core.microcredential import Learner, Spec
from merit.server.issuing import recipients

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
MAX_CELL = 500
COLUMNS = ("email", "did", "name", "grade", "valid_until")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


class UploadError(Exception):
    """The file as a whole cannot be read (encoding, size, columns)."""


@dataclass
class Upload:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "valid": len(self.rows),
            "invalid": len(self.errors),
            "errors": [{"row": number, "error": error} for number, error in self.errors],
        }


def neutralise(value: str) -> str:
    """A cell value safe to open in a spreadsheet: formulas become text (OWASP CSV injection)."""
    return "'" + value if value.startswith(_FORMULA) else value


def _row_error(cells: dict[str, str], spec: Spec) -> str | None:
    for name, value in cells.items():
        if len(value) > MAX_CELL:
            return f"{name} is longer than {MAX_CELL} characters"
        if _CONTROL.search(value):
            return f"{name} contains control characters"
    try:
        Learner(email=cells.get("email") or None, did=cells.get("did") or None, name=cells.get("name") or None)
    except MeritError as exc:
        return recipients.message(exc)
    grade = cells.get("grade")
    if grade:
        if spec.grading is None:
            return "this micro-credential has no grading, so the grade column must be empty"
        if spec.grading.allowed_values and grade not in spec.grading.allowed_values:
            return f"grade {grade!r} is not one of {', '.join(spec.grading.allowed_values)}"
    until = cells.get("valid_until")
    if until:
        try:
            moment = datetime.fromisoformat(until.replace("Z", "+00:00"))
        except ValueError:
            return f"valid_until {until!r} is not a date-time such as 2028-12-31T23:59:59Z"
        if moment.tzinfo is None:
            return "valid_until needs a time zone, such as 2028-12-31T23:59:59Z"
    return None


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(
            f"the file is not UTF-8 text (byte {exc.start}); in your spreadsheet, save it as 'CSV UTF-8'"
        ) from exc
    yield from csv.reader(io.StringIO(text, newline=""))


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    """The first sheet's rows as text, values only (a formula's cached result, never the formula)."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read.
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # A damaged workbook raises many kinds of error.
            raise UploadError("the file is not a readable XLSX workbook") from exc
        try:
            for values in book.worksheets[0].iter_rows(values_only=True):
                cells = ["" if value is None else str(value) for value in values]
                while cells and cells[-1] == "":
                    cells.pop()
                yield cells
        finally:
            book.close()


def read_upload(content: bytes, spec: Spec) -> Upload:
    """Validate every row; raise :class:`UploadError` when the file itself is unusable."""
    if len(content) > MAX_BYTES:
        raise UploadError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files")
    workbook = content.startswith(b"PK\x03\x04")
    reader = _xlsx_rows(content) if workbook else _csv_rows(content)
    header = next(reader, None)
    if not header:
        raise UploadError("the file is empty; the first row must name the columns: " + ", ".join(COLUMNS))
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h not in COLUMNS]
    if unknown:
        raise UploadError(f"unknown columns: {', '.join(unknown)} (allowed: {', '.join(COLUMNS)})")
    if "email" not in names and "did" not in names:
        raise UploadError("the file needs an 'email' or a 'did' column")
    if len(set(names)) != len(names):
        raise UploadError("a column appears twice")
    upload = Upload()
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(upload.rows) + len(upload.errors) >= MAX_ROWS:
            raise UploadError(f"the file has more than {MAX_ROWS:,} learners; split it into smaller files")
        if workbook and len(cells) < len(names):
            cells = cells + [""] * (len(names) - len(cells))  # Spreadsheets leave trailing empty cells out.
        if len(cells) != len(names):
            upload.errors.append((number, f"expected {len(names)} cells, found {len(cells)}"))
            continue
        row = {name: cell.strip() for name, cell in zip(names, cells, strict=True)}
        error = _row_error(row, spec)
        identity = (row.get("email") or "").lower() or row.get("did") or ""
        if error is None and identity in seen:
            error = f"the same learner as row {seen[identity]}"
        if error is not None:
            upload.errors.append((number, error))
            continue
        seen[identity] = number
        upload.rows.append((number, {k: v for k, v in row.items() if v}))
    return upload


TEMPLATE = "email,name,grade,valid_until\nanna.svensson@example.se,Anna Svensson,,\n"
"""A template for issuers to fill in."""
