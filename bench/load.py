"""``POST /credentials/verify`` under load from a separate process on loopback (issue 6): a waitress server on
127.0.0.1 and a bounded load generator (a fixed number of requests from a few threads, stopping after a time
limit), printing requests per second and latency percentiles. Nothing leaves this machine.

``python -m bench.load [--requests 2000] [--concurrency 8] [--seconds 60]`` prints one JSON line.
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
from typing import Any

from bench.bulk import ROOT


def _credential() -> bytes:
    from bench import proofs
    from merit.core.issue import sign_credential
    from merit.core.keys import KeyPair, SigningKey

    key = SigningKey.for_did_key(KeyPair.generate())
    return json.dumps({"verifiableCredential": sign_credential(proofs.credential(key.controller), key)}).encode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def measure(requests: int, concurrency: int, seconds: float) -> dict[str, Any]:
    home = tempfile.mkdtemp(prefix="merit-load-")
    env = {**os.environ, "MERIT_HOME": home, "DJANGO_SETTINGS_MODULE": "merit.server.settings"}
    env.update({"MERIT_BASE_URL": "http://127.0.0.1", "MERIT_ALLOWED_HOSTS": "127.0.0.1"})
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "waitress", "--listen", f"127.0.0.1:{port}", "--threads", str(concurrency),
         "merit.server.wsgi:application"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    body = _credential()
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                connection.request("POST", "/credentials/verify", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                failures[0] += 0 if ok else 1
        connection.close()

    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        warm.request("POST", "/credentials/verify", body, {"Content-Type": "application/json"})
        answer = warm.getresponse()
        answer.read()
        warm.close()
        assert answer.status == 200
        started = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    ordered = sorted(latencies)

    def percentile(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0

    return {
        "requests": len(ordered),
        "failures": failures[0],
        "concurrency": concurrency,
        "per_second": len(ordered) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    print(json.dumps(measure(args.requests, args.concurrency, args.seconds)))


if __name__ == "__main__":
    main()
