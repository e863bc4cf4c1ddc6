"""A long-lived Digital Bazaar process (``interop/dbstack.mjs``), spoken to in JSON lines."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]


class DigitalBazaar:
    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def call(self, **request: Any) -> Any:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        response = json.loads(self.process.stdout.readline())
        if not response["ok"]:
            raise RuntimeError(response["error"])
        return response["result"]

    def sign(self, document: dict[str, Any], key: dict[str, Any], suite: str, **options: Any) -> dict[str, Any]:
        return dict(self.call(op="sign", document=document, key=key, suite=suite, **options))

    def verify(self, document: dict[str, Any], **options: Any) -> dict[str, Any]:
        return dict(self.call(op="verify", document=document, **options))

    def canonize_all(self, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Canonical N-Quads for many canonize requests in one round trip: an answer per request, in order.

        Each answer is ``{"ok": True, "result": nquads}`` or ``{"ok": False, "error": message}``.
        """
        answers = self.call(op="canonizeAll", requests=requests)
        assert len(answers) == len(requests)
        return list(answers)

    def canonize_nquads_all(self, datasets: list[str], digest: str = "SHA-256") -> list[dict[str, Any]]:
        """rdf-canonize's RDFC-1.0 of many N-Quads documents in one round trip: an answer per dataset, in order."""
        answers = self.call(op="canonizeNQuadsAll", datasets=datasets, messageDigestAlgorithm=digest)
        assert len(answers) == len(datasets)
        return list(answers)


@pytest.fixture(scope="session")
def dbstack() -> Iterator[DigitalBazaar]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed; the interoperability tests need it (apt-get install nodejs)")
    if not (ROOT / "interop" / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.fail("the Digital Bazaar packages are not installed: run 'npm ci --prefix interop'")
    process = subprocess.Popen(
        [node, str(ROOT / "interop" / "dbstack.mjs")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        yield DigitalBazaar(process)
    finally:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.close()
        process.wait(timeout=30)
        process.stdout.close()
