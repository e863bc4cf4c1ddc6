"""Translations: Swedish is complete, and every committed .mo is what msgfmt builds from its .po."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).parents[2] / "src" / "merit" / "server" / "locale"


def _entries(po: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file, joining continuation lines."""
    entries, current, key = [], {"msgid": "", "msgstr": ""}, None
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            if key is not None:
                entries.append((current["msgid"], current["msgstr"]))
            key, current = "msgid", {"msgid": line[7:-1], "msgstr": ""}
        elif line.startswith("msgstr "):
            key, current["msgstr"] = "msgstr", line[8:-1]
        elif line.startswith('"') and key is not None:
            current[key] += line[1:-1]
    if key is not None:
        entries.append((current["msgid"], current["msgstr"]))
    return [(msgid, msgstr) for msgid, msgstr in entries if msgid]


def test_swedish_is_complete() -> None:
    entries = _entries(LOCALE / "sv" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 80
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert untranslated == []


@pytest.mark.parametrize("language", ["sv", "nb", "fi", "pl"])
def test_compiled_catalogues_match_their_sources(language: str, tmp_path: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("GNU gettext's msgfmt is needed (apt-get install gettext)")
    folder = LOCALE / language / "LC_MESSAGES"
    built = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(built), str(folder / "django.po")], check=True)
    assert built.read_bytes() == (folder / "django.mo").read_bytes(), f"run 'django-admin compilemessages' ({language})"
