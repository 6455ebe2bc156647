"""Running a build's Tasks: on supervised local worker processes (pipeline.pool) or a Dask cluster; the
BatchResults are counted as they come, then letters are deduped across batches."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.inputs import Reject, reject_row
from pipeline.parts import drop_letters, write_parts
from pipeline.plan import BuildError, NeedsFullBuild
from pipeline.tasks import BuildSummary, Limits, Task
from pipeline.validate import frame
from schemas.tables import TABLES


@dataclass
class Run:
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


def run_tasks(run: Run, tasks: list[Task], prefix: str, jobs: int, progress, engine: str,
              scheduler: str | None) -> None:
    """Run the tasks (part files named <prefix><batch number>), count what they wrote, then dedupe across batches."""
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


def _results(tasks: list[Task], jobs: int, engine: str = "local", scheduler: str | None = None):
    """BatchResults as they finish: from supervised worker processes, or from a Dask cluster."""
    if engine == "dask":
        yield from _dask_results(tasks, scheduler)
        return
    from pipeline.pool import Supervisor

    yield from Supervisor(min(jobs, len(tasks)), tasks[0].limits).run(tasks)


def _dask_results(tasks: list[Task], scheduler: str | None):
    """One Dask task per batch on the cluster at `scheduler` (a LocalCluster when None).

    The workers must see RAW and DATA at the same paths (a shared filesystem): each task writes its
    batch's part files; only the small BatchResults stream back, in order.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BuildError("the dask engine needs the 'dask' extra: pip install 'imr-dataset[dask]'") from None
    from pipeline.batch import run_task   # what each Dask task runs (pickled by reference)

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


def _dedupe(run: Run, prefix: str) -> None:
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
            raise NeedsFullBuild(f"{source} sorts before its published copy {kept}")
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
    if rejects:   # validated like every batch's rejects (pandera is the validator of every table)
        df = TABLES["rejects"].validate(frame("rejects", sorted(rejects, key=lambda r: r["source_path"])))
        write_parts(run.parquet, f"{prefix}dedupe", {"rejects": df})
        run.summary.rejects += df.height
        run.summary.reject_reasons.update(df["reason"].to_list())
