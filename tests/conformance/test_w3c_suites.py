"""The W3C and W3C-CCG Verifiable Credentials test suites (``conformance/w3c``) against ``merit serve``.

Each run sets the suites up (once: ``setup.sh`` into the git-ignored ``conformance/w3c/.work``, npm packages from
the lock files), starts ``merit serve`` on a free loopback port with a fresh SQLite database, creates an
organisation and an API token, runs every suite and fails listing each failing test that is not an expected
failure (``conformance/w3c/expected-failures.json``, the reasons are in ``docs/conformance.md``), and each
expected failure that now passes (the list must stay true). The figures of the last run are in
``conformance/w3c/.work/logs``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]
SUITES = ROOT / "conformance" / "w3c"
WORK = SUITES / ".work"
NAMES = (
    "vc-api-issuer-test-suite",
    "vc-api-verifier-test-suite",
    "vc-data-model-2.0-test-suite",
    "vc-di-eddsa-test-suite",
    "vc-bitstring-status-list-test-suite",
)


def _fingerprint() -> str:
    """What the set-up depends on: the script, the lock files, the configuration and the suites' sources."""
    digest = hashlib.sha256()
    scripts = [SUITES / "setup.sh", SUITES / "run.sh", *SUITES.glob("*.cjs")]
    for path in sorted([*scripts, *SUITES.glob("locks/*"), *SUITES.glob("config/*")]):
        digest.update(path.name.encode() + path.read_bytes())
    for path in sorted((SUITES / "src").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(SUITES)).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def suites() -> Path:
    """The suites, set up in ``conformance/w3c/.work`` (again only when something they depend on changed)."""
    for tool in ("node", "npm", "git"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed; the W3C suites need Node.js 20 and npm")
    stamp = WORK / ".setup-done"
    fingerprint = _fingerprint()
    if not stamp.is_file() or stamp.read_text() != fingerprint:
        shutil.rmtree(WORK, ignore_errors=True)
        result = subprocess.run(
            ["bash", str(SUITES / "setup.sh"), str(WORK)],
            capture_output=True,
            text=True,
            timeout=900,
            env={**os.environ, "NPM_FLAGS": "--loglevel=error"},
        )
        assert result.returncode == 0, f"setup.sh failed:\n{result.stderr[-4000:]}"
        stamp.write_text(fingerprint)
    return WORK


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Target:
    """``merit serve`` on a fresh SQLite database, with one organisation and its API token."""

    def __init__(self, accredited: bool) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="merit-w3c-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MERIT_", "DATABASE_URL", "DJANGO_"))}
        self.env = {**env, "MERIT_HOME": str(self.home), "MERIT_BASE_URL": f"http://localhost:{self.port}"}
        command = [sys.executable, str(SUITES / "merit_target.py"), *(["--accredited"] if accredited else [])]
        prepared = subprocess.run(command, capture_output=True, text=True, env=self.env, timeout=300)
        assert prepared.returncode == 0, prepared.stderr
        details = json.loads(prepared.stdout.strip().splitlines()[-1])
        self.did, self.token = details["did"], details["token"]
        serve = [sys.executable, "-m", "merit.cli.main", "serve", "--no-demo", "--no-worker", "--port", str(self.port)]
        self.log = (self.home / "serve.log").open("w")
        self.process = subprocess.Popen(serve, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._wait()
        except BaseException:
            self.close()
            raise

    def _wait(self) -> None:
        # Generous: on a loaded machine (CI beside other work) starting Django and waitress has taken over a minute.
        deadline = time.monotonic() + 240
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/orgs/w3c/did.json", timeout=5) as response:  # noqa: S310
                    assert json.loads(response.read())["id"] == self.did
                return
            except OSError:
                assert self.process.poll() is None, (self.home / "serve.log").read_text()
                assert time.monotonic() < deadline, (
                    "merit serve did not answer within four minutes:\n" + (self.home / "serve.log").read_text()
                )
                time.sleep(0.5)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)


def run_suites(folder: Path, accredited: bool) -> dict[str, dict[str, Any]]:
    """Run every suite against a fresh target; the statistics of each suite (``reporter.cjs``)."""
    target = Target(accredited)
    try:
        env = {**os.environ, "MERIT_ISSUER_ID": target.did, "SUITE_TIMEOUT": "600", "MERIT_EDDSA_JCS": "1"}
        subprocess.run(
            ["bash", str(folder / "run.sh"), target.url, target.token], env=env, capture_output=True, timeout=3600
        )
    finally:
        target.close()
    stats = {}
    for name in NAMES:
        path = folder / "logs" / f"{name}.stats.json"
        assert path.is_file(), f"{name} crashed, see {folder / 'logs' / (name + '.log')}"
        stats[name] = json.loads(path.read_text())
        (folder / "logs" / f"{name}.{'accredited' if accredited else 'unaccredited'}.stats.json").write_text(
            path.read_text()
        )
    return stats


def expected_failures(accredited: bool) -> dict[str, dict[str, str]]:
    data = json.loads((SUITES / "expected-failures.json").read_text(encoding="utf-8"))
    expected: dict[str, dict[str, str]] = {name: dict(data["all"].get(name, {})) for name in NAMES}
    if accredited:
        for name, titles in data["accredited"].items():
            expected[name].update(titles)
    return expected


def _compare(stats: dict[str, dict[str, Any]], accredited: bool) -> list[str]:
    problems = []
    expected = expected_failures(accredited)
    for name, result in stats.items():
        failed = {f["title"]: f["error"] for f in result["failed"]}
        for title, error in failed.items():
            if title not in expected[name]:
                problems.append(f"{name}: {title}\n    {error}")
        for title in expected[name]:
            if title not in failed:
                problems.append(f"{name}: expected to fail but passed (remove it from the list): {title}")
    return problems


def _figures(stats: dict[str, dict[str, Any]]) -> str:
    return "; ".join(f"{n}: {s['passes']}/{s['failures']}/{s['pending']}" for n, s in stats.items())


@pytest.fixture(scope="module", params=[False, True], ids=["unaccredited", "accredited"])
def results(request: pytest.FixtureRequest, suites: Path) -> tuple[bool, dict[str, dict[str, Any]]]:
    return request.param, run_suites(suites, request.param)


def test_every_failure_is_an_expected_one(results: tuple[bool, dict[str, dict[str, Any]]]) -> None:
    accredited, stats = results
    problems = _compare(stats, accredited)
    assert not problems, f"{_figures(stats)}\n" + "\n".join(problems)


def test_every_suite_ran_its_tests(results: tuple[bool, dict[str, dict[str, Any]]]) -> None:
    """A suite whose set-up failed reports few tests; each must run at least as many as on the day it was pinned."""
    _, stats = results
    minimum = json.loads((SUITES / "expected-failures.json").read_text(encoding="utf-8"))["minimum_tests"]
    short = {n: s["passes"] + s["failures"] for n, s in stats.items() if s["passes"] + s["failures"] < minimum[n]}
    assert not short, f"suites that ran fewer tests than they have: {short}"
