"""Baked badges: credentials carried inside PNG and SVG images (Open Badges 3.0 §5.3 "Baking",
https://www.imsglobal.org/spec/ob/v3p0/#baking; Open Badges 2.0 "Baking",
https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/baking/index.html).

* PNG: an ``iTXt`` chunk with the keyword ``openbadgecredential`` (OB 3.0) or ``openbadges`` (OB 2.0) whose text is
  the credential's JSON (or a compact JWS, or for OB 2.0 the URL of a hosted assertion). The PNG reader here is
  small and strict: the signature, every chunk's length and CRC-32, ``IHDR`` first and nothing after ``IEND``
  (https://www.w3.org/TR/png-3/#5Chunk-layout).
* SVG: an ``<openbadges:credential>`` element (namespace ``https://purl.imsglobal.org/ob/v3p0``) whose text is the
  JSON, or whose ``verify`` attribute is a compact JWS; OB 2.0 used ``<openbadges:assertion>`` (namespace
  ``http://openbadges.org``) with the JSON as text or the hosted assertion's URL in ``verify``. The SVG is read with
  expat, refusing any document type declaration or entity, so no entity expansion or external load can happen.
"""

from __future__ import annotations

import struct
import zlib
from xml.parsers import expat

from merit.core.errors import MalformedValueError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3_KEYWORD = "openbadgecredential"
OB2_KEYWORD = "openbadges"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_NAMESPACE = "http://openbadges.org"
MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""The largest image read (10 MiB)."""
MAX_TEXT_BYTES = 2 * 1024 * 1024
"""The largest credential text taken out of an image (2 MiB, as for any credential)."""
_MAX_CHUNK = 2**31 - 1


class BakingError(MalformedValueError):
    """An image that is not a well-formed PNG or SVG, or whose baked credential is malformed."""

    code = "BAKING_ERROR"


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) chunks of a PNG, each checked; raises :class:`BakingError` on any defect."""
    if len(data) > MAX_IMAGE_BYTES:
        raise BakingError(f"the image is larger than {MAX_IMAGE_BYTES // 1_048_576} MiB")
    if not data.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image (the signature is missing)")
    chunks: list[tuple[bytes, bytes]] = []
    position = len(PNG_SIGNATURE)
    while True:
        if position + 8 > len(data):
            raise BakingError("the PNG image is truncated (no IEND chunk)")
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        if length > _MAX_CHUNK or position + 12 + length > len(data):
            raise BakingError(f"a PNG chunk claims {length} bytes, more than the image holds")
        if not kind.isalpha() or not kind.isascii():
            raise BakingError("a PNG chunk has an invalid type")
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise BakingError(f"the PNG chunk {kind.decode('ascii')} has a wrong CRC (the image is damaged)")
        if not chunks and kind != b"IHDR":
            raise BakingError("the PNG image does not start with an IHDR chunk")
        chunks.append((kind, body))
        position += 12 + length
        if kind == b"IEND":
            if position != len(data):
                raise BakingError("the PNG image has data after its IEND chunk")
            return chunks


def _itxt(body: bytes) -> tuple[str, str]:
    """The keyword and text of an ``iTXt`` chunk (https://www.w3.org/TR/png-3/#11iTXt)."""
    keyword, separator, rest = body.partition(b"\0")
    if not separator or not 1 <= len(keyword) <= 79 or len(rest) < 2:
        raise BakingError("an iTXt chunk is malformed")
    compressed, method, rest = rest[0], rest[1], rest[2:]
    _language, separator, rest = rest.partition(b"\0")
    _translated, separator2, text = rest.partition(b"\0")
    if not separator or not separator2 or compressed not in (0, 1):
        raise BakingError("an iTXt chunk is malformed")
    if compressed:
        if method != 0:
            raise BakingError("an iTXt chunk uses an unknown compression method")
        inflater = zlib.decompressobj()
        try:
            text = inflater.decompress(text, MAX_TEXT_BYTES + 1)
        except zlib.error as exc:
            raise BakingError("an iTXt chunk's compressed text is damaged") from exc
    if len(text) > MAX_TEXT_BYTES:
        raise BakingError("the baked credential is larger than 2 MiB")
    try:
        return keyword.decode("latin-1"), text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BakingError("an iTXt chunk's text is not UTF-8") from exc


def extract_from_png(data: bytes) -> str | None:
    """The credential baked into a PNG (OB 3.0 first, else OB 2.0), or ``None`` when the image carries none."""
    found: dict[str, list[str]] = {OB3_KEYWORD: [], OB2_KEYWORD: []}
    for kind, body in _chunks(data):
        if kind == b"iTXt":
            keyword, text = _itxt(body)
            if keyword in found:
                found[keyword].append(text)
    for keyword in (OB3_KEYWORD, OB2_KEYWORD):
        if len(found[keyword]) > 1:
            raise BakingError(f"the image has {len(found[keyword])} '{keyword}' chunks; a badge may have one")
        if found[keyword]:
            return found[keyword][0]
    return None


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bake_png(png: bytes, credential: str) -> bytes:
    """``png`` with ``credential`` (JSON or a compact JWS) in an uncompressed ``openbadgecredential`` iTXt chunk,
    just before ``IEND``; an earlier baked credential is replaced (a badge has one)."""
    text = credential.encode("utf-8")
    body = OB3_KEYWORD.encode("latin-1") + b"\0" + b"\0\0" + b"\0" + b"\0" + text
    out = bytearray(PNG_SIGNATURE)
    for kind, chunk in _chunks(png):
        if kind == b"iTXt" and chunk.startswith(OB3_KEYWORD.encode("latin-1") + b"\0"):
            continue
        if kind == b"IEND":
            out += _chunk(b"iTXt", body)
        out += _chunk(kind, chunk)
    return bytes(out)


class _SvgReader:
    """Reads an SVG with expat and keeps the baked credential; refuses DTDs and entities."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartDoctypeDeclHandler = self._refuse_doctype
        self.parser.EntityDeclHandler = self._refuse_entity
        self.parser.ExternalEntityRefHandler = self._refuse_external
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.depth = 0
        self.root: str | None = None
        self.root_end: int | None = None
        self.found: list[tuple[str, str | None, list[str]]] = []
        self._inside: list[str] | None = None

    def _refuse_doctype(self, *args: object) -> None:
        raise BakingError("the SVG has a document type declaration, which is not accepted")

    def _refuse_entity(self, *args: object) -> None:
        raise BakingError("the SVG declares entities, which are not accepted")

    def _refuse_external(self, *args: object) -> int:
        raise BakingError("the SVG refers to an external entity, which is not accepted")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth == 1:
            self.root = name
        if name in (f"{OB3_NAMESPACE} credential", f"{OB2_NAMESPACE} assertion"):
            self._inside = []
            self.found.append((name, attributes.get("verify"), self._inside))

    def _end(self, name: str) -> None:
        self.depth -= 1
        if name in (f"{OB3_NAMESPACE} credential", f"{OB2_NAMESPACE} assertion"):
            self._inside = None

    def _text(self, text: str) -> None:
        if self._inside is not None:
            self._inside.append(text)

    def read(self, data: bytes) -> None:
        if len(data) > MAX_IMAGE_BYTES:
            raise BakingError(f"the image is larger than {MAX_IMAGE_BYTES // 1_048_576} MiB")
        try:
            self.parser.Parse(data, True)
        except expat.ExpatError as exc:
            raise BakingError(f"not a well-formed SVG image ({expat.errors.messages[exc.code]})") from exc
        if self.root not in ("http://www.w3.org/2000/svg svg", "svg"):
            raise BakingError("not an SVG image (the root element is not <svg>)")


def extract_from_svg(data: bytes) -> str | None:
    """The credential baked into an SVG (its JSON, a compact JWS, or an OB 2.0 hosted assertion's URL), or
    ``None`` when the image carries none."""
    reader = _SvgReader()
    reader.read(data)
    for namespace_name in (f"{OB3_NAMESPACE} credential", f"{OB2_NAMESPACE} assertion"):
        matches = [entry for entry in reader.found if entry[0] == namespace_name]
        if len(matches) > 1:
            raise BakingError("the image has more than one baked credential; a badge may have one")
        if matches:
            _, verify, parts = matches[0]
            text = "".join(parts).strip()
            value = text or (verify or "").strip()
            if not value:
                raise BakingError("the image's baked credential is empty")
            if len(value.encode("utf-8")) > MAX_TEXT_BYTES:
                raise BakingError("the baked credential is larger than 2 MiB")
            return value
    return None


def _end_of_start_tag(text: str, start: int) -> int:
    """The index just after the ``>`` that closes the start tag beginning at ``start`` (quotes respected)."""
    quote: str | None = None
    for index in range(start, len(text)):
        char = text[index]
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == ">":
            return index + 1
    raise BakingError("the SVG's <svg> start tag is not closed")


def bake_svg(svg: bytes, credential: str) -> bytes:
    """``svg`` with ``credential`` baked as OB 3.0 says: the ``openbadges`` namespace on ``<svg>`` and an
    ``<openbadges:credential>`` element holding the JSON in a CDATA section directly after the ``<svg>`` tag."""
    reader = _SvgReader()
    located: list[int] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if not located:
            located.append(reader.parser.CurrentByteIndex)
        _SvgReader._start(reader, name, attributes)

    reader.parser.StartElementHandler = start
    reader.read(svg)
    if reader.found:
        raise BakingError("the image already carries a baked credential")
    text = svg.decode("utf-8")
    start_at = len(svg[: located[0]].decode("utf-8"))
    end = _end_of_start_tag(text, start_at)
    self_closing = text[end - 2] == "/"
    tag = text[start_at : end - (2 if self_closing else 1)]
    if "xmlns:openbadges" not in tag:
        tag += f' xmlns:openbadges="{OB3_NAMESPACE}"'
    safe = credential.replace("]]>", "]]]]><![CDATA[>")
    element = f"<openbadges:credential><![CDATA[{safe}]]></openbadges:credential>"
    closing = f"</{tag[1:].split()[0]}>" if self_closing else ""
    baked = (text[:start_at] + tag + ">" + element + closing + text[end:]).encode("utf-8")
    if extract_from_svg(baked) != credential.strip():
        raise BakingError("the SVG binds the openbadges prefix to another namespace; it cannot be baked")
    return baked
