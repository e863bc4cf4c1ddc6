"""Reading untrusted JSON safely: size and depth limits, no duplicate keys, no NaN or Infinity."""

from __future__ import annotations

import json
import math
from typing import Any

from merit.core.errors import ParsingError, RangeError

MAX_BYTES = 2 * 1024 * 1024
"""The largest document accepted by default (2 MiB); credentials are a few kilobytes."""
MAX_DEPTH = 64
"""The deepest nesting of objects and arrays accepted."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ParsingError(f"duplicate key {key!r}: parsers disagree on which value wins")
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    raise ParsingError(f"{name} is not valid JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ParsingError(f"the number {text[:20]} is too large for a finite floating-point value")
    return value


def depth_of(value: Any, limit: int = MAX_DEPTH) -> int:
    """The nesting depth of a JSON value, computed without recursion; stops counting past ``limit``."""
    # One level at a time, keeping only the objects and arrays of the next level: every request body is measured,
    # and this is about three times faster than a stack of (value, depth) pairs with every scalar on it.
    level = [value] if isinstance(value, dict | list) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return depth
        below = []
        for item in level:
            for child in item.values() if isinstance(item, dict) else item:
                if isinstance(child, dict | list):
                    below.append(child)
        level = below
    return depth


def check_depth(value: Any, limit: int = MAX_DEPTH) -> None:
    """Raise :class:`RangeError` when ``value`` is nested deeper than ``limit``."""
    if depth_of(value, limit) > limit:
        raise RangeError(f"the document is nested more than {limit} levels deep")


def parse_json(data: str | bytes, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """Parse an untrusted JSON document into an object, or raise a one-line :class:`ParsingError`/`RangeError`."""
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > max_bytes:
        raise RangeError(f"the document is {size / 1_048_576:.1f} MiB; the limit is {max_bytes / 1_048_576:.0f} MiB")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParsingError(f"the document is not UTF-8 text (byte {exc.start})") from exc
    try:
        value = json.loads(data, object_pairs_hook=_no_duplicates, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError as exc:
        raise RangeError(f"the document is nested more than {MAX_DEPTH} levels deep") from exc
    except json.JSONDecodeError as exc:
        raise ParsingError(f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    except ValueError as exc:  # An integer longer than Python converts (sys.get_int_max_str_digits).
        raise RangeError(f"a number in the document is too long: {str(exc).splitlines()[0]}") from exc
    if not isinstance(value, dict):
        raise ParsingError("the document must be a JSON object")
    check_depth(value)
    return value
