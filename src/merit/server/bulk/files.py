"""Turning an uploaded file into rows of text cells: the encoding, the delimiter and XLSX workbooks
(``docs/decisions/0019-spreadsheets.md``).

CSV: UTF-8 (with or without a byte-order mark), UTF-16 with its byte-order mark (Excel's "Unicode text", TAB
separated), else the Windows code page that reads the file's letters sensibly: Windows-1252 (Nordic and Western
letters) unless Windows-1250 or ISO-8859-2 reads more Polish letters than Windows-1252 reads Nordic ones. The
delimiter (comma, semicolon or TAB) is the one that splits the header line into the most known column names.

XLSX: the first sheet, values only (a formula's cached result, never the formula), bounded in size before and
after unzipping; date cells come out as ISO dates or date-times, for the ``valid_until`` column to read.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED = 100 * 1024 * 1024
"""A workbook's parts together, unzipped: a zip bomb is refused before openpyxl reads it."""
MAX_RATIO = 200
"""The most a workbook part may shrink in its zip file (real sheets compress about 10 to 30 times)."""
DELIMITERS = (",", ";", "\t")
_POLISH = set("ąćęłńśźżĄĆĘŁŃŚŹŻ")
_NORDIC = set("åæøÅÆØ")  # Nordic letters whose bytes mean something else in the Central European code pages.


class UploadError(Exception):
    """The file as a whole cannot be read (encoding, size, columns); the message is translated."""


@dataclass
class Sheet:
    """The rows of a file and how they were read."""

    rows: Iterator[list[str]]
    kind: str
    """``csv`` or ``xlsx``."""
    encoding: str = ""
    delimiter: str = ""


def is_workbook(content: bytes) -> bool:
    return content.startswith(b"PK\x03\x04")


def decode(content: bytes) -> tuple[str, str]:
    """The file's text and the name of its encoding."""
    if content.startswith(b"\xef\xbb\xbf"):
        return _strict(content, "utf-8-sig"), "UTF-8"
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(content, "utf-16"), "UTF-16"
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[int, str, str]] = []
    for rank, (codec, name) in enumerate(
        (("cp1252", "Windows-1252"), ("cp1250", "Windows-1250"), ("iso8859_2", "ISO-8859-2"))
    ):
        try:
            text = content.decode(codec)
        except UnicodeDecodeError:
            continue
        letters = _NORDIC if codec == "cp1252" else _POLISH
        # The most sensible letters wins; on a tie the earlier code page (Windows-1252 first).
        candidates.append((sum(ch in letters for ch in text) * 10 - rank, text, name))
    _score, text, name = max(candidates)  # ISO-8859-2 decodes any bytes, so there is always one.
    return text, name


def _strict(content: bytes, codec: str) -> str:
    try:
        return content.decode(codec)
    except UnicodeDecodeError as exc:
        skipped = 3 if codec == "utf-8-sig" else 0  # That decoder counts from after the byte-order mark.
        line = content[: exc.start + skipped].count(b"\n" if codec != "utf-16" else b"\n\x00") + 1
        raise UploadError(
            _("The file says it is %(encoding)s, but line %(line)s is not. Save it again as “CSV UTF-8”.")
            % {"encoding": "UTF-16" if codec == "utf-16" else "UTF-8", "line": line}
        ) from exc


def delimiter(header: str, known: tuple[str, ...]) -> str:
    """The delimiter that splits the header line into the most known column names (then the most cells)."""

    def score(candidate: str) -> tuple[int, int]:
        cells = next(csv.reader([header], delimiter=candidate), [])
        return sum(cell.strip().lower() in known for cell in cells), len(cells)

    return max(DELIMITERS, key=score)


def csv_sheet(content: bytes, known: tuple[str, ...]) -> Sheet:
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError(_("This is an old Excel workbook (.xls). Save it as an Excel workbook (.xlsx) or as CSV."))
    text, encoding = decode(content)
    if "\x00" in text:
        raise UploadError(_("The file is not text. Save it from your spreadsheet as CSV or as an Excel workbook."))
    text = text.removeprefix("\ufeff")
    header = text.split("\n", 1)[0].rstrip("\r")
    separator = delimiter(header, known)
    return Sheet(_guarded(csv.reader(io.StringIO(text, newline=""), delimiter=separator)), "csv", encoding, separator)


def _guarded(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The reader's rows; a row the csv module cannot read (a cell over its 128 KB limit) refuses the file."""
    line = 0
    try:
        for line, row in enumerate(reader, start=1):  # noqa: B007 - the line is read after the loop on error.
            yield row
    except csv.Error as exc:
        raise UploadError(
            _("Line %(line)s of the file cannot be read as CSV: a cell is far too long or a quote is not closed.")
            % {"line": line + 1}
        ) from exc


def _cell(value: object) -> str:
    """A workbook cell as text: dates as ISO 8601 (a date-time at midnight is a date cell), whole numbers without
    ``.0``."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_zip(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UploadError(_("The file is not a readable XLSX workbook.")) from exc
    total = sum(member.file_size for member in members)
    shrunk = any(
        member.file_size > 2**20 and member.file_size > MAX_RATIO * max(member.compress_size, 1) for member in members
    )
    if total > MAX_UNZIPPED or shrunk:
        raise UploadError(_("The workbook unpacks to far more than its size; save it again or export it as CSV."))


def xlsx_rows(content: bytes) -> Iterator[list[str]]:
    """The first sheet's rows as text, values only (a formula's cached result, never the formula)."""
    from openpyxl import load_workbook

    _check_zip(content)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not read.
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # A damaged workbook raises many kinds of error.
            raise UploadError(_("The file is not a readable XLSX workbook.")) from exc
        try:
            for values in book.worksheets[0].iter_rows(values_only=True):
                cells = [_cell(value) for value in values]
                while cells and cells[-1] == "":
                    cells.pop()
                yield cells
        finally:
            book.close()


def sheet_of(content: bytes, known: tuple[str, ...]) -> Sheet:
    """The file's rows of text cells, the header first; raises :class:`UploadError` for a file it cannot read."""
    if len(content) > MAX_BYTES:
        raise UploadError(
            _("The file is larger than %(size)s MB; split it into smaller files.") % {"size": MAX_BYTES // 2**20}
        )
    if is_workbook(content):
        return Sheet(xlsx_rows(content), "xlsx")
    return csv_sheet(content, known)
