"""The stage runner: batches of files go to worker processes (pipeline.batch), which write part files
into a fresh build directory; this process dedupes across batches, checks the accounting and
publishes the build atomically.

A rebuild of a grown RAW is an append: when every file of the published build is unchanged (same
size and mtime, or else the same SHA-256) and the extractor version and size cap are the same, only
the new files are processed and the published part files are hard-linked into the new build.
Anything else (a file changed or removed, a new file that sorts before an existing copy of itself)
is a full build.

Every input file ends as exactly one letters row or one file-level rejects row; the build checks
`letters + file-level rejects == files` before it publishes.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import math
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from json.encoder import encode_basestring_ascii as _json_string
from pathlib import Path

import polars as pl

from pipeline import EXTRACTOR_VERSION, workers
from pipeline.batch import BatchResult, process_batch
from pipeline.datapackage import link_datapackage, write_datapackage
from pipeline.ingest import DEFAULT_MAX_BYTES, Reject, discover
from pipeline.load import database_build_id, stage_database, write_database
from pipeline.parts import complete_tables, drop_letters, write_parts
from pipeline.readback import count_rows, read_table
from pipeline.paths import DataPaths
from pipeline.provenance import library_versions
from pipeline.rows import reject_row
from pipeline.validate import frame

MIN_BATCH, MAX_BATCH = 256, 2048   # per-batch validation has a fixed cost; a batch's rows live in one worker (~120 MB at 2048)
BATCHES_PER_BUILD = 8              # enough batches to keep every worker busy to the end
POOL_MIN_FILES = 512               # below this, handing batches to workers costs more than it saves


class BuildError(RuntimeError):
    """A build that cannot run or would publish an inconsistent dataset."""


class _NeedsFullBuild(Exception):
    """An append would change rows already published (a new file sorts before an existing copy of itself)."""


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
    mode: str = "full"        # full | append | unchanged
    processed: int = 0        # files ingested and extracted by this build

    def add(self, result: BatchResult) -> None:
        self.processed += result.files
        for table in ("letters", "items", "citations", "rejects"):
            setattr(self, table, getattr(self, table) + result.rows.get(table, 0))
        self.reject_reasons.update(result.reject_reasons)


@dataclass
class _Run:
    """One build in progress: where it writes, what it has seen, what it has counted."""
    parquet: Path
    summary: BuildSummary
    inputs: dict[str, list] = field(default_factory=dict)     # source_path → [sha256 | None, size, mtime_ns]
    seen_ids: dict[str, str] = field(default_factory=dict)    # letter_id → kept source_path
    seen_cases: dict[str, str] = field(default_factory=dict)  # case_number → kept source_path
    dedupe_rejects: list[dict] = field(default_factory=list)
    published: frozenset[str] = frozenset()                   # source paths of letters already published
    max_bytes: int = DEFAULT_MAX_BYTES


# ---------------------------------------------------------------- the whole build
def batch_size_for(n: int) -> int:
    """Batches of equal size, at least MIN_BATCH files (below POOL_MIN_FILES: one batch, in-process),
    at most MAX_BATCH, and BATCHES_PER_BUILD of them when that fits. Depends on the number of files
    only, so the same input always gives the same part files."""
    if n < POOL_MIN_FILES:
        return max(n, 1)
    batches = max(min(n // MIN_BATCH, BATCHES_PER_BUILD), math.ceil(n / MAX_BATCH))
    return math.ceil(n / batches)


def _batches(files: list[str], size: int) -> list[list[str]]:
    return [files[i:i + size] for i in range(0, len(files), size)]


def _results(args: list[tuple], jobs: int, engine: str = "local", scheduler: str | None = None):
    """BatchResults in input order: in-process for small inputs, a pool of forked workers, or a Dask cluster."""
    if engine == "dask":
        yield from _dask_results(args, scheduler)
        return
    if jobs <= 1 or len(args) <= 1:
        for a in args:
            yield process_batch(*a)
        return
    with workers.context().Pool(min(jobs, len(args))) as pool:
        yield from pool.imap(_star, args, chunksize=1)


def _star(args):
    return process_batch(*args)


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
          batch_size: int | None = None, progress=None, engine: str = "local",
          scheduler: str | None = None, append: bool = True) -> BuildSummary:
    """Build the dataset from RAW into DATA and publish it atomically (an append when RAW only grew)."""
    raw = Path(raw)
    if not raw.is_dir():
        raise BuildError(f"RAW directory not found: {raw}")
    paths = DataPaths.at(data)
    files = discover(raw)
    if not files:
        raise BuildError(f"no .pdf or .txt files under {raw}")
    options = dict(jobs=jobs or os.cpu_count() or 1, max_bytes=max_bytes, batch_size=batch_size,
                   progress=progress, engine=engine, scheduler=scheduler)
    with build_lock(paths):
        for stale in paths.builds.glob(".staging-*"):    # left by killed builds (we hold the lock)
            shutil.rmtree(stale, ignore_errors=True)
        staging = paths.builds / f".staging-{os.getpid()}"
        try:
            previous = _previous(paths, max_bytes) if append else None
            new, restat = _new_files(raw, files, previous["inputs"]) if previous else (None, {})
            if new is not None:
                with contextlib.suppress(_NeedsFullBuild):
                    return _append(staging, paths, raw, files, new, previous, restat, **options)
                shutil.rmtree(staging, ignore_errors=True)
            summary = _full(staging, paths, raw, files, **options)
        finally:
            shutil.rmtree(staging, ignore_errors=True)   # gone after a publish; the debris of a failure
    return summary


def _full(staging: Path, paths: DataPaths, raw: Path, files: list[str], **options) -> BuildSummary:
    """Every file through the workers into a fresh staging directory, then publish."""
    run = _Run(staging / "parquet", BuildSummary(files=len(files), data=paths.root), max_bytes=options["max_bytes"])
    _run_batches(run, raw, files, "", **options)
    return _finish(run, paths, staging, raw, files)


def _append(staging: Path, paths: DataPaths, raw: Path, files: list[str], new: list[str], previous: dict,
            restat: dict[str, list], **options) -> BuildSummary:
    """Only the new files through the workers; the published part files are linked, not rewritten."""
    counts = previous["counts"]
    summary = BuildSummary(files=len(files), data=paths.root, mode="append" if new else "unchanged",
                           letters=counts["letters"], items=counts["items"], citations=counts["citations"],
                           rejects=counts["rejects"], reject_reasons=Counter(previous["reject_reasons"]))
    if _letters_on_disk(paths.parquet) != counts["letters"]:   # the published build lost files
        raise _NeedsFullBuild("published letters missing")
    if not new:
        summary.build_id = previous["build_id"]
        if database_build_id(paths.database) != previous["build_id"]:   # missing, or killed mid-publish
            write_database(paths.database, paths.parquet)
        return summary
    run = _Run(staging / "parquet", summary, inputs={**previous["inputs"], **restat}, max_bytes=options["max_bytes"])
    _link_tree(paths.parquet.resolve(), run.parquet)
    letters = read_table(run.parquet, "letters", ["letter_id", "case_number", "source_path"])
    ids, cases, sources = (letters[c].to_list() for c in ("letter_id", "case_number", "source_path"))
    run.seen_ids = dict(zip(ids, sources))
    run.seen_cases = {case: source for case, source in zip(cases, sources) if case}
    run.published = frozenset(sources)
    segment = hashlib.sha256(json.dumps([previous["build_id"], new]).encode()).hexdigest()[:8]
    _run_batches(run, raw, new, f"{segment}-", **options)
    return _finish(run, paths, staging, raw, files)


def _run_batches(run: _Run, raw: Path, files: list[str], prefix: str, jobs: int,
                 max_bytes: int, batch_size: int | None, progress, engine: str, scheduler: str | None) -> None:
    """Process files in batches (part files named <prefix><batch number>), dedupe across batches."""
    batches = _batches(files, batch_size or batch_size_for(len(files)))
    args = [(b, str(raw.absolute()), str(run.parquet), f"{prefix}{k:05d}", max_bytes) for k, b in enumerate(batches)]
    run.parquet.mkdir(parents=True, exist_ok=True)
    for result in _results(args, jobs, engine, scheduler):
        run.summary.add(result)
        for rel, sha, size, mtime in result.inputs:
            run.inputs[rel] = [sha, size, mtime]
        _dedupe(run, result)
        if progress:
            progress(result.files)
    if run.dedupe_rejects:
        rejects = frame("rejects", run.dedupe_rejects)
        write_parts(run.parquet, f"{prefix}dedupe", {"rejects": rejects})
        run.summary.rejects += rejects.height
        run.summary.reject_reasons.update(rejects["reason"].to_list())


def _dedupe(run: _Run, result: BatchResult) -> None:
    """Drop letters seen in earlier batches (same text, or same case number): the first in path order is kept."""
    drop: list[str] = []
    for letter_id, case, source in result.kept:
        kept = run.seen_ids.get(letter_id) or (run.seen_cases.get(case) if case else None)
        if kept is None:
            run.seen_ids[letter_id] = source
            if case:
                run.seen_cases[case] = source
            continue
        if kept in run.published and source < kept:
            raise _NeedsFullBuild(f"{source} sorts before its published copy {kept}")
        drop.append(letter_id)
        why = "same letter text" if letter_id in run.seen_ids else f"same case number {case}"
        run.dedupe_rejects.append(reject_row(Reject(source, "dedupe", "duplicate", f"{why} as {kept}", letter_id)))
    if drop:
        for table, n in drop_letters(run.parquet, result.name, drop).items():
            setattr(run.summary, table, getattr(run.summary, table) - n)


def _finish(run: _Run, paths: DataPaths, staging: Path, raw: Path, files: list[str]) -> BuildSummary:
    """Check the accounting, write the manifest, publish."""
    summary = run.summary
    complete_tables(run.parquet)
    letters = _letters_on_disk(run.parquet)
    file_rejects = _file_level_rejects(run.parquet)
    if letters != summary.letters or letters + file_rejects != summary.files:
        if summary.mode == "append":   # the published build lost files: build it again
            raise _NeedsFullBuild(f"{letters} letters on disk, {summary.letters} counted")
        raise BuildError(f"accounting failed: {letters} letters ({summary.letters} counted) + {file_rejects} "
                         f"rejected files != {summary.files} input files")
    hashes = sorted((rel, entry[0]) for rel, entry in run.inputs.items() if entry[0])
    summary.build_id = hashlib.sha256(
        json.dumps([EXTRACTOR_VERSION, hashes, files]).encode()
    ).hexdigest()[:16]
    _write_manifest(run)
    write_datapackage(staging)
    _publish(paths, staging, summary.build_id)
    return summary


def _dask_results(args: list[tuple], scheduler: str | None):
    """One Dask task per batch on the cluster at `scheduler` (a LocalCluster when None).

    The workers must see RAW and DATA at the same paths (a shared filesystem): each task writes its
    batch's part files; only the small BatchResults stream back, in order.
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


def _previous(paths: DataPaths, max_bytes: int) -> dict | None:
    """The published build's manifest when a build may append to it (same extractor and libraries, same size cap)."""
    try:
        manifest = json.loads(paths.manifest.read_text())
    except (OSError, ValueError):
        return None
    if manifest.get("extractor_version") != EXTRACTOR_VERSION or manifest.get("max_bytes") != max_bytes:
        return None
    if manifest.get("versions") != library_versions():
        return None
    if not paths.database.exists() and not paths.parquet.is_symlink():
        return None
    return manifest


def _new_files(raw: Path, files: list[str], published: dict[str, list]) -> tuple[list[str] | None, dict]:
    """(the files not in the published build, or None when a published file changed or is gone;
    the new [sha256, size, mtime_ns] of published files that were touched but hold the same bytes).

    A file with the size and mtime it had is unchanged; one that was touched is hashed again.
    """
    current = set(files)
    if not current.issuperset(published):
        return None, {}
    restat: dict[str, list] = {}
    prefix = f"{raw}/"
    for rel, (sha, size, mtime) in published.items():
        path = prefix + rel
        try:
            stat = os.stat(path)
            if stat.st_size == size and stat.st_mtime_ns == mtime:
                continue
            if sha is None or stat.st_size != size or hashlib.sha256(Path(path).read_bytes()).hexdigest() != sha:
                return None, {}
        except OSError:
            return None, {}
        restat[rel] = [sha, stat.st_size, stat.st_mtime_ns]
    return [rel for rel in files if rel not in published], restat


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link every part file of a published build into a new one (a copy where links fail)."""
    for path in source.rglob("*.parquet"):
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copy2(path, dest)


def _letters_on_disk(parquet: Path) -> int:
    """Rows in the letters part files, from their metadata; -1 when they cannot be read."""
    try:
        return count_rows(parquet, "letters")
    except (OSError, ValueError):
        return -1


def _file_level_rejects(parquet: Path) -> int:
    """Rejects that stand for a whole input file (not one item or value of a letter that landed)."""
    df = read_table(parquet, "rejects", ["item_number", "field"])
    return df.filter(pl.col("item_number").is_null() & pl.col("field").is_null()).height


def _write_manifest(run: _Run) -> None:
    """manifest.json: counts, reject reasons and, one line per file, what the next build compares."""
    summary = run.summary
    manifest = {
        "build_id": summary.build_id, "extractor_version": EXTRACTOR_VERSION, "mode": summary.mode,
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "max_bytes": run.max_bytes,
        "versions": library_versions(),
        "counts": {"files": summary.files, "letters": summary.letters, "items": summary.items,
                   "citations": summary.citations, "rejects": summary.rejects},
        "reject_reasons": dict(sorted(summary.reject_reasons.items())),
    }
    # source_path → [sha256 (null if unreadable), size, mtime_ns], one line each (json.dumps per entry: 1 s at 100k)
    inputs = ",\n".join(f"  {_json_string(rel)}: [{_json_string(sha) if sha else 'null'}, {_json_int(size)}, "
                        f"{_json_int(mtime)}]" for rel, (sha, size, mtime) in sorted(run.inputs.items()))
    text = json.dumps(manifest, indent=1)[:-2] + f',\n "inputs": {{\n{inputs}\n }}\n}}\n'
    (run.parquet / "manifest.json").write_text(text)


def _json_int(value: int | None) -> str:
    return "null" if value is None else str(value)


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
    database = stage_database(paths.database, final / "parquet")   # the database holds the rows: swap both together
    os.replace(link, paths.parquet)
    os.replace(database, paths.database)
    link_datapackage(paths.root, final)
    for other in paths.builds.iterdir():
        if other != final and (current is None or other != current.parent) and not other.name.startswith(".staging"):
            shutil.rmtree(other, ignore_errors=True)
    if current is not None and current.parent != final:
        shutil.rmtree(current.parent, ignore_errors=True)
