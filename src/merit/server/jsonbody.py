"""Request bodies for django-ninja read with Merit's one JSON reader (``merit.core.verify.parsing.parse_json``).

Every API body is untrusted JSON: duplicate keys (parsers disagree on which value wins), NaN and Infinity (not
JSON), documents larger than 2 MiB or nested deeper than 64 levels are refused with a problem+json answer, exactly
as the portal refuses them, so a credential cannot read one way on the API and another in the portal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.http import HttpRequest
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from merit.core.verify.parsing import parse_json


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        return parse_json(request.body)


class StrictRenderer(JSONRenderer):
    """Answers are JSON too: never NaN or Infinity, non-ASCII text as itself."""

    json_dumps_params: ClassVar[Mapping[str, Any]] = {"allow_nan": False, "ensure_ascii": False}
