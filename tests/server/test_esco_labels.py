"""ESCO labels in the reader's language on pages: the files ``merit esco import`` writes, passed to the core by
``merit.server.esco``, with English as the fallback marked ``lang="en"``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from merit.cli.main import main
from merit.server import esco
from merit.server.accounts.models import Membership, Organisation, Role
from merit.server.passport import competence
from tests.server.people import person, signed_in

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "tests" / "data" / "esco" / "skills_pl.csv"
SORT_WASTE = "http://data.europa.eu/esco/skill/110d7aa3-e44e-4cce-a927-8d4de615f3d9"
SOLAR = "http://data.europa.eu/esco/skill/18d3f89a-6ac5-4ca6-bf93-0baec4e13bcd"


@pytest.fixture
def polish(tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]) -> Path:
    folder = tmp_path / "esco"
    assert main(["esco", "import", str(SAMPLE), "--into", str(folder)]) == 0
    capsys.readouterr()
    settings.MERIT_ESCO_LABELS = str(folder)
    return folder


def test_labels_follow_the_reader_with_english_marked(polish: Path) -> None:
    with translation.override("pl"):
        assert esco.label(SORT_WASTE) == esco.Shown("sortować odpady", "")
        assert esco.label(SOLAR) == esco.Shown("install photovoltaic systems", "en")
        # The credential's own label gives way to ESCO's Polish one.
        assert esco.skill_label(SORT_WASTE, "sort waste") == esco.Shown("sortować odpady", "")
        # No Polish label: the credential's own, marked English when it is ESCO's English label ...
        assert esco.skill_label(SOLAR, "install photovoltaic systems") == esco.Shown(
            "install photovoltaic systems", "en"
        )
        # ... and unmarked when its language is unknown.
        assert esco.skill_label(SOLAR, "solceller") == esco.Shown("solceller", "")
    with translation.override("en"):
        assert esco.label(SORT_WASTE) == esco.Shown("sort waste", "")
    with translation.override("sv"):
        assert esco.label(SORT_WASTE) == esco.Shown("sort waste", "en")


def test_without_imported_labels_english_is_used(settings: Any, tmp_path: Path) -> None:
    settings.MERIT_ESCO_LABELS = str(tmp_path / "nothing")
    with translation.override("pl"):
        assert esco.label(SORT_WASTE) == esco.Shown("sort waste", "en")


@pytest.mark.django_db
def test_the_designers_search_speaks_polish(polish: Path, college: Organisation) -> None:
    user = person("designer@college.example")
    Membership.objects.create(user=user, organisation=college, role=Role.DESIGNER)
    client: Client = signed_in(user)
    client.cookies["django_language"] = "pl"
    html = client.get("/workspace/college/esco", {"outcome": "0", "esco_q_0": "sortowac"}).content.decode()
    assert 'class="link">sortować odpady</button>' in html
    assert f"add-skill:0:{SORT_WASTE}" in html
    english = client.get("/workspace/college/esco", {"outcome": "0", "esco_q_0": "photovoltaic"}).content.decode()
    assert 'class="link" lang="en">install photovoltaic systems</button>' in english


def test_the_competence_map_uses_the_readers_labels(polish: Path) -> None:
    held = SimpleNamespace(
        eqf_level=4,
        ects=5.0,
        hours=None,
        issued_at=datetime(2026, 1, 1),
        display_title="Recykling",
        subject_match="yes",  # Issued to this learner: only such credentials count.
        issuer_name="Szkoła",
        skills=[{"uri": SORT_WASTE, "label": "sort waste"}, {"uri": SOLAR, "label": "install photovoltaic systems"}],
    )
    with translation.override("pl"):
        found = competence.build([held])  # type: ignore[list-item]
    skills = {skill.uri: (skill.label, skill.lang) for group in found.groups for skill in group.skills}
    assert skills[SORT_WASTE] == ("sortować odpady", "")
    assert skills[SOLAR] == ("install photovoltaic systems", "en")
    assert all(group.lang == "en" for group in found.groups)  # The sample has no Polish skill groups.


def test_the_designers_chosen_skills_are_in_the_readers_language(polish: Path) -> None:
    from merit.server.workspace.designer import _chosen_skill

    with translation.override("pl"):
        assert _chosen_skill(SORT_WASTE) == (SORT_WASTE, "sortować odpady", "")
        assert _chosen_skill(SOLAR) == (SOLAR, "install photovoltaic systems", "en")
        assert _chosen_skill("http://example.org/x") == ("http://example.org/x", "http://example.org/x", "")
