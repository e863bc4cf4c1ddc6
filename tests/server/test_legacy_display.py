"""A credential Merit issued in its first encoding (eu-mc/v1, ``tests/data/legacy``) is shown on every page exactly
as the same credential in the current encoding (decision 0011): the portal report, the passport and the PDF."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from merit.core.microcredential import Learner, parse_spec, render_credential
from merit.server.passport import display as passport
from merit.server.passport.models import HeldCredential
from merit.server.pdf import display as pdf
from merit.server.portal import report

LEGACY = Path(__file__).parents[1] / "data" / "legacy"


def pair() -> tuple[dict[str, Any], dict[str, Any]]:
    """The legacy credential, and the same credential rendered now (unsigned: the pages show, they do not verify)."""
    legacy = json.loads((LEGACY / "microcredential.json").read_text())
    spec = parse_spec(json.loads((LEGACY / "full-spec.json").read_text()))
    subject = legacy["credentialSubject"]
    current = render_credential(
        spec,
        Learner(email="anna@example.fi", did=subject["id"], name="Anna Example"),
        legacy["issuer"]["id"],
        credential_id=legacy["id"],
        issued=datetime(2026, 3, 1, tzinfo=UTC),
        valid_until=datetime(2031, 3, 1, tzinfo=UTC),
        salt=subject["identifier"][0]["salt"],
        grade="4",
    )
    assert "https://purl.org/merit/ns/eu-mc/v1" not in current["@context"]
    return legacy, current


@pytest.mark.parametrize("language", ["en", "fi", "sv"])
def test_the_pdf_and_the_report_show_the_first_encoding_as_the_current_one(language: str) -> None:
    legacy, current = pair()
    with translation.override(language):
        shown = pdf.display(legacy, language)
        assert shown == pdf.display(current, language)
        assert report.content(legacy) == report.content(current)
    facts = {fact.label: fact for fact in shown.facts}
    assert len(facts) == 10  # Level, workload, field, assessment, participation, QA, supervision, prerequisites,
    # integration and grade: every fact the PDF has.
    assert shown.micro
    assert len(shown.outcomes) == 2
    assert len(shown.skills) == 3
    if language == "fi":
        assert shown.title.text == "Sovellettu data-analyysi Pythonilla"
        assert shown.outcomes[0].text == "Puhdistaa, analysoida ja visualisoida aineistoja Pythonilla."


@pytest.mark.django_db
def test_the_passport_shows_the_first_encoding_as_the_current_one() -> None:
    legacy, current = pair()
    for language in ("en", "fi"):
        with translation.override(language):
            shown = [
                passport.content(HeldCredential(original=json.dumps(doc).encode(), format="vc", titles={}, title="t"))
                for doc in (legacy, current)
            ]
            assert shown[0] == shown[1]
            assert shown[0]["missing"] == []
            assert shown[0]["quality_body"] == "Finnish Education Evaluation Centre (FINEEC)"
            assert shown[0]["eqf"] == 6
    assert shown[0]["prerequisites"] == "Ohjelmoinnin perustaidot."
