"""The harness itself: the offline guard refuses the network and reports it, and no independent stack is handed
Merit's own contexts."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from merit.core.contexts import CONTEXT_FILES
from merit.core.documents import bundled_document
from merit.core.issue import sign_credential
from merit.core.keys import KeyPair, SigningKey
from merit.core.microcredential.render import MERIT_CONTEXT
from tests.interop.conftest import INTEROP, DigitalBazaar, Loopback, OpenBadgesLib, VerifierCore
from tests.interop.issued import plain_open_badge

pytestmark = pytest.mark.interop

PROBE = """
const dns = require('node:dns');
const net = require('node:net');
const outcome = promise => promise.then(() => 'connected', error => error.code || error.message);
const socket = (host, port) => new Promise((resolve, reject) => {
  const s = net.connect(port, host, () => { s.end(); resolve(); });
  s.on('error', reject);
});
(async () => {
  const results = {
    fetch: await outcome(fetch('https://example.org/')),
    socket: await outcome(socket('93.184.215.14', 443)),
    lookup: await outcome(dns.promises.lookup('example.org')),
    loopback: await outcome(fetch(process.argv[1] + '/nothing').then(r => r.status)),
    refused: globalThis.offlineGuard.take(undefined)
  };
  process.stdout.write(JSON.stringify(results));
})();
"""


def test_the_node_guard_refuses_everything_but_loopback(loopback: Loopback) -> None:
    node = shutil.which("node")
    assert node is not None
    out = subprocess.run(
        [node, "--require", str(INTEROP / "offline-guard.cjs"), "-e", PROBE, loopback.base_url],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "NODE_EXTRA_CA_CERTS": str(loopback.ca_file)},
        check=True,
    )
    results = json.loads(out.stdout)
    assert results == {
        "fetch": "ECONNREFUSED",
        "socket": "ECONNREFUSED",
        "lookup": "ENOTFOUND",
        "loopback": "connected",
        "refused": ["https://example.org/", "93.184.215.14", "example.org"],
    }
    assert "[offline-guard] refused example.org" in out.stderr


def test_verifier_core_reports_what_it_tried_to_fetch(dcc: VerifierCore) -> None:
    key = SigningKey.for_did_key(KeyPair.generate())
    credential = sign_credential(plain_open_badge(key.controller), key)
    credential["@context"] = [*credential["@context"], "https://contexts.example.org/v1"]
    answer = dcc.raw(op="verifyCredential", credential=credential)
    assert answer["ok"] is True
    assert "https://contexts.example.org/v1" in answer["refused"]


def test_openbadgeslib_reports_what_it_tried_to_fetch(openbadgeslib: OpenBadgesLib, tmp_path: Path) -> None:
    """A did:web issuer on the network: the library's own downloader is refused when it resolves the host."""
    key = SigningKey.for_did_key(KeyPair.generate())
    signed = sign_credential(plain_open_badge(key.controller), key)
    did = "did:web:issuer.example.org"
    signed["issuer"]["id"] = did
    signed["proof"]["verificationMethod"] = f"{did}#key-1"
    answer = openbadgeslib.raw(op="verify", document=signed)
    assert answer["refused"] == ["issuer.example.org"]
    assert answer["result"]["error"].startswith(
        "OB3VerificationError: could not fetch DID document https://issuer.example.org/.well-known/did.json"
    )


def test_the_digital_bazaar_stack_is_never_handed_merits_contexts(dbstack: DigitalBazaar) -> None:
    """Handed Merit's own context for a request, the stock loader still refuses it (other contexts handed in are
    served: the W3C example in test_digitalbazaar.py); handed a stock context's URL with other content, it keeps the
    stock one."""
    key = SigningKey.for_did_key(KeyPair.generate())
    document: dict[str, Any] = plain_open_badge(key.controller)
    document["@context"] = [*document["@context"], MERIT_CONTEXT]
    signed = sign_credential(document, key)
    result = dbstack.verify(signed, documents={MERIT_CONTEXT: bundled_document(MERIT_CONTEXT)})
    assert result["verified"] is False
    assert MERIT_CONTEXT in result["error"]
    plain = sign_credential(plain_open_badge(key.controller), key)
    v2 = "https://www.w3.org/ns/credentials/v2"
    assert dbstack.verify(plain, documents={v2: {"@context": {"@vocab": "https://forged.example/#"}}})["verified"]


def test_the_stock_contexts_are_merits_bundled_copies(dbstack: DigitalBazaar) -> None:
    """Merit signs with its bundled copies and the stock stacks verify with the npm packages' own: they must be the
    same documents, or a credential signed here would not verify there."""
    stock = dbstack.call(op="stockContexts")
    shared = sorted(set(stock) & set(CONTEXT_FILES))
    assert "https://www.w3.org/ns/credentials/v2" in shared
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in shared
    assert len(shared) >= 10
    assert [url for url in shared if stock[url] != bundled_document(url)] == []
    assert not [url for url in stock if url.startswith("https://purl.org/merit/")]
