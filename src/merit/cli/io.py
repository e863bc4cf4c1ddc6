"""Reading and writing files for the ``merit`` command, and the progress line for long runs."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO


class UsageError(Exception):
    """A mistake in how the command was called: printed as one line, exit code 64."""


def read_text(path: str) -> str:
    """Read a file, or standard input for ``-``."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UsageError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from exc


def read_json_file(path: str) -> Any:
    """Read a JSON file given on the command line with Merit's one JSON reader (duplicate keys, NaN, Infinity,
    depth and size refused), with a one-line error."""
    from merit.core.errors import MeritError
    from merit.core.verify.parsing import parse_json

    text = read_text(path)
    try:
        return parse_json(text)
    except MeritError as exc:
        raise UsageError(f"{path}: {exc.message}") from exc


def write_secret(path: str, data: dict[str, Any], force: bool = False) -> None:
    """Write a secret JSON file readable only by its owner (mode 0600)."""
    target = Path(path)
    if target.exists() and not force:
        raise UsageError(f"{path} exists; pass --force to overwrite it")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(target, flags, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")
    os.chmod(target, 0o600)


def dump(value: Any, stream: TextIO | None = None, compact: bool = False) -> None:
    """Print JSON: indented for people, one line for pipelines."""
    stream = stream or sys.stdout
    if compact:
        stream.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        stream.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


class Progress:
    """A one-line progress report on standard error, shown only when standard error is a terminal."""

    def __init__(self, verb: str, stream: TextIO | None = None) -> None:
        self.verb = verb
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.count = 0
        self.failed = 0
        self.started = time.perf_counter()
        self._last = 0.0

    def step(self, ok: bool) -> None:
        self.count += 1
        self.failed += 0 if ok else 1
        now = time.perf_counter()
        if self.enabled and now - self._last > 0.1:
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self.count / max(now - self.started, 1e-9)
        self.stream.write(f"\r{self.verb} {self.count} documents, {self.failed} failed, {rate:,.0f}/s ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()
