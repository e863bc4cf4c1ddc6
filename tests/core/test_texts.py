"""Texts in the reader's language: one rule for strings, language maps and JSON-LD value objects."""

from __future__ import annotations

from typing import Any

import pytest

from merit.core.texts import is_language_map, pick

MAP = {"en": "Solar installation", "sv": "Solcellsinstallation", "pt-PT": "Instalação solar"}


@pytest.mark.parametrize(
    ("value", "languages", "expected"),
    [
        ("Plain text", ["sv"], ("Plain text", None)),
        ("   ", ["sv"], (None, None)),
        (MAP, ["sv"], ("Solcellsinstallation", "sv")),
        (MAP, ["SV"], ("Solcellsinstallation", "sv")),
        (MAP, ["sv-FI"], ("Solcellsinstallation", "sv")),
        (MAP, ["pt"], ("Instalação solar", "pt-PT")),
        (MAP, ["fi"], ("Solar installation", "en")),
        (MAP, ["fi", "sv"], ("Solcellsinstallation", "sv")),
        (MAP, [None], ("Solar installation", "en")),
        ({"pl": "Wózek widłowy", "fi": "Trukki"}, ["sv"], ("Wózek widłowy", "pl")),
        ({"sv": "Svenska", "sv-FI": "Finlandssvenska"}, ["sv-FI"], ("Finlandssvenska", "sv-FI")),
        ({"sv-FI": "Finlandssvenska", "sv": "Svenska"}, ["sv"], ("Svenska", "sv")),
        ({"sv": "  ", "en": "English"}, ["sv"], ("English", "en")),
        ({"en": ["First", "Second"]}, ["en"], ("First", "en")),
        ({"@value": "Tagged", "@language": "sv"}, ["en"], ("Tagged", "sv")),
        ({"@value": "Untagged"}, ["en"], ("Untagged", None)),
        ([{"@value": "Hej", "@language": "sv"}, {"@value": "Hello", "@language": "en"}], ["sv"], ("Hej", "sv")),
        ([{"@value": "Hej", "@language": "sv"}, {"@value": "Hello", "@language": "en"}], ["fi"], ("Hello", "en")),
        ([{"@value": "No language"}], ["fi"], ("No language", None)),
        (["", {"sv": "Andra"}], ["sv"], ("Andra", "sv")),
        ({"name": "Not a language map", "url": "https://example.org"}, ["en"], (None, None)),
        ({}, ["en"], (None, None)),
        (None, ["en"], (None, None)),
        (42, ["en"], (None, None)),
    ],
)
def test_pick(value: Any, languages: list[str | None], expected: tuple[str | None, str | None]) -> None:
    assert pick(value, languages) == expected


def test_a_language_map_has_language_tags_for_keys_and_texts_for_values() -> None:
    assert is_language_map(MAP)
    assert is_language_map({"en": ["a", "b"]})
    assert not is_language_map({})
    assert not is_language_map({"en": 1})
    assert not is_language_map({"english": "text"})
