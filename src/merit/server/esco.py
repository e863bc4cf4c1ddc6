"""ESCO labels in the reader's language for pages: the label files ``merit esco import`` writes (in
``settings.MERIT_ESCO_LABELS``, by default ``MERIT_HOME/esco``), passed to the core's
:class:`~merit.core.microcredential.esco_languages.Labels`, with the bundled English as the fallback.

Each answer carries ``lang``: the language of its text when that is not the page's, for a ``lang`` attribute, so a
Polish page marks an English fallback ``lang="en"`` (empty when the text is in the page's language). The files are
read once per process: restart the server after an import. ``docs/decisions/0020-esco-languages.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language

from merit.core.microcredential import esco as bundled
from merit.core.microcredential.esco_languages import Labels


@dataclass(frozen=True)
class Shown:
    """A label as a page shows it: its text, and its language when that is not the page's (else ``""``)."""

    text: str
    lang: str


@cache
def labels() -> Labels:
    folder = getattr(settings, "MERIT_ESCO_LABELS", "")
    return Labels.load(Path(folder) if folder else None)


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    if setting == "MERIT_ESCO_LABELS":
        labels.cache_clear()


def reader() -> str:
    """The page's language (``sv`` for ``sv-se``)."""
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _shown(text: str, language: str) -> Shown:
    return Shown(text, "" if language == reader() else language)


def label(uri: str) -> Shown | None:
    """An ESCO concept's (skill's or skill group's) label in the reader's language, else in English; ``None`` when
    ESCO does not know the concept."""
    found = labels().label(uri, [reader()])
    return _shown(found.text, found.language) if found is not None else None


def skill_label(uri: str, own: str | None) -> Shown:
    """A credential's skill as a page shows it: ESCO's label in the reader's language where there is one; else the
    credential's own label (``own``), marked English when it is ESCO's English label, unmarked when its language
    is unknown; else ESCO's English label; else the URI."""
    found = labels().label(uri, [reader()])
    if found is not None and found.language == reader():
        return Shown(found.text, "")
    if own:
        english = bundled.concept(uri)
        return _shown(own, "en") if english is not None and english.label == own else Shown(own, "")
    if found is not None:
        return _shown(found.text, found.language)
    return Shown(uri, "")


def search(query: str, limit: int) -> list[dict[str, str]]:
    """ESCO skills matching ``query`` in the reader's language (then English), for the designer's search."""
    language = reader()
    results = []
    for skill, found in labels().search(query, language, limit=limit):
        shown = _shown(found.text, found.language)
        alternatives = labels().alternatives(skill.uri, found.language)
        results.append(
            {
                "uri": skill.uri,
                "label": shown.text,
                "lang": shown.lang,
                "type": skill.skill_type,
                "alt": ", ".join(alternatives[:3]),
            }
        )
    return results
