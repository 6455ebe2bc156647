"""The bytes of one input → RawLetter (normalised text) or Reject: PDF text via pypdfium2, text decoded.
Reading the bytes safely is pipeline.inputs; this is the worker's half.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.clean import decode, normalise, wide_encoding
from pipeline.inputs import DEFAULT_MAX_BYTES, Reject, read_bytes
from pipeline.names import escape_name

ASCII_SPACE = bytes(b for b in range(128) if chr(b).isspace())   # what str.split() splits on in ASCII
BINARY_SNIFF = 4096


@dataclass(frozen=True, slots=True)
class RawLetter:
    source_path: str     # relative to RAW, '/'-separated
    sha256: str          # of the file's bytes
    text: str            # normalised (pipeline.clean.normalise)
    # Content-derived id, stable across rebuilds and machines: a hash of the normalised text with all
    # whitespace removed (case, digits and punctuation kept). The PDF of a letter and the text pypdf
    # extracted from it differ only in spacing and line breaks, so they share it; '10/325mg' and
    # '103/25mg' do not. Computed once, with the letter (a batch reads it several times).
    letter_id: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "letter_id", hashlib.sha256(id_key(self.text)).hexdigest()[:16])


def id_key(text: str) -> bytes:
    """The text without whitespace, as UTF-8: by deleting ASCII whitespace bytes when the text has no other
    whitespace (10× faster than split and join, which serves the rest)."""
    if text.isascii():
        return text.encode("ascii").translate(None, ASCII_SPACE)
    if _latin1_without_wide_spaces(text):
        return text.encode("utf-8").translate(None, ASCII_SPACE)
    return "".join(text.split()).encode("utf-8")


def _latin1_without_wide_spaces(text: str) -> bool:
    """A text of one byte a character (Latin-1: '°', '×') whose only whitespace is ASCII: its other
    whitespace can be U+0085 and U+00A0 only, each found by a memchr."""
    try:
        narrow = text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return b"\x85" not in narrow and b"\xa0" not in narrow


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
