"""Ingest units: the letter id's key, stored file names, text encodings and why an entry is not read."""
from __future__ import annotations

import errno
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.clean import decode
from pipeline.ingest import RawLetter, Reject, id_key, looks_binary, read_bytes, read_letter
from pipeline.names import escape_name, fs_name
from tests.conftest import LETTERS, shared


def _letter_id(text: str) -> str:
    return RawLetter("x.txt", "", text).letter_id


# ---------------------------------------------------------------- letter ids
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_fast_path_equals_split_and_join(text):
    assert id_key(text) == "".join(text.split()).encode("ascii")


@given(st.text())
def test_any_text_is_its_non_space_characters(text):
    assert id_key(text) == "".join(text.split()).encode("utf-8", "surrogatepass")


# Non-ASCII spaces, Latin-1 characters beside them, and characters beyond Latin-1.
WIDE_SPACES = "\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"


@given(st.text(alphabet=st.sampled_from([*WIDE_SPACES, " ", "\n", "\x1c", "a", "é", "°", "\xff", "\u2019", "\u4e00"])))
def test_text_with_wide_spaces_is_its_non_space_characters(text):
    assert id_key(text) == "".join(text.split()).encode("utf-8")


@pytest.mark.parametrize("a, b", [
    ("Norco 10/325mg #140", "Norco 103/25mg #140"),
    ("Norco 10/325 mg", "Norco 10/3.25 mg"),
    ("the right knee", "the left knee"),
    ("Upheld.", "Upheld,"),
    ("MRI", "mri"),
])
def test_different_letters_get_different_ids(a, b):
    assert _letter_id(a) != _letter_id(b)


@pytest.mark.parametrize("a, b", [
    ("Norco 10/325 mg #140\n", "Norco 10/325 mg\n#140\n"),
    ("anti-\ninflammatory", "anti- inflammatory"),
    ("a  b\tc", "ab c"),
])
def test_spacing_and_line_breaks_do_not_change_the_id(a, b):
    assert _letter_id(a) == _letter_id(b)


def test_the_pdf_and_the_pypdf_text_of_each_dev_letter_share_an_id():
    """Measured on every dev pair: pdfium's text and pypdf's text of one letter get one id."""
    pdfs, txts = shared("letters", "dev-pdf"), shared("letters", "dev-txt")
    pairs = [(p, txts / f"{p.stem}.txt") for p in sorted(pdfs.glob("*.pdf"))]
    assert len(pairs) == 65
    differ = [p.name for p, t in pairs if read_letter(p, pdfs).letter_id != read_letter(t, txts).letter_id]
    assert differ == []


# ---------------------------------------------------------------- stored names
@given(st.binary(min_size=1, max_size=40).filter(lambda b: b"/" not in b and b"\0" not in b))
def test_escaped_names_round_trip(name):
    stored = escape_name(os.fsdecode(name))
    stored.encode("utf-8")                                 # storable: no lone surrogates
    assert os.fsencode(fs_name(stored)) == name


@pytest.mark.parametrize("name, stored", [
    (b"plain.txt", "plain.txt"),
    (b"bad-\xff.txt", "bad-\\xff.txt"),
    (b"caf\xc3\xa9.txt", "café.txt"),
    (b"a\\b.txt", "a\\\\b.txt"),
    (b"a\\xff.txt", "a\\\\xff.txt"),                      # a literal backslash-x stays apart from a byte
    (b"\xe9t\xe9/x.pdf", "\\xe9t\\xe9/x.pdf"),
])
def test_escape_name(name, stored):
    assert escape_name(os.fsdecode(name)) == stored
    assert fs_name(stored) == os.fsdecode(name)


# ---------------------------------------------------------------- encodings
TEXT = "Décision: Upheld — 10/325 mg\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_wide_text_with_a_bom_is_text(encoding):
    bom = "\ufeff" if encoding.endswith(("le", "be")) else ""
    data = (bom + TEXT).encode(encoding)
    assert not looks_binary(data)
    assert decode(data) == TEXT


def test_wide_binary_with_a_bom_is_still_binary():
    assert looks_binary(b"\xff\xfe" + ("\x01\x02\x03 x" * 300).encode("utf-16-le"))


# ---------------------------------------------------------------- why an entry is not read
@pytest.mark.parametrize("error, reason", [
    (PermissionError(errno.EACCES, "Permission denied"), "unreadable_file"),
    (OSError(errno.EIO, "Input/output error"), "unreadable_file"),
    (FileNotFoundError(errno.ENOENT, "No such file or directory"), "vanished"),
])
def test_open_errors_have_their_reason(tmp_path, monkeypatch, error, reason):
    (tmp_path / "a.txt").write_text("text")

    def refuse(*args, **kwargs):
        raise error
    monkeypatch.setattr(os, "open", refuse)
    got = read_bytes(tmp_path, "a.txt")
    assert isinstance(got, Reject) and got.reason == reason


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_a_file_without_read_permission_is_unreadable(tmp_path):
    (tmp_path / "secret.txt").write_text("text")
    (tmp_path / "secret.txt").chmod(0)
    assert read_bytes(tmp_path, "secret.txt").reason == "unreadable_file"


def test_a_file_gone_since_discovery_vanished(tmp_path):
    assert read_bytes(tmp_path, "gone.txt").reason == "vanished"


def test_a_good_letter_is_read(tmp_path):
    (tmp_path / "good.txt").write_bytes((LETTERS / "y2016_basic.txt").read_bytes())
    assert read_bytes(tmp_path, "good.txt") == ("good.txt", (LETTERS / "y2016_basic.txt").read_bytes())


@pytest.mark.skipif(not os.path.isfile("/proc/self/status"), reason="needs Linux's /proc")
def test_a_file_longer_than_its_stated_size_is_read_to_its_end():
    """/proc files state size 0: the reader must read on past the size it was told (as for a file that grew)."""
    rel, data = read_bytes("/proc/self", "status")
    assert len(data) > 100 and data.startswith(b"Name:") and data.endswith(b"\n")
