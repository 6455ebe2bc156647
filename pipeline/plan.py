"""What a build must do: a full build, an append of the new files, or nothing (unchanged); and the batches.

A rebuild of a grown RAW is an append: when every file of the published build is unchanged (same
size and mtime, or else the same SHA-256), the extractor and library versions and the size cap are the
same, the published tables hold the rows their manifest counts and no published reject may have been
transient (an unreadable file, a crashed worker), only the new files are processed and the published
part files are hard-linked into the new build. Anything else is a full build; so is an append that
turns out to change published rows (NeedsFullBuild, raised while running or finishing it).
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import EXTRACTOR_VERSION
from pipeline.inputs import content_sha256, input_stat
from pipeline.paths import DataPaths
from pipeline.provenance import library_versions
from pipeline.publish import live_build
from pipeline.readback import count_rows
from pipeline.tasks import TABLE_NAMES, Limits, Task

# Validation and part files cost ~0.1 s a batch whatever its size, and a batch's records live in one worker;
# but a corpus of a few thousand PDFs (5 ms each) must still make BATCHES_PER_BUILD batches, or cores idle.
MIN_BATCH, MAX_BATCH = 250, 4096
BATCHES_PER_BUILD = 8              # enough batches to keep every worker busy to the end
POOL_MIN_FILES = 512               # below this, one batch (still in a worker: a crash in pdfium must not kill the build)
# Reject reasons that may not hold next time (permissions, a file written meanwhile, a worker's death
# or clock): a published build holding one is never appended to, so the file is read again.
TRANSIENT_REASONS = frozenset({"unreadable_file", "vanished", "unreadable_dir", "worker_crashed", "too_slow"})


class BuildError(RuntimeError):
    """A build that cannot run or would publish an inconsistent dataset."""


class NeedsFullBuild(Exception):
    """An append would change rows already published (a new file sorts before an existing copy of itself)."""


@dataclass(frozen=True)
class Plan:
    mode: str                                   # full | append | unchanged
    todo: list[str]                             # the files to process (all of them, or the new ones)
    previous: dict | None = None                # the published manifest an append builds on
    restat: dict[str, list] = field(default_factory=dict)   # touched published files with the same bytes


def plan_build(paths: DataPaths, raw: Path, files: list[str], max_bytes: int, append: bool) -> Plan:
    """An append (or nothing to do) when the published build allows it, else a full build."""
    previous = _previous(paths, max_bytes) if append else None
    new, restat = _new_files(raw, files, previous["inputs"]) if previous else (None, {})
    if new is None or counts_on_disk(live_build(paths) / "parquet") != {t: previous["counts"][t] for t in TABLE_NAMES}:
        return Plan("full", files)      # a published file changed, or the published build is damaged
    return Plan("append" if new else "unchanged", new, previous, restat)


def batch_size_for(n: int) -> int:
    """Batches of equal size, at least MIN_BATCH files (below POOL_MIN_FILES: one batch), at most
    MAX_BATCH, and BATCHES_PER_BUILD of them when that fits. Depends on the number of files only, so the
    same input always gives the same part files."""
    if n < POOL_MIN_FILES:
        return max(n, 1)
    batches = max(min(n // MIN_BATCH, BATCHES_PER_BUILD), math.ceil(n / MAX_BATCH))
    return math.ceil(n / batches)


def tasks(files: list[str], raw: Path, parquet: Path, prefix: str, limits: Limits, size: int) -> list[Task]:
    """The files in batches of `size`, one Task each (part files named <prefix><batch number>)."""
    fault = os.environ.get("IMR_FAULT") or None
    return [Task(tuple(files[i:i + size]), str(raw.absolute()), str(parquet), f"{prefix}{k:05d}", limits, fault)
            for k, i in enumerate(range(0, len(files), size))]


def counts_on_disk(parquet: Path) -> dict[str, int]:
    """Rows per table in the part files, from their metadata (-1 for a table that cannot be read)."""
    out = {}
    for table in TABLE_NAMES:
        try:
            out[table] = count_rows(parquet, table)
        except (OSError, ValueError):
            out[table] = -1
    return out


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
