"""Supervised worker processes: a build never waits on a dead worker, and no file stalls it.

Each worker runs one batch at a time and writes, in shared memory, the index of the file it is
reading. The build process waits on the workers' pipes *and* their process sentinels, so a worker
that dies (SIGKILL from the OOM killer, SIGABRT or SIGSEGV inside pdfium) is noticed at once, with the
file it was on. It also polls each worker every POLL seconds: a worker on one file for longer than
the hard time limit, or over the memory cap, is killed, and that file is blamed.

A dead worker's batch is run again without the blamed file, and the blamed file is run alone in a
fresh worker: if that kills a worker too, the file becomes a reject (`worker_crashed`, `too_slow` or
`too_large`) and everything else lands. A crash outside any file (while writing the batch's part
files) splits the batch in halves until the file is isolated.
"""
from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import wait
from pathlib import Path

from pipeline import workers
from pipeline.parts import part_name
from pipeline.tasks import Limits, Task

POLL = 0.1                       # seconds between checks of the workers' clocks and memory
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True, slots=True)
class Blame:
    """Why a worker died and on which file of its task (None: between files)."""
    index: int | None
    reason: str           # worker_crashed | too_slow | too_large
    detail: str


@dataclass
class _Worker:
    process: object
    conn: object
    watch: object                       # shared int: index of the file being read, -1 between files
    task: Task | None = None
    file: int = -1
    since: float = 0.0                  # when the worker started its current file
    killed: Blame | None = None


class Supervisor:
    """Runs Tasks on `jobs` worker processes; yields their BatchResults as they finish (any order)."""

    def __init__(self, jobs: int, limits: Limits):
        self.jobs, self.limits = max(1, jobs), limits
        self.ctx = workers.context()

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        watch = self.ctx.RawValue("l", -1)
        process = self.ctx.Process(target=workers.serve, args=(child, watch), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent, watch)

    def run(self, tasks: list[Task]) -> Iterator:
        todo = list(reversed(tasks))     # popped from the end: input order
        pool: list[_Worker] = []
        try:
            while todo or any(w.task for w in pool):
                while todo and todo[-1].condemned:       # never read: written here, no worker needed
                    from pipeline.batch import run_task     # only after a crash: the build process stays light

                    yield run_task(todo.pop())
                for w in [w for w in pool if w.task is None]:
                    if not todo or todo[-1].condemned:
                        break
                    self._give(w, todo.pop())
                while todo and not todo[-1].condemned and len(pool) < self.jobs:
                    w = self._start()
                    pool.append(w)
                    self._give(w, todo.pop())
                busy = [w for w in pool if w.task is not None]
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=POLL)
                for w in busy:
                    if w.conn in ready:
                        try:
                            result = w.conn.recv()
                        except (EOFError, OSError):
                            result = None
                        if result is not None:
                            w.task = None
                            yield result
                            continue
                    if w.conn in ready or w.process.sentinel in ready or not w.process.is_alive():
                        pool.remove(w)
                        todo.extend(reversed(self._after_death(w)))
                    else:
                        self._police(w)
        finally:
            for w in pool:
                if w.process.is_alive():
                    try:
                        w.conn.send(None)
                    except OSError:
                        pass
            for w in pool:
                w.process.join(timeout=5)
                if w.process.is_alive():
                    w.process.kill()
                    w.process.join()

    def _give(self, w: _Worker, task: Task) -> None:
        w.task, w.file, w.since, w.killed = task, -1, time.monotonic(), None
        w.watch.value = -1
        w.conn.send(task)

    def _police(self, w: _Worker) -> None:
        """Kill a worker that has spent too long on one file or holds too much memory."""
        index = w.watch.value
        now = time.monotonic()
        if index != w.file:
            w.file, w.since = index, now
            return
        if index >= 0 and now - w.since > self.limits.hard_seconds:
            self._kill(w, Blame(index, "too_slow", f"more than {self.limits.hard_seconds:g} s on one file"))
            return
        rss = _rss(w.process.pid)
        if rss is not None and rss > self.limits.max_memory:
            self._kill(w, Blame(index if index >= 0 else None, "too_large",
                                f"worker memory {rss >> 20} MiB > cap of {self.limits.max_memory >> 20} MiB"))

    @staticmethod
    def _kill(w: _Worker, blame: Blame) -> None:
        w.killed = blame
        w.process.kill()

    def _after_death(self, w: _Worker) -> list[Task]:
        """What to run instead of a dead worker's task (never the same task again)."""
        w.process.join()
        task = w.task
        blame = w.killed or _blame(w)
        _remove_parts(task)                              # remove any part files it left half-written
        if len(task.files) == 1:                         # this file killed a worker on its own: reject it
            return [replace(task, blame=(blame.reason, blame.detail), condemned=True)]
        if blame.index is None:                          # not in a file: halve the batch until it is isolated
            half = len(task.files) // 2
            return [replace(task, files=task.files[:half], name=f"{task.name}a"),
                    replace(task, files=task.files[half:], name=f"{task.name}b")]
        i = blame.index                                  # the file it was on runs alone; the rest again
        rest = task.files[:i] + task.files[i + 1:]
        alone = replace(task, files=task.files[i:i + 1], name=f"{task.name}x{i}")
        if blame.reason != "worker_crashed":             # measured on this very file: no second try
            alone = replace(alone, blame=(blame.reason, blame.detail), condemned=True)
        return [alone] + ([replace(task, files=rest, name=f"{task.name}r")] if rest else [])


def _blame(w: _Worker) -> Blame:
    code = w.process.exitcode
    index = w.watch.value if w.watch.value >= 0 else None
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return Blame(index, "worker_crashed", f"the worker died of {name}")
    return Blame(index, "worker_crashed", f"the worker exited with status {code}")


def _rss(pid: int) -> int | None:
    """Resident memory of a process in bytes (Linux /proc); None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return None


def _remove_parts(task: Task) -> None:
    """Remove the part files a dead worker may have left for this task (written last, maybe half)."""
    for path in Path(task.parquet).rglob(part_name(task.name)):
        path.unlink(missing_ok=True)
