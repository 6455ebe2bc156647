"""`imr check`: re-validate a published dataset against the schemas and its manifest."""
from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandera.errors

from pipeline.readback import read_table
from pipeline.paths import DataPaths
from schemas.tables import TABLES


def check_dataset(data: str | Path) -> list[str]:
    """Problems found (empty when the dataset is sound)."""
    paths = DataPaths.at(data)
    if not paths.manifest.exists():
        return [f"no published dataset at {paths.root} (missing {paths.manifest})"]
    manifest = json.loads(paths.manifest.read_text())
    problems: list[str] = []
    frames = {}
    for table, model in TABLES.items():
        try:
            frames[table] = df = read_table(paths.parquet, table)
            model.validate(df, lazy=True)
        except pandera.errors.SchemaErrors as exc:
            problems.append(f"{table}: {exc.failure_cases.height} schema failures, e.g. "
                            f"{exc.failure_cases.row(0, named=True)}")
        except Exception as exc:  # noqa: BLE001 - unreadable files are a finding, not a crash
            problems.append(f"{table}: cannot read: {exc}")
    counts = manifest.get("counts", {})
    for table in ("letters", "items", "citations", "rejects"):
        if table in frames and frames[table].height != counts.get(table):
            problems.append(f"{table}: {frames[table].height} rows, manifest says {counts.get(table)}")
    if "letters" in frames and "rejects" in frames:
        files = frames["letters"].height + frames["rejects"].filter(frames["rejects"]["item_number"].is_null()).height
        if files != counts.get("files"):
            problems.append(f"letters + rejected files = {files}, manifest says {counts.get('files')} input files")
    if "letters" in frames and "items" in frames:
        orphans = frames["items"].join(frames["letters"], on="letter_id", how="anti").height
        if orphans:
            problems.append(f"items: {orphans} rows whose letter_id is not in letters")
    try:
        con = duckdb.connect(str(paths.database), read_only=True)
        for table in TABLES:
            (rows,) = con.execute(f"select count(*) from {table}").fetchone()
            if table in frames and rows != frames[table].height:
                problems.append(f"database {table}: {rows} rows, the Parquet has {frames[table].height}")
        con.close()
    except Exception as exc:  # noqa: BLE001
        problems.append(f"database {paths.database}: {exc}")
    return problems
