"""Slow peers against the real server (issue 12, item 1): does a drip-feeding peer stall verifications, or the site?

It starts ``merit serve`` (waitress, its default 8 threads, a private ``MERIT_HOME``, no worker, no demo data) on a
free loopback port, and two peers on loopback that drip a byte every 0.2 s: one never finishes the TLS handshake of
the issuer's ``did:web`` document, the other sends a status list's body a byte at a time. It then fires ``--slow``
concurrent ``POST /credentials/verify`` of a credential pointing at both, and meanwhile asks for the plain
``GET /verify/`` page every quarter of a second. It prints one JSON line: the longest slow verification and the
longest plain page (seconds), how each verification ended, and the settings used (the defaults unless given as
``MERIT_FETCH_*`` in the environment).

``python -m bench.slow_peer [--slow 12] [--threads 8]``. Nothing leaves this machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench.drip import drip

ROOT = Path(__file__).parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def credential(key_host: str, list_url: str) -> dict[str, Any]:
    """A credential signed by ``did:web:<key_host>`` (so verifying it fetches its key there) with a status entry at
    ``list_url``."""
    from merit.core.issue import sign_credential
    from merit.core.keys import KeyPair, SigningKey
    from merit.core.status import status_entry

    did = "did:web:" + key_host.replace(":", "%3A")
    key = SigningKey(KeyPair.generate(), did, f"{did}#key-1")
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner"},
        "credentialStatus": status_entry(list_url, 7, "revocation"),
    }
    return sign_credential(document, key)


def _request(port: int, method: str, path: str, body: bytes | None, timeout: float) -> tuple[float, int, bytes]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        return time.monotonic() - started, response.status, content
    except OSError:
        return time.monotonic() - started, 0, b""
    finally:
        connection.close()


def _wait_until_up(port: int, server: subprocess.Popen[bytes], seconds: float = 120) -> None:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if server.poll() is not None:
            raise RuntimeError(f"merit serve exited with {server.returncode}")
        if _request(port, "GET", "/verify/", None, 2)[1] == 200:
            return
        time.sleep(0.2)
    raise RuntimeError("merit serve did not start")


def _outcome(status: int, content: bytes) -> str:
    try:
        return f"{status} {json.loads(content)['report']['outcome']}"
    except (ValueError, KeyError, TypeError):
        return f"{status} no report"


def measure(slow: int = 12, threads: int = 8, environment: dict[str, str] | None = None) -> dict[str, Any]:
    """Run the experiment; ``environment`` adds to this process's (``MERIT_FETCH_*`` settings, for instance)."""
    with ExitStack() as stack:
        key_host = stack.enter_context(drip("tls-drip", seconds=120))
        list_host = stack.enter_context(drip("body", seconds=120))
        home = stack.enter_context(tempfile.TemporaryDirectory(prefix="merit-slow-peer-"))
        port = _free_port()
        env = {**os.environ, **(environment or {}), "MERIT_HOME": home, "MERIT_FETCH_ALLOW": "127.0.0.1/32"}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
        for name in ("MERIT_BASE_URL", "MERIT_ALLOWED_HOSTS", "DATABASE_URL"):  # Its own: SQLite, on loopback.
            env.pop(name, None)
        command = [sys.executable, "-m", "merit.cli.main", "serve", "--port", str(port), "--threads", str(threads)]
        server = subprocess.Popen(
            [*command, "--no-worker", "--no-demo"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        stack.callback(server.wait, 30)
        stack.callback(server.terminate)
        _wait_until_up(port, server)
        body = json.dumps({"verifiableCredential": credential(key_host, f"http://{list_host}/lists/1")}).encode()
        answers: list[tuple[float, int, bytes]] = []

        def verify() -> None:
            answers.append(_request(port, "POST", "/credentials/verify", body, 90))

        workers = [threading.Thread(target=verify) for _ in range(slow)]
        for worker in workers:
            worker.start()
        pages: list[tuple[float, int]] = []
        time.sleep(0.1)  # Let the slow requests reach the server first.
        while any(worker.is_alive() for worker in workers):
            elapsed, status, _ = _request(port, "GET", "/verify/", None, 90)
            pages.append((elapsed, status))
            time.sleep(0.25)
        for worker in workers:
            worker.join()
    names = ("MERIT_FETCH_TIMEOUT", "MERIT_FETCH_BUDGET", "MERIT_FETCH_CONCURRENCY", "MERIT_FETCH_WAIT")
    return {
        "slow_requests": slow,
        "threads": threads,
        "settings": {name: env[name] for name in names if name in env} or "defaults",
        "longest_verification_s": round(max(a[0] for a in answers), 2),
        "verifications": dict(Counter(_outcome(status, content) for _, status, content in answers)),
        "pages": len(pages),
        "pages_ok": sum(1 for _, status in pages if status == 200),
        "longest_page_s": round(max((p[0] for p in pages), default=0.0), 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.slow_peer", description=__doc__)
    parser.add_argument("--slow", type=int, default=12, help="concurrent verifications of the slow credential")
    parser.add_argument("--threads", type=int, default=8, help="merit serve --threads (default 8)")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.slow, args.threads)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
