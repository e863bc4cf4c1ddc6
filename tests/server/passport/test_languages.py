"""A held credential's page in a language the credential does not have: its English texts carry ``lang="en"``,
its skills are in ESCO's labels for the reader where imported, its dates in the reader's locale."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from merit.cli.main import main
from merit.server.issuing.models import Specification
from merit.server.passport.models import HeldCredential
from tests.server.passport.conftest import issue_to

ROOT = Path(__file__).parents[3]


def _page(solar: Specification, anna: tuple[Any, Client], language: str) -> str:
    user, client = anna
    _record, token = issue_to(solar, "anna@example.se")
    client.post(f"/claim/{token}/passport")
    held = HeldCredential.objects.get(owner=user)
    return client.get(f"/passport/credentials/{held.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_english_texts_on_a_polish_page_are_marked(solar: Specification, anna: tuple[Any, Client]) -> None:
    page = _page(solar, anna, "pl")
    assert '<html lang="pl">' in page
    assert '<h1 lang="en">Installing photovoltaic systems</h1>' in page
    assert '<p lang="en">A short vocational course for electricians' in page
    assert '<li lang="en">Install and commission a grid-connected photovoltaic system' in page
    assert '<li lang="en">install photovoltaic systems</li>' in page  # ESCO's English label, no Polish one here.
    issued = re.search(r'<time datetime="[^"]+">([^<]+)</time>', page)
    assert issued is not None
    assert not re.search(r"\d{4}-\d{2}-\d{2}", issued.group(1))


def test_texts_in_the_pages_language_are_not_marked(solar: Specification, anna: tuple[Any, Client]) -> None:
    page = _page(solar, anna, "sv")
    assert "<h1>Installation av solcellsanläggningar</h1>" in page
    assert "<p>En kort yrkeskurs för elektriker" in page


def test_imported_esco_labels_replace_the_english_skill(
    solar: Specification, anna: tuple[Any, Client], settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "esco"
    sample = tmp_path / "skills_pl.csv"
    # A one-skill Polish export for the credential's first skill, in the official layout.
    sample.write_text(
        "conceptUri,preferredLabel,altLabels\n"
        "http://data.europa.eu/esco/skill/18d3f89a-6ac5-4ca6-bf93-0baec4e13bcd,instalować systemy fotowoltaiczne,\n",
        encoding="utf-8",
    )
    assert main(["esco", "import", str(sample), "--into", str(folder)]) == 0
    capsys.readouterr()
    settings.MERIT_ESCO_LABELS = str(folder)
    page = _page(solar, anna, "pl")
    assert "<li>instalować systemy fotowoltaiczne</li>" in page
    assert '<li lang="en">test electrical equipment</li>' in page


def test_import_refusals_from_the_core_are_in_the_readers_language(anna: tuple[Any, Client], monkeypatch: Any) -> None:
    """A refusal the core (or the fetcher) raises reaches the page as its code in words, never its English."""
    from merit.core.errors import MalformedValueError
    from merit.server.passport import services

    _user, client = anna

    def refuse(found: Any) -> Any:
        raise MalformedValueError("credentialSubject.id must be a URL, not 'x'")

    monkeypatch.setattr(services.containers, "parse", refuse)
    page = client.post("/passport/import", {"json": "{}"}, HTTP_ACCEPT_LANGUAGE="sv")
    html = page.content.decode()
    assert page.status_code == 422
    assert "ett värde har inte den form som dess specifikation kräver" in html
    assert "must be a URL" not in html
    # A web address Merit does not fetch from (a loopback address) is refused in Swedish too.
    monkeypatch.undo()
    refused = client.post("/passport/import", {"json": "https://127.0.0.1/c.json"}, HTTP_ACCEPT_LANGUAGE="sv")
    assert "adress som Merit inte hämtar från" in refused.content.decode()
