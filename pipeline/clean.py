"""Undo text-extraction artifacts so that every layout parser sees the same kind of text.

- line ends: CRLF / CR / form feed → LF; non-breaking and other odd spaces → space
- every newline doubled (the 2015 seeds as scraped) → single newlines
- page furniture of multi-page PDFs ('Page 2 of 3', a repeated case-number line)
- trailing spaces
"""
from __future__ import annotations

import codecs
import unicodedata

from pipeline import patterns as rx

# Characters replaced after NFKC, one str.replace each when present: str.translate with a dict costs
# ~470 µs on a 6 kB non-ASCII letter, these checks and replaces ~10 µs. No replacement is itself a key.
_REPLACEMENTS = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                 "\u2022": "-", "\uf0b7": "-", "\ufffd": " ",
                 "\ufffe": "-",   # pdfium's mark for a hyphen at a line end: 'anti\ufffeinflammatories'
                 # no-break, thin, zero-width, ideographic spaces
                 **dict.fromkeys(["\u00a0", *map(chr, range(0x2000, 0x200c)), "\u202f", "\u205f", "\u3000"], " ")}


# UTF-32 first: its little-endian BOM starts with UTF-16's
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def wide_encoding(data: bytes) -> str | None:
    """'utf-16' or 'utf-32' when the bytes start with that encoding's byte-order mark, else None."""
    return next((encoding for bom, encoding in _WIDE_BOMS if data.startswith(bom)), None)


def decode(data: bytes) -> str:
    """UTF-16/32 with a BOM (a bad code unit becomes U+FFFD); else UTF-8 (with or without BOM),
    else cp1252, else latin-1 (which cannot fail)."""
    if wide := wide_encoding(data):
        return data.decode(wide, "replace")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def undouble_newlines(text: str) -> str:
    """'a \\n\\nb \\n\\n' → 'a\\nb\\n' when (nearly) every line is followed by an empty one."""
    if len(rx.DOUBLE_NEWLINE.findall(text)) < 0.3 * text.count("\n"):   # cheap test first: most are single-spaced
        return text
    lines = text.split("\n")
    if len(lines) < 8:
        return text
    for offset in (1, 0):          # the blank lines may sit at odd or (after a leading newline) even positions
        blanks = lines[offset::2]
        if sum(1 for line in blanks if not line.strip()) >= 0.9 * len(blanks):
            return "\n".join(lines[1 - offset::2])
    return text


def normalise(text: str) -> str:
    """Cleaned text: the one form every parser and the letter id are computed from."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        for odd, plain in _REPLACEMENTS.items():
            if odd in text:
                text = text.replace(odd, plain)
    if "\r" in text:      # a one-character test is a memchr; the search for '\r\n' is not
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", "\n").replace("\t", " ")
    text = "\n".join([line.rstrip(" ") for line in undouble_newlines(text).split("\n")]) + "\n"   # 4× a regex
    if rx.PAGE_WORD.search(text) and rx.PAGE_NUMBER.search(text.lower()):
        text = rx.PAGE_FURNITURE.sub("", text)
    return text.strip("\n") + "\n"


def fold(text: str) -> str:
    """Whitespace folded to single spaces, stripped; a word hyphenated across a line end is joined
    ('anti-\ninflammatory' → 'anti-inflammatory')."""
    if rx.HYPHEN_BREAK.search(text):
        text = rx.LINE_END_HYPHEN.sub("-", text)
    flat = text.replace("\n", " ")
    if flat.isprintable():    # then its only whitespace is ' ' (every other is unprintable): no split into words
        if "  " in flat:
            flat = rx.SPACE_RUN.sub(" ", flat)
        return flat.strip(" ")
    return " ".join(text.split())
