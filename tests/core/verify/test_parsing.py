"""Untrusted JSON: size, depth, duplicates, constants and encodings each get a one-line error."""

from __future__ import annotations

import pytest

from merit.core.errors import ParsingError, RangeError
from merit.core.verify.parsing import parse_json


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("{", ParsingError, "malformed JSON at line 1"),
        ("[1, 2]", ParsingError, "must be a JSON object"),
        ('{"a": 1, "a": 2}', ParsingError, "duplicate key 'a'"),
        ('{"a": NaN}', ParsingError, "NaN is not valid JSON"),
        ('{"a": Infinity}', ParsingError, "Infinity is not valid JSON"),
        ('{"a":' * 100 + "1" + "}" * 100, RangeError, "nested more than 64 levels"),
        ("[" * 100_000 + "]" * 100_000, RangeError, "nested more than 64 levels"),
    ],
)
def test_bad_json(text: str, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message) as caught:
        parse_json(text)
    assert "\n" not in str(caught.value)


def test_oversized_document_is_refused_before_parsing() -> None:
    with pytest.raises(RangeError, match=r"10\.0 MiB; the limit is 2 MiB"):
        parse_json(b'{"a": "' + b"x" * (10 * 1024 * 1024 - 9) + b'"}')


def test_non_utf8_bytes() -> None:
    with pytest.raises(ParsingError, match="not UTF-8"):
        parse_json(b'{"a": "\xff"}')
