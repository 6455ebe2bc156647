"""Read-ahead for a batch whose files are not in the page cache: a thread asks the kernel to start reading
the next files (posix_fadvise WILLNEED) while the worker extracts the current one.

A worker reads its files one at a time. From the page cache a read takes ~10 µs; from disk (a first build,
or a corpus read long ago) ~100 µs here, and without read-ahead the worker waits on each in turn. The
thread starts only after a few reads in a row were slow, so a batch read from the cache pays nothing but a
clock read per file. It keeps at most WINDOW files ahead of the reader (advised pages must still be cached
when the reader gets there), and it never opens what the reader would refuse to open: only regular files
within the byte cap (pipeline.inputs.check_regular), never a link, without blocking.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from time import perf_counter

from pipeline.inputs import OPEN_FLAGS, Refused, Reject, check_regular, fs_path, read_bytes

SLOW_READ_S = 50e-6     # a read that waited on the disk (from the page cache: ~10 µs a letter)
SLOW_READS = 3          # slow reads in a row before the thread starts: one may be a preempted worker
WINDOW = 256            # files advised ahead of the reader
JOIN_S = 1.0            # how long leaving waits for the thread to stop
CAN_ADVISE = hasattr(os, "posix_fadvise")     # Linux, the BSDs; not macOS


def advise(path: str, max_bytes: int) -> None:
    """Ask the kernel to read the regular file at path into the page cache; anything else (a link, a FIFO,
    a device, a file the reader would reject as too large or empty, a vanished file) is left alone."""
    try:
        st = os.lstat(path)
        check_regular(st, max_bytes)      # what the reader refuses, refused here too
        if st.st_size == 0:
            return
        fd = os.open(path, OPEN_FLAGS)
        try:
            os.posix_fadvise(fd, 0, st.st_size, os.POSIX_FADV_WILLNEED)
        finally:
            os.close(fd)
    except (OSError, Refused):
        pass


class ReadAhead:
    """The reader of one batch's files (read_bytes, in order), with read-ahead once reads turn out slow.
    Use as a context manager: leaving it stops the thread."""

    def __init__(self, raw: str, files: Sequence[str], max_bytes: int,
                 advise: Callable[[str, int], None] = advise, slow_s: float = SLOW_READ_S):
        self.raw, self.files, self.max_bytes = raw, files, max_bytes
        self._advise, self._slow_s = advise, slow_s
        self._slow = 0 if CAN_ADVISE else -1          # -1: never start
        self._room = threading.Semaphore(WINDOW)      # files the thread may advise beyond those read
        self._stopped = False
        self._thread: threading.Thread | None = None

    def read(self, index: int) -> tuple[str, bytes] | Reject:
        """read_bytes of files[index], the batch's next file."""
        if self._thread is not None:
            self._room.release()
            return read_bytes(self.raw, self.files[index], self.max_bytes)
        start = perf_counter()
        got = read_bytes(self.raw, self.files[index], self.max_bytes)
        if self._slow >= 0:
            self._slow = self._slow + 1 if perf_counter() - start > self._slow_s else 0
            if self._slow >= SLOW_READS:
                self._thread = threading.Thread(target=self._run, args=(index + 1,), daemon=True,
                                                name="imr-read-ahead")
                self._thread.start()
        return got

    def _run(self, first: int) -> None:
        for rel in self.files[first:]:
            self._room.acquire()
            if self._stopped:
                return
            self._advise(fs_path(self.raw, rel), self.max_bytes)

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc) -> None:
        if self._thread is not None:
            self._stopped = True
            self._room.release()
            self._thread.join(JOIN_S)     # it stops at its next file; one stuck in open() (a hung mount) is left behind
