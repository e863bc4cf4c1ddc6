"""Baked badges: PNG iTXt chunks and SVG elements, round trips, OB 2.0 forms, and malformed or hostile images."""

from __future__ import annotations

import json
import struct
import zlib

import pytest

from merit.core.baking import (
    PNG_SIGNATURE,
    BakingError,
    bake_png,
    bake_svg,
    extract_from_png,
    extract_from_svg,
)

CREDENTIAL = json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "Svets ]]> “MIG”"})


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(*extra: bytes) -> bytes:
    """A valid 1×1 grey PNG, with ``extra`` chunks before IEND."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + b"".join(extra) + chunk(b"IEND", b"")


def itxt(keyword: str, text: str, compressed: bool = False) -> bytes:
    data = zlib.compress(text.encode()) if compressed else text.encode()
    return chunk(b"iTXt", keyword.encode() + b"\0" + bytes([int(compressed), 0]) + b"\0\0" + data)


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
SVG += b'<rect width="10" height="10"/></svg>'


def test_png_round_trip_and_rebaking_replaces() -> None:
    assert extract_from_png(png()) is None
    baked = bake_png(png(), CREDENTIAL)
    assert extract_from_png(baked) == CREDENTIAL
    assert b"iTXtopenbadgecredential\0\0\0\0\0" in baked  # Uncompressed, no language tag, as OB 3.0 says.
    again = bake_png(baked, '{"second": true}')
    assert extract_from_png(again) == '{"second": true}'
    assert again.count(b"openbadgecredential") == 1


def test_png_ob2_and_compressed_text() -> None:
    assert extract_from_png(png(itxt("openbadges", "https://example.org/assertions/1"))) == (
        "https://example.org/assertions/1"
    )
    assert extract_from_png(png(itxt("openbadgecredential", CREDENTIAL, compressed=True))) == CREDENTIAL
    both = png(itxt("openbadges", "https://example.org/a"), itxt("openbadgecredential", CREDENTIAL))
    assert extract_from_png(both) == CREDENTIAL


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a....", "not a PNG"),
        (png()[:-6], "truncated"),
        (png() + b"junk", "after its IEND"),
        (png().replace(b"IDAT", b"IDAU"), "wrong CRC"),
        (PNG_SIGNATURE + struct.pack(">I", 2**31 + 5) + b"IHDR", "more than the image holds"),
        (PNG_SIGNATURE + chunk(b"IDAT", b"") + chunk(b"IEND", b""), "IHDR"),
        (png(itxt("openbadgecredential", "{}"), itxt("openbadgecredential", "{}")), "may have one"),
        (png(chunk(b"iTXt", b"openbadgecredential")), "malformed"),
        (png(chunk(b"iTXt", b"openbadgecredential\0\x01\x00\0\0" + b"not zlib")), "damaged"),
        (png(chunk(b"iTXt", b"openbadgecredential\0\x01\x00\0\0" + zlib.compress(b"x" * (3 << 20)))), "2 MiB"),
    ],
)
def test_malformed_pngs_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(BakingError, match=message):
        extract_from_png(data)


def test_svg_round_trip_keeps_the_image_and_escapes_cdata_ends() -> None:
    assert extract_from_svg(SVG) is None
    baked = bake_svg(SVG, CREDENTIAL)
    assert extract_from_svg(baked) == CREDENTIAL
    text = baked.decode()
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in text
    assert '"><openbadges:credential><![CDATA[' in text  # Directly after the <svg> tag.
    assert '<rect width="10" height="10"/></svg>' in text
    with pytest.raises(BakingError, match="already carries"):
        bake_svg(baked, CREDENTIAL)
    empty = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg" data-x="a>b"/>', "{}")
    assert extract_from_svg(empty) == "{}"
    assert empty.decode().endswith("</svg>")


def test_svg_ob3_verify_attribute_and_ob2_hosted_assertion() -> None:
    jws = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
    jws += b'<openbadges:credential verify="eyJ.eyJ.sig"/></svg>'
    assert extract_from_svg(jws) == "eyJ.eyJ.sig"
    hosted = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
    hosted += b'<openbadges:assertion verify="https://example.org/assertions/1"/></svg>'
    assert extract_from_svg(hosted) == "https://example.org/assertions/1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "document type"),
        (b'<?xml version="1.0"?><!DOCTYPE svg SYSTEM "http://example.org/x.dtd"><svg/>', "document type"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "well-formed"),
        (b"<html xmlns='http://www.w3.org/1999/xhtml'/>", "root element"),
        (b"\x89PNG", "well-formed"),
    ],
)
def test_hostile_or_malformed_svgs_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(BakingError, match=message):
        extract_from_svg(data)


def test_a_conflicting_openbadges_prefix_cannot_be_baked() -> None:
    other = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"/>'
    with pytest.raises(BakingError, match="another namespace"):
        bake_svg(other, CREDENTIAL)
