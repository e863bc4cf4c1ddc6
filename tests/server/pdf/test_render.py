"""Credential PDFs: tagged PDF/UA-1 with language, title and embedded fonts; the page's text in the reader's
language; the signed credential embedded byte for byte; the QR code of the verification page; escaping; and
no resource fetched while rendering."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import segno
from django.utils import formats, translation
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from merit.core.microcredential import Learner
from merit.server.accounts.models import Organisation
from merit.server.issuing import services
from merit.server.issuing.models import Specification
from merit.server.pdf.render import DataOnlyFetcher, FetchRefused, credential_html, credential_pdf, qr_png

ROOT = Path(__file__).parents[3]
OPEN_BADGES = ROOT / "tests" / "data" / "examples" / "openbadges"
VERIFY = "https://merit.test/verify/urn:uuid:0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"


@pytest.fixture
def specification(college: Organisation) -> Specification:
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text(encoding="utf-8"))
    draft, _ = services.save_specification(college, "solar", data, actor="test")
    return services.publish_specification(draft, actor="test")


@pytest.fixture
def signed(specification: Specification) -> bytes:
    """The exact stored bytes of a credential Merit signed (Swedish by default, with an English title too)."""
    record = services.issue_from_specification(
        specification,
        Learner(email="anna@example.se", name="Anna Andersson"),
        actor="test",
        grade="VG",
        valid_until=datetime(2031, 12, 31, tzinfo=UTC),
    )
    return record.document_json.encode("utf-8")


def render(document: bytes, language: str = "en", status: str = "valid") -> PdfReader:
    return PdfReader(io.BytesIO(credential_pdf(document, verification_url=VERIFY, status=status, language=language)))


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def structure(node: Any) -> Iterator[DictionaryObject]:
    """Every structure element under ``node`` of the tag tree."""
    node = node.get_object()
    if isinstance(node, DictionaryObject):
        if node.get("/Type") == "/StructElem":
            yield node
        kids = node.get("/K")
        if kids is not None:
            kids = kids.get_object()
            for kid in kids if isinstance(kids, list) else [kids]:
                yield from structure(kid)


def test_the_pdf_is_tagged_pdf_ua_with_language_title_and_embedded_fonts(signed: bytes) -> None:
    reader = render(signed)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert root["/Lang"] == "en"
    assert reader.metadata is not None
    assert reader.metadata.title == "Installing photovoltaic systems – Yrkeshögskolan Norr"
    assert reader.xmp_metadata is not None
    assert reader.xmp_metadata.dc_title == {"x-default": "Installing photovoltaic systems – Yrkeshögskolan Norr"}
    assert b'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data()
    tags = [element["/S"] for element in structure(root["/StructTreeRoot"])]
    assert tags.count("/H1") == 1
    assert {"/H2", "/L", "/LI", "/LBody", "/Table", "/TH", "/TD", "/P", "/Figure", "/Link"} <= set(tags)
    fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]


def test_the_page_shows_the_credential(signed: bytes) -> None:
    reader = render(signed)
    text = text_of(reader)
    for expected in (
        "Installing photovoltaic systems",
        "Issued by",
        "Yrkeshögskolan Norr",
        "Awarded to Anna Andersson",
        "Install and commission a grid-connected photovoltaic system according to current standards.",
        "Measure and troubleshoot the electrical installation.",
        "install photovoltaic systems",  # The ESCO skill.
        "EQF level 5, SeQF level 5",
        "7.5 ECTS credits, 200 hours",
        "Practical assessment, Written examination",
        "Blended (online and on site), Formal learning",
        "External quality assurance, Myndigheten för yrkeshögskolan",
        "Valid until 31 December 2031",
        "Grade VG",
        "valid",
        "credential.json",
        VERIFY[:30],
    ):
        assert expected in text, expected
    issued = datetime.fromisoformat(json.loads(signed)["validFrom"])
    with translation.override("en"):
        assert f"Issued on {formats.date_format(issued, 'DATE_FORMAT')}" in text
    assert len(reader.pages) == 1  # A typical credential fits on one A4 page.


def test_the_signed_credential_is_embedded_byte_for_byte(signed: bytes) -> None:
    assert "Yrkeshögskolan".encode() in signed  # Non-ASCII text, stored as UTF-8.
    reader = render(signed, "sv")
    assert reader.attachments["credential.json"] == [signed]
    # The way a verifier finds it: the /EmbeddedFiles name tree, and the catalogue's /AF array.
    root = reader.trailer["/Root"]
    names = root["/Names"]["/EmbeddedFiles"].get_object()["/Names"]
    assert names[0] == "credential.json"
    (associated,) = root["/AF"]
    filespec = associated.get_object()
    assert filespec == names[1].get_object()
    assert filespec["/UF"] == "credential.json"
    assert filespec["/AFRelationship"] == "/Source"
    embedded = filespec["/EF"]["/F"].get_object()
    assert embedded["/Subtype"] == "/application/vc+ld+json"
    assert embedded["/Params"]["/Size"] == len(signed)
    assert embedded.get_data() == signed


def test_the_qr_code_encodes_the_verification_page(signed: bytes) -> None:
    reader = render(signed)
    (image,) = reader.pages[0].images
    pixels = image.image.convert("L")
    matrix = segno.make(VERIFY, error="m").matrix
    border = (pixels.width - len(matrix)) // 2
    assert border == 4
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            assert (pixels.getpixel((x + border, y + border)) < 128) == bool(dark), (x, y)
    (figure,) = [e for e in structure(reader.trailer["/Root"]["/StructTreeRoot"]) if e["/S"] == "/Figure"]
    assert figure["/Alt"] == f"QR code of the verification page: {VERIFY}"


def test_a_swedish_reader_gets_swedish_labels_and_the_swedish_title(signed: bytes) -> None:
    reader = render(signed, "sv", status="revoked")
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert reader.metadata is not None
    assert reader.metadata.title == "Installation av solcellsanläggningar – Yrkeshögskolan Norr"
    text = text_of(reader)
    for expected in (
        "Utfärdat av",
        "Installation av solcellsanläggningar",
        "Tilldelat Anna Andersson",
        "Läranderesultat",
        "Mäta och felsöka den elektriska installationen.",
        "7,5 ECTS-poäng, 200 timmar",
        "EQF-nivå 5",
        "Giltigt till 31 december 2031",
        "återkallat",
        "Så kontrollerar du intyget",
    ):
        assert expected in text, expected
    assert "Learning outcomes" not in text


def test_a_language_merit_has_no_catalogue_for_gets_english_labels_marked_english(signed: bytes) -> None:
    reader = render(signed, "de")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "Learning outcomes" in text_of(reader)
    assert "Installera och driftsätta" in text_of(reader)  # No German text: the credential's own language.


def test_an_open_badge_from_another_issuer_renders_without_merits_extension() -> None:
    document = (OPEN_BADGES / "achievementAlignmentCase.json").read_bytes()
    reader = render(document)
    text = text_of(reader)
    for expected in ("Text analysis", "Example University", "Credential", "Cite strong and thorough textual evidence"):
        assert expected in text, expected
    assert "Micro-credential" not in text
    assert "1 January 2010" in text
    assert reader.attachments["credential.json"] == [document]


def test_a_full_open_badge_renders(signed: bytes) -> None:
    document = (OPEN_BADGES / "fullOpenBadge.json").read_bytes()
    reader = render(document, "sv")
    assert "1EdTech University Degree" in text_of(reader)
    assert reader.attachments["credential.json"] == [document]


def hostile(signed: bytes, text: str) -> bytes:
    """``signed`` with ``text`` in its name, title, description, learning outcomes and issuer (unsigned then, but
    the PDF shows what it is given)."""
    credential = json.loads(signed)
    achievement = credential["credentialSubject"]["achievement"]
    credential["name"] = achievement["name"] = text
    achievement["description"] = f"{text} description"
    outcome = next(a for a in achievement["alignment"] if a["targetType"] == "ext:LearningOutcome")
    outcome["targetName"] = text
    credential["issuer"]["name"] = text
    credential["credentialSubject"]["identifier"][1]["identityHash"] = text
    return json.dumps(credential, ensure_ascii=False).encode("utf-8")


def test_credential_text_is_escaped(signed: bytes) -> None:
    attack = "<script>alert(1)</script></style><style>body{display:none}</style></title><b>bold</b>"
    document = hostile(signed, attack)
    html = credential_html(document, verification_url=VERIFY, status="valid", language="en")
    assert "<script" not in html
    assert "<style" not in html  # The stylesheet is given to WeasyPrint apart from the page.
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/style&gt;" in html
    reader = render(document)
    text = text_of(reader)
    assert "<script>alert(1)</script></style>" in text  # Shown as text, and the page is still all there.
    assert "Measure and troubleshoot the electrical installation." in text
    assert reader.attachments["credential.json"] == [document]


class Recorder(BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        body = qr_png("x")  # A real image, so that the control request loads without an error.
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A web server on the loopback interface that records every request it gets."""
    requests: list[str] = []
    handler = type("Handler", (Recorder,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def test_rendering_fetches_nothing(signed: bytes, listener: tuple[str, list[str]]) -> None:
    base, requests = listener
    # The recorder works: WeasyPrint's own fetcher would load an image from it.
    from weasyprint import HTML

    HTML(string=f'<html lang="en"><img src="{base}/control.png" alt="x"></html>').write_pdf()
    assert requests == ["/control.png"]
    requests.clear()
    attack = (
        f'<img src="{base}/img.png"> <link rel="stylesheet" href="{base}/link.css"> '
        f"<style>@import url({base}/import.css); body {{ background: url({base}/bg.png) }}</style> "
        f"url({base}/url.png) <iframe src='{base}/frame'></iframe> <object data='{base}/object'></object>"
    )
    document = json.loads(hostile(signed, attack))
    document["issuer"]["url"] = f"{base}/issuer"  # Made a link on the page; links are never fetched.
    document["issuer"]["image"] = {"id": f"{base}/logo.png", "type": "Image"}
    document["credentialSubject"]["achievement"]["image"] = {"id": f"{base}/badge.png", "type": "Image"}
    render(json.dumps(document).encode("utf-8"))
    assert requests == []


def test_the_fetcher_answers_only_its_own_data_urls() -> None:
    own = "data:image/png;base64,iVBORw0KGgo="
    fetcher = DataOnlyFetcher({own: ("image/png", b"\x89PNG\r\n\x1a\n")})
    assert fetcher.fetch(own).read() == b"\x89PNG\r\n\x1a\n"
    for url in ("http://127.0.0.1/x.png", "https://example.org/", "file:///etc/passwd", "data:text/css,body{}"):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


def test_render_time(signed: bytes) -> None:
    credential_pdf(signed, verification_url=VERIFY, status="valid", language="sv")  # Fonts and caches warm up.
    started = time.perf_counter()
    pdf = credential_pdf(signed, verification_url=VERIFY, status="valid", language="sv")
    elapsed = time.perf_counter() - started
    print(f"\ncredential PDF: {elapsed * 1000:.0f} ms, {len(pdf)} bytes")
    assert pdf.startswith(b"%PDF-1.7")
