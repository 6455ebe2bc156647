"""What is under RAW, and the bytes of one entry: discovery, stat, and a reader that never follows a link out
of RAW nor blocks on a FIFO. Light (no PDF or text code): the build process plans with it, workers read with it.

Every entry under RAW whose name ends in .pdf or .txt (what `find RAW -name '*.pdf' -o -name '*.txt'`
lists), and every directory that cannot be listed, ends as a letter or a reject: the reader decides
from lstat/stat before it opens anything.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pipeline.names import escape_name, fs_name

SUFFIXES = {".pdf", ".txt"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# How a file is opened to be read: never through a link, never waiting on a FIFO's writer
OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC



@dataclass(frozen=True, slots=True)
class Reject:
    source_path: str
    stage: str
    reason: str
    detail: str
    letter_id: str | None = None
    item_number: int | None = None


def reject_row(r: Reject) -> dict:
    """A Reject as a row of the rejects table (the build process adds a few: dedupe)."""
    return {"source_path": r.source_path, "letter_id": r.letter_id, "item_number": r.item_number,
            "field": None, "stage": r.stage, "reason": r.reason, "detail": r.detail}


def discover(raw: Path) -> list[str]:
    """Escaped relative '/'-names (pipeline.names) of every entry under raw named *.pdf or *.txt, whatever
    it is (file, link, FIFO, directory), and of every subdirectory that cannot be listed (with a trailing
    '/'), recursively, sorted. Like find, symlinked directories are not entered."""
    found: list[str] = []
    todo = [("", os.fspath(raw))]
    while todo:
        prefix, directory = todo.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.name[-4:].lower() in SUFFIXES:
                        found.append(prefix + entry.name)
                    if entry.is_dir(follow_symlinks=False):
                        todo.append((f"{prefix}{entry.name}/", entry.path))
        except OSError:
            if not prefix:
                raise              # RAW itself: the build cannot run
            found.append(prefix)
    return sorted(escape_name(rel) for rel in found)


def fs_path(raw: str | Path, rel: str) -> str:
    """The filesystem path of a name from discover()."""
    return f"{raw}/{fs_name(rel)}"


def _inside(raw: str | Path, real: str) -> bool:
    """Whether a real path (links resolved) is RAW or under it."""
    return os.path.join(real, "").startswith(os.path.join(os.path.realpath(raw), ""))


def input_stat(raw: str | Path, rel: str) -> tuple[int | None, int | None]:
    """(size, mtime_ns) of what the reader reads (a link's target inside RAW, else the entry itself),
    which the next build compares to decide that the input is unchanged; (None, None) when it is gone."""
    path = fs_path(raw, rel)
    try:
        st = os.lstat(path)
    except OSError:
        return None, None
    if stat.S_ISLNK(st.st_mode) and _inside(raw, os.path.realpath(path)):
        with contextlib.suppress(OSError):         # a broken link: its own lstat
            st = os.stat(path)
    return st.st_size, st.st_mtime_ns


KINDS = {stat.S_IFDIR: "a directory", stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket",
         stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device"}


class Refused(Exception):
    """Why an entry is not read: a reject reason and its detail."""

    def __init__(self, reason: str, detail: str):
        super().__init__(reason, detail)
        self.reason, self.detail = reason, detail


def read_bytes(raw: str | Path, rel: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, bytes] | Reject:
    """(rel, the bytes of the regular file raw/rel), or a Reject saying why it was not read: an unlistable
    directory, a link out of RAW or to nothing, not a regular file, gone, unreadable, oversized or empty."""
    path = fs_path(raw, rel)
    try:
        if rel.endswith("/"):
            raise Refused("unreadable_dir", _listing_error(path))
        data = _read_regular(*_target(raw, path), max_bytes)
    except Refused as why:
        return Reject(rel, "ingest", why.reason, why.detail)
    except FileNotFoundError:
        return Reject(rel, "ingest", "vanished", "the file was removed while the build ran")
    except OSError as exc:
        return Reject(rel, "ingest", "unreadable_file", f"cannot read: {exc.strerror or exc}")
    if not data.strip():
        return Reject(rel, "ingest", "empty_file", "the file has no content")
    return rel, data


def content_sha256(raw: str | Path, rel: str, max_bytes: int) -> str | None:
    """SHA-256 of what read_bytes reads, or None when it rejects the entry."""
    got = read_bytes(raw, rel, max_bytes)
    return None if isinstance(got, Reject) else hashlib.sha256(got[1]).hexdigest()


def _target(raw: str | Path, path: str) -> tuple[str, os.stat_result]:
    """What to open for the entry at path and its stat: itself, or the real path of a link that stays inside RAW."""
    st = os.lstat(path)
    if not stat.S_ISLNK(st.st_mode):
        return path, st
    real = os.path.realpath(path)
    if not _inside(raw, real):
        raise Refused("symlink_outside_raw", "a symbolic link to a path outside RAW (not followed)")
    try:
        return real, os.stat(real)
    except OSError as exc:            # the target is missing, or the links loop
        raise Refused("broken_symlink", f"a symbolic link that leads nowhere: {exc.strerror}") from None


def _read_regular(path: str, st: os.stat_result, max_bytes: int) -> bytes:
    """The bytes of the regular file at path (st: its stat); checked before opening (a device or FIFO is
    never opened for reading), opened without blocking or following a link, and checked again on the open
    file. One lstat, and os.read rather than a buffered file object (which makes three more system calls):
    15 → 10 µs a file."""
    check_regular(st, max_bytes)
    fd = os.open(path, OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        check_regular(st, max_bytes)      # the entry may have been replaced meanwhile
        data = os.read(fd, st.st_size + 1)
        if len(data) <= st.st_size:       # a short read of a regular file ends it
            return data
        chunks = [data]                   # it grew since: read on to its end
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def check_regular(st: os.stat_result, max_bytes: int) -> None:
    """Raise Refused for what st describes unless it is a regular file of at most max_bytes."""
    kind = stat.S_IFMT(st.st_mode)
    if kind != stat.S_IFREG:
        raise Refused("not_a_file", f"{KINDS.get(kind, 'a special file')}, not a file")
    if st.st_size > max_bytes:
        raise Refused("too_large", f"{st.st_size} bytes > cap of {max_bytes}")


def _listing_error(path: str) -> str:
    try:
        os.scandir(path).close()
    except OSError as exc:
        return f"cannot list the directory (its files are not in the build): {exc.strerror or exc}"
    return "the directory could not be listed when the build started (its files are not in the build)"
