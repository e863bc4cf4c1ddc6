"""Reading spreadsheets as Nordic and Polish offices save them: encodings, delimiters, Excel workbooks with date
cells, dates without a time in the organisation's time zone, and the language column. Cases are tables of files
and the rows Merit must read from them."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from merit.core.microcredential import Spec, parse_spec
from merit.server.accounts.models import Organisation
from merit.server.bulk import files
from merit.server.bulk.dates import DateError, valid_until
from merit.server.bulk.rows import UploadError, read_upload
from merit.server.issuing import services
from merit.server.issuing.models import Specification
from tests.server.conftest import Api

ROOT = Path(__file__).parents[3]
STOCKHOLM = ZoneInfo("Europe/Stockholm")
WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def spec() -> Spec:
    return parse_spec(json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text()))


SWEDISH = (
    "email;name;grade;valid_until\r\nasa@example.se;Åsa Öberg;VG;2027-12-31\r\nbjorn@example.se;Björn Ängström;G;\r\n"
)
POLISH = (
    "email;name;valid_until\r\nlukasz@example.pl;Łukasz Wójcik;31.12.2027\r\nmalgosia@example.pl;Małgorzata Żółć;\r\n"
)
NORWEGIAN = "email\tname\tvalid_until\r\nsoren@example.no\tSøren Ærø\t31.12.2027 00:00\r\n"
FINNISH = "email;name;valid_until\r\njyrki@example.fi;Jyrki Äijälä;1.2.2027\r\n"

# (what the office did, the bytes, the zone, the encoding Merit must name, the rows it must read)
FILES: list[tuple[str, bytes, ZoneInfo, str, list[dict[str, str]]]] = [
    (
        "Swedish Excel, 'CSV (semicolon)' in Windows-1252",
        SWEDISH.encode("cp1252"),
        STOCKHOLM,
        "Windows-1252",
        [
            {"email": "asa@example.se", "name": "Åsa Öberg", "grade": "VG", "valid_until": "2027-12-31T23:59:59+01:00"},
            {"email": "bjorn@example.se", "name": "Björn Ängström", "grade": "G"},
        ],
    ),
    (
        "Swedish Excel, 'CSV UTF-8' (a byte-order mark, semicolons)",
        b"\xef\xbb\xbf" + SWEDISH.encode("utf-8"),
        STOCKHOLM,
        "UTF-8",
        [
            {"email": "asa@example.se", "name": "Åsa Öberg", "grade": "VG", "valid_until": "2027-12-31T23:59:59+01:00"},
            {"email": "bjorn@example.se", "name": "Björn Ängström", "grade": "G"},
        ],
    ),
    (
        "Polish Excel, Windows-1250",
        POLISH.encode("cp1250"),
        WARSAW,
        "Windows-1250",
        [
            {"email": "lukasz@example.pl", "name": "Łukasz Wójcik", "valid_until": "2027-12-31T23:59:59+01:00"},
            {"email": "malgosia@example.pl", "name": "Małgorzata Żółć"},
        ],
    ),
    (
        "a Polish file from an old Unix export, ISO-8859-2",
        "email,name\nagnieszka@example.pl,Agnieszka Ślązak-Źrebiec\nwojtek@example.pl,Wojciech Mąś\n".encode(
            "iso8859_2"
        ),
        WARSAW,
        "ISO-8859-2",
        [
            {"email": "agnieszka@example.pl", "name": "Agnieszka Ślązak-Źrebiec"},
            {"email": "wojtek@example.pl", "name": "Wojciech Mąś"},
        ],
    ),
    (
        "Norwegian Excel, 'Unicode text' (UTF-16 LE, TAB separated)",
        b"\xff\xfe" + NORWEGIAN.encode("utf-16-le"),
        ZoneInfo("Europe/Oslo"),
        "UTF-16",
        [{"email": "soren@example.no", "name": "Søren Ærø", "valid_until": "2027-12-31T23:59:59+01:00"}],
    ),
    (
        "UTF-16 BE with its byte-order mark",
        b"\xfe\xff" + NORWEGIAN.encode("utf-16-be"),
        ZoneInfo("Europe/Oslo"),
        "UTF-16",
        [{"email": "soren@example.no", "name": "Søren Ærø", "valid_until": "2027-12-31T23:59:59+01:00"}],
    ),
    (
        "Norwegian Excel, Windows-1252 with semicolons",
        NORWEGIAN.replace("\t", ";").encode("cp1252"),
        ZoneInfo("Europe/Oslo"),
        "Windows-1252",
        [{"email": "soren@example.no", "name": "Søren Ærø", "valid_until": "2027-12-31T23:59:59+01:00"}],
    ),
    (
        "Finnish Excel, Windows-1252, a date without leading zeros",
        FINNISH.encode("cp1252"),
        ZoneInfo("Europe/Helsinki"),
        "Windows-1252",
        [{"email": "jyrki@example.fi", "name": "Jyrki Äijälä", "valid_until": "2027-02-01T23:59:59+02:00"}],
    ),
    (
        "plain UTF-8 with commas, header in capitals with spaces, a summer date",
        b" Email , NAME ,Valid_Until\nanna@example.se,Anna,2027-06-30\n",
        STOCKHOLM,
        "UTF-8",
        [{"email": "anna@example.se", "name": "Anna", "valid_until": "2027-06-30T23:59:59+02:00"}],
    ),
]


@pytest.mark.parametrize(("case", "content", "zone", "encoding", "expected"), FILES, ids=[f[0] for f in FILES])
def test_files_as_offices_save_them(
    spec: Spec, case: str, content: bytes, zone: ZoneInfo, encoding: str, expected: list[dict[str, str]]
) -> None:
    upload = read_upload(content, spec, zone)
    assert upload.errors == []
    assert [data for _number, data in upload.rows] == expected
    assert upload.encoding == encoding


def test_the_header_of_the_issue_reads_as_four_columns() -> None:
    known = ("email", "did", "name", "grade", "valid_until", "language")
    assert files.delimiter("email;name;grade;valid_until", known) == ";"
    assert files.delimiter("email\tname", known) == "\t"
    assert files.delimiter("email,name", known) == ","
    # A comma inside a semicolon file's cells does not fool it: the header decides.
    sheet = files.sheet_of(b"email;name\na@example.se;Lind, Erik\n", known)
    assert list(sheet.rows) == [["email", "name"], ["a@example.se", "Lind, Erik"]]
    assert sheet.delimiter == ";"


DATES: list[tuple[str, str]] = [
    ("2027-12-31", "2027-12-31T23:59:59+01:00"),
    ("31.12.2027", "2027-12-31T23:59:59+01:00"),
    ("1.2.2027", "2027-02-01T23:59:59+01:00"),
    ("2027-12-31 00:00", "2027-12-31T23:59:59+01:00"),
    ("2027-12-31 00:00:00", "2027-12-31T23:59:59+01:00"),
    ("31.12.2027 00:00", "2027-12-31T23:59:59+01:00"),
    ("2027-12-31 14:30", "2027-12-31T14:30:00+01:00"),
    ("31.12.2027 14:30:15", "2027-12-31T14:30:15+01:00"),
    ("2027-06-30", "2027-06-30T23:59:59+02:00"),
    ("2028-12-31T23:59:59Z", "2028-12-31T23:59:59+00:00"),
    ("2028-12-31T12:00:00-05:00", "2028-12-31T12:00:00-05:00"),
]


@pytest.mark.parametrize(("cell", "moment"), DATES)
def test_dates_without_a_time_are_valid_through_the_day_in_the_organisations_zone(cell: str, moment: str) -> None:
    assert valid_until(cell, STOCKHOLM).isoformat() == moment


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        ("31/12/2027", "uses slashes"),
        ("12/31/2027", "uses slashes"),
        ("31.13.2027", "is not a date such as 2027-12-31"),
        ("2027-02-30", "is not a date such as 2027-12-31"),
        ("tomorrow", "is not a date such as 2027-12-31"),
        ("46387", "is not a date such as 2027-12-31"),  # An Excel serial number pasted as text.
    ],
)
def test_ambiguous_or_unreadable_dates_are_refused_with_the_cell(cell: str, says: str) -> None:
    with pytest.raises(DateError) as refused:
        valid_until(cell, STOCKHOLM)
    assert says in str(refused.value)
    assert f"“{cell}”" in str(refused.value)


def _xlsx(rows: list[list[Any]], formats: dict[str, str] | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_excel_date_cells_and_date_formatted_serial_numbers(spec: Spec) -> None:
    content = _xlsx(
        [
            ["email", "name", "valid_until", "language"],
            ["asa@example.se", "Åsa", datetime(2027, 12, 31), "sv"],  # A date cell: midnight.
            ["omar@example.se", "Omar", date(2027, 6, 30), "EN"],
            ["kari@example.no", "Kari", datetime(2027, 12, 31, 14, 0), "nb-NO"],
            ["jan@example.pl", "Jan", 46752, "pl"],  # A serial number, formatted as a date below.
            ["aino@example.fi", "Aino", "31.12.2027", "fi"],  # Text in the cell.
            ["bo@example.se", "Bo", 46752, ""],  # A bare number is no date.
        ],
        formats={"C5": "yyyy-mm-dd"},
    )
    upload = read_upload(content, spec, STOCKHOLM)
    rows = {data["email"]: data for _n, data in upload.rows}
    assert rows["asa@example.se"]["valid_until"] == "2027-12-31T23:59:59+01:00"
    assert rows["omar@example.se"]["valid_until"] == "2027-06-30T23:59:59+02:00"
    assert rows["kari@example.no"]["valid_until"] == "2027-12-31T14:00:00+01:00"
    assert rows["jan@example.pl"]["valid_until"] == "2027-12-31T23:59:59+01:00"  # Serial 46752 is 2027-12-31.
    assert rows["aino@example.fi"]["valid_until"] == "2027-12-31T23:59:59+01:00"
    assert [rows[e]["language"] for e in ("asa@example.se", "omar@example.se", "kari@example.no")] == ["sv", "en", "nb"]
    assert [(n, e.split("”")[0]) for n, e in upload.errors] == [(7, "valid_until “46752")]
    assert upload.kind == "xlsx"


def test_the_language_column_names_one_of_merits_languages(spec: Spec) -> None:
    upload = read_upload(b"email,language\na@example.se,de\nb@example.se,SV\n", spec, STOCKHOLM)
    assert upload.errors == [(2, "The language “de” is not one of en, sv, nb, fi, pl.")]
    assert upload.rows == [(3, {"email": "b@example.se", "language": "sv"})]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(spec: Spec) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    content = out.getvalue()
    assert len(content) < files.MAX_BYTES
    with pytest.raises(UploadError) as refused:
        read_upload(content, spec)
    assert "unpacks to far more than its size" in str(refused.value)


def test_formulas_in_a_workbook_are_never_evaluated(spec: Spec) -> None:
    content = _xlsx([["email", "name"], ["a@example.se", "=1+1"]])
    (row,) = read_upload(content, spec).rows
    # Values only: a formula with no cached result (openpyxl writes none) is empty, never computed ("2").
    assert row[1] == {"email": "a@example.se"}


@pytest.fixture
def polish_college(db: None) -> Organisation:
    return services.create_organisation(slug="szkola", name="Szkoła Policealna", country="PL")


def test_the_api_reads_dates_in_the_organisations_time_zone(client: Any, polish_college: Organisation) -> None:
    from merit.server.accounts.services import create_token, update_profile

    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    draft, _ = services.save_specification(polish_college, "solar", data, actor="test")
    specification: Specification = services.publish_specification(draft, actor="test")
    _, secret = create_token(polish_college, "ci", ["issue", "read"], actor="test")
    api = Api(client, secret)
    content = "email;name;valid_until\nanna@example.pl;Anna Wiśniewska;2027-07-31\n".encode("cp1250")
    path = f"/api/v1/specifications/{specification.pk}/issuance-jobs"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api.token}"}
    file = SimpleUploadedFile("uczniowie.csv", content, "text/csv")
    assert polish_college.zone_name == "Europe/Warsaw"  # The country's zone until the organisation picks one.
    created = client.post(path, {"file": file}, **headers)
    assert created.status_code == 201
    from merit.server.bulk.models import IssuanceRow

    row = IssuanceRow.objects.get()
    assert row.data == {
        "email": "anna@example.pl",
        "name": "Anna Wiśniewska",
        "valid_until": "2027-07-31T23:59:59+02:00",
    }
    update_profile(polish_college, "test", time_zone="America/New_York")
    polish_college.refresh_from_db()
    from merit.server.bulk import services as bulk

    (moved,) = bulk.dry_run(specification, b"email,valid_until\nb@example.pl,2027-07-31\n", polish_college).rows
    assert moved[1]["valid_until"] == "2027-07-31T23:59:59-04:00"
    dry = client.post(
        path + "?dry_run=true",
        {"file": SimpleUploadedFile("x.csv", b"email,valid_until\nb@example.pl,31/07/2027\n", "text/csv")},
        **headers,
    ).json()
    assert dry["errors"][0]["error"].startswith("valid_until “31/07/2027” uses slashes")


def test_a_cell_too_long_for_csv_is_a_clear_refusal(spec: Spec) -> None:
    content = b"email,name\na@example.se," + b"x" * 200_000 + b"\n"
    with pytest.raises(UploadError) as refused:
        read_upload(content, spec)
    assert "Line 2 of the file cannot be read as CSV" in str(refused.value)
