"""A processed build made public: the accounting check, the build id, manifest.json, imr.duckdb and
datapackage.json written into the staging build, then pipeline.publish's atomic swap.

Every input file ends as exactly one letters row or one file-level rejects row; the build checks
`letters + file-level rejects == files` before it publishes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from json.encoder import encode_basestring_ascii as _json_string
from pathlib import Path

from pipeline import EXTRACTOR_VERSION
from pipeline.datapackage import write_datapackage
from pipeline.load import write_database
from pipeline.parts import complete_tables
from pipeline.paths import DataPaths
from pipeline.plan import BuildError, NeedsFullBuild, counts_on_disk
from pipeline.provenance import library_versions
from pipeline.publish import publish
from pipeline.readback import FILE_LEVEL, read_table
from pipeline.runner import Run
from pipeline.tasks import TABLE_NAMES, BuildSummary


def finish(run: Run, paths: DataPaths, staging: Path, files: list[str]) -> BuildSummary:
    """Check the accounting, write the manifest, the database and the data package, publish."""
    summary = run.summary
    complete_tables(run.parquet)
    counts = counts_on_disk(run.parquet)
    letters, file_rejects = counts["letters"], _file_level_rejects(run.parquet)
    if counts != {t: getattr(summary, t) for t in TABLE_NAMES} or letters + file_rejects != summary.files:
        if summary.mode == "append":   # the published build lost files: build it again
            raise NeedsFullBuild(f"{counts} on disk, {summary} counted")
        raise BuildError(f"accounting failed: {letters} letters ({summary.letters} counted) + {file_rejects} "
                         f"rejected files != {summary.files} input files")
    summary.reject_reasons = Counter(read_table(run.parquet, "rejects", ["reason"])["reason"].to_list())
    hashes = sorted((rel, entry[0]) for rel, entry in run.inputs.items() if entry[0])
    summary.build_id = hashlib.sha256(
        json.dumps([EXTRACTOR_VERSION, hashes, files]).encode()
    ).hexdigest()[:16]
    _write_manifest(run)
    database(staging)
    write_datapackage(staging)
    publish(paths, staging, summary.build_id)
    return summary


def database(build_dir: Path) -> None:
    """The build's imr.duckdb; a failure (disk full) is a one-line BuildError and nothing is published."""
    try:
        write_database(build_dir / "imr.duckdb", build_dir / "parquet")
    except Exception as exc:  # noqa: BLE001 - duckdb's IOException is not an OSError
        for leftover in build_dir.glob(".imr.duckdb*"):
            leftover.unlink(missing_ok=True)
        raise BuildError(f"could not write the database: {type(exc).__name__}: {str(exc).splitlines()[0]}") from None


def _file_level_rejects(parquet: Path) -> int:
    """Rejects that stand for a whole input file (not one item or value of a letter that landed)."""
    df = read_table(parquet, "rejects", ["item_number", "field"])
    return df.filter(FILE_LEVEL).height


def _write_manifest(run: Run) -> None:
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
