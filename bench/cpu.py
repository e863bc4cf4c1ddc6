"""CPU time of other processes, from ``/proc`` (Linux), for the benchmarks that run servers and workers.

Each thread's ``schedstat`` gives its time on a CPU in nanoseconds; ``stat``'s user and system times count in
clock ticks (10 ms here), too coarse for a few requests. A process without ``schedstat`` is read from ``stat``.
"""

from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """The CPU time process ``pid`` has used so far, all its threads together; ``OSError`` once it has ended."""
    folder = Path(f"/proc/{pid}")
    total = 0
    try:
        for task in (folder / "task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
    except FileNotFoundError:
        if not folder.exists():
            raise
        fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime and stime, proc_pid_stat(5).
    return total / 1e9


def running_times(pids: list[int]) -> dict[int, float]:
    """The CPU time so far of each of ``pids`` that is still running."""
    times = {}
    for pid in pids:
        try:
            times[pid] = cpu_seconds(pid)
        except OSError:
            continue
    return times


def spent_since(before: dict[int, float]) -> float:
    """The CPU time the processes of ``before`` have spent since it was taken. A process that has ended meanwhile
    (a database connection closed) is left out: its time is no longer known."""
    after = running_times(list(before))
    return sum(after[pid] - before[pid] for pid in after)
