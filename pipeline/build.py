"""The stage runner: batches of files go to supervised worker processes (pipeline.pool, pipeline.batch),
which write part files into a staging build directory; this process dedupes across batches, checks the
accounting, writes the database and the data package into the staging build and publishes it atomically
(pipeline.publish).

A rebuild of a grown RAW is an append: when every file of the published build is unchanged (same
size and mtime, or else the same SHA-256), the extractor and library versions and the size cap are the
same, the published tables hold the rows their manifest counts and no published reject may have been
transient (an unreadable file, a crashed worker), only the new files are processed and the published
part files are hard-linked into the new build. Anything else is a full build.

Every input file ends as exactly one letters row or one file-level rejects row; the build checks
`letters + file-level rejects == files` before it publishes.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field, replace
from json.encoder import encode_basestring_ascii as _json_string
from pathlib import Path


from pipeline import EXTRACTOR_VERSION
from pipeline.batch import BatchResult, Limits, Task, run_task
from pipeline.datapackage import write_datapackage
from pipeline.ingest import DEFAULT_MAX_BYTES, Reject, content_sha256, discover, input_stat
from pipeline.load import database_build_id, write_database
from pipeline.parts import complete_tables, drop_letters, write_parts
from pipeline.paths import DataPaths, PathError
from pipeline.provenance import library_versions
from pipeline.publish import (PublishError, clean_leftovers, data_lock, link_published, live_build, publish,
                              refuse_foreign, staging_dir)
from pipeline.readback import FILE_LEVEL, count_rows, read_table
from pipeline.rows import reject_row
from pipeline.validate import frame

MIN_BATCH, MAX_BATCH = 256, 2048   # per-batch validation has a fixed cost; a batch's rows live in one worker (~120 MB at 2048)
BATCHES_PER_BUILD = 8              # enough batches to keep every worker busy to the end
POOL_MIN_FILES = 512               # below this, one batch (still in a worker: a crash in pdfium must not kill the build)
TABLE_NAMES = ("letters", "items", "citations", "rejects")
# Reject reasons that may not hold next time (permissions, a file written meanwhile, a worker's death
# or clock): a published build holding one is never appended to, so the file is read again.
TRANSIENT_REASONS = frozenset({"unreadable_file", "vanished", "unreadable_dir", "worker_crashed", "too_slow"})


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
        for table in TABLE_NAMES:
            setattr(self, table, getattr(self, table) + result.rows.get(table, 0))
        self.reject_reasons.update(result.reject_reasons)


@dataclass
class _Run:
    """One build in progress: where it writes, what it has seen, what it has counted."""
    parquet: Path
    summary: BuildSummary
    limits: Limits
    inputs: dict[str, list] = field(default_factory=dict)     # source_path → [sha256 | None, size, mtime_ns]
    kept: list[tuple[str, str | None, str, str]] = field(default_factory=list)   # (source, letter_id, case, batch)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)         # in-batch (source, letter_id, kept)
    seen_ids: dict[str, str] = field(default_factory=dict)    # letter_id → kept source_path
    seen_cases: dict[str, str] = field(default_factory=dict)  # case_number → kept source_path
    published: frozenset[str] = frozenset()                   # source paths of letters already published


# ---------------------------------------------------------------- the whole build
def batch_size_for(n: int) -> int:
    """Batches of equal size, at least MIN_BATCH files (below POOL_MIN_FILES: one batch), at most
    MAX_BATCH, and BATCHES_PER_BUILD of them when that fits. Depends on the number of files only, so the
    same input always gives the same part files."""
    if n < POOL_MIN_FILES:
        return max(n, 1)
    batches = max(min(n // MIN_BATCH, BATCHES_PER_BUILD), math.ceil(n / MAX_BATCH))
    return math.ceil(n / batches)


def _batches(files: list[str], size: int) -> list[list[str]]:
    return [files[i:i + size] for i in range(0, len(files), size)]


def _results(tasks: list[Task], jobs: int, engine: str = "local", scheduler: str | None = None):
    """BatchResults as they finish: from supervised worker processes, or from a Dask cluster."""
    if engine == "dask":
        yield from _dask_results(tasks, scheduler)
        return
    from pipeline.pool import Supervisor

    yield from Supervisor(min(jobs, len(tasks)), tasks[0].limits).run(tasks)


def build(raw: str | Path, data: str | Path, jobs: int | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
          batch_size: int | None = None, progress=None, engine: str = "local",
          scheduler: str | None = None, append: bool = True, limits: Limits | None = None) -> BuildSummary:
    """Build the dataset from RAW into DATA and publish it atomically (an append when RAW only grew)."""
    raw = Path(raw)
    if max_bytes <= 0:
        raise BuildError(f"max_bytes must be positive, not {max_bytes}")
    if not raw.is_dir():
        raise BuildError(f"RAW directory not found: {raw}")
    paths = DataPaths.at(data)
    try:
        paths.refuse_overlap(raw)
    except PathError as exc:
        raise BuildError(str(exc)) from None
    files = discover(raw)
    if not files:
        raise BuildError(f"no .pdf or .txt files under {raw}")
    limits = replace(limits or Limits(), max_bytes=max_bytes)
    options = dict(jobs=jobs or os.cpu_count() or 1, limits=limits,
                   batch_size=batch_size, progress=progress, engine=engine, scheduler=scheduler)
    try:
        with data_lock(paths):
            refuse_foreign(paths)
            clean_leftovers(paths)
            staging = staging_dir(paths)
            try:
                previous = _previous(paths, max_bytes) if append else None
                new, restat = _new_files(raw, files, previous["inputs"]) if previous else (None, {})
                if new is not None:
                    with contextlib.suppress(_NeedsFullBuild):
                        return _append(staging, paths, raw, files, new, previous, restat, **options)
                    shutil.rmtree(staging, ignore_errors=True)
                return _full(staging, paths, raw, files, **options)
            finally:
                shutil.rmtree(staging, ignore_errors=True)   # gone after a publish; the debris of a failure
    except PublishError as exc:
        raise BuildError(str(exc)) from None


def _full(staging: Path, paths: DataPaths, raw: Path, files: list[str], **options) -> BuildSummary:
    """Every file through the workers into a fresh staging directory, then publish."""
    run = _Run(staging / "parquet", BuildSummary(files=len(files), data=paths.root), options["limits"])
    _run_batches(run, raw, files, "", **options)
    return _finish(run, paths, staging, files)


def _append(staging: Path, paths: DataPaths, raw: Path, files: list[str], new: list[str], previous: dict,
            restat: dict[str, list], **options) -> BuildSummary:
    """Only the new files through the workers; the published part files are linked, not rewritten."""
    counts = previous["counts"]
    summary = BuildSummary(files=len(files), data=paths.root, mode="append" if new else "unchanged",
                           letters=counts["letters"], items=counts["items"], citations=counts["citations"],
                           rejects=counts["rejects"], reject_reasons=Counter(previous["reject_reasons"]))
    live = live_build(paths)
    if _counts_on_disk(live / "parquet") != {t: counts[t] for t in TABLE_NAMES}:   # the published build is damaged
        raise _NeedsFullBuild("published rows missing")
    if not new:
        summary.build_id = previous["build_id"]
        if database_build_id(live / paths.database.name) != previous["build_id"]:   # missing or damaged
            _database(live)
        if not (live / paths.datapackage.name).exists():
            write_datapackage(live)
        link_published(paths)
        return summary
    run = _Run(staging / "parquet", summary, options["limits"], inputs={**previous["inputs"], **restat})
    _link_tree(live / "parquet", run.parquet)
    letters = read_table(run.parquet, "letters", ["letter_id", "case_number", "source_path"])
    ids, cases, sources = (letters[c].to_list() for c in ("letter_id", "case_number", "source_path"))
    run.seen_ids = dict(zip(ids, sources))
    run.seen_cases = {case: source for case, source in zip(cases, sources) if case}
    run.published = frozenset(sources)
    segment = hashlib.sha256(json.dumps([previous["build_id"], new]).encode()).hexdigest()[:8]
    _run_batches(run, raw, new, f"{segment}-", **options)
    return _finish(run, paths, staging, files)


def _run_batches(run: _Run, raw: Path, files: list[str], prefix: str, jobs: int, limits: Limits,
                 batch_size: int | None, progress, engine: str, scheduler: str | None) -> None:
    """Process files in batches (part files named <prefix><batch number>), then dedupe across batches."""
    fault = os.environ.get("IMR_FAULT") or None
    tasks = [Task(tuple(b), str(raw.absolute()), str(run.parquet), f"{prefix}{k:05d}", limits, fault)
             for k, b in enumerate(_batches(files, batch_size or batch_size_for(len(files))))]
    run.parquet.mkdir(parents=True, exist_ok=True)
    for result in _results(tasks, jobs, engine, scheduler):
        run.summary.add(result)
        for rel, sha, size, mtime in result.inputs:
            run.inputs[rel] = [sha, size, mtime]
        run.kept.extend((source, letter_id, case, result.name) for letter_id, case, source in result.kept)
        run.duplicates.extend(result.duplicates)
        if progress:
            progress(result.files)
    _dedupe(run, prefix)


def _dedupe(run: _Run, prefix: str) -> None:
    """Keep the first copy of each letter in path order (same text, or same case number); the others
    become `duplicate` rejects naming the kept file, and their rows (items, citations, item rejects) go."""
    drop: dict[str, list[str]] = {}
    dropped: dict[str, str] = {}          # source_path → the source kept instead
    rejects: list[dict] = []
    for source, letter_id, case, batch in sorted(run.kept):
        kept = run.seen_ids.get(letter_id) or (run.seen_cases.get(case) if case else None)
        if kept is None:
            run.seen_ids[letter_id] = source
            if case:
                run.seen_cases[case] = source
            continue
        if kept in run.published and source < kept:
            raise _NeedsFullBuild(f"{source} sorts before its published copy {kept}")
        drop.setdefault(batch, []).append(letter_id)
        dropped[source] = kept
        why = "same letter text" if run.seen_ids.get(letter_id) == kept else f"same case number {case}"
        rejects.append(reject_row(Reject(source, "dedupe", "duplicate", f"{why} as {kept}", letter_id)))
    for source, letter_id, kept in run.duplicates:   # in-batch copies: name the copy finally kept
        while kept in dropped:
            kept = dropped[kept]
        rejects.append(reject_row(Reject(source, "dedupe", "duplicate", f"same letter text as {kept}", letter_id)))
    for batch, ids in drop.items():
        for table, n in drop_letters(run.parquet, batch, ids).items():
            setattr(run.summary, table, getattr(run.summary, table) - n)
    if rejects:
        df = frame("rejects", sorted(rejects, key=lambda r: r["source_path"]))
        write_parts(run.parquet, f"{prefix}dedupe", {"rejects": df})
        run.summary.rejects += df.height
        run.summary.reject_reasons.update(df["reason"].to_list())


def _finish(run: _Run, paths: DataPaths, staging: Path, files: list[str]) -> BuildSummary:
    """Check the accounting, write the manifest, the database and the data package, publish."""
    summary = run.summary
    complete_tables(run.parquet)
    counts = _counts_on_disk(run.parquet)
    letters, file_rejects = counts["letters"], _file_level_rejects(run.parquet)
    if counts != {t: getattr(summary, t) for t in TABLE_NAMES} or letters + file_rejects != summary.files:
        if summary.mode == "append":   # the published build lost files: build it again
            raise _NeedsFullBuild(f"{counts} on disk, {summary} counted")
        raise BuildError(f"accounting failed: {letters} letters ({summary.letters} counted) + {file_rejects} "
                         f"rejected files != {summary.files} input files")
    summary.reject_reasons = Counter(read_table(run.parquet, "rejects", ["reason"])["reason"].to_list())
    hashes = sorted((rel, entry[0]) for rel, entry in run.inputs.items() if entry[0])
    summary.build_id = hashlib.sha256(
        json.dumps([EXTRACTOR_VERSION, hashes, files]).encode()
    ).hexdigest()[:16]
    _write_manifest(run)
    _database(staging)
    write_datapackage(staging)
    publish(paths, staging, summary.build_id)
    return summary


def _database(build_dir: Path) -> None:
    """The build's imr.duckdb; a failure (disk full) is a one-line BuildError and nothing is published."""
    try:
        write_database(build_dir / "imr.duckdb", build_dir / "parquet")
    except Exception as exc:  # noqa: BLE001 - duckdb's IOException is not an OSError
        for leftover in build_dir.glob(".imr.duckdb*"):
            leftover.unlink(missing_ok=True)
        raise BuildError(f"could not write the database: {type(exc).__name__}: {str(exc).splitlines()[0]}") from None


def _previous(paths: DataPaths, max_bytes: int) -> dict | None:
    """The published build's manifest when a build may append to it (same extractor and libraries,
    same size cap, no reject that may not hold next time)."""
    live = live_build(paths)
    if live is None:
        return None
    try:
        manifest = json.loads((live / "parquet" / "manifest.json").read_text())
        reasons = set(manifest["reject_reasons"])
        manifest["inputs"], manifest["counts"], manifest["build_id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if manifest.get("extractor_version") != EXTRACTOR_VERSION or manifest.get("max_bytes") != max_bytes:
        return None
    if manifest.get("versions") != library_versions() or reasons & TRANSIENT_REASONS:
        return None
    return manifest


def _counts_on_disk(parquet: Path) -> dict[str, int]:
    """Rows per table in the part files, from their metadata (-1 for a table that cannot be read)."""
    out = {}
    for table in TABLE_NAMES:
        try:
            out[table] = count_rows(parquet, table)
        except (OSError, ValueError):
            out[table] = -1
    return out


def _file_level_rejects(parquet: Path) -> int:
    """Rejects that stand for a whole input file (not one item or value of a letter that landed)."""
    df = read_table(parquet, "rejects", ["item_number", "field"])
    return df.filter(FILE_LEVEL).height


def _dask_results(tasks: list[Task], scheduler: str | None):
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
        futures = [client.submit(run_task, t, pure=False) for t in tasks[:window]]
        for k in range(len(tasks)):
            result = futures[k].result()
            futures[k] = None
            if k + window < len(tasks):
                futures.append(client.submit(run_task, tasks[k + window], pure=False))
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _new_files(raw: Path, files: list[str], published: dict[str, list]) -> tuple[list[str] | None, dict]:
    """(the files not in the published build, or None when a published file changed or is gone;
    the new [sha256, size, mtime_ns] of published files that were touched but hold the same bytes).

    A file with the size and mtime it had is unchanged; one that was touched is hashed again.
    """
    current = set(files)
    if not current.issuperset(published):
        return None, {}
    restat: dict[str, list] = {}
    for rel, (sha, size, mtime) in published.items():
        now = input_stat(raw, rel)
        if now == (size, mtime):
            continue
        if sha is None or now[0] != size or content_sha256(raw, rel, size) != sha:
            return None, {}
        restat[rel] = [sha, *now]
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


def _write_manifest(run: _Run) -> None:
    """manifest.json: counts, reject reasons and, one line per file, what the next build compares."""
    summary = run.summary
    manifest = {
        "build_id": summary.build_id, "extractor_version": EXTRACTOR_VERSION, "mode": summary.mode,
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "max_bytes": run.limits.max_bytes,
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


