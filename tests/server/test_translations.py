"""Translations: Swedish is complete, and every committed .mo is what msgfmt builds from its .po."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LOCALE = Path(__file__).parents[2] / "src" / "merit" / "server" / "locale"


def _entries(po: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file, joining continuation lines. A plural entry's msgstr is empty unless
    every form is translated, and a fuzzy entry counts as untranslated (msgfmt leaves it out)."""
    entries: list[tuple[str, str]] = []
    msgid, forms, fuzzy, key = None, [], False, ""

    def close() -> None:
        if msgid:
            entries.append((msgid, "" if fuzzy or not forms or not all(forms) else forms[0]))

    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,"):
            close()
            msgid, forms, fuzzy, key = None, [], "fuzzy" in line, ""
        elif line.startswith("msgid "):
            if key.startswith("msgstr"):
                close()
                fuzzy = False
            msgid, forms, key = line[7:-1], [], "msgid"
        elif line.startswith("msgid_plural "):
            key = "plural"
        elif line.startswith("msgstr"):
            forms.append(line.split(" ", 1)[1][1:-1])
            key = "msgstr"
        elif line.startswith('"') and key == "msgid":
            msgid = (msgid or "") + line[1:-1]
        elif line.startswith('"') and key == "msgstr":
            forms[-1] += line[1:-1]
        elif not line.strip() and key.startswith("msgstr"):
            close()
            msgid, forms, fuzzy, key = None, [], False, ""
    return entries


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


def _msgids(po: Path) -> set[str]:
    return {msgid for msgid, _msgstr in _entries(po)}


def test_catalogues_are_up_to_date_with_the_source(tmp_path: Path) -> None:
    """Every string marked for translation is in every catalogue, and no catalogue keeps strings the code no longer
    has: ``makemessages`` run on a copy of the source finds exactly the committed msgids."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext's xgettext is needed (apt-get install gettext)")
    copy = tmp_path / "server"
    shutil.copytree(LOCALE.parent, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    command = [sys.executable, "-m", "django", "makemessages", "--no-obsolete", "--no-location", "-l", "sv", "-l", "nb"]
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "merit.server.settings"}
    subprocess.run([*command, "-l", "fi", "-l", "pl"], cwd=copy, env=environment, check=True, capture_output=True)
    for language in ("sv", "nb", "fi", "pl"):
        committed = _msgids(LOCALE / language / "LC_MESSAGES" / "django.po")
        fresh = _msgids(copy / "locale" / language / "LC_MESSAGES" / "django.po")
        assert sorted(fresh - committed) == [], f"strings not in the {language} catalogue: run makemessages"
        assert sorted(committed - fresh) == [], f"stale strings in the {language} catalogue: run makemessages"


@pytest.mark.parametrize("language", ["nb", "fi", "pl"])
def test_other_languages_are_complete(language: str) -> None:
    entries = _entries(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert [msgid for msgid, msgstr in entries if not msgstr] == []


@pytest.mark.parametrize(
    ("language", "credential", "other"), [("sv", "Återkallat", "Återkallad"), ("pl", "Unieważnione", "Unieważniony")]
)
def test_a_revoked_credential_agrees_with_the_noun_credential(language: str, credential: str, other: str) -> None:
    """The word "revoked" on a credential's badge agrees with the word for credential (neuter in Swedish and
    Polish, like the badge's "valid" and "suspended"); elsewhere (API tokens, grants) it keeps the general one."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from merit.server.passport.status import badge as state_badge

    with translation.override(language):
        badge = render_to_string("passport/_state.html", {"badge": state_badge("revoked")})
        valid = render_to_string("passport/_state.html", {"badge": state_badge("valid")})
        assert credential in badge
        assert state_badge("revoked")["label"] == credential, "the passport's cards take their words from here too"
        assert translation.gettext("Revoked") == other
    assert valid.strip().endswith({"sv": "Giltigt</span>", "pl": "Ważne</span>"}[language])
