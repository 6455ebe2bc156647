"""Files under RAW → RawLetter (normalised text) or Reject. PDF text via pypdfium2."""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.clean import decode, normalise

SUFFIXES = {".pdf", ".txt"}
NON_WORD = re.compile(r"\W+")
ASCII_NON_WORD = bytes(b for b in range(128) if not (chr(b).isalnum() or chr(b) == "_"))   # what \W matches in ASCII
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
BINARY_SNIFF = 4096


@dataclass(frozen=True, slots=True)
class RawLetter:
    source_path: str     # relative to RAW, '/'-separated
    sha256: str          # of the file's bytes
    text: str            # normalised (pipeline.clean.normalise)

    @property
    def letter_id(self) -> str:
        """Content-derived id, stable across rebuilds and machines: a hash of the letter's word
        characters only (lowercase, no spaces or punctuation), so the PDF of a letter and the text
        pypdf extracted from it, which differ in spacing and line breaks, get the same id."""
        return hashlib.sha256(word_characters(self.text)).hexdigest()[:16]


def word_characters(text: str) -> bytes:
    """The text's word characters, lowercased, as UTF-8; for ASCII text by deleting bytes (10× faster than the regex)."""
    if text.isascii():
        return text.lower().encode("ascii").translate(None, ASCII_NON_WORD)
    return NON_WORD.sub("", text.lower()).encode("utf-8")


@dataclass(frozen=True, slots=True)
class Reject:
    source_path: str
    stage: str
    reason: str
    detail: str
    letter_id: str | None = None
    item_number: int | None = None


def discover(raw: Path) -> list[str]:
    """Relative '/'-paths of the *.pdf and *.txt files under raw, recursively, sorted; symlinked
    directories are not entered and file links leading outside raw are skipped."""
    root = os.path.realpath(raw)
    found: list[str] = []
    todo = [("", str(raw))]
    while todo:
        prefix, directory = todo.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.name[-4:].lower() in SUFFIXES and _is_file_inside(entry, root):
                    found.append(prefix + entry.name)
    return sorted(found)


def _is_file_inside(entry: os.DirEntry, root: str) -> bool:
    if not entry.is_symlink():
        return entry.is_file(follow_symlinks=False)
    real = os.path.realpath(entry.path)
    return real.startswith(root + os.sep) and os.path.isfile(real)


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
    """NUL bytes, or more than 5 % control characters in the first 4 KiB."""
    head = data[:BINARY_SNIFF]
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))
    return controls > len(head) * 0.05


def read_bytes(raw: Path, rel: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, bytes] | Reject:
    """(rel, the bytes of raw/rel), or a Reject for an empty, unreadable or oversized file."""
    path = os.path.join(raw, rel)
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            return Reject(rel, "ingest", "too_large", f"{size} bytes > cap of {max_bytes}")
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        reason = "unreadable_pdf" if rel.lower().endswith(".pdf") else "binary_file"
        return Reject(rel, "ingest", reason, f"cannot read: {exc}")
    if not data.strip():
        return Reject(rel, "ingest", "empty_file", "the file has no content")
    return rel, data


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
    got = read_bytes(raw, path.relative_to(raw).as_posix(), max_bytes)
    return got if isinstance(got, Reject) else letter_from_bytes(*got)
