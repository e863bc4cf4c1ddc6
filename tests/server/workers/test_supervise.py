"""``merit serve`` supervises its worker: it starts it again, with back-off, when it dies, and the worker does not
outlive ``merit serve``, even killed with SIGKILL (Linux's parent-death signal, and the worker watching its
parent)."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from merit.cli import supervise
from tests.server.workers.processes import SRC

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait(condition: object, seconds: float, message: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def test_the_supervisor_restarts_a_dead_worker_with_growing_waits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(supervise, "FIRST_DELAY", 0.1)
    monkeypatch.setattr(supervise, "MAX_DELAY", 0.4)
    starts = tmp_path / "starts"
    command = [sys.executable, "-c", f"import time; open({str(starts)!r}, 'a').write(f'{{time.time()}}\\n')"]
    supervisor = supervise.Supervisor(command, env=dict(os.environ))
    supervisor.start()
    _wait(lambda: supervisor.starts >= 5, 30, "the worker was not restarted")
    supervisor.stop()
    supervisor.join(5)
    assert not supervisor.is_alive()
    times = [float(line) for line in starts.read_text().split()]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert gaps[0] >= 0.1, gaps
    assert gaps[1] >= 0.2, gaps
    assert gaps[2] >= 0.4, gaps
    assert all(gap < 5 for gap in gaps), "the waits are bounded"
    count = supervisor.starts
    time.sleep(0.6)
    assert supervisor.starts == count, "a stopped supervisor starts nothing"


def test_serve_restarts_its_killed_worker_and_the_worker_dies_with_serve(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MERIT_SUPERVISOR_PID")}
    env.update({"MERIT_HOME": str(tmp_path / "home"), "PYTHONPATH": SRC, "MERIT_WORKER_LEASE": "2"})
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serve = subprocess.Popen(
            [sys.executable, "-m", "merit.cli.main", "serve", "--no-demo", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    workers: list[int] = []
    try:
        _wait(lambda: len(_children(serve.pid)) == 1, 120, "no worker: " + log.read_text()[-2000:])
        (first,) = _children(serve.pid)
        workers.append(first)
        os.kill(first, signal.SIGKILL)
        _wait(lambda: _children(serve.pid) not in ([], [first]), 30, "not restarted: " + log.read_text()[-2000:])
        (second,) = _children(serve.pid)
        workers.append(second)
        assert "the background worker stopped (exit -9); restarting it in 1 s" in log.read_text()
        time.sleep(3)  # Long enough for the new worker to be running its loop.
        assert _alive(second)
        serve.send_signal(signal.SIGKILL)
        serve.wait()
        _wait(lambda: not _alive(second), 15, "the worker outlived merit serve")
    finally:
        serve.kill()
        serve.wait()
        for pid in workers:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.django_db(transaction=True)
def test_a_worker_whose_supervisor_is_already_gone_does_not_start(tmp_path: Path) -> None:
    from merit.server.workers.models import WorkerLease
    from tests.server.workers.processes import start_worker

    log = tmp_path / "worker.log"
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    process = start_worker(log, MERIT_SUPERVISOR_PID=str(gone.pid))  # Its parent is this test, not that process.
    assert process.wait(60) == 0, log.read_text()
    assert not WorkerLease.objects.exists()
