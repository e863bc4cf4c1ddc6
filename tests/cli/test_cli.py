"""The ``merit`` command: each subcommand, its exit codes, JSON Lines mode, and bad input."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from merit.cli.main import main

ROOT = Path(__file__).parents[2]
SPEC = ROOT / "examples" / "data-analysis-university-online.json"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict[str, Any]]:
    path = tmp_path / "key.json"
    code, out, _ = run(capsys, "keygen", "--out", str(path))
    assert code == 0
    return path, json.loads(out)


def test_keygen_writes_a_private_key_file_and_prints_only_public_data(
    key: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    path, printed = key
    assert printed["did"].startswith("did:key:z6Mk")
    assert printed["verificationMethod"].startswith(printed["did"] + "#")
    assert "secretKeyMultibase" not in json.dumps(printed)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    code, _, err = run(capsys, "keygen", "--out", str(path))
    assert code == 64
    assert "exists" in err


def test_lint(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "lint", str(SPEC))
    assert code == 0
    assert "OK" in out
    incomplete = json.loads(SPEC.read_text())
    del incomplete["qualityAssurance"]
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(incomplete))
    code, out, _ = run(capsys, "lint", str(path), "--json")
    assert code == 1
    assert json.loads(out)["missing"] == ["type of quality assurance"]
    path.write_text("{not json")
    code, _, err = run(capsys, "lint", str(path))
    assert code == 64
    assert "malformed JSON at line 1" in err
    for text, message in (('{"title": "a", "title": "b"}', "duplicate key 'title'"), ('{"ects": NaN}', "NaN is not")):
        path.write_text(text)
        code, _, err = run(capsys, "lint", str(path))
        assert code == 64
        assert message in err


def _issue(capsys: pytest.CaptureFixture[str], key: Path, *extra: str) -> dict[str, Any]:
    code, out, err = run(capsys, "issue", str(SPEC), "--learner", "anna@example.se", "--key", str(key), *extra)
    assert code == 0, err
    return dict(json.loads(out))


def test_issue_inspect_verify(
    key: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    credential = _issue(capsys, key[0], "--grade", "5", "--name", "Anna Svensson")
    assert credential["issuer"]["id"] == key[1]["did"]
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential))
    code, out, _ = run(capsys, "inspect", str(path))
    assert code == 0
    assert "Applied data analysis with Python" in out
    assert "every mandatory element is present" in out
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 0
    assert out.strip().endswith("VERIFIED: every check passed")
    code, out, _ = run(capsys, "verify", str(path), "--json")
    assert json.loads(out)["verified"] is True
    code, out, _ = run(capsys, "verify", str(path), "--now", "2020-01-01T00:00:00Z")
    assert code == 1
    assert "not yet valid" in out
    credential["credentialSubject"]["result"][0]["value"] = "1"
    path.write_text(json.dumps(credential))
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 1
    assert "INVALID: proof:" in out


def test_issue_refuses_a_grade_outside_the_scale(
    key: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "issue", str(SPEC), "--learner", "a@b.se", "--key", str(key[0]), "--grade", "A+")
    assert code == 1
    assert "grade 'A+' is not one of" in err


def test_status_entry_and_status_list_file(
    key: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from merit.cli.commands import load_key
    from merit.core.issue import sign_credential
    from merit.core.status import StatusList, status_list_credential

    url = "https://status.example/1"
    credential = _issue(capsys, key[0], "--status-list", url, "--status-index", "77")
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential))
    code, out, _ = run(capsys, "verify", str(path))
    assert code == 2
    assert "COULD NOT VERIFY: status:" in out
    status = StatusList()
    status.set(77)
    signing_key = load_key(str(key[0]))
    lists = sign_credential(
        status_list_credential(url, signing_key.controller, "revocation", status, "2026-01-01T00:00:00Z"), signing_key
    )
    list_path = tmp_path / "list.json"
    list_path.write_text(json.dumps(lists))
    code, out, _ = run(capsys, "verify", str(path), "--status-list", str(list_path))
    assert code == 1
    assert "revoked" in out


def test_sign_and_verify_json_lines(
    key: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    unsigned = json.loads((ROOT / "tests" / "data" / "vectors" / "w3c-vc-di-eddsa" / "unsigned.json").read_text())
    unsigned["issuer"] = key[1]["did"]
    lines = [json.dumps({**unsigned, "id": f"urn:uuid:{i:08d}-0000-4000-8000-000000000000"}) for i in range(5)]
    lines.append(json.dumps({**unsigned, "issuer": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}))
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = run(capsys, "sign", "--key", str(key[0]), "--jsonl")
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert len(results) == 6
    assert all("proof" in r for r in results[:5])
    assert "not the key's controller" in results[5]["error"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(out.splitlines()[:5]) + "\n{broken\n"))
    code, out, _ = run(capsys, "verify", "--jsonl")
    reports = [json.loads(line) for line in out.splitlines()]
    assert [r["verified"] for r in reports] == [True] * 5 + [False]
    assert "malformed JSON" in reports[5]["reason"]
    assert code == 1


def test_verify_did_web_issuer_offline_with_a_supplied_document(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    did = "did:web:college.example"
    code, out, _ = run(capsys, "keygen", "--out", str(tmp_path / "k.json"), "--did-web", did)
    assert code == 0
    from merit.cli.commands import load_key
    from merit.core.dids import did_web_document

    signing_key = load_key(str(tmp_path / "k.json"))
    (tmp_path / "did.json").write_text(json.dumps(did_web_document(did, [signing_key])))
    credential = _issue(capsys, tmp_path / "k.json")
    (tmp_path / "c.json").write_text(json.dumps(credential))
    code, out, _ = run(capsys, "verify", str(tmp_path / "c.json"))
    assert code == 2
    assert "fetching it was not allowed" in out
    code, out, _ = run(capsys, "verify", str(tmp_path / "c.json"), "--did-document", str(tmp_path / "did.json"))
    assert code == 0, out


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "verify", "/no/such/file.json")
    assert code == 64
    assert "no such file" in err


@pytest.mark.parametrize(("form", "fmt"), [("jwt", "ob3-jwt"), ("vc-jose", "vc-jose")])
def test_issue_as_a_jwt_and_verify_it(
    key: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str], tmp_path: Path, form: str, fmt: str
) -> None:
    code, out, err = run(
        capsys, "issue", str(SPEC), "--learner", "anna@example.se", "--key", str(key[0]), "--format", form
    )
    assert code == 0, err
    token = out.strip()
    assert token.count(".") == 2
    path = tmp_path / "credential.jwt"
    path.write_text(token)
    code, out, _ = run(capsys, "verify", str(path), "--json")
    report = json.loads(out)
    assert code == 0, report["reason"]
    assert report["format"] == fmt
    assert report["checks"][0]["message"].startswith("a JWT" if form == "jwt" else "a compact JWS")
    code, out, _ = run(capsys, "verify", str(path), "--now", "2020-01-01T00:00:00Z")
    assert code == 1
    assert "not yet valid" in out
    code, _, err = run(
        capsys,
        "issue",
        str(SPEC),
        "--learner",
        "a@b.se",
        "--key",
        str(key[0]),
        "--format",
        form,
        "--suite",
        "eddsa-rdfc-2022",
    )
    assert code == 64
    assert "--suite is for Data Integrity proofs" in err


def test_verify_refuses_what_is_not_a_credential(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Regression: a key file was reported INVALID ("@context must start with ..."); the portal refuses it."""
    path = tmp_path / "keypair.json"
    path.write_text(json.dumps({"publicKeyMultibase": "z6Mk", "secretKeyMultibase": "z3u2"}))
    code, out, err = run(capsys, "verify", str(path))
    assert code == 1
    assert out == ""
    assert err.startswith("merit verify: this is not a credential Merit recognises")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "a", "name": "b"}', "duplicate key 'name'"),
        ('{"@context": ["https://www.w3.org/ns/credentials/v2"], "n": NaN}', "NaN is not valid JSON"),
        ('{"@context": ["https://www.w3.org/ns/credentials/v2"], "n": -Infinity}', "-Infinity is not valid JSON"),
    ],
)
def test_duplicate_keys_nan_and_infinity_are_refused(
    key: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, reason: str
) -> None:
    path = tmp_path / "document.json"
    path.write_text(text)
    code, _, err = run(capsys, "verify", str(path))
    assert code == 1
    assert reason in err
    code, _, err = run(capsys, "issue", str(path), "--learner", "a@b.se", "--key", str(key[0]), "--format", "jwt")
    assert code == 64
    assert reason in err
    code, _, err = run(capsys, "sign", str(path), "--key", str(key[0]))
    assert code == 64
    assert reason in err


def test_inspect_a_jwt(key: tuple[Path, dict[str, Any]], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(
        capsys, "issue", str(SPEC), "--learner", "anna@example.se", "--key", str(key[0]), "--format", "jwt"
    )
    path = tmp_path / "credential.jwt"
    path.write_text(out)
    code, out, _ = run(capsys, "inspect", str(path))
    assert code == 0
    assert "Applied data analysis with Python" in out
    assert f"JWS EdDSA (JWT) by {key[1]['verificationMethod']}" in out
    path.write_text("not.a.jwt")
    code, _, err = run(capsys, "inspect", str(path))
    assert code == 64
    assert "neither a JSON credential nor a JWT" in err
