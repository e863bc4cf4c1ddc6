"""Multibase base58btc against the ``base58`` package (the reference implementation) and the spec's examples."""

from __future__ import annotations

import base58
import pytest
from hypothesis import given
from hypothesis import strategies as st

from merit.core import multibase
from merit.core.errors import MalformedValueError

# https://datatracker.ietf.org/doc/html/draft-msporny-base58-03#section-5
EXAMPLES = [(b"Hello World!", "2NEpo7TZRRrLZSi2U"), (b"\0\0\x28\x7f\xb4\xcd", "11233QC4")]


@pytest.mark.parametrize(("data", "text"), EXAMPLES)
def test_the_drafts_examples(data: bytes, text: str) -> None:
    assert multibase.encode_base58btc(data) == "z" + text
    assert multibase.decode_base58btc("z" + text) == data


@given(st.binary(min_size=1, max_size=80).map(lambda b: b"\0" * (b[:1] == b"\1") * 3 + b))
def test_the_same_bytes_and_text_as_the_reference(data: bytes) -> None:
    text = multibase.encode_base58btc(data)
    assert text == "z" + base58.b58encode(data).decode("ascii")
    assert multibase.decode_base58btc(text) == data == base58.b58decode(text[1:])


@pytest.mark.parametrize("bad", ["z", "z0", "zO", "zl", "zI", "z1 ", "m1", "", "z\u0661"])
def test_anything_else_is_refused(bad: str) -> None:
    with pytest.raises(MalformedValueError):
        multibase.decode_base58btc(bad)
