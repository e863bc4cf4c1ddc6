"""Untrusted JSON: size, depth, duplicates, constants and encodings each get a one-line error."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from merit.core.errors import ParsingError, RangeError
from merit.core.verify.parsing import MAX_DEPTH, check_depth, depth_of, parse_json

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=2), children, max_size=3),
    max_leaves=30,
)


def _depth(value: Any) -> int:
    """The nesting depth by its definition, recursively: a scalar is 0, a container one more than its deepest."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return 1 + max((_depth(child) for child in value), default=0)
    return 0


@given(JSON)
def test_depth_is_the_deepest_nesting_of_objects_and_arrays(value: Any) -> None:
    assert depth_of(value) == _depth(value)


def test_depth_stops_counting_past_the_limit() -> None:
    def nested(levels: int) -> Any:
        value: Any = 1
        for level in range(levels):
            value = [value, 2] if level % 2 else {"a": value, "b": "c"}
        return value

    check_depth(nested(MAX_DEPTH))
    with pytest.raises(RangeError, match="nested more than 64 levels"):
        check_depth(nested(MAX_DEPTH + 1))
    assert depth_of(nested(1000), limit=5) == 6


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("{", ParsingError, "malformed JSON at line 1"),
        ("[1, 2]", ParsingError, "must be a JSON object"),
        ('{"a": 1, "a": 2}', ParsingError, "duplicate key 'a'"),
        ('{"a": NaN}', ParsingError, "NaN is not valid JSON"),
        ('{"a": Infinity}', ParsingError, "Infinity is not valid JSON"),
        ('{"a": -Infinity}', ParsingError, "-Infinity is not valid JSON"),
        ('{"a": 1e400}', ParsingError, "too large for a finite"),
        ('{"a": ' + "9" * 5000 + "}", RangeError, "a number in the document is too long"),
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
