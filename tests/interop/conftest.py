"""The independent verifiers, each a long-lived process spoken to in JSON lines, under an offline guard.

* ``dbstack``: the Digital Bazaar stack (``interop/dbstack.mjs``) with its stock contexts;
* ``dcc``: the Digital Credentials Consortium's ``@digitalcredentials/verifier-core`` as it ships
  (``interop/dcc.mjs``);
* ``openbadgeslib``: openbadgeslib's Data Integrity verifier (``interop/python/openbadgeslib_driver.py``), in its
  own virtual environment ``interop/.venv-openbadgeslib``.

Each process refuses every connection that is not to loopback (``interop/offline-guard.cjs``, and the socket guard
at the top of the Python driver) and returns the refusals with every answer: a refused connection fails the test,
so every verification here is proven offline. The one exception is verifier-core's schema check
(:data:`SCHEMA_CHECK`), which always tries to fetch the Open Badges JSON schema and only adds information.
"""

from __future__ import annotations

import http.server
import ipaddress
import json
import os
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]
INTEROP = ROOT / "interop"
OPENBADGESLIB_PYTHON = INTEROP / ".venv-openbadgeslib" / "bin" / "python"
# verifier-core's schema check fetches the 1EdTech JSON schema of an Open Badges 3.0 credential (with fetch, outside
# its document loader) to add a "schema_check" entry to additionalInformation; offline it records
# "INVALID_SCHEMA - possibly not a valid url" there. It is not part of verification.
SCHEMA_CHECK = "https://purl.imsglobal.org/spec/ob/v3p0/schema/"


class Driver:
    """A verifier process: one JSON request per line in, one JSON answer per line out."""

    name = "driver"
    allowed_refusals: tuple[str, ...] = ()

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def raw(self, **request: Any) -> dict[str, Any]:
        """The whole answer to ``request``: ``ok``, ``result`` or ``error``, and ``refused``."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            pytest.fail(f"{self.name} ended without answering")
        return dict(json.loads(line))

    def call(self, **request: Any) -> Any:
        """The result of ``request``; a connection the offline guard refused fails the test."""
        response = self.raw(**request)
        unexpected = [url for url in response["refused"] if not url.startswith(self.allowed_refusals)]
        if unexpected:
            answer = response.get("result", response.get("error"))
            pytest.fail(f"{self.name} tried to reach the network, refused by the offline guard: {unexpected}; {answer}")
        if not response["ok"]:
            raise RuntimeError(response["error"])
        return response["result"]


class DigitalBazaar(Driver):
    name = "the Digital Bazaar stack"

    def sign(self, document: dict[str, Any], key: dict[str, Any], suite: str, **options: Any) -> dict[str, Any]:
        return dict(self.call(op="sign", document=document, key=key, suite=suite, **options))

    def verify(self, document: dict[str, Any], **options: Any) -> dict[str, Any]:
        return dict(self.call(op="verify", document=document, **options))

    def canonize_all(self, requests: list[dict[str, Any]], documents: dict[str, Any] | None = None) -> list[Any]:
        """Canonical N-Quads for many canonize requests in one round trip: an answer per request, in order.

        ``documents`` gives every request the same contexts. Each answer is ``{"ok": True, "result": nquads}`` or
        ``{"ok": False, "error": message}``.
        """
        answers = self.call(op="canonizeAll", requests=requests, documents=documents or {})
        assert len(answers) == len(requests)
        return list(answers)

    def canonize_nquads_all(self, datasets: list[str], digest: str = "SHA-256") -> list[dict[str, Any]]:
        """rdf-canonize's RDFC-1.0 of many N-Quads documents in one round trip: an answer per dataset, in order."""
        answers = self.call(op="canonizeNQuadsAll", datasets=datasets, messageDigestAlgorithm=digest)
        assert len(answers) == len(datasets)
        return list(answers)


class VerifierCore(Driver):
    """``@digitalcredentials/verifier-core``: what it returns, and whether that is an acceptance."""

    name = "@digitalcredentials/verifier-core"
    allowed_refusals = (SCHEMA_CHECK,)

    def verify_credential(self, credential: dict[str, Any]) -> dict[str, Any]:
        return dict(self.call(op="verifyCredential", credential=credential))

    def verify_presentation(self, presentation: dict[str, Any], challenge: str | None = None) -> dict[str, Any]:
        options = {} if challenge is None else {"challenge": challenge}
        return dict(self.call(op="verifyPresentation", presentation=presentation, **options))

    @staticmethod
    def accepted(result: dict[str, Any]) -> bool:
        """No fatal error and every verification step valid, except "registered_issuer" (no registry is configured,
        so no issuer is registered: Learner Credential Wallet shows that as a notice, not a failure)."""
        steps = [step for step in result.get("log", []) if step["id"] != "registered_issuer"]
        return "errors" not in result and bool(steps) and all(step.get("valid") is True for step in steps)

    @staticmethod
    def step(result: dict[str, Any], name: str) -> dict[str, Any]:
        return next(step for step in result.get("log", []) if step["id"] == name)


class OpenBadgesLib(Driver):
    name = "openbadgeslib"

    def verify(self, document: dict[str, Any], **options: Any) -> dict[str, Any]:
        return dict(self.call(op="verify", document=document, **options))


def _start(command: list[str], kind: type[Driver], ca_file: Path | None = None) -> Iterator[Any]:
    environment = dict(os.environ)
    if ca_file is not None:
        environment.update(NODE_EXTRA_CA_CERTS=str(ca_file), SSL_CERT_FILE=str(ca_file))
    process = subprocess.Popen(
        command,
        cwd=INTEROP,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        yield kind(process)
    finally:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.close()
        process.wait(timeout=30)
        process.stdout.close()


def _node(script: str, package: str) -> list[str]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed; the interoperability tests need it (apt-get install nodejs)")
    if not (INTEROP / "node_modules" / package).is_dir():
        pytest.fail(f"{package} is not installed: run 'npm ci --prefix interop'")
    return [node, "--require", str(INTEROP / "offline-guard.cjs"), str(INTEROP / script)]


@pytest.fixture(scope="session")
def dbstack() -> Iterator[DigitalBazaar]:
    yield from _start(_node("dbstack.mjs", "@digitalbazaar/vc"), DigitalBazaar)


@pytest.fixture(scope="session")
def dcc(loopback: Loopback) -> Iterator[VerifierCore]:
    yield from _start(_node("dcc.mjs", "@digitalcredentials/verifier-core"), VerifierCore, loopback.ca_file)


@pytest.fixture(scope="session")
def openbadgeslib(loopback: Loopback) -> Iterator[OpenBadgesLib]:
    if not OPENBADGESLIB_PYTHON.exists():
        pytest.fail(
            "openbadgeslib is not installed: python3 -m venv interop/.venv-openbadgeslib && "
            "interop/.venv-openbadgeslib/bin/pip install -r interop/python/requirements.txt"
        )
    command = [str(OPENBADGESLIB_PYTHON), str(INTEROP / "python" / "openbadgeslib_driver.py")]
    yield from _start(command, OpenBadgesLib, loopback.ca_file)


class Loopback:
    """An HTTPS server on 127.0.0.1, named ``localhost``, serving the JSON documents a test publishes on it (and the
    same documents over plain HTTP at :attr:`plain_url`).

    Its certificate comes from a certificate authority made for the session; the verifier processes trust it the
    way any program is told of a private authority (``NODE_EXTRA_CA_CERTS`` for Node.js, ``SSL_CERT_FILE`` for
    Python's ssl module), which configures no verifier. Status lists and did:web documents are then fetched by the
    verifiers themselves, over loopback.
    """

    def __init__(self, folder: Path) -> None:
        self.ca_file = folder / "ca.pem"
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*_certificates(folder, self.ca_file))
        self.documents: dict[str, bytes] = {}
        served = self.documents

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = served.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.base_url = f"https://localhost:{self.server.server_address[1]}"
        # The same documents over plain HTTP (what an installation at http://localhost:8000 publishes).
        self.plain_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.plain_url = f"http://127.0.0.1:{self.plain_server.server_address[1]}"
        for server in (self.server, self.plain_server):
            threading.Thread(target=server.serve_forever, daemon=True).start()

    def publish(self, url: str, document: Any) -> None:
        base = self.base_url if url.startswith(self.base_url + "/") else self.plain_url
        assert url.startswith(base + "/"), url
        self.documents[url.removeprefix(base)] = json.dumps(document).encode()

    def served(self) -> dict[str, Any]:
        """Every published document by its URL, for the Digital Bazaar stack, which is handed them."""
        return {base + path: json.loads(body) for path, body in self.documents.items() for base in self.bases}

    @property
    def bases(self) -> tuple[str, str]:
        return self.base_url, self.plain_url

    def close(self) -> None:
        for server in (self.server, self.plain_server):
            server.shutdown()
            server.server_close()


def _certificates(folder: Path, ca_file: Path) -> tuple[Path, Path]:
    """A certificate authority (written to ``ca_file``) and a certificate it signs for localhost and 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)

    def certificate(name: str, key: Any, issuer: x509.Name, signer: Any, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Merit interop test authority")])
    ca = certificate("Merit interop test authority", ca_key, ca_name, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = certificate("localhost", key, ca_name, ca_key, ca=False)
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file, key_file = folder / "localhost.pem", folder / "localhost.key"
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture(scope="session")
def loopback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loopback]:
    server = Loopback(tmp_path_factory.mktemp("loopback"))
    try:
        yield server
    finally:
        server.close()
