"""Texts in the reader's language: one rule for every place that shows a multilingual value.

Credentials carry their texts as plain strings, as language maps (``{"sv": "...", "en": "..."}``: Open Badges
3.0 ``*Translations``, ELM literals, Merit's specifications), or as JSON-LD value objects
(``{"@value": "...", "@language": "sv"}``, alone or in a list). The passport, the verification report, the PDF,
the designer's card and the Europass reader all choose the text to show with :func:`pick`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def is_language_map(value: Any) -> bool:
    """Whether ``value`` is a language map: a non-empty object whose keys are language tags and whose values are
    texts (or lists of texts, as in ELM)."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(key, str) and _TAG.match(key) for key in value)
        and all(isinstance(item, str | list) for item in value.values())
    )


def _text(item: Any) -> str | None:
    """The text of one entry (the first of a list), or ``None`` when there is no text in it."""
    if isinstance(item, list) and item:
        item = item[0]
    return item if isinstance(item, str) and item.strip() else None


def _value_objects(value: list[Any]) -> dict[str, Any] | None:
    """A list of JSON-LD value objects as a language map (an untagged one under ``""``), else ``None``."""
    objects = [item for item in value if isinstance(item, dict) and "@value" in item]
    if not objects:
        return None
    found: dict[str, Any] = {}
    for item in objects:
        found.setdefault(str(item.get("@language") or ""), item["@value"])
    return found


def pick(value: Any, languages: Sequence[str | None]) -> tuple[str | None, str | None]:
    """The text of ``value`` for a reader of ``languages`` (the most wanted first) and its language tag (``None``
    when the text has none): each wanted language matches a tag exactly, then by its primary subtag either way
    (``pt`` finds ``pt-PT``, ``sv-FI`` finds ``sv``); then English; then the first text there is. Texts that are
    empty or only spaces do not count; ``(None, None)`` when there is none."""
    if isinstance(value, str):
        return _text(value), None
    if isinstance(value, dict) and "@value" in value:
        language = value.get("@language")
        return _text(value["@value"]), language if isinstance(language, str) and language else None
    if isinstance(value, list):
        objects = _value_objects(value)
        if objects is None:
            for item in value:
                text, tag = pick(item, languages)
                if text:
                    return text, tag
            return None, None
        value = objects
    elif not is_language_map(value):
        return None, None
    texts = {key: text for key, item in value.items() if (text := _text(item)) is not None}
    lowered = {key.lower(): key for key in texts}
    for wanted in [*(language.lower() for language in languages if language), "en"]:
        exact = lowered.get(wanted)
        if exact is not None:
            return texts[exact], exact or None
        primary = wanted.split("-")[0]
        for lower, key in lowered.items():
            if lower and lower.split("-")[0] == primary:
                return texts[key], key
    first = next(iter(texts), None)
    return (None, None) if first is None else (texts[first], first or None)
