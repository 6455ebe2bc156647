"""The values that travel between a build's stages, light enough for the build process (stdlib only): a
worker's Task and the BatchResult it sends back, what one file may cost (Limits), and the BuildSummary."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.inputs import DEFAULT_MAX_BYTES

TABLE_NAMES = ("letters", "items", "citations", "rejects")


@dataclass(frozen=True, slots=True)
class Limits:
    """What one file may cost: bytes on disk, CPU seconds, wall seconds in one worker, worker memory."""
    max_bytes: int = DEFAULT_MAX_BYTES
    cpu_seconds: float = 5.0          # soft: Python code over it is interrupted (SIGPROF) → too_slow
    hard_seconds: float = 60.0        # wall clock on one file before the supervisor kills the worker → too_slow
    max_memory: int = 2 << 30         # resident bytes of one worker before the supervisor kills it → too_large


@dataclass(frozen=True, slots=True)
class Task:
    """A batch for a worker: files (relative to raw) whose part files are part-<name>.parquet under parquet."""
    files: tuple[str, ...]
    raw: str
    parquet: str
    name: str
    limits: Limits = Limits()
    fault: str | None = None          # fault injection for tests (IMR_FAULT): 'sigkill:<name part>', 'abort:…', 'hang:…', 'spin:…'
    blame: tuple[str, str] | None = None   # (reason, detail) when this file already killed a worker
    condemned: bool = False           # the file killed a worker twice: reject it without reading it


@dataclass
class BatchResult:
    name: str                                        # the batch's part files are part-<name>.parquet
    files: int                                       # input files in the batch
    kept: list[tuple[str, str | None, str]]          # (letter_id, case_number, source_path) of letters written
    inputs: list[tuple]                              # (source_path, sha256 | None if unreadable, size, mtime_ns)
    rows: dict[str, int] = field(default_factory=dict)           # rows written per table
    reject_reasons: Counter = field(default_factory=Counter)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)   # (source_path, letter_id, in-batch copy kept)


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
