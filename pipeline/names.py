r"""File names that are not valid UTF-8, stored losslessly.

On Linux a file name is bytes; Python hands undecodable bytes over as lone surrogates ('bad-\udcff.txt'),
which Parquet, DuckDB and JSON cannot store. Every stored or compared path (rows, manifest, sorting) is
the *escaped* name: the name's bytes decoded as UTF-8, each undecodable byte written `\xHH` (two
lowercase hex digits) and a literal backslash written `\\`. `fs_name` turns it back into the name
the filesystem knows, used only to touch the file.

Name bytes → stored name: b'bad-\xff.txt' → 'bad-\xff.txt' (8 characters before the dot: the
backslash is literal), b'caf\xc3\xa9.txt' → 'café.txt', b'a\b.txt' → 'a\\b.txt'.
"""
from __future__ import annotations

import os
import re

_ESCAPE = re.compile(rb"\\(\\|x[0-9a-f]{2})")


def escape_name(name: str) -> str:
    """The stored form of a name from the filesystem (str with surrogate escapes)."""
    if name.isascii() and "\\" not in name:     # nearly every name: nothing to escape
        return name
    return os.fsencode(name.replace("\\", "\\\\")).decode("utf-8", "backslashreplace")


def fs_name(escaped: str) -> str:
    """The filesystem's name (str with surrogate escapes) of a stored name; the inverse of escape_name."""
    if "\\" not in escaped:
        return escaped
    return os.fsdecode(_ESCAPE.sub(_unescape, escaped.encode("utf-8")))


def _unescape(match: re.Match) -> bytes:
    code = match.group(1)
    return b"\\" if code == b"\\" else bytes([int(code[1:], 16)])
