"""Validation against the official Open Badges 3.0 AchievementCredential JSON Schema, bundled, offline.

https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft201909Validator, Draft202012Validator
from jsonschema.protocols import Validator

OB3_SCHEMA = "ob_v3p0_achievementcredential_schema.json"


@cache
def _validator(name: str) -> Validator:
    schema = json.loads(resources.files("merit.core.schemas").joinpath(name).read_text(encoding="utf-8"))
    kind = Draft202012Validator if "2020-12" in schema.get("$schema", "") else Draft201909Validator
    return kind(schema)


def validate_ob3(credential: Any) -> list[str]:
    """Every way ``credential`` breaks the OB 3.0 AchievementCredential schema, as one-line messages."""
    errors = sorted(_validator(OB3_SCHEMA).iter_errors(credential), key=lambda e: list(e.absolute_path))
    return [f"{'.'.join(map(str, e.absolute_path)) or 'credential'}: {e.message[:200]}" for e in errors]
