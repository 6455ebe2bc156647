"""`imr build`'s entry point: plan (pipeline.plan), run the batches on workers (pipeline.runner), finish and
publish (pipeline.finish, pipeline.publish), under the DATA lock, in a staging build directory.

The build process imports none of the extraction code: the workers do (pipeline.workers.PRELOAD).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

from pipeline.datapackage import write_datapackage
from pipeline.finish import database, finish
from pipeline.inputs import DEFAULT_MAX_BYTES, discover
from pipeline.load import database_build_id
from pipeline.paths import DataPaths, PathError
from pipeline.plan import BuildError, NeedsFullBuild, Plan, batch_size_for, plan_build, tasks
from pipeline.publish import PublishError, clean_leftovers, data_lock, link_published, live_build, refuse_foreign, staging_dir
from pipeline.readback import read_table
from pipeline.runner import Run, run_tasks
from pipeline.tasks import BuildSummary, Limits


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
                plan = plan_build(paths, raw, files, max_bytes, append)
                if plan.mode != "full":
                    with contextlib.suppress(NeedsFullBuild):
                        return _append(staging, paths, raw, files, plan, **options)
                    shutil.rmtree(staging, ignore_errors=True)
                return _full(staging, paths, raw, files, **options)
            finally:
                shutil.rmtree(staging, ignore_errors=True)   # gone after a publish; the debris of a failure
    except PublishError as exc:
        raise BuildError(str(exc)) from None


def _full(staging: Path, paths: DataPaths, raw: Path, files: list[str], **options) -> BuildSummary:
    """Every file through the workers into a fresh staging directory, then publish."""
    run = Run(staging / "parquet", BuildSummary(files=len(files), data=paths.root), options["limits"])
    _run(run, raw, files, "", **options)
    return finish(run, paths, staging, files)


def _append(staging: Path, paths: DataPaths, raw: Path, files: list[str], plan: Plan, **options) -> BuildSummary:
    """Only the new files through the workers; the published part files are linked, not rewritten."""
    previous, counts = plan.previous, plan.previous["counts"]
    summary = BuildSummary(files=len(files), data=paths.root, mode=plan.mode,
                           letters=counts["letters"], items=counts["items"], citations=counts["citations"],
                           rejects=counts["rejects"], reject_reasons=Counter(previous["reject_reasons"]))
    live = live_build(paths)
    if plan.mode == "unchanged":
        summary.build_id = previous["build_id"]
        if database_build_id(live / paths.database.name) != previous["build_id"]:   # missing or damaged
            database(live)
        if not (live / paths.datapackage.name).exists():
            write_datapackage(live)
        link_published(paths)
        return summary
    run = Run(staging / "parquet", summary, options["limits"], inputs={**previous["inputs"], **plan.restat})
    _link_tree(live / "parquet", run.parquet)
    letters = read_table(run.parquet, "letters", ["letter_id", "case_number", "source_path"])
    ids, cases, sources = (letters[c].to_list() for c in ("letter_id", "case_number", "source_path"))
    run.seen_ids = dict(zip(ids, sources))
    run.seen_cases = {case: source for case, source in zip(cases, sources) if case}
    run.published = frozenset(sources)
    segment = hashlib.sha256(json.dumps([previous["build_id"], plan.todo]).encode()).hexdigest()[:8]
    _run(run, raw, plan.todo, f"{segment}-", **options)
    return finish(run, paths, staging, files)


def _run(run: Run, raw: Path, files: list[str], prefix: str, jobs: int, limits: Limits,
         batch_size: int | None, progress, engine: str, scheduler: str | None) -> None:
    """The files in batches (part files named <prefix><batch number>) through the workers."""
    batches = tasks(files, raw, run.parquet, prefix, limits, batch_size or batch_size_for(len(files)))
    run_tasks(run, batches, prefix, jobs, progress, engine, scheduler)


def _link_tree(source: Path, target: Path) -> None:
    """Hard-link every part file of a published build into a new one (a copy where links fail)."""
    for path in source.rglob("*.parquet"):
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copy2(path, dest)
