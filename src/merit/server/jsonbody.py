"""Request bodies for django-ninja read with Merit's one JSON reader (``merit.core.verify.parsing.parse_json``).

Every API body is untrusted JSON: duplicate keys (parsers disagree on which value wins), NaN and Infinity (not
JSON), documents larger than 2 MiB or nested deeper than 64 levels are refused with a problem+json answer, exactly
as the portal refuses them, so a credential cannot read one way on the API and another in the portal. So is text
with NUL (U+0000) in it, which PostgreSQL cannot store (the pages refuse it in forms: ``requestchecks.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.http import HttpRequest
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from merit.core.errors import MalformedValueError
from merit.core.verify.parsing import parse_json


def _has_nul(value: Any) -> bool:
    """Whether a string anywhere in ``value`` (a key or a value) holds U+0000; iterative, so depth costs nothing."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        body = parse_json(request.body)
        if _has_nul(body):
            raise MalformedValueError("text in the request may not contain NUL (U+0000)")
        return body


class StrictRenderer(JSONRenderer):
    """Answers are JSON too: never NaN or Infinity, non-ASCII text as itself."""

    json_dumps_params: ClassVar[Mapping[str, Any]] = {"allow_nan": False, "ensure_ascii": False}
