"""The benchmarks' CPU clock for other processes: finer than a clock tick, and it tells an ended process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from bench.cpu import cpu_seconds, running_times, spent_since


def test_a_few_milliseconds_of_work_show() -> None:
    before = cpu_seconds(os.getpid())
    deadline = before + 0.003
    while cpu_seconds(os.getpid()) < deadline:
        sum(range(1000))
    spent = cpu_seconds(os.getpid()) - before
    assert 0.003 <= spent < 0.5, "three milliseconds, less than a clock tick, are measured"


def test_an_ended_process_is_left_out() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    before = running_times([child.pid, os.getpid()])
    assert set(before) == {child.pid, os.getpid()}
    child.communicate(b"")
    with pytest.raises(FileNotFoundError):
        cpu_seconds(child.pid)
    assert spent_since(before) >= 0
    assert set(running_times([child.pid, os.getpid()])) == {os.getpid()}
