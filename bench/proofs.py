"""Sign and verify throughput per cryptosuite: Merit, a pyld-based reference, and the Digital Bazaar stack."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import pyld_reference
from merit.core.canon import canonize
from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential import Learner, parse_spec, render_credential
from merit.core.verify import Verifier

ROOT = Path(__file__).parents[1]
SUITES = [("eddsa-rdfc-2022", "Ed25519"), ("ecdsa-rdfc-2019", "P-256"), ("eddsa-jcs-2022", "Ed25519")]
CREATED = "2026-01-01T00:00:00Z"


def credential(issuer: str) -> dict[str, Any]:
    """The benchmark document: a typical Merit micro-credential (the vocational example)."""
    spec = parse_spec(json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text()))
    return render_credential(spec, Learner(email="anna@example.se", name="Anna Svensson"), issuer, grade="VG")


def per_op_ms(operation: Callable[[], Any], iterations: int) -> float:
    for _ in range(max(3, iterations // 10)):
        operation()
    started = time.perf_counter()
    for _ in range(iterations):
        operation()
    return (time.perf_counter() - started) * 1000 / iterations


def digital_bazaar(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (ROOT / "interop" / "node_modules").is_dir():
        raise SystemExit("the Digital Bazaar stack is not installed: run 'npm ci --prefix interop'")
    text = "".join(json.dumps(r) + "\n" for r in requests)
    guard, script = str(ROOT / "interop" / "offline-guard.cjs"), str(ROOT / "interop" / "dbstack.mjs")
    out = subprocess.run([node, "--require", guard, script], input=text, capture_output=True, text=True)
    responses = [json.loads(line) for line in out.stdout.splitlines()]
    for response in responses:
        if not response["ok"]:
            raise SystemExit(f"Digital Bazaar benchmark failed: {response['error']}")
        if response["refused"]:
            raise SystemExit(f"the Digital Bazaar stack tried to reach the network: {response['refused']}")
    return [r["result"] for r in responses]


def measure(suite: str, algorithm: str, iterations: int, verifier: Verifier) -> tuple[dict[str, Any], dict[str, Any]]:
    """Merit's and the pyld reference's figures for one suite, and the request for the Node.js side."""
    key = SigningKey.for_did_key(KeyPair.generate(algorithm))  # type: ignore[arg-type]
    document = credential(key.controller)
    signed = sign_credential(document, key, suite=suite, created=CREATED)
    assert verifier.verify_credential(signed).verified
    row: dict[str, Any] = {
        "suite": suite,
        "quads": len(canonize(document).splitlines()),
        "merit_sign_ms": per_op_ms(lambda: sign_credential(document, key, suite=suite, created=CREATED), iterations),
        "merit_verify_ms": per_op_ms(lambda: verifier.verify_credential(signed), iterations),
    }
    if "-rdfc-" in suite:
        reference = pyld_reference.sign(document, key, suite, CREATED)
        assert verifier.verify_credential(reference).verified, "the pyld reference must produce valid proofs"
        row["pyld_sign_ms"] = per_op_ms(lambda: pyld_reference.sign(document, key, suite, CREATED), iterations)
        row["pyld_verify_ms"] = per_op_ms(lambda: pyld_reference.verify(reference), iterations)
    request = {"op": "bench", "suite": suite, "key": key.to_secret_json(), "document": document}
    return row, {**request, "iterations": iterations}


def run(iterations: int, with_node: bool = True) -> list[dict[str, Any]]:
    """Every suite's figures; with ``with_node`` also the Digital Bazaar stack's, measured in Node.js."""
    verifier = Verifier()
    measured = [measure(suite, algorithm, iterations, verifier) for suite, algorithm in SUITES]
    rows = [row for row, _ in measured]
    if with_node:
        for row, result in zip(rows, digital_bazaar([request for _, request in measured]), strict=True):
            row["db_sign_ms"] = result["sign_ms"]
            row["db_verify_ms"] = result["verify_ms"]
    return rows


def scaling(outcomes: tuple[int, ...] = (0, 10, 40, 160), iterations: int = 50) -> list[dict[str, Any]]:
    """How signing and verifying grow with the credential: the benchmark credential with more learning outcomes."""
    data = json.loads((ROOT / "examples" / "solar-installation-vocational.json").read_text())
    verifier = Verifier()
    rows = []
    for extra in outcomes:
        key = SigningKey.for_did_key(KeyPair.generate("Ed25519"))
        grown = json.loads(json.dumps(data))
        template = grown["learningOutcomes"][0]
        for index in range(extra):
            text = {lang: f"{value} ({index})" for lang, value in template["text"].items()}
            grown["learningOutcomes"].append({**template, "text": text})
        document = render_credential(parse_spec(grown), Learner(email="anna@example.se"), key.controller)
        signed = sign_credential(document, key, created=CREATED)
        assert verifier.verify_credential(signed).verified
        rows.append(
            {
                "quads": len(canonize(document).splitlines()),
                "sign_ms": per_op_ms(lambda d=document, k=key: sign_credential(d, k, created=CREATED), iterations),
                "verify_ms": per_op_ms(lambda s=signed: verifier.verify_credential(s), iterations),
            }
        )
    return rows
