"""Fault injection: every bad input becomes a rejects row with a reason; everything else lands."""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline.build
from pipeline.build import build
from pipeline.check import check_dataset
from pipeline.clean import normalise
from pipeline.extract.letter import ExtractError, extract_letter
from pipeline.inputs import discover
from pipeline.names import escape_name
from pipeline.readback import read_table
from tests.conftest import LETTERS, ROOT
from tests.pdfs import text_to_pdf

GOOD = (LETTERS / "y2016_basic.txt").read_text()


def _no_text_pdf(path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 100, style="F")     # a page with drawing only: no text layer
    pdf.output(str(path))


def _unreadable_outcome(path):
    bad = GOOD.replace("for the left knee: Overturned", "for the left knee: Pending")
    assert bad != GOOD
    path.write_text(bad)


BAD_INPUTS = {
    # name: (writer, reason)
    "empty.txt": (lambda p: p.write_bytes(b""), "empty_file"),
    "blank.pdf": (lambda p: p.write_bytes(b"   \n"), "empty_file"),
    "garbage.txt": (lambda p: p.write_bytes(bytes(range(256)) * 8), "binary_file"),
    "truncated.pdf": (lambda p: p.write_bytes(text_to_pdf(GOOD, p).read_bytes()[:900]), "unreadable_pdf"),
    "error-page.pdf": (lambda p: p.write_text("<html><body>502 Bad Gateway</body></html>"), "unreadable_pdf"),
    "locked.pdf": (lambda p: text_to_pdf(GOOD, p, password="secret"), "encrypted_pdf"),
    "scanned.pdf": (_no_text_pdf, "no_text_layer"),
    "huge.txt": (lambda p: p.write_text(GOOD + "x" * 3_000_000), "too_large"),
    "memo.txt": (lambda p: p.write_text("Team meeting moved to Thursday.\nBring the budget.\n"), "unknown_layout"),
    "no-items.txt": (lambda p: p.write_text(GOOD.split("IMR ISSUES")[0] + "IMR ISSUES, DECISIONS AND RATIONALES\n"), "no_items"),
}


@pytest.fixture(scope="module")
def faulty_build(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    shutil.copy(LETTERS / "y2016_drugs.txt", raw / "good.txt")
    (raw / "latin1.txt").write_bytes((LETTERS / "y2015_mixed.txt").read_text().replace("Decision", "D\u00e9cision", 1).encode("cp1252"))
    for name, (writer, _) in BAD_INPUTS.items():
        writer(raw / name)
    _unreadable_outcome(raw / "one-bad-item.txt")
    data = tmp_path_factory.mktemp("data")
    summary = build(raw, data, jobs=1, max_bytes=2_000_000)
    return summary, data


@pytest.mark.parametrize("name, reason", [(n, r) for n, (_, r) in BAD_INPUTS.items()])
def test_bad_input_is_rejected_with_its_reason(faulty_build, name, reason):
    _, data = faulty_build
    rejects = read_table(data / "parquet", "rejects").filter(pl.col("source_path") == name)
    assert rejects["reason"].to_list() == [reason]


def test_good_letters_still_land(faulty_build):
    summary, data = faulty_build
    letters = read_table(data / "parquet", "letters")
    assert sorted(letters["source_path"].to_list()) == ["good.txt", "latin1.txt", "one-bad-item.txt"]
    assert summary.letters + len(BAD_INPUTS) == summary.files
    assert check_dataset(data) == []


def test_an_unreadable_item_is_rejected_and_the_letter_lands(faulty_build):
    _, data = faulty_build
    rejects = read_table(data / "parquet", "rejects").filter(pl.col("source_path") == "one-bad-item.txt")
    assert rejects.select("reason", "item_number").rows() == [("unreadable_outcome", 2)]
    letter = read_table(data / "parquet", "letters").filter(pl.col("source_path") == "one-bad-item.txt")
    items = read_table(data / "parquet", "items").join(letter.select("letter_id"), on="letter_id")
    assert items["item_number"].to_list() == [1]


def test_symlinks_out_of_raw_are_not_followed(tmp_path, raw_dir):
    outside = tmp_path / "outside.txt"
    outside.write_text(GOOD.replace("CM16", "CM15"))
    os.symlink(outside, raw_dir / "link.txt")
    summary = build(raw_dir, tmp_path / "data", jobs=1)
    assert (summary.files, summary.letters, dict(summary.reject_reasons)) == (2, 1, {"symlink_outside_raw": 1})


def _letter(n: int) -> str:
    return GOOD.replace("CM16-0904417", f"CM16-09{n:05d}")


def _socket(path):
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()


ODD_ENTRIES = {
    # name under RAW: (maker(raw, path), reason or None for a letter that lands)
    os.fsdecode(b"bad-\xff.txt"): (lambda raw, p: p.write_text(_letter(1)), None),
    "wide-utf16.txt": (lambda raw, p: p.write_bytes(_letter(2).encode("utf-16")), None),
    "wide-utf32.txt": (lambda raw, p: p.write_bytes(_letter(3).encode("utf-32")), None),
    "inside-link.txt": (lambda raw, p: os.symlink("sub/target.dat", p), None),
    "outside.txt": (lambda raw, p: os.symlink(raw.parent / "outside.txt", p), "symlink_outside_raw"),
    "broken.pdf": (lambda raw, p: os.symlink("nowhere.pdf", p), "broken_symlink"),
    "loop.txt": (lambda raw, p: os.symlink("loop.txt", p), "broken_symlink"),
    "fifo.txt": (lambda raw, p: os.mkfifo(p), "not_a_file"),
    "socket.txt": (lambda raw, p: _socket(p), "not_a_file"),
    "folder.pdf": (lambda raw, p: p.mkdir(), "not_a_file"),
    "dir-link.txt": (lambda raw, p: os.symlink("sub", p), "not_a_file"),
    "gone.txt": (lambda raw, p: p.write_text(_letter(4)), "vanished"),
    "locked/": (lambda raw, p: (p.mkdir(), (p / "inner.txt").write_text(_letter(5))), "unreadable_dir"),
}


def _find(raw) -> set[str]:
    """What `find RAW -name '*.pdf' -o -name '*.txt'` lists, as stored names."""
    out = subprocess.run(["find", str(raw), "-name", "*.pdf", "-o", "-name", "*.txt"], capture_output=True).stdout
    return {escape_name(os.fsdecode(line)[len(str(raw)) + 1:]) for line in out.splitlines()}


@pytest.fixture
def odd_build(tmp_path, raw_dir, monkeypatch):
    """A RAW holding every kind of entry; 'locked/' cannot be listed and 'gone.txt' is removed after discovery."""
    (tmp_path / "outside.txt").write_text(_letter(6))
    (raw_dir / "sub").mkdir()
    (raw_dir / "sub" / "target.dat").write_text(_letter(7))
    (raw_dir / "linked-dir").symlink_to("sub")                    # a symlinked directory: not entered
    for name, (make, _) in ODD_ENTRIES.items():
        make(raw_dir, raw_dir / name)
    listed = _find(raw_dir)
    scandir = os.scandir

    def refuse_locked(path="."):
        if isinstance(path, str) and path.endswith("/locked"):
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return scandir(path)

    def discover_then_remove(raw):
        names = discover(raw)
        (raw / "gone.txt").unlink()
        return names
    monkeypatch.setattr(os, "scandir", refuse_locked)
    monkeypatch.setattr(pipeline.build, "discover", discover_then_remove)
    summary = build(raw_dir, tmp_path / "data", jobs=1)
    return summary, tmp_path / "data", listed


def test_every_entry_under_raw_is_a_letter_or_a_reject(odd_build):
    summary, data, listed = odd_build
    letters = read_table(data / "parquet", "letters")
    rejects = read_table(data / "parquet", "rejects").filter(pl.col("item_number").is_null())
    reasons = dict(rejects.select("source_path", "reason").rows())
    assert {name: reasons.get(escape_name(name)) for name in ODD_ENTRIES} == {
        name: reason for name, (_, reason) in ODD_ENTRIES.items()}
    assert sorted(letters["source_path"]) == ["bad-\\xff.txt", "good.txt", "inside-link.txt",
                                              "wide-utf16.txt", "wide-utf32.txt"]
    # what find lists (less what the unlistable folder holds), plus one row for that folder
    seen = {p for p in listed if not p.startswith("locked/")} | {"locked/"}
    assert set(letters["source_path"]) | set(rejects["source_path"]) == seen
    assert letters.height + rejects.height == summary.files == len(seen)
    assert check_dataset(data) == []


def test_a_name_that_is_not_utf8_round_trips_through_the_manifest(tmp_path, raw_dir):
    (raw_dir / os.fsdecode(b"bad-\xff.txt")).write_text(_letter(1))
    first = build(raw_dir, tmp_path / "data", jobs=1)
    again = build(raw_dir, tmp_path / "data", jobs=1)
    assert (first.letters, again.mode, again.build_id) == (2, "unchanged", first.build_id)
    (raw_dir / os.fsdecode(b"more-\xfe.txt")).write_text(_letter(2))
    grown = build(raw_dir, tmp_path / "data", jobs=1)
    assert (grown.mode, grown.processed, grown.letters) == ("append", 1, 3)
    manifest = json.loads((tmp_path / "data" / "parquet" / "manifest.json").read_text())
    assert sorted(manifest["inputs"]) == ["bad-\\xff.txt", "good.txt", "more-\\xfe.txt"]


def test_odd_entries_do_not_force_a_full_rebuild(tmp_path, raw_dir):
    for name in ("fifo.txt", "broken.pdf", "loop.txt", "folder.pdf", "outside.txt"):
        ODD_ENTRIES[name][0](raw_dir, raw_dir / name)
    first = build(raw_dir, tmp_path / "data", jobs=1)
    again = build(raw_dir, tmp_path / "data", jobs=1)
    assert (first.files, again.mode) == (6, "unchanged")


LINES = GOOD.splitlines()


@st.composite
def mutated_letters(draw):
    """A real letter with lines deleted, duplicated, shuffled, or random text spliced in."""
    lines = list(LINES)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert"]))
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if op == "delete" and lines:
            lines.pop(i)
        elif op == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif op == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines.insert(i, draw(st.text(max_size=80)))
    return "\n".join(lines)


def _never_raises_unexpectedly(text):
    try:
        extract_letter(normalise(text))
    except ExtractError:
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated_letters(), st.text(max_size=2000), st.binary(max_size=500).map(lambda b: b.decode("latin-1"))))
def test_extraction_never_crashes(text):
    _never_raises_unexpectedly(text)


@pytest.mark.slow
@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated_letters(), st.text(max_size=4000)))
def test_extraction_never_crashes_long(text):
    _never_raises_unexpectedly(text)


def _kill_during_build(raw, data, delay, flags):
    """SIGKILL the whole build (its process group: the build, its forkserver and workers) after `delay` s."""
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--raw", str(raw), "--data", str(data),
                             "--jobs", "1", *flags], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _corpus(raw, n, start=0):
    raw.mkdir(exist_ok=True)
    for i in range(start, start + n):
        (raw / f"l{i:04d}.txt").write_text(GOOD.replace("CM16-0904417", f"CM16-09{i:05d}") + f"\ncopy {i}\n")
    return raw


def _cli_build(raw, data, flags):
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "pipeline", "build", "--raw", str(raw), "--data", str(data),
                    "--jobs", "1", *flags], cwd=ROOT, check=True, capture_output=True)
    return time.monotonic() - start


def _kill_runs(tmp_path, runs, flags):
    """Kill builds at moments spread over a whole build, from start-up to the database write and the publish:
    a full rebuild (--full), or an append after RAW grew."""
    raw = _corpus(tmp_path / "raw", 400)
    data = tmp_path / "data"
    before = build(raw, data, jobs=1)
    if not flags:
        _corpus(raw, 200, start=400)
    scratch = tmp_path / "scratch"
    shutil.copytree(data, scratch, symlinks=True)
    duration = _cli_build(raw, scratch, flags)          # how long the build to be killed takes here, now
    for k in range(runs):
        _kill_during_build(raw, data, 0.2 + 1.05 * duration * k / max(runs - 1, 1), flags)
        assert check_dataset(data) == [], f"run {k}"
        # the previous dataset, or the new one if the build published before the kill: never a mix
        assert read_table(data / "parquet", "letters").height in {before.letters, 400 if flags else 600}
    after = build(raw, data, jobs=1)                      # no stale lock; the same rows as a fresh build
    assert after.build_id == build(raw, tmp_path / "fresh", jobs=1).build_id
    assert after.letters == (400 if flags else 600) and check_dataset(data) == []


@pytest.mark.parametrize("flags", [["--full"], []], ids=["full", "append"])
def test_kill_mid_build_leaves_the_previous_dataset(tmp_path, flags):
    _kill_runs(tmp_path, 3, flags)


@pytest.mark.slow
@pytest.mark.parametrize("flags", [["--full"], []], ids=["full", "append"])
def test_kill_mid_build_fifty_times(tmp_path, flags):
    _kill_runs(tmp_path, 50, flags)


IMPLAUSIBLE = [
    # (fixture letter, text written, replacement, column nulled, item_number of the reject, value in the detail)
    ("y2016_basic.txt", r"is a \d+[ -]year[ -]old", "is a 150 year old", "patient_age", None, "150"),
    ("y2016_basic.txt", r"is a \d+[ -]year[ -]old", "is a 4 year old", "patient_age", None, "4"),
    ("y2016_basic.txt", "Decision Date: 11/15/2016", "Decision Date: 11/15/0999", "decision_date", None, "0999-11-15"),
    ("y2016_basic.txt", "Decision Date: 11/15/2016", "Decision Date: 11/15/9999", "decision_date", None, "9999-11-15"),
    ("y2016_basic.txt", "Date Assigned: 10/18/2016", "Date Assigned: 10/18/2099", "date_assigned", None, "2099-10-18"),
    ("y2016_basic.txt", "Date of Injury:  03/22/2016", "Date of Injury:  03/22/1901", "date_of_injury", None, "1901-03-22"),
    ("y2016_compound.txt", "DOS: 3/4/16", "DOS: 3/4/1999", "service_date", 2, "1999-03-04"),
]


@pytest.mark.parametrize("letter, written, replacement, column, item_number, value", IMPLAUSIBLE,
                         ids=[f"{c}={v}" for *_, c, _, v in IMPLAUSIBLE])
def test_an_implausible_value_is_nulled_and_the_letter_lands(tmp_path, letter, written, replacement, column,
                                                              item_number, value):
    import re

    original = (LETTERS / letter).read_text()
    text = re.sub(written, replacement, original, count=1)
    assert text != original
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "odd.txt").write_text(text)
    build(raw, tmp_path / "data", jobs=1)
    parquet = tmp_path / "data" / "parquet"
    rejects = read_table(parquet, "rejects")
    assert rejects.select("source_path", "item_number", "field", "stage", "reason").rows() == [
        ("odd.txt", item_number, column, "validate", "implausible_value")]
    assert column in rejects["detail"][0] and value in rejects["detail"][0]
    letters, items = read_table(parquet, "letters"), read_table(parquet, "items")
    assert letters.height == 1 and items.height == letters["n_items"][0] > 0
    nulled = letters if item_number is None else items.filter(pl.col("item_number") == item_number)
    assert nulled[column].to_list() == [None]
    if column == "decision_date":    # the partition key follows the nulled date
        assert letters["decision_year"].to_list() == [None] and items["decision_year"].null_count() == items.height
    assert check_dataset(tmp_path / "data") == []


def test_a_row_failing_a_schema_check_is_quarantined():
    from pipeline.batch import _validated
    from pipeline.ingest import RawLetter
    from pipeline.rows import BatchRows

    raw = RawLetter("bad.txt", "0" * 64, normalise(GOOD))
    rows = BatchRows()
    rows.add_letter(raw, extract_letter(raw.text))
    frames = rows.frames()
    frames["letters"] = frames["letters"].with_columns(pl.lit("no_such_layout").alias("layout"))
    frames = _validated(frames)
    assert frames["letters"].height == frames["items"].height == frames["citations"].height == 0
    assert frames["rejects"].select("source_path", "item_number", "field", "reason").rows() == [
        ("bad.txt", None, None, "schema_check")]
    assert "layout" in frames["rejects"]["detail"][0]
