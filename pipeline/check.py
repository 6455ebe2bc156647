"""`imr check`: re-validate a published dataset against the schemas and its manifest.

Every finding is one line. The manifest, the part files and the database are read from ONE build:
DATA/parquet is resolved once, so a build that publishes meanwhile (swapping DATA/current) cannot mix
two builds into a false FAIL.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import polars as pl

from pipeline.paths import DataPaths
from pipeline.readback import FILE_LEVEL, read_table
from schemas.pandera_polars import errors as pandera_errors
from schemas.tables import PARTITION_COLUMN, TABLES

COUNTED = ("files", "letters", "items", "citations", "rejects")


def check_dataset(data: str | Path) -> list[str]:
    """Problems found (empty when the dataset is sound)."""
    paths = DataPaths.at(data)
    if not paths.root.is_dir():
        return [f"no dataset at {paths.root}"]
    parquet = paths.parquet.resolve()      # once: everything below reads this one build
    try:
        manifest = read_manifest(parquet / "manifest.json")
    except ValueError as exc:
        return [str(exc)]
    frames, problems = _tables(parquet)
    database = parquet.parent / paths.database.name      # the database published with these part files
    return [*problems, *_counts(frames, manifest["counts"]), *_inputs(frames, manifest["inputs"]),
            *_orphans(frames), *_partitions(frames), *_links(paths),
            *_database(database if database.exists() else paths.database, frames)]


def _links(paths: DataPaths) -> list[str]:
    """DATA/imr.duckdb and DATA/datapackage.json must be the links through DATA/current (read, not followed:
    a build publishing meanwhile changes where they lead, not what they say)."""
    out = []
    for path in (paths.database, paths.datapackage):
        want = f"{paths.current.name}/{path.name}"
        if not path.is_symlink() or os.readlink(path) != want:
            out.append(f"{path}: missing or not the link {want} to the published build")
    return out


def read_manifest(path: Path) -> dict:
    """The manifest, or a ValueError naming in one line why it cannot be used."""
    if not path.is_file():
        raise ValueError(f"no published dataset at {path.parent.parent} (missing {path})")
    try:
        manifest = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"manifest {path}: not readable JSON ({exc})") from None
    if not (isinstance(manifest, dict) and isinstance(manifest.get("counts"), dict)
            and all(isinstance(manifest["counts"].get(k), int) for k in COUNTED)
            and isinstance(manifest.get("inputs"), dict) and all(map(_input_entry, manifest["inputs"].values()))):
        raise ValueError(f"manifest {path}: not a manifest (expected counts of {', '.join(COUNTED)} "
                         "and inputs {source_path: [sha256, size, mtime_ns]})")
    return manifest


def _input_entry(entry) -> bool:
    return (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str | None)
            and all(isinstance(v, int | None) for v in entry[1:]))


def _tables(parquet: Path) -> tuple[dict[str, pl.DataFrame], list[str]]:
    """Every table read whole and validated against its model (vocabularies, list elements, ranges, keys)."""
    frames, problems = {}, []
    for table, model in TABLES.items():
        try:
            frames[table] = df = read_table(parquet, table)
            model.validate(df, lazy=True)
        except pandera_errors.SchemaErrors as exc:
            problems.append(f"{table}: {exc.failure_cases.height} schema failures, e.g. "
                            f"{exc.failure_cases.row(0, named=True)}")
        except Exception as exc:  # noqa: BLE001 - unreadable files are a finding, not a crash
            problems.append(f"{table}: cannot read: {_line(exc)}")
    return frames, problems


def _counts(frames: dict[str, pl.DataFrame], counts: dict) -> list[str]:
    problems = [f"{table}: {df.height} rows, manifest says {counts[table]}"
                for table, df in frames.items() if df.height != counts[table]]
    if "letters" in frames and "rejects" in frames:
        files = frames["letters"].height + frames["rejects"].filter(FILE_LEVEL).height
        if files != counts["files"]:
            problems.append(f"letters + rejected files = {files}, manifest says {counts['files']} input files")
    return problems


def _inputs(frames: dict[str, pl.DataFrame], inputs: dict[str, list]) -> list[str]:
    """Each input file of the manifest is one letter or one file-level reject, and a letter has its file's hash."""
    if "letters" not in frames or "rejects" not in frames:
        return []
    letters = frames["letters"]
    landed = set(letters["source_path"]) | set(frames["rejects"].filter(FILE_LEVEL)["source_path"])
    problems = []
    if missing := sorted(set(inputs) - landed):
        problems.append(f"manifest inputs: {len(missing)} files with neither a letter nor a file-level reject, "
                        f"e.g. {missing[0]}")
    if unknown := sorted(landed - set(inputs)):
        problems.append(f"letters and rejects: {len(unknown)} files not in the manifest's inputs, e.g. {unknown[0]}")
    hashes = pl.DataFrame({"source_path": list(inputs), "_sha": [entry[0] for entry in inputs.values()]},
                          schema={"source_path": pl.String, "_sha": pl.String})
    differ = letters.join(hashes, on="source_path").filter(pl.col("sha256").ne_missing(pl.col("_sha")))
    if differ.height:
        problems.append(f"letters: {differ.height} rows whose sha256 is not the manifest's, e.g. {differ['source_path'][0]}")
    return problems


def _orphans(frames: dict[str, pl.DataFrame]) -> list[str]:
    """Rows that hang on a row that is not there: items → letters, citations → items, and the rejects of an item
    or a value (not of a file: a failed or duplicate letter's reject names a letter_id that never landed)."""
    links = [("items", "letters", ["letter_id"], pl.lit(True)),
             ("citations", "items", ["letter_id", "item_number"], pl.lit(True)),
             ("rejects", "letters", ["letter_id"], ~FILE_LEVEL)]
    problems = []
    for child, parent, key, which in links:
        if child in frames and parent in frames:
            orphans = frames[child].filter(which).join(frames[parent].select(key).unique(), on=key, how="anti")
            if orphans.height:
                problems.append(f"{child}: {orphans.height} rows whose ({', '.join(key)}) is not in {parent}, "
                                f"e.g. {orphans.select(key).row(0)}")
    return problems


def _partitions(frames: dict[str, pl.DataFrame]) -> list[str]:
    """Rows of letters and items under a decision_year= folder other than their letter's decision_date year."""
    if "letters" not in frames:
        return []
    years = frames["letters"].select("letter_id", pl.col("decision_date").dt.year().cast(pl.Int64).alias("_year"))
    problems = []
    for table in ("letters", "items"):
        if table in frames:
            wrong = frames[table].join(years, on="letter_id").filter(pl.col(PARTITION_COLUMN).ne_missing(pl.col("_year")))
            if wrong.height:
                row = wrong.row(0, named=True)
                problems.append(f"{table}: {wrong.height} rows under a {PARTITION_COLUMN}= folder that is not their "
                                f"decision_date's year, e.g. letter {row['letter_id']} in {PARTITION_COLUMN}={row[PARTITION_COLUMN]}")
    return problems


def _database(database: Path, frames: dict[str, pl.DataFrame]) -> list[str]:
    problems = []
    try:
        con = duckdb.connect(str(database), read_only=True)
        try:
            for table in TABLES:
                (rows,) = con.execute(f"select count(*) from {table}").fetchone()
                if table in frames and rows != frames[table].height:
                    problems.append(f"database {table}: {rows} rows, the Parquet has {frames[table].height}")
        finally:
            con.close()
    except Exception as exc:  # noqa: BLE001
        problems.append(f"database {database}: {_line(exc)}")
    return problems


def _line(exc: Exception) -> str:
    """An error as one line."""
    return " ".join(str(exc).split()) or type(exc).__name__
