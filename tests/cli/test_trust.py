"""``merit verify --trust-list``: the issuer's accreditation checked offline against an authority's trust list."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from merit.core import trust
from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner, parse_spec, render_credential
from tests.cli.test_cli import run

ROOT = Path(__file__).parents[2]


def test_the_accreditation_is_checked_against_an_offline_trust_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    authority = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    issuer = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    accreditation = sign_credential(
        trust.accreditation_credential(
            credential_id="https://registry.example/accreditations/1",
            authority=authority.controller,
            authority_name="Myndigheten för yrkeshögskolan",
            issuer=issuer.controller,
            issuer_name="Yrkeshögskolan Norr",
            accrediting_body="Myndigheten för yrkeshögskolan",
            qa_framework="EQAVET",
            scope=trust.Scope(3, 5, ("07",)),
            valid_from=datetime(2025, 1, 1, tzinfo=UTC),
            valid_until=datetime(2027, 12, 31, tzinfo=UTC),
        ),
        authority,
    )
    listed = trust.trust_list(
        list_id="https://registry.example/trust-list",
        authority=authority.controller,
        authority_name="Myndigheten för yrkeshögskolan",
        accreditations=[accreditation],
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    (tmp_path / "list.json").write_text(json.dumps(sign_credential(listed, authority)))
    spec = parse_spec(json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text()))
    credential = sign_credential(render_credential(spec, Learner(email="a@example.se"), issuer.controller), issuer)
    (tmp_path / "credential.json").write_text(json.dumps(credential))
    code, out, _ = run(capsys, "verify", str(tmp_path / "credential.json"), "--trust-list", str(tmp_path / "list.json"))
    assert code == 0
    assert "accredited by Myndigheten för yrkeshögskolan for EQF 3–5 in ISCED-F 07" in out
    other = SigningKey.for_did_key(KeyPair.generate("Ed25519")).controller
    code, out, _ = run(
        capsys,
        "verify",
        str(tmp_path / "credential.json"),
        "--trust-list",
        str(tmp_path / "list.json"),
        "--trust-anchor",
        other,
    )
    assert code == 0, "not accredited by a trusted authority: still authentic"
    assert "not accredited" in out
    (tmp_path / "broken.json").write_text("{}")
    code, _, err = run(
        capsys, "verify", str(tmp_path / "credential.json"), "--trust-list", str(tmp_path / "broken.json")
    )
    assert code == 64
    assert "the trust list cannot be used" in err
    # Another key calling itself by the accredited name: authentic (exit 0), with the warning printed.
    impostor = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
    unsigned = render_credential(spec, Learner(email="a@example.se"), impostor.controller)
    (tmp_path / "impostor.json").write_text(json.dumps(sign_credential(unsigned, impostor)))
    code, out, _ = run(capsys, "verify", str(tmp_path / "impostor.json"), "--trust-list", str(tmp_path / "list.json"))
    assert code == 0
    assert "! WARNING          issuer_name: the issuer calls itself 'Yrkeshögskolan Norr'" in out
    assert issuer.controller in out
