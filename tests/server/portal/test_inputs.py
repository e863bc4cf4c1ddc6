"""The portal's inputs: PDFs with an attached credential, baked badges, web addresses, the upload limit."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zlib
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

from merit.core.baking import PNG_SIGNATURE, bake_png, bake_svg
from merit.server.accounts.models import Organisation
from merit.server.portal.containers import ContainerError, open_file
from merit.server.portal.models import Receipt
from tests.server.portal.support import micro_credential, upload

pytestmark = pytest.mark.django_db
VERIFIED = "Verified: the credential is authentic and valid."


def pdf(attachment: bytes | None = None, name: str = "credential.json", associated_only: bool = False) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if attachment is not None and not associated_only:
        writer.add_attachment(name, attachment)
    if attachment is not None and associated_only:
        stream = DecodedStreamObject()
        stream.set_data(attachment)
        stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
        stream[NameObject("/Subtype")] = NameObject("/application#2Fjson")
        spec = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Filespec"),
                NameObject("/F"): TextStringObject("data.bin"),
                NameObject("/UF"): TextStringObject("data.bin"),
                NameObject("/AFRelationship"): NameObject("/Data"),
                NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(stream)}),
            }
        )
        writer._root_object[NameObject("/AF")] = ArrayObject([writer._add_object(spec)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\x80")) + chunk(b"IEND", b"")


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><circle r="4" cx="4" cy="4"/></svg>'


def test_a_pdf_with_the_credential_attached(client: Client, college: Organisation) -> None:
    content = json.dumps(micro_credential(college)).encode()
    page = upload(client, pdf(content), "credential.pdf", "application/pdf")
    assert VERIFIED in page.content.decode()
    receipt = Receipt.objects.get()
    assert receipt.document["container"] == "pdf"
    assert receipt.document["sha256"] == receipt.credential_sha256
    associated = upload(client, pdf(content, associated_only=True), "credential.pdf", "application/pdf")
    assert VERIFIED in associated.content.decode()


def test_a_pdf_without_a_credential(client: Client) -> None:
    page = upload(client, pdf(), "certificate.pdf", "application/pdf")
    assert page.status_code == 400
    assert "This PDF has no credential attached." in page.content.decode()
    other = upload(client, pdf(b"hello", name="notes.txt"), "certificate.pdf", "application/pdf")
    assert "This PDF has no credential attached." in other.content.decode()
    broken = upload(client, b"%PDF-1.7\n garbage", "broken.pdf", "application/pdf")
    assert "This PDF could not be read." in broken.content.decode()


def test_baked_png_and_svg_badges(client: Client, college: Organisation) -> None:
    text = json.dumps(micro_credential(college))
    for name, baked in (("badge.png", bake_png(png(), text)), ("badge.svg", bake_svg(SVG, text))):
        page = upload(client, baked, name, "image/png" if name.endswith("png") else "image/svg+xml")
        assert VERIFIED in page.content.decode(), name
    plain = upload(client, png(), "photo.png", "image/png")
    assert "This image has no credential baked into it." in plain.content.decode()
    damaged = upload(client, bake_png(png(), text)[:-20] + b"\0" * 20, "badge.png", "image/png")
    assert "This image could not be read" in damaged.content.decode()


def test_other_files_are_refused(client: Client) -> None:
    page = upload(client, b"GIF89a\x01\x00", "photo.gif", "image/gif")
    assert page.status_code == 400
    assert "Merit reads JSON, PDF, PNG and SVG files" in page.content.decode()
    with pytest.raises(ContainerError):
        open_file(b"")


def test_a_vc_api_request_body_is_unwrapped(client: Client, college: Organisation) -> None:
    body = json.dumps({"verifiableCredential": micro_credential(college), "options": {}}).encode()
    assert VERIFIED in upload(client, body).content.decode()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8000/orgs/college/credential.json", "this server itself (a loopback address)"),
        ("http://10.0.0.1/credential.json", "it points into a private network"),
        ("http://169.254.169.254/latest/meta-data/", "such as a cloud metadata service"),
        ("http://[::1]/credential.json", "this server itself"),
    ],
)
def test_web_addresses_inside_private_networks_are_refused(client: Client, url: str, reason: str) -> None:
    page = client.post("/verify/", {"source": "url", "url": url})
    assert page.status_code == 400
    html = page.content.decode()
    assert "Merit will not fetch this address" in html
    assert reason in html
    assert f'value="{url}"' in html  # The address stays in the field, described by the error.
    assert 'aria-describedby="url-hint verify-error"' in html


def test_bad_web_addresses(client: Client) -> None:
    page = client.post("/verify/", {"source": "url", "url": "file:///etc/passwd"})
    assert "Enter a web address that starts with https://" in page.content.decode()


def test_a_credential_at_a_web_address(client: Client, college: Organisation, settings: Any) -> None:
    from tests.server.portal.local_http import serve

    settings.MERIT_FETCH_ALLOW = "127.0.0.1/32"
    content = json.dumps(micro_credential(college)).encode()
    with serve({"/c.json": content}) as base:
        page = client.post("/verify/", {"source": "url", "url": f"{base}/c.json"})
    assert VERIFIED in page.content.decode()
    assert Receipt.objects.get().credential_sha256 == hashlib.sha256(content).hexdigest()


def test_a_20_mb_upload_is_refused_with_413(client: Client) -> None:
    big = b"{" + b" " * (20 * 1024 * 1024) + b"}"
    page = upload(client, big)
    assert page.status_code == 413
    assert "at most 10 MB" in page.content.decode()


def test_the_upload_is_refused_before_it_is_read() -> None:
    from django.core.handlers.wsgi import WSGIHandler

    class Body(io.RawIOBase):
        read_count = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            Body.read_count += len(buffer)
            buffer[: len(buffer)] = b"x" * len(buffer)
            return len(buffer)

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/verify/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "CONTENT_TYPE": "multipart/form-data; boundary=x",
        "CONTENT_LENGTH": str(20 * 1024 * 1024),
        "wsgi.input": io.BufferedReader(Body()),
        "wsgi.errors": io.StringIO(),
    }
    statuses: list[str] = []
    body = b"".join(WSGIHandler()(environ, lambda status, headers: statuses.append(status)))
    assert statuses[0].startswith("413 ")
    assert b"10 MB" in body
    assert Body.read_count == 0
