"""The stage runner: ingest → extract → validate in batches across worker processes, then dedupe,
write partitioned Parquet into a fresh build directory and publish it atomically.

Every input file ends as exactly one letters row or one file-level rejects row; the build checks
`letters + file-level rejects == files` before it publishes.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import multiprocessing
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline import EXTRACTOR_VERSION
from pipeline.cache import ExtractCache
from pipeline.extract.letter import ExtractError, extract_letter
from pipeline.ingest import DEFAULT_MAX_BYTES, Reject, discover, letter_from_bytes, read_bytes
from pipeline.load import PartWriter, write_database
from pipeline.paths import DataPaths
from pipeline.rows import letter_rows, reject_row
from pipeline.validate import frame, validate
from schemas.tables import TABLES

BATCH_SIZE = 1024


class BuildError(RuntimeError):
    """A build that cannot run or would publish an inconsistent dataset."""


@dataclass
class BatchResult:
    frames: dict[str, pl.DataFrame]                  # validated rows per table (rejects included)
    kept: list[tuple[str, str | None, str]]          # (letter_id, case_number, source_path), in input order
    hashes: list[tuple[str, str]]                    # (source_path, sha256) of every readable file
    files: int = 0                                   # input files in the batch
    new_cache_entries: dict = field(default_factory=dict)   # sha256 → packed rows extracted in this batch


@dataclass
class BuildSummary:
    files: int = 0
    letters: int = 0
    items: int = 0
    citations: int = 0
    rejects: int = 0
    reject_reasons: Counter = field(default_factory=Counter)
    build_id: str = ""
    data: Path = Path()


# ---------------------------------------------------------------- one batch (runs in a worker)
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


def _with_path(rows: tuple, rel: str) -> tuple:
    """Cached rows of identical bytes seen under another name, relabelled with this file's path."""
    letter, items, citations, rejects = rows
    if letter is not None:
        letter = {**letter, "source_path": rel}
    return letter, items, citations, [{**r, "source_path": rel} for r in rejects]


def process_batch(paths: list[str], raw: str, max_bytes: int = DEFAULT_MAX_BYTES,
                  cache_path: str | None = None) -> BatchResult:
    """Ingest, extract and validate a batch of files; identical letters within the batch are deduplicated.

    Files whose bytes are in the extract cache are not extracted again; new results are returned
    in BatchResult.new_cache_entries for the build process to store.
    """
    raw_path = Path(raw)
    read = [read_bytes(Path(p), raw_path, max_bytes) for p in paths]
    shas = [hashlib.sha256(r[1]).hexdigest() if not isinstance(r, Reject) else None for r in read]
    cached = ExtractCache(Path(cache_path)).get_many([s for s in shas if s]) if cache_path else {}
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    hashes: list[tuple[str, str]] = []
    new_entries: dict[str, tuple] = {}
    seen: dict[str, str] = {}
    for got, sha in zip(read, shas):
        if isinstance(got, Reject):
            letter, items, citations, rejects = None, [], [], [reject_row(got)]
        else:
            rel, data = got
            hashes.append((rel, sha))
            if sha in cached:
                result = _with_path(cached[sha], rel)
            else:
                result = _extract_bytes(rel, data, sha)
                if cache_path:
                    new_entries[sha] = ExtractCache.pack(result)
            letter, items, citations, rejects = result
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
    kept = list(zip(frames["letters"]["letter_id"].to_list(), frames["letters"]["case_number"].to_list(),
                    frames["letters"]["source_path"].to_list()))
    return BatchResult(frames, kept, hashes, len(paths), new_entries)


def _schema_rejects(bad: pl.DataFrame, source: dict[str, str], item_number: pl.Expr, what: str = "") -> pl.DataFrame:
    """Rows that failed a schema check, as rejects rows naming the failed checks."""
    return bad.select(
        pl.col("letter_id").replace_strict(source, default="", return_dtype=pl.String).alias("source_path"),
        pl.col("letter_id"), item_number.cast(pl.Int64).alias("item_number"),
        pl.lit("validate").alias("stage"), pl.lit("schema_check").alias("reason"),
        (pl.lit(what) + pl.col("detail")).alias("detail"))


def _validated(rows: dict[str, list[dict]]) -> dict[str, pl.DataFrame]:
    """Validate letters, items, citations; failing rows become rejects, and so do the rows that hang on them
    (a failed letter takes its items and citations along, a failed item its citations)."""
    source = {r["letter_id"]: r["source_path"] for r in rows["letters"]}
    letters, bad_letters = validate("letters", frame("letters", rows["letters"]))
    items, bad_items = validate("items", frame("items", rows["items"]).join(
        letters.select("letter_id"), on="letter_id", how="semi"))
    citations, bad_citations = validate("citations", frame("citations", rows["citations"]).join(
        items.select("letter_id", "item_number"), on=["letter_id", "item_number"], how="semi"))
    rejects = pl.concat([
        frame("rejects", rows["rejects"]),
        _schema_rejects(bad_letters, source, pl.lit(None)),
        _schema_rejects(bad_items, source, pl.col("item_number")),
        _schema_rejects(bad_citations, source, pl.col("item_number"), "citation: "),
    ])
    # a reject that fails its own schema is a bug in this code: fail loudly rather than drop it
    return {"letters": letters, "items": items, "citations": citations,
            "rejects": TABLES["rejects"].validate(rejects)}


# ---------------------------------------------------------------- the whole build
def _batches(paths: list[Path], size: int) -> list[list[str]]:
    names = [str(p.absolute()) for p in paths]
    return [names[i:i + size] for i in range(0, len(names), size)]


def _results(batches: list[list[str]], raw: Path, jobs: int, max_bytes: int, engine: str = "local",
             scheduler: str | None = None, cache_path: Path | None = None):
    """BatchResults in input order: in-process for small inputs, a spawn pool, or a Dask cluster."""
    args = [(b, str(raw), max_bytes, str(cache_path) if cache_path else None) for b in batches]
    if engine == "dask":
        yield from _dask_results(args, scheduler)
        return
    if jobs <= 1 or len(batches) <= 1:
        for a in args:
            yield process_batch(*a)
        return
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(jobs) as pool:
        yield from pool.imap(_star, args, chunksize=1)


def _star(args):
    return process_batch(*args)


def _dask_results(args: list[tuple], scheduler: str | None):
    """One Dask task per batch on the cluster at `scheduler` (a LocalCluster when None).

    The workers must see RAW at the same path (a shared filesystem); results stream back in order.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BuildError("the dask engine needs the 'dask' extra: pip install 'imr-dataset[dask]'") from None
    cluster = None if scheduler else LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                  dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        window = max(4, 2 * len(client.scheduler_info()["workers"]))
        futures = [client.submit(process_batch, *a, pure=False) for a in args[:window]]
        for k in range(len(args)):
            result = futures[k].result()
            futures[k] = None
            if k + window < len(args):
                futures.append(client.submit(process_batch, *args[k + window], pure=False))
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextlib.contextmanager
def build_lock(paths: DataPaths):
    """An OS-level lock on DATA: a second build fails fast; a killed build leaves no stale lock."""
    paths.root.mkdir(parents=True, exist_ok=True)
    fh = open(paths.lock, "w")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise BuildError(f"another build is running on {paths.root} (lock {paths.lock})") from None
    try:
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def build(raw: str | Path, data: str | Path, jobs: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
          batch_size: int = BATCH_SIZE, progress=None, engine: str = "local",
          scheduler: str | None = None, use_cache: bool = True) -> BuildSummary:
    """Build the dataset from RAW into DATA and publish it atomically."""
    raw = Path(raw)
    if not raw.is_dir():
        raise BuildError(f"RAW directory not found: {raw}")
    paths = DataPaths.at(data)
    files = discover(raw)
    if not files:
        raise BuildError(f"no .pdf or .txt files under {raw}")
    jobs = jobs or os.cpu_count() or 1
    with build_lock(paths):
        for stale in paths.builds.glob(".staging-*"):    # left by killed builds (we hold the lock)
            shutil.rmtree(stale, ignore_errors=True)
        staging = paths.builds / f".staging-{os.getpid()}"
        try:
            summary = _build_into(staging, paths, raw, files, jobs, max_bytes, batch_size, progress, engine,
                                  scheduler, use_cache)
        finally:
            shutil.rmtree(staging, ignore_errors=True)   # gone after a publish; the debris of a failure
    return summary


def _build_into(staging: Path, paths: DataPaths, raw: Path, files: list[Path], jobs: int, max_bytes: int,
                batch_size: int, progress, engine: str, scheduler: str | None, use_cache: bool) -> BuildSummary:
    """Stream every batch into Parquet under staging, check the accounting, publish."""
    parquet = staging / "parquet"
    writers = {t: PartWriter(parquet, t) for t in TABLES}
    summary = BuildSummary(files=len(files), data=paths.root)
    seen_ids: dict[str, str] = {}
    seen_cases: dict[str, str] = {}
    hashes: list[tuple[str, str]] = []
    cache = ExtractCache(paths.cache / f"{EXTRACTOR_VERSION}.sqlite") if use_cache else None
    for result in _results(_batches(files, batch_size), raw.absolute(), jobs, max_bytes, engine, scheduler,
                           cache.path if cache else None):
        if cache is not None:
            cache.put_many(result.new_cache_entries)
        frames = _dedupe(result, seen_ids, seen_cases)
        for table, df in frames.items():
            writers[table].add(df)
        for table in ("letters", "items", "citations"):
            setattr(summary, table, getattr(summary, table) + frames[table].height)
        summary.reject_reasons.update(frames["rejects"]["reason"].to_list())
        hashes.extend(result.hashes)
        if progress:
            progress(result.files)
    for writer in writers.values():
        writer.close()
    summary.rejects = sum(summary.reject_reasons.values())
    file_rejects = _file_level_rejects(parquet)
    if summary.letters + file_rejects != summary.files:
        raise BuildError(f"accounting failed: {summary.letters} letters + {file_rejects} rejected files "
                         f"!= {summary.files} input files")
    summary.build_id = hashlib.sha256(
        json.dumps([EXTRACTOR_VERSION, sorted(hashes), [f.relative_to(raw).as_posix() for f in files]]).encode()
    ).hexdigest()[:16]
    _write_manifest(parquet, summary, hashes)
    _publish(paths, staging, summary.build_id)
    if paths.cache.exists():   # entries of other extractor versions can never be hit again
        for old in paths.cache.iterdir():
            if not old.name.startswith(f"{EXTRACTOR_VERSION}.sqlite"):
                old.unlink(missing_ok=True)
    return summary


def _dedupe(result: BatchResult, seen_ids: dict[str, str], seen_cases: dict[str, str]):
    """Drop letters seen in earlier batches (same text, or same case number): the first in path order is kept."""
    drop: list[str] = []
    extra: list[dict] = []
    for letter_id, case, source in result.kept:
        kept = seen_ids.get(letter_id) or (seen_cases.get(case) if case else None)
        if kept:
            drop.append(letter_id)
            why = "same letter text" if letter_id in seen_ids else f"same case number {case}"
            extra.append(reject_row(Reject(source, "dedupe", "duplicate", f"{why} as {kept}", letter_id)))
            continue
        seen_ids[letter_id] = source
        if case:
            seen_cases[case] = source
    frames = dict(result.frames)
    if drop:
        gone = pl.Series(drop).implode()
        for table in ("letters", "items", "citations"):
            frames[table] = frames[table].filter(~pl.col("letter_id").is_in(gone))
        frames["rejects"] = pl.concat([frames["rejects"], frame("rejects", extra)])
    return frames


def _file_level_rejects(parquet: Path) -> int:
    """Rejects that stand for a whole input file (not one item of a letter that landed)."""
    df = pl.read_parquet(parquet / "rejects" / "*.parquet")
    return df.filter(pl.col("item_number").is_null()).height


def _write_manifest(parquet: Path, summary: BuildSummary, hashes: list[tuple[str, str]]) -> None:
    manifest = {
        "build_id": summary.build_id, "extractor_version": EXTRACTOR_VERSION,
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "counts": {"files": summary.files, "letters": summary.letters, "items": summary.items,
                   "citations": summary.citations, "rejects": summary.rejects},
        "reject_reasons": dict(sorted(summary.reject_reasons.items())),
        "inputs": dict(sorted(hashes)),
    }
    (parquet / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


def _publish(paths: DataPaths, staging: Path, build_id: str) -> None:
    """Swap DATA/parquet to the new build with one atomic rename, then rewrite the database."""
    final = paths.build_dir(build_id)
    current = paths.parquet.resolve() if paths.parquet.is_symlink() else None
    if final.exists():
        old = final.with_name(f".old-{build_id}-{os.getpid()}")
        final.rename(old)
        staging.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(final)
    if paths.parquet.exists() and not paths.parquet.is_symlink():
        shutil.rmtree(paths.parquet)    # a plain directory from elsewhere: replaced by the published link
    link = paths.root / f".parquet-{os.getpid()}.link"
    link.unlink(missing_ok=True)
    os.symlink(os.path.relpath(final / "parquet", paths.root), link)
    os.replace(link, paths.parquet)
    write_database(paths.database, paths.parquet)
    for other in paths.builds.iterdir():
        if other != final and (current is None or other != current.parent) and not other.name.startswith(".staging"):
            shutil.rmtree(other, ignore_errors=True)
    if current is not None and current.parent != final:
        shutil.rmtree(current.parent, ignore_errors=True)
