"""One way in: ``merit verify`` and the portal reach the same outcome on every file in tests/data.

Both run offline here (the portal's fetcher refuses every address, as the command line has none), so a difference
can only come from how each reads and dispatches a document. Files that are not credentials are refused by both.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from merit.cli.main import main
from merit.server import netfetch
from merit.server.portal import services
from merit.server.portal.containers import ContainerError, open_file

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parents[2] / "data"
FILES = sorted(p for p in DATA.rglob("*") if p.is_file())


def _offline(url: str, **_: Any) -> bytes:
    raise netfetch.FetchFailed(f"{url}: offline in this test")


def _command_line(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str, str]:
    code = main(["verify", str(path), "--json"])
    out, err = capsys.readouterr()
    if not out:
        assert code == 1
        assert err.startswith("merit verify: "), err
        return "refused", "-", "-"
    report = json.loads(out)
    return report["format"], report["outcome"], report["reason"].split(":", 1)[0]


def _portal(path: Path) -> tuple[str, str, str]:
    try:
        verification = services.verify_found(open_file(path.read_bytes()))
    except (ContainerError, services.NotACredential):
        return "refused", "-", "-"
    report = verification.report
    return verification.fmt, report.outcome, report.reason.split(":", 1)[0]


def test_the_data_has_every_kind_of_file() -> None:
    suffixes = {p.suffix for p in FILES}
    assert {".json", ".jsonld", ".jwt", ".txt", ".md"} <= suffixes
    assert len(FILES) > 300


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(DATA)) for p in FILES])
def test_merit_verify_and_the_portal_agree(
    path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(netfetch, "fetch", _offline)
    assert _command_line(path, capsys) == _portal(path)


def test_formats_that_used_to_disagree(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: ``merit verify`` called a Europass credential and an Open Badges 2.0 assertion INVALID ("@context
    must start with .../v2") where the portal said "could not verify"."""
    monkeypatch.setattr(netfetch, "fetch", _offline)
    europass = DATA / "edc" / "AA-Annex1-MC-signed.jsonld"
    assertion = DATA / "ob2" / "spec-concepts-example.json"
    assert _command_line(europass, capsys)[:2] == ("edc", "could_not_verify") == _portal(europass)[:2]
    assert _command_line(assertion, capsys)[:2] == ("ob2", "could_not_verify") == _portal(assertion)[:2]
    jwt = DATA / "jwt" / "ob30-simple-jwt-svg.jwt"  # Was "malformed JSON" on the command line, refused by the portal.
    assert _command_line(jwt, capsys) == ("ob3-jwt", "could_not_verify", "issuer") == _portal(jwt)
