"""How ``merit serve`` keeps its background worker running: it starts ``merit worker`` again whenever it dies,
waiting 1, 2, 4 ... up to 30 seconds between starts (back to 1 after a minute of running), and stops it on the way
out. The worker ends by itself if ``merit serve`` dies, even by ``kill -9`` (``merit.server.workers.runner``)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

FIRST_DELAY = 1.0
MAX_DELAY = 30.0
STEADY = 60.0
"""A worker that ran this long (seconds) before dying was healthy: the next start waits the first delay again."""


class Supervisor(threading.Thread):
    """Runs one ``merit worker`` process for as long as ``stop`` is not called."""

    def __init__(self, command: list[str] | None = None, env: dict[str, str] | None = None) -> None:
        super().__init__(name="merit-supervisor", daemon=True)
        self.command = command or [sys.executable, "-m", "merit.cli.main", "worker"]
        self.env = {**(env if env is not None else os.environ), "MERIT_SUPERVISOR_PID": str(os.getpid())}
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def run(self) -> None:
        # This thread starts every worker and lives as long as the server: Linux's parent-death signal is tied to
        # the thread that started the child.
        delay = FIRST_DELAY
        while True:
            with self.lock:
                if self.stopping.is_set():
                    return
                started = time.monotonic()
                self.process = subprocess.Popen(self.command, env=self.env)
                self.starts += 1
            code = self.process.wait()
            if self.stopping.is_set():
                return
            if time.monotonic() - started >= STEADY:
                delay = FIRST_DELAY
            print(
                f"merit serve: the background worker stopped (exit {code}); restarting it in {delay:g} s",
                file=sys.stderr,
            )
            if self.stopping.wait(delay):
                return
            delay = min(delay * 2, MAX_DELAY)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the worker (SIGTERM: it gives its task back to the queue and exits) and do not restart it."""
        with self.lock:
            self.stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
