"""One batch of input files, as run by a worker: ingest → extract → validate → part files.

Only a small BatchResult travels back to the build process (counts, kept letter keys, hashes);
the rows themselves are written by the worker.
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.extract.letter import ExtractError, extract_letter
from pipeline.ingest import DEFAULT_MAX_BYTES, Reject, letter_from_bytes, read_bytes
from pipeline.parts import write_parts
from pipeline.rows import letter_rows, reject_row
from pipeline.validate import frame, null_implausible, validate, with_letters
from schemas.tables import TABLES


@dataclass
class BatchResult:
    name: str                                        # the batch's part files are part-<name>.parquet
    files: int                                       # input files in the batch
    kept: list[tuple[str, str | None, str]]          # (letter_id, case_number, source_path) of letters written
    inputs: list[tuple]                              # (source_path, sha256 | None if unreadable, size, mtime_ns)
    rows: dict[str, int] = field(default_factory=dict)           # rows written per table
    reject_reasons: Counter = field(default_factory=Counter)


def _extract_bytes(rel: str, data: bytes, sha: str):
    """(letter row, item rows, citation rows, reject rows) of one readable file; never raises."""
    got = letter_from_bytes(rel, data, sha)
    if isinstance(got, Reject):
        return None, [], [], [reject_row(got)]
    try:
        fields = extract_letter(got.text)
    except ExtractError as exc:
        return None, [], [], [reject_row(Reject(got.source_path, "extract", exc.reason, str(exc)))]
    except Exception as exc:  # noqa: BLE001 - a bug must cost one letter, not the build
        detail = f"{type(exc).__name__}: {exc}"
        return None, [], [], [reject_row(Reject(got.source_path, "extract", "extract_error", detail))]
    return letter_rows(got, fields)


def process_batch(files: list[str], raw: str, parquet: str, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> BatchResult:
    """Ingest, extract and validate a batch of files (paths relative to raw) and write its part files under `parquet`;
    identical letters within the batch are deduplicated (across batches, the build process does it)."""
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    inputs: list[tuple] = []
    seen: dict[str, str] = {}
    for rel in files:
        stat = _stat(os.path.join(raw, rel))       # before reading: a file changed meanwhile looks changed next time
        got = read_bytes(raw, rel, max_bytes)      # one file's bytes at a time
        if isinstance(got, Reject):
            inputs.append((rel, None, *stat))
            letter, items, citations, rejects = None, [], [], [reject_row(got)]
        else:
            sha = hashlib.sha256(got[1]).hexdigest()
            inputs.append((rel, sha, *stat))
            letter, items, citations, rejects = _extract_bytes(rel, got[1], sha)
        if letter is not None and letter["letter_id"] in seen:
            rejects = [reject_row(Reject(letter["source_path"], "dedupe", "duplicate",
                                         f"same letter text as {seen[letter['letter_id']]}", letter["letter_id"]))]
            letter, items, citations = None, [], []
        if letter is not None:
            seen[letter["letter_id"]] = letter["source_path"]
            rows["letters"].append(letter)
        rows["items"].extend(items)
        rows["citations"].extend(citations)
        rows["rejects"].extend(rejects)
    frames = _validated(rows)
    write_parts(Path(parquet), name, frames)
    letters = frames["letters"]
    kept = list(zip(letters["letter_id"].to_list(), letters["case_number"].to_list(),
                    letters["source_path"].to_list()))
    return BatchResult(name, len(files), kept, inputs, {t: df.height for t, df in frames.items()},
                       Counter(frames["rejects"]["reason"].to_list()))


def _stat(path: str) -> tuple[int | None, int | None]:
    """(size, mtime_ns), what the next build compares to decide that a file is unchanged."""
    try:
        stat = os.stat(path)
    except OSError:
        return None, None
    return stat.st_size, stat.st_mtime_ns


def _schema_rejects(bad: pl.DataFrame, source: dict[str, str], item_number: pl.Expr, what: str = "") -> pl.DataFrame:
    """Rows that failed a schema check, as rejects rows naming the failed checks."""
    return bad.select(
        pl.col("letter_id").replace_strict(source, default="", return_dtype=pl.String).alias("source_path"),
        pl.col("letter_id"), item_number.cast(pl.Int64).alias("item_number"), pl.lit(None, pl.String).alias("field"),
        pl.lit("validate").alias("stage"), pl.lit("schema_check").alias("reason"),
        (pl.lit(what) + pl.col("detail")).alias("detail"))


def _validated(rows: dict[str, list[dict]]) -> dict[str, pl.DataFrame]:
    """Validate letters, items, citations; failing rows become rejects, and so do the rows that hang on them
    (a failed letter takes its items and citations along, a failed item its citations). An implausible value
    is nulled first and reported, so it costs that value only."""
    source = {r["letter_id"]: r["source_path"] for r in rows["letters"]}
    letters, odd_letters = null_implausible("letters", frame("letters", rows["letters"]), source)
    letters, bad_letters = validate("letters", letters)
    items, odd_items = null_implausible("items", with_letters(frame("items", rows["items"]), letters), source)
    items, bad_items = validate("items", items)
    citations, bad_citations = validate("citations", frame("citations", rows["citations"]).join(
        items.select("letter_id", "item_number"), on=["letter_id", "item_number"], how="semi"))
    rejects = pl.concat([
        frame("rejects", rows["rejects"]),
        _schema_rejects(bad_letters, source, pl.lit(None)),
        _schema_rejects(bad_items, source, pl.col("item_number")),
        _schema_rejects(bad_citations, source, pl.col("item_number"), "citation: "),
        odd_letters.join(letters.select("letter_id"), on="letter_id", how="semi"),   # of rows that landed
        odd_items.join(items.select("letter_id", "item_number"), on=["letter_id", "item_number"], how="semi"),
    ])
    # a reject that fails its own schema is a bug in this code: fail loudly rather than drop it
    return {"letters": letters, "items": items, "citations": citations,
            "rejects": TABLES["rejects"].validate(rejects)}
