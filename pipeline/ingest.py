"""Files under RAW → RawLetter (normalised text) or Reject. PDF text via pypdfium2.

Every entry under RAW whose name ends in .pdf or .txt (what `find RAW -name '*.pdf' -o -name '*.txt'`
lists), and every directory that cannot be listed, ends as a letter or a reject: the reader decides
from lstat/stat before it opens anything, never follows a link out of RAW, and never blocks on a FIFO.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.clean import decode, normalise, wide_encoding
from pipeline.names import escape_name, fs_name

SUFFIXES = {".pdf", ".txt"}
ASCII_SPACE = bytes(b for b in range(128) if chr(b).isspace())   # what str.split() splits on in ASCII
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
BINARY_SNIFF = 4096


@dataclass(frozen=True, slots=True)
class RawLetter:
    source_path: str     # relative to RAW, '/'-separated
    sha256: str          # of the file's bytes
    text: str            # normalised (pipeline.clean.normalise)

    @property
    def letter_id(self) -> str:
        """Content-derived id, stable across rebuilds and machines: a hash of the normalised text with
        all whitespace removed (case, digits and punctuation kept). The PDF of a letter and the text pypdf
        extracted from it differ only in spacing and line breaks, so they share it; '10/325mg' and
        '103/25mg' do not."""
        return hashlib.sha256(id_key(self.text)).hexdigest()[:16]


def id_key(text: str) -> bytes:
    """The text without whitespace, as UTF-8; for ASCII text by deleting bytes (10× faster than split and join)."""
    if text.isascii():
        return text.encode("ascii").translate(None, ASCII_SPACE)
    return "".join(text.split()).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Reject:
    source_path: str
    stage: str
    reason: str
    detail: str
    letter_id: str | None = None
    item_number: int | None = None


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


def pdf_text(data: bytes) -> str:
    """All pages' text; raises pdfium.PdfiumError for files pdfium cannot open."""
    pdf = pdfium.PdfDocument(data)
    try:
        pages = []
        for page in pdf:
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\n".join(pages)
    finally:
        pdf.close()


CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b)


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or more than 5 % control characters in the first 4 KiB (of the text, for UTF-16/32 with a BOM)."""
    head = data[:BINARY_SNIFF]
    if wide_encoding(head):
        head = decode(head).encode("utf-8")
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))
    return controls > len(head) * 0.05


KINDS = {stat.S_IFDIR: "a directory", stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket",
         stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device"}


class _Refused(Exception):
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
            raise _Refused("unreadable_dir", _listing_error(path))
        data = _read_regular(_target(raw, path), max_bytes)
    except _Refused as why:
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


def _target(raw: str | Path, path: str) -> str:
    """What to open for the entry at path: itself, or the real path of a link that stays inside RAW."""
    if not os.path.islink(path):
        return path
    real = os.path.realpath(path)
    if not _inside(raw, real):
        raise _Refused("symlink_outside_raw", "a symbolic link to a path outside RAW (not followed)")
    try:
        os.stat(real)
    except OSError as exc:            # the target is missing, or the links loop
        raise _Refused("broken_symlink", f"a symbolic link that leads nowhere: {exc.strerror}") from None
    return real


def _read_regular(path: str, max_bytes: int) -> bytes:
    """The bytes of the regular file at path; checked before opening (a device or FIFO is never opened
    for reading), opened without blocking or following a link, and checked again on the open file."""
    _check_regular(os.stat(path), max_bytes)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    with open(fd, "rb") as fh:
        _check_regular(os.fstat(fd), max_bytes)     # the entry may have been replaced meanwhile
        return fh.read()


def _check_regular(st: os.stat_result, max_bytes: int) -> None:
    kind = stat.S_IFMT(st.st_mode)
    if kind != stat.S_IFREG:
        raise _Refused("not_a_file", f"{KINDS.get(kind, 'a special file')}, not a file")
    if st.st_size > max_bytes:
        raise _Refused("too_large", f"{st.st_size} bytes > cap of {max_bytes}")


def _listing_error(path: str) -> str:
    try:
        os.scandir(path).close()
    except OSError as exc:
        return f"cannot list the directory (its files are not in the build): {exc.strerror or exc}"
    return "the directory could not be listed when the build started (its files are not in the build)"


def letter_from_bytes(rel: str, data: bytes, digest: str | None = None) -> RawLetter | Reject:
    """Text of a .pdf (pypdfium2) or .txt (UTF-8, cp1252 fallback), normalised; a Reject for bad content.
    `digest` is the bytes' SHA-256 when the caller has it already."""
    digest = digest or hashlib.sha256(data).hexdigest()
    if rel.lower().endswith(".pdf"):
        if not data.lstrip()[:5].startswith(b"%PDF"):
            return Reject(rel, "ingest", "unreadable_pdf", f"not a PDF (starts with {data[:16]!r})")
        try:
            text = pdf_text(data)
        except pdfium.PdfiumError as exc:
            reason = "encrypted_pdf" if "password" in str(exc).lower() else "unreadable_pdf"
            return Reject(rel, "ingest", reason, f"pdfium: {exc}")
        if not text.strip():
            return Reject(rel, "ingest", "no_text_layer", "the PDF has no extractable text (scanned?)")
    else:
        if looks_binary(data):
            return Reject(rel, "ingest", "binary_file", "binary data in a .txt file")
        text = decode(data)
    text = normalise(text)
    if not text.strip():
        return Reject(rel, "ingest", "empty_file", "no text after normalisation")
    return RawLetter(rel, digest, text)


def read_letter(path: Path, raw: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawLetter | Reject:
    """One file → RawLetter, or a Reject with a reason code; never raises for bad content."""
    got = read_bytes(raw, escape_name(path.relative_to(raw).as_posix()), max_bytes)
    return got if isinstance(got, Reject) else letter_from_bytes(*got)
