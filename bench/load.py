"""``POST /credentials/verify`` under load from a separate process on loopback (issue 6): the server runs as
``docs/deploy.md`` runs it in production, gunicorn with one worker process per core, on 127.0.0.1, and this
process drives a bounded load: ``wrk`` (Debian's package, a C load generator that takes little of the two cores
the server needs) for a fixed time when it is installed, otherwise Python threads for a fixed number of requests
or a time limit, whichever comes first. It prints requests per second, latency percentiles and the server's CPU
time per request. Nothing leaves this machine.

``python -m bench.load [--requests 2000] [--concurrency 8] [--seconds 60] [--workers N] [--generator auto|wrk|python]``
prints one JSON line.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.bulk import ROOT
from bench.cpu import cpu_seconds

WORKERS = os.cpu_count() or 2
"""One gunicorn worker process per core: verifying is CPU-bound, so more processes only queue on the cores."""


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


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from Linux's ``/proc``; just ``pid`` where that is not available."""
    tree, index = [pid], 0
    while index < len(tree):
        try:
            text = Path(f"/proc/{tree[index]}/task/{tree[index]}/children").read_text()
        except OSError:
            text = ""
        tree.extend(int(child) for child in text.split())
        index += 1
    return tree


def _cpu_seconds(pids: list[int]) -> float | None:
    """The CPU time that the processes ``pids`` have used so far, or ``None`` without ``/proc``."""
    try:
        return sum(cpu_seconds(pid) for pid in pids)
    except OSError:
        return None


def _post(port: int, body: bytes) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/credentials/verify", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _warm(port: int, body: bytes, workers: int) -> None:
    """Wait for the server, then send rounds of concurrent requests, so that every worker has answered (and filled
    its caches) before the measurement starts: the kernel, not the client, picks the worker for a connection."""
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    statuses: list[int] = []
    for _ in range(3):
        threads = [threading.Thread(target=lambda: statuses.append(_post(port, body))) for _ in range(2 * workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [200] * (3 * 2 * workers), statuses


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(port: int, body: bytes, concurrency: int, seconds: float) -> tuple[int, int, float, float, float]:
    """Requests, failures, elapsed seconds, p50 and p99 (ms) of one ``wrk`` run."""
    folder = Path(tempfile.mkdtemp(prefix="merit-wrk-"))
    (folder / "body.json").write_bytes(body)
    script = folder / "post.lua"
    script.write_text(
        f'local f = io.open("{folder / "body.json"}", "rb"); wrk.body = f:read("*a"); f:close()\n'
        'wrk.method = "POST"; wrk.headers["Content-Type"] = "application/json"\n'
    )
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--latency", "-s", str(script)]
    out = subprocess.run([*command, f"http://127.0.0.1:{port}/credentials/verify"], capture_output=True, text=True)
    text = out.stdout

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)$", text, re.MULTILINE)
        return float(found.group(1)) * _UNITS[found.group(2)] if found else float("nan")

    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s)", text)
    if out.returncode != 0 or done is None:
        raise SystemExit(f"wrk failed: {out.stderr or text}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", text))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))
    return int(done.group(1)), errors, float(done.group(2)) * _UNITS[done.group(3)] / 1000, latency("50"), latency("99")


def measure(
    requests: int, concurrency: int, seconds: float, workers: int = WORKERS, generator: str = "auto"
) -> dict[str, Any]:
    home = tempfile.mkdtemp(prefix="merit-load-")
    env = {**os.environ, "MERIT_HOME": home, "DJANGO_SETTINGS_MODULE": "merit.server.settings"}
    env.update({"MERIT_BASE_URL": "http://127.0.0.1", "MERIT_ALLOWED_HOSTS": "127.0.0.1"})
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
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

    use_wrk = generator == "wrk" or (generator == "auto" and shutil.which("wrk") is not None)
    try:
        _warm(port, body, workers)
        tree = _process_tree(server.pid)
        cpu_before = _cpu_seconds(tree)
        if use_wrk:
            done, failures[0], elapsed, p50, p99 = _wrk(port, body, concurrency, seconds)
        else:
            started = time.perf_counter()
            threads = [threading.Thread(target=client) for _ in range(concurrency)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            ordered = sorted(latencies)
            done = len(ordered)
            p50, p99 = (ordered[min(done - 1, int(done * p))] if ordered else 0.0 for p in (0.50, 0.99))
        cpu_after = _cpu_seconds(tree)
    finally:
        server.terminate()
        server.wait(timeout=10)
    cpu = None if cpu_before is None or cpu_after is None or not done else cpu_after - cpu_before
    return {
        "generator": "wrk" if use_wrk else "python",
        "requests": done,
        "failures": failures[0],
        "concurrency": concurrency,
        "workers": workers,
        "server_processes": len(tree),
        "per_second": done / elapsed if elapsed else 0.0,
        "p50_ms": p50,
        "p99_ms": p99,
        "server_cpu_ms_per_request": None if cpu is None else cpu * 1000 / done,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=WORKERS, help="gunicorn worker processes (default: cores)")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args()
    print(json.dumps(measure(args.requests, args.concurrency, args.seconds, args.workers, args.generator)))


if __name__ == "__main__":
    main()
