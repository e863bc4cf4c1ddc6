"""``merit demo``: the life of a micro-credential, from specification to revocation, in one terminal session."""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from merit.cli.commands import print_report

LIST_URL = "https://status.yrkeshogskolan-norr.example.se/lists/revocation/1"


def _example_spec() -> dict[str, Any]:
    path = Path(__file__).parents[3] / "examples" / "solar-installation-vocational.json"
    if path.exists():
        return dict(json.loads(path.read_text(encoding="utf-8")))
    text = resources.files("merit.cli").joinpath("demo-spec.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def _step(number: int, title: str, command: str) -> None:
    print(f"\n━━ {number}. {title}\n   $ {command}")


def run(args: argparse.Namespace) -> int:
    from merit.core import vc
    from merit.core.issue import sign_credential
    from merit.core.keys import KeyPair, SigningKey
    from merit.core.microcredential import Learner, lint_spec, parse_spec, render_credential
    from merit.core.status import StatusList, status_entry, status_list_credential
    from merit.core.verify import Verifier

    folder = Path(args.dir or tempfile.mkdtemp(prefix="merit-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    print("Merit demo: an EU micro-credential from design to revocation.")
    print(f"Files are written to {folder}")

    _step(1, "The issuer creates a signing key (Ed25519, did:key)", "merit keygen --out issuer-key.json")
    key = SigningKey.for_did_key(KeyPair.generate())
    print(f"   issuer DID: {key.controller}")

    _step(2, "The issuer checks the specification against the EU mandatory elements", "merit lint solar.json")
    data = _example_spec()
    (folder / "solar.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    report = lint_spec(data)
    print(
        f"   {'complete' if report.ok else 'incomplete'}: {len(report.errors)} errors, "
        f"{len(report.suggestions)} suggestions"
    )
    spec = parse_spec(data)

    _step(3, "The issuer publishes a revocation status list (131,072 entries)", f"(served at {LIST_URL})")
    status = StatusList()
    index = status.allocate(taken=())
    now = vc.stamp(datetime.now(UTC))

    def publish() -> dict[str, Any]:
        unsigned = status_list_credential(LIST_URL, key.controller, "revocation", status, now)
        signed = sign_credential(unsigned, key)
        (folder / "status-list.json").write_text(json.dumps(signed, indent=2), encoding="utf-8")
        return signed

    lists = {LIST_URL: publish()}
    print(f"   the learner's entry is at the random index {index}")

    _step(
        4,
        "The issuer issues the micro-credential to a learner",
        "merit issue solar.json --learner anna.svensson@example.se --key issuer-key.json --grade VG",
    )
    learner = Learner(email="anna.svensson@example.se", name="Anna Svensson")
    credential = sign_credential(
        render_credential(spec, learner, key.controller, grade="VG", status_entries=[status_entry(LIST_URL, index)]),
        key,
    )
    (folder / "credential.json").write_text(json.dumps(credential, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"   credential {credential['id']} written to credential.json")
    print(
        "   the e-mail address is stored only as a salted hash:",
        credential["credentialSubject"]["identifier"][0]["identityHash"][:30] + "…",
    )

    verifier = Verifier(fetch_status_list=lambda url: lists[url])
    _step(5, "An employer verifies it", "merit verify credential.json --status-list status-list.json")
    result = verifier.verify_credential(credential)
    print_report(result, "   ")
    print(f"   → {result.outcome.upper()}")

    _step(6, "Someone edits the grade; the signature no longer matches", "merit verify tampered.json")
    tampered = json.loads(json.dumps(credential))
    tampered["credentialSubject"]["result"][0]["value"] = "G+"
    result = verifier.verify_credential(tampered)
    print(f"   → {result.outcome.upper()}: {result.reason}")

    _step(7, "The issuer revokes the credential and re-publishes the list", "(sets bit and re-signs the list)")
    status.set(index)
    lists[LIST_URL] = publish()
    result = verifier.verify_credential(credential)
    print(f"   → {result.outcome.upper()}: {result.reason}")

    print(
        f"\nTry it yourself: .venv/bin/merit verify {folder / 'credential.json'} "
        f"--status-list {folder / 'status-list.json'}"
    )
    return 0
