"""What a container's processes use, read from ``/proc``: CPU time and resident memory.

Without a cgroup per container there is no counter to read, so the runtime adds up the
container's process tree (its first process and every descendant, found by parent pid):

- CPU: each live process's user and system time, plus the time of the children it has
  reaped (``cutime`` + ``cstime``), so the work of a finished child stays counted. The sum
  only grows while the container lives (a process orphaned outside the tree takes its
  count away: the metrics server then skips that one sample, as it does any decrease);
- memory: the sum of resident set sizes, the working set a cgroup-less machine can give
  (pages shared between the processes are counted once per process).

One pass over ``/proc`` serves every container of a sample; it runs in a worker thread.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import attrs

__all__ = ["ProcessTable", "read_process_table"]

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@attrs.frozen
class _Process:
    parent: int
    cpu_ticks: int
    rss_pages: int


@attrs.frozen
class ProcessTable:
    """Every process of the machine at one moment."""

    processes: dict[int, _Process]

    def tree_usage(self, root: int) -> tuple[int, int] | None:
        """(CPU nanoseconds, resident bytes) of ``root`` and its descendants; None if
        ``root`` is gone."""
        if root not in self.processes:
            return None
        children: dict[int, list[int]] = {}
        for pid, process in self.processes.items():
            children.setdefault(process.parent, []).append(pid)
        ticks = pages = 0
        todo = [root]
        while todo:
            pid = todo.pop()
            process = self.processes[pid]
            ticks += process.cpu_ticks
            pages += process.rss_pages
            todo.extend(children.get(pid, ()))
        return ticks * 1_000_000_000 // _TICKS, pages * _PAGE


def read_process_table(proc: str = "/proc") -> ProcessTable:
    """Read every process's parent, CPU ticks and resident pages (an empty table where
    there is no ``/proc``)."""
    try:
        entries: Iterable[str] = os.listdir(proc)
    except OSError:
        return ProcessTable({})
    found: dict[int, _Process] = {}
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"{proc}/{entry}/stat", "rb") as stat:
                text = stat.read()
        except OSError:
            continue  # gone meanwhile
        parsed = _parse_stat(text)
        if parsed is not None:
            found[int(entry)] = parsed
    return ProcessTable(found)


def _parse_stat(text: bytes) -> _Process | None:
    # The command name (field 2) is in parentheses and may hold spaces or parentheses: the
    # fields after it start after the last ')'.
    fields = text[text.rfind(b")") + 2 :].split()
    if len(fields) < 22:
        return None
    # Fields from 3 on: state ppid ... utime(14) stime(15) cutime(16) cstime(17) ... rss(24).
    parent = int(fields[1])
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
    return _Process(parent=parent, cpu_ticks=ticks, rss_pages=max(int(fields[21]), 0))
