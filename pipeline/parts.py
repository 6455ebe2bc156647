"""Part files: each batch's rows as Hive-partitioned Parquet, <table>/[decision_year=Y/]part-<batch>.parquet."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from schemas.tables import PARTITION_COLUMN, PARTITIONED, TABLES, polars_schema

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"   # how Hive, DuckDB, polars and pyarrow spell a null key
COMPRESSION = "zstd"


def part_name(batch: str) -> str:
    return f"part-{batch}.parquet"


def _part_path(parquet: Path, table: str, batch: str, year: int | None = None) -> Path:
    if table not in PARTITIONED:
        return parquet / table / part_name(batch)
    key = NULL_PARTITION if year is None else str(year)
    return parquet / table / f"{PARTITION_COLUMN}={key}" / part_name(batch)


def write_parts(parquet: Path, batch: str, frames: dict[str, pl.DataFrame]) -> None:
    """One batch's rows as part files <table>/[decision_year=Y/]part-<batch>.parquet (empty tables write
    nothing). Written by the worker that validated them, so rows never travel back to the build process."""
    for table, df in frames.items():
        if df.height == 0:
            continue
        if table not in PARTITIONED:
            _write_file(_part_path(parquet, table, batch), df)
            continue
        for (year,), part in df.partition_by(PARTITION_COLUMN, as_dict=True, maintain_order=True).items():
            _write_file(_part_path(parquet, table, batch, year), part.drop(PARTITION_COLUMN))


def drop_letters(parquet: Path, batch: str, letter_ids: list[str]) -> dict[str, int]:
    """Remove these letters' rows from one batch's letters/items/citations parts; rows removed per table."""
    gone = pl.Series(letter_ids).implode()
    removed: dict[str, int] = {}
    for table in ("letters", "items", "citations"):
        removed[table] = 0
        for path in sorted((parquet / table).glob(f"**/{part_name(batch)}")):
            df = pl.read_parquet(path, hive_partitioning=False)
            kept = df.filter(~pl.col("letter_id").is_in(gone))
            removed[table] += df.height - kept.height
            if kept.height:
                _write_file(path, kept)
            else:
                path.unlink()
    return removed


def complete_tables(parquet: Path) -> None:
    """An empty table still gets a file, so its view and schema exist."""
    for table in TABLES:
        if next((parquet / table).glob("**/*.parquet"), None) is None:
            empty = pl.DataFrame(schema=polars_schema(TABLES[table]))
            _write_file(_part_path(parquet, table, "empty"),
                        empty.drop(PARTITION_COLUMN) if table in PARTITIONED else empty)


def _write_file(path: Path, df: pl.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(df.to_arrow(), path, compression=COMPRESSION, use_dictionary=True, write_statistics=True)

