"""Verifying credentials signed elsewhere (issue 6, target 2): the W3C Data Integrity test vectors (eddsa-rdfc-2022
and ecdsa-rdfc-2019 with P-256 and P-384, type-scoped contexts, proof sets and chains), the 1EdTech Open Badges 3.0
and CLR 2.0 signed credentials, and credentials the Digital Bazaar stack signs, verified by Merit and by the Digital
Bazaar stack in the same run.

Merit's figure is its full verification (structure, safe mode, proofs, issuer, validity and the report, statuses not
fetched); the Digital Bazaar figure is ``vc.verifyCredential``. Each document is timed whatever its outcome (the
W3C vectors' issuers are not their keys' controllers, which Merit reports), and the proof check must pass in Merit.

``python -m bench.vectors [--iterations 100]`` prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench import proofs
from merit.core.dids.resolver import Resolver
from merit.core.documents import bundled_document
from merit.core.keys import KeyPair, SigningKey
from merit.core.verify import Verifier

DATA = Path(__file__).parents[1] / "tests" / "data" / "vectors" / "w3c-vc-di-"
SUITES = ("eddsa-rdfc-2022", "ecdsa-rdfc-2019")
# The vectors' own contexts, which the Digital Bazaar stack's stock loader does not ship: handed to it with each
# document (the W3C examples and citizenship vocabularies, and CLR 2.0, which no npm package publishes).
VECTOR_CONTEXTS = (
    "https://www.w3.org/ns/credentials/examples/v2",
    "https://w3id.org/citizenship/v4rc1",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
)


def w3c_vectors() -> list[tuple[str, dict[str, Any]]]:
    """Every signed W3C vector with an rdfc proof."""
    found = []
    for folder in ("eddsa", "ecdsa"):
        for path in sorted(Path(f"{DATA}{folder}").rglob("signed*.json")):
            document = json.loads(path.read_text(encoding="utf-8"))
            proofs_ = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
            if any(proof.get("cryptosuite") in SUITES for proof in proofs_):
                found.append((str(path.relative_to(DATA.parent)), document))
    return found


ONEEDTECH = Path(__file__).parents[1] / "tests" / "data" / "vectors" / "1edtech"


def onedtech_vectors() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """The 1EdTech Open Badges 3.0 and CLR 2.0 signed credentials (eddsa-rdfc-2022), each with the controller
    document of its key (an https URL, not a DID: the vectors give the key, and both verifiers are handed the
    same document for it)."""
    found = []
    for name in ("obv3p0", "clrv2p0"):
        folder = ONEEDTECH / name
        info = json.loads((folder / "key-and-hashes.json").read_text(encoding="utf-8"))
        method = {
            "id": info["verificationMethod"],
            "type": "Multikey",
            "controller": info["controller"],
            "publicKeyMultibase": info["publicKeyMultibase"],
        }
        controller = {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": info["controller"],
            "verificationMethod": [method],
            "assertionMethod": [method["id"]],
        }
        document = json.loads((folder / "signed-credential.json").read_text(encoding="utf-8"))
        found.append((f"1edtech/{name}/signed-credential.json", document, {info["controller"]: controller}))
    return found


def digital_bazaar_signed() -> list[tuple[str, dict[str, Any]]]:
    """The benchmark micro-credential signed by the Digital Bazaar stack, with each suite."""
    requests = []
    for suite, algorithm in (("eddsa-rdfc-2022", "Ed25519"), ("ecdsa-rdfc-2019", "P-256")):
        key = SigningKey.for_did_key(KeyPair.generate(algorithm))  # type: ignore[arg-type]
        document = proofs.credential(key.controller)
        requests.append({"op": "sign", "suite": suite, "key": key.to_secret_json(), "document": document})
    signed = proofs.digital_bazaar(requests)
    return [(f"signed by the Digital Bazaar stack ({r['suite']})", d) for r, d in zip(requests, signed, strict=True)]


def run(iterations: int) -> dict[str, Any]:
    plain: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        (name, document, {}) for name, document in w3c_vectors() + digital_bazaar_signed()
    ]
    documents = plain + onedtech_vectors()
    rows = []
    for name, document, controllers in documents:
        verifier = Verifier(resolve=Resolver(documents=controllers).resolve_verification_method)
        report = verifier.verify_credential(document, check_status_entries=False)
        proof = next(check for check in report.checks if check.name == "proof")
        assert proof.outcome == "passed", (name, proof.message)
        merit = proofs.per_op_ms(
            lambda d=document, v=verifier: v.verify_credential(d, check_status_entries=False), iterations
        )
        rows.append({"document": name, "merit_verify_ms": merit})
    contexts = {url: bundled_document(url) for url in VECTOR_CONTEXTS}
    reference = proofs.digital_bazaar(
        [
            {
                "op": "benchVerify",
                "documents": [d for _, d, _ in documents],
                "controllers": [{**contexts, **c} for _, _, c in documents],
                "iterations": iterations,
            }
        ]
    )[0]
    for row, theirs in zip(rows, reference, strict=True):
        row["db_verify_ms"] = theirs["verify_ms"]
        # The Digital Bazaar stack's outcome: the W3C vectors fail its issuer check too, after their proofs.
        row["db_error"] = theirs["error"]
    merit_total = sum(row["merit_verify_ms"] for row in rows)
    db_total = sum(row["db_verify_ms"] for row in rows)
    return {"documents": rows, "merit_total_ms": merit_total, "db_total_ms": db_total, "ratio": db_total / merit_total}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.vectors", description=__doc__)
    parser.add_argument("--iterations", type=int, default=100)
    print(json.dumps(run(parser.parse_args().iterations)))


if __name__ == "__main__":
    main()
