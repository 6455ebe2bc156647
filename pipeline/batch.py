"""One batch of input files, as run by a worker: ingest → extract → validate → part files.

Only a small BatchResult travels back to the build process (counts, kept letter keys, duplicates,
hashes); the rows themselves are written by the worker. Each file runs under a CPU budget (a SIGPROF
timer in the worker, `Limits.cpu_seconds`): a file over it becomes a `too_slow` reject; a file that
hangs in C code or kills the worker is handled by the supervisor (pipeline.pool).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

import polars as pl

from pipeline.extract.letter import ExtractError, LetterFields, extract_letter
from pipeline.ingest import RawLetter, letter_from_bytes
from pipeline.inputs import DEFAULT_MAX_BYTES, Reject, input_stat
from pipeline.parts import write_parts
from pipeline.readahead import ReadAhead
from pipeline.rows import BatchRows
from pipeline.tasks import BatchResult, Limits, Task
from pipeline.validate import null_implausible, validate, with_letters
from schemas.tables import TABLES


class FileTooSlow(BaseException):
    """Raised in a worker by the CPU timer; a BaseException so that no `except Exception` swallows it."""


def _on_timer(signum, frame):
    raise FileTooSlow


@contextlib.contextmanager
def cpu_timer(seconds: float | None):
    """The CPU timer of a batch's files (main thread only: elsewhere a no-op): yields `arm`, which gives the
    code up to its next `arm(0)` `seconds` of process CPU time before FileTooSlow interrupts it. The handler
    is installed once a batch, the timer set per file."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield lambda _seconds: None
        return
    previous = signal.signal(signal.SIGPROF, _on_timer)
    try:
        yield partial(signal.setitimer, signal.ITIMER_PROF)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _inject(fault: str | None, rel: str) -> None:
    """Test-only fault injection (IMR_FAULT=kind:part-of-a-file-name): what a crash in pdfium looks like."""
    if not fault:
        return
    kind, _, part = fault.partition(":")
    if part not in rel:
        return
    if kind == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif kind == "abort":
        os.abort()
    elif kind == "hang":
        time.sleep(3600)
    elif kind == "spin":
        while True:
            pass


def _extract_bytes(rel: str, data: bytes, sha: str) -> tuple[RawLetter, LetterFields] | Reject:
    """The letter of one readable file and its fields, or its reject; never raises."""
    got = letter_from_bytes(rel, data, sha)
    if isinstance(got, Reject):
        return got
    try:
        return got, extract_letter(got.text)
    except ExtractError as exc:
        return Reject(got.source_path, "extract", exc.reason, str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug must cost one letter, not the build
        return Reject(got.source_path, "extract", "extract_error", f"{type(exc).__name__}: {exc}")


def _read_and_extract(rel: str, read: Callable[[], tuple[str, bytes] | Reject], limits: Limits, arm,
                      fault: str | None) -> tuple[str | None, tuple[RawLetter, LetterFields] | Reject]:
    """(sha256 of the file's bytes or None, its letter and fields or its reject) under the file's CPU budget;
    read() gives the file's bytes (pipeline.readahead)."""
    sha = None
    try:
        arm(limits.cpu_seconds)
        try:
            _inject(fault, rel)
            got = read()      # one file's bytes at a time
            if not isinstance(got, Reject):
                sha = hashlib.sha256(got[1]).hexdigest()
                got = _extract_bytes(rel, got[1], sha)
        finally:
            arm(0)
    except FileTooSlow:
        got = Reject(rel, "extract", "too_slow", f"more than {limits.cpu_seconds:g} s of CPU")
    except MemoryError:
        got = Reject(rel, "extract", "too_large", "out of memory while reading the file")
    return sha, got


def process_batch(files, raw: str, parquet: str, name: str, max_bytes: int = DEFAULT_MAX_BYTES,
                  limits: Limits | None = None, watch=None, fault: str | None = None) -> BatchResult:
    """Ingest, extract and validate a batch of files (paths relative to raw) and write its part files under `parquet`.

    A letter whose text repeats an earlier one of the batch is not written: it is reported in
    `duplicates`, and the build process writes its reject once it knows which copy is kept across
    batches. `watch.value` (shared with the supervisor) is the index of the file being read, -1 between files.
    """
    limits = limits or Limits(max_bytes=max_bytes)
    rows = BatchRows()
    inputs: list[tuple] = []
    seen: dict[str, str] = {}
    duplicates: list[tuple[str, str, str]] = []
    with cpu_timer(limits.cpu_seconds) as arm, ReadAhead(raw, files, limits.max_bytes) as reader:
        for index, rel in enumerate(files):
            if watch is not None:
                watch.value = index
            stat = input_stat(raw, rel)       # before reading: a file changed meanwhile looks changed next time
            sha, got = _read_and_extract(rel, partial(reader.read, index), limits, arm, fault)
            inputs.append((rel, sha, *stat))
            if isinstance(got, Reject):
                rows.add_reject(got)
                continue
            letter, fields = got
            if (kept := seen.get(letter.letter_id)) is not None:
                duplicates.append((letter.source_path, letter.letter_id, kept))
                continue
            seen[letter.letter_id] = letter.source_path
            rows.add_letter(letter, fields)
    if watch is not None:
        watch.value = -1
    return _written(name, len(files), rows, inputs, Path(parquet), duplicates)


def _written(name: str, n: int, rows: BatchRows, inputs: list[tuple], parquet: Path,
             duplicates: list[tuple[str, str, str]]) -> BatchResult:
    """Validate a batch's rows, write its part files, and say what was written.

    A batch's frames are small and in memory: polars' default (streaming) engine would spend ~250 µs
    starting each of the ~300 queries a validation runs, the in-memory engine ~30 µs."""
    with pl.Config(engine_affinity="in-memory"):
        frames = _validated(rows.frames())
    write_parts(parquet, name, frames)
    letters = frames["letters"]
    kept = list(zip(letters["letter_id"].to_list(), letters["case_number"].to_list(),
                    letters["source_path"].to_list()))
    return BatchResult(name, n, kept, inputs, {t: df.height for t, df in frames.items()},
                       Counter(frames["rejects"]["reason"].to_list()), duplicates)


def run_task(task: Task, watch=None) -> BatchResult:
    """A worker's handling of one Task: the batch, or the reject of a file that already killed a worker."""
    if not task.condemned:
        return process_batch(task.files, task.raw, task.parquet, task.name, limits=task.limits,
                             watch=watch, fault=task.fault)
    reason, detail = task.blame
    rows = BatchRows()
    for rel in task.files:
        rows.add_reject(Reject(rel, "extract", reason, detail))
    inputs = [(rel, None, *input_stat(task.raw, rel)) for rel in task.files]
    return _written(task.name, len(task.files), rows, inputs, Path(task.parquet), [])


def _schema_rejects(bad: pl.DataFrame, source: dict[str, str], item_number: pl.Expr, what: str = "") -> pl.DataFrame:
    """Rows that failed a schema check, as rejects rows naming the failed checks."""
    return bad.select(
        pl.col("letter_id").replace_strict(source, default="", return_dtype=pl.String).alias("source_path"),
        pl.col("letter_id"), item_number.cast(pl.Int64).alias("item_number"), pl.lit(None, pl.String).alias("field"),
        pl.lit("validate").alias("stage"), pl.lit("schema_check").alias("reason"),
        (pl.lit(what) + pl.col("detail")).alias("detail"))


def _validated(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Validate letters, items, citations; failing rows become rejects, and so do the rows that hang on them
    (a failed letter takes its items and citations along, a failed item its citations). An implausible value
    is nulled first and reported, so it costs that value only."""
    source = dict(zip(frames["letters"]["letter_id"].to_list(), frames["letters"]["source_path"].to_list()))
    letters, odd_letters = null_implausible("letters", frames["letters"], source)
    letters, bad_letters = validate("letters", letters)
    items, odd_items = null_implausible("items", with_letters(frames["items"], letters), source)
    items, bad_items = validate("items", items)
    citations, bad_citations = validate("citations", frames["citations"].join(
        items.select("letter_id", "item_number"), on=["letter_id", "item_number"], how="semi"))
    rejects = pl.concat([
        frames["rejects"],
        _schema_rejects(bad_letters, source, pl.lit(None)),
        _schema_rejects(bad_items, source, pl.col("item_number")),
        _schema_rejects(bad_citations, source, pl.col("item_number"), "citation: "),
        odd_letters.join(letters.select("letter_id"), on="letter_id", how="semi"),   # of rows that landed
        odd_items.join(items.select("letter_id", "item_number"), on=["letter_id", "item_number"], how="semi"),
    ])
    # a reject that fails its own schema is a bug in this code: fail loudly rather than drop it
    return {"letters": letters, "items": items, "citations": citations,
            "rejects": TABLES["rejects"].validate(rejects)}
