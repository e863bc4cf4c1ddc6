"""``merit esco import``: the official ESCO CSV export of a language into the folder the server reads."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from merit.cli.main import main

ROOT = Path(__file__).parents[2]
SAMPLE = ROOT / "tests" / "data" / "esco" / "skills_pl.csv"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_import_the_polish_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "esco", "import", str(SAMPLE), "--into", str(tmp_path))
    assert code == 0
    assert "22 concepts in pl" in out
    stored = json.loads(gzip.decompress((tmp_path / "esco-pl.json.gz").read_bytes()))
    assert stored["language"] == "pl"
    assert len(stored["labels"]) == 22
    assert stored["labels"]["http://data.europa.eu/esco/skill/110d7aa3-e44e-4cce-a927-8d4de615f3d9"][0] == (
        "sortować odpady"
    )


def test_the_default_folder_is_under_merit_home(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MERIT_ESCO_LABELS", raising=False)
    monkeypatch.setenv("MERIT_HOME", str(tmp_path))
    assert run(capsys, "esco", "import", str(SAMPLE))[0] == 0
    assert (tmp_path / "esco" / "esco-pl.json.gz").is_file()
    monkeypatch.setenv("MERIT_ESCO_LABELS", str(tmp_path / "labels"))
    assert run(capsys, "esco", "import", str(SAMPLE))[0] == 0
    assert (tmp_path / "labels" / "esco-pl.json.gz").is_file()


def test_the_language_can_be_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    renamed = tmp_path / "polish export.csv"
    renamed.write_bytes(SAMPLE.read_bytes())
    code, _, err = run(capsys, "esco", "import", str(renamed), "--into", str(tmp_path))
    assert code == 64
    assert "--language" in err
    assert run(capsys, "esco", "import", str(renamed), "--language", "PL", "--into", str(tmp_path))[0] == 0
    assert (tmp_path / "esco-pl.json.gz").is_file()
    code, _, err = run(capsys, "esco", "import", str(renamed), "--language", "no", "--into", str(tmp_path))
    assert code == 0
    assert (tmp_path / "esco-nb.json.gz").is_file()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"email;name\na@b;c\n", "missing columns: conceptUri, preferredLabel"),
        ("conceptUri,preferredLabel\nx,\u00e5\n".encode("cp1252"), "not UTF-8"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    bad = tmp_path / "skills_pl.csv"
    bad.write_bytes(content)
    code, _, err = run(capsys, "esco", "import", str(bad), "--into", str(tmp_path / "out"))
    assert code == 64
    assert message in err
    assert not (tmp_path / "out").exists()


def test_a_file_with_no_known_concept_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "skills_pl.csv"
    other.write_text("conceptUri,preferredLabel\nhttp://example.org/x,coś\n", encoding="utf-8")
    code, _, err = run(capsys, "esco", "import", str(other), "--into", str(tmp_path / "out"))
    assert code == 1
    assert "nothing written" in err
    assert not (tmp_path / "out").exists()


def test_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "esco", "import", str(tmp_path / "skills_pl.csv"), "--into", str(tmp_path))
    assert code == 64
    assert "no such file" in err
