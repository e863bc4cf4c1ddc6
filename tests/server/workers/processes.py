"""Real ``merit worker`` processes on the test database, for the tests that kill them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

import merit

SRC = str(Path(merit.__file__).parents[1])


def database_url() -> str:
    """The test database (pytest-django's), as a ``DATABASE_URL`` for a subprocess."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgresql://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def environment(drop: tuple[str, ...] = (), **extra: str) -> dict[str, str]:
    """The test's environment (its ``MERIT_HOME`` holds the keys) pointed at the test database, without ``drop``."""
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONPATH": SRC, "MERIT_LOG_LEVEL": "WARNING"}
    for name in ("MERIT_SUPERVISOR_PID", *drop):
        env.pop(name, None)
    env.update(extra)
    return env


def start_worker(log: Path, drop: tuple[str, ...] = (), **extra: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "merit.cli.main", "worker", "--interval", "0.2"],
            env=environment(drop, **extra),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
