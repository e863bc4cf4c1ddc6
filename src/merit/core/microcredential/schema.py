"""Validation against the official Open Badges 3.0 AchievementCredential JSON Schema, bundled, offline.

https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json

The validators are ``jsonschema-rs`` (Rust) compiled once per schema; ``docs/decisions/0010-jsonschema-rs.md``
says why. Formats are annotations only, as JSON Schema 2019-09 and 2020-12 define them by default, and no
reference is ever fetched: every ``$ref`` in the bundled schemas points inside its own document. Credentials are
judged with one relaxation of the published schema, a list of status entries (decision 0017).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

OB3_SCHEMA = "ob_v3p0_achievementcredential_schema.json"
OB3_SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/" + OB3_SCHEMA


def _load(name: str) -> dict[str, Any]:
    return dict(json.loads(resources.files("merit.core.schemas").joinpath(name).read_text(encoding="utf-8")))


def _validator(schema: dict[str, Any]) -> jsonschema_rs.Validator:
    if "2020-12" in schema.get("$schema", ""):
        return jsonschema_rs.Draft202012Validator(schema, validate_formats=False, offline=True)
    return jsonschema_rs.Draft201909Validator(schema, validate_formats=False, offline=True)


@cache
def compiled(name: str) -> jsonschema_rs.Validator:
    """The validator for the bundled schema ``name``, as published, of the draft its ``$schema`` names, compiled
    once."""
    return _validator(_load(name))


@cache
def _ob3_judged() -> jsonschema_rs.Validator:
    """The OB 3.0 AchievementCredential schema as Merit judges credentials with it: as published, except that
    ``credentialStatus`` may also be an array of one or more ``CredentialStatus`` objects, as VC 2.0 §4.10 allows
    and 1EdTech proposes for 3.1 (openbadges-specification#623), so that a credential with a revocation and a
    suspension entry is judged by its entries (``docs/decisions/0017-open-badges-suspension.md``)."""
    schema = _load(OB3_SCHEMA)
    single = schema["properties"]["credentialStatus"]
    schema["properties"]["credentialStatus"] = {"anyOf": [single, {"type": "array", "minItems": 1, "items": single}]}
    return _validator(schema)


def _path_key(path: list[str | int]) -> tuple[tuple[int, int, str], ...]:
    # Array indices sort as numbers and before names, so that item 10 follows item 9 and no comparison of an
    # index with a name is ever attempted.
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, part) for part in path)


def schema_errors(validator: jsonschema_rs.Validator, instance: Any) -> list[tuple[str, str]]:
    """Each error of ``instance`` as its dotted path (empty for the root) and its message, sorted by path."""
    errors = sorted(validator.iter_errors(instance), key=lambda e: (_path_key(e.instance_path), e.message))
    return [(".".join(map(str, e.instance_path)), e.message[:200]) for e in errors]


def validate_ob3(credential: Any) -> list[str]:
    """Every way ``credential`` breaks the OB 3.0 AchievementCredential schema, as one-line messages (with its
    ``credentialStatus`` allowed to be a list of entries: :func:`_ob3_judged`)."""
    return [f"{path or 'credential'}: {message}" for path, message in schema_errors(_ob3_judged(), credential)]


def declares_ob3_schema(credential: Any) -> bool:
    """Whether ``credential`` names the OB 3.0 AchievementCredential schema in its ``credentialSchema``."""
    declared = credential.get("credentialSchema") if isinstance(credential, dict) else None
    entries = declared if isinstance(declared, list) else [declared]
    return any(isinstance(entry, dict) and entry.get("id") == OB3_SCHEMA_URL for entry in entries)
