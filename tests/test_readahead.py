"""Read-ahead (pipeline.readahead): it starts only when reads are slow, stays a window ahead of the reader,
never opens what the reader refuses, and never changes what a batch writes."""
from __future__ import annotations

import os
import threading
from functools import partial

import polars as pl
import pytest

import pipeline.batch
import pipeline.readahead as readahead
from pipeline.batch import process_batch
from pipeline.readahead import ReadAhead, advise
from tests.conftest import LETTERS

GOOD = (LETTERS / "y2016_basic.txt").read_text()

ENTRIES = {
    # name: (maker(raw dir, path), whether advise asks the kernel to read it)
    "letter.txt": (lambda raw, p: p.write_text(GOOD), True),
    "empty.txt": (lambda raw, p: p.write_text(""), False),
    "large.txt": (lambda raw, p: p.write_text("x" * (MAX_BYTES + 1)), False),
    "fifo.txt": (lambda raw, p: os.mkfifo(p), False),
    "folder.pdf": (lambda raw, p: p.mkdir(), False),
    "link.txt": (lambda raw, p: os.symlink("letter.txt", p), False),
    "broken.txt": (lambda raw, p: os.symlink("nowhere.txt", p), False),
    "missing.txt": (lambda raw, p: None, False),
}
MAX_BYTES = 2 * len(GOOD)      # what the tests let the reader read


@pytest.fixture
def raw(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, (make, _) in ENTRIES.items():
        make(raw, raw / name)
    return raw


@pytest.mark.skipif(not readahead.CAN_ADVISE, reason="no posix_fadvise on this system")
@pytest.mark.parametrize("name, advised", [(name, advised) for name, (_, advised) in ENTRIES.items()])
def test_only_a_regular_file_the_reader_would_read_is_advised(raw, monkeypatch, name, advised):
    calls = []
    fadvise = os.posix_fadvise
    monkeypatch.setattr(os, "posix_fadvise", lambda fd, *args: (calls.append(args), fadvise(fd, *args)))
    advise(str(raw / name), MAX_BYTES)          # a FIFO would block a plain open: this returns
    assert bool(calls) == advised


def _clock(durations: list[float]):
    """A perf_counter whose successive reads take the given seconds each (two clock calls per read)."""
    ticks = iter([t for d in durations for t in (0.0, d)])
    return lambda: next(ticks)


@pytest.mark.parametrize("durations, first_advised", [
    ([1e-5] * 8, None),                                     # from the page cache: never starts
    ([1e-3, 1e-3, 1e-5, 1e-3, 1e-3, 1e-5, 1e-3, 1e-5], None),   # slow reads, never three in a row
    ([1e-3] * 3 + [1e-5] * 5, 3),                           # three slow reads: from the next file on
    ([1e-5, 1e-5, 1e-3, 1e-3, 1e-3, 1e-5, 1e-5, 1e-5], 5),
])
def test_read_ahead_starts_after_slow_reads_in_a_row(tmp_path, monkeypatch, durations, first_advised):
    files = [f"{i}.txt" for i in range(len(durations))]
    for name in files:
        (tmp_path / name).write_text(GOOD)
    advised: list[str] = []
    monkeypatch.setattr(readahead, "CAN_ADVISE", True)
    monkeypatch.setattr(readahead, "perf_counter", _clock(durations))
    with ReadAhead(str(tmp_path), files, MAX_BYTES, advise=lambda path, _: advised.append(path)) as reader:
        got = [reader.read(i) for i in range(len(files))]
    assert got == [(name, GOOD.encode()) for name in files]
    expected = [] if first_advised is None else [f"{tmp_path}/{name}" for name in files[first_advised:]]
    assert advised == expected


def test_the_thread_stays_a_window_ahead_of_the_reader(tmp_path, monkeypatch):
    files = [f"{i}.txt" for i in range(40)]
    for name in files:
        (tmp_path / name).write_text(GOOD)
    monkeypatch.setattr(readahead, "WINDOW", 4)
    read = [0]
    lead: list[int] = []
    lock = threading.Lock()

    def record(path, _):
        with lock:
            lead.append(files.index(os.path.basename(path)) - read[0])

    with ReadAhead(str(tmp_path), files, MAX_BYTES, advise=record, slow_s=-1.0) as reader:
        for i in range(len(files)):
            reader.read(i)
            with lock:
                read[0] = i + 1
    assert lead and max(lead) <= 4


def test_a_batch_with_read_ahead_writes_what_it_writes_without(raw, tmp_path, monkeypatch):
    """Forced on from the first file, over a FIFO, links and a missing file: the same rows, and no hang."""
    files = sorted(ENTRIES)

    def run(name, **kwargs):
        monkeypatch.setattr(pipeline.batch, "ReadAhead", partial(ReadAhead, **kwargs))
        result = process_batch(files, str(raw), str(tmp_path / name), "b", max_bytes=MAX_BYTES)
        tables = {t: pl.read_parquet(tmp_path / name / t / "**" / "*.parquet", hive_partitioning=False)
                  for t in ("letters", "rejects")}
        return result, tables

    monkeypatch.setattr(readahead, "CAN_ADVISE", True)
    (off, off_tables), (on, on_tables) = run("off", slow_s=float("inf")), run("on", slow_s=-1.0)
    assert (on.kept, on.inputs, on.rows, on.reject_reasons) == (off.kept, off.inputs, off.rows, off.reject_reasons)
    assert all(on_tables[t].equals(off_tables[t]) for t in on_tables)
    assert off.rows["letters"] == 1
