"""Frames → Hive-partitioned Parquet files, and the DuckDB database of views over them."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

from schemas.tables import PARTITION_COLUMN, PARTITIONED, TABLES, descriptions, polars_schema

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"   # how Hive, DuckDB, polars and pyarrow spell a null key
COMPRESSION = "zstd"


def part_name(batch: str) -> str:
    return f"part-{batch}.parquet"


def write_parts(parquet: Path, batch: str, frames: dict[str, pl.DataFrame]) -> None:
    """One batch's rows as part files <table>/[decision_year=Y/]part-<batch>.parquet (empty tables write
    nothing). Written by the worker that validated them, so rows never travel back to the build process."""
    for table, df in frames.items():
        if df.height == 0:
            continue
        if table not in PARTITIONED:
            _write_file(parquet / table / part_name(batch), df)
            continue
        for (year,), part in df.partition_by(PARTITION_COLUMN, as_dict=True, maintain_order=True).items():
            key = NULL_PARTITION if year is None else str(year)
            _write_file(parquet / table / f"{PARTITION_COLUMN}={key}" / part_name(batch), part.drop(PARTITION_COLUMN))


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
            if table in PARTITIONED:
                _write_file(parquet / table / f"{PARTITION_COLUMN}={NULL_PARTITION}" / part_name("empty"),
                            empty.drop(PARTITION_COLUMN))
            else:
                _write_file(parquet / table / part_name("empty"), empty)


def _write_file(path: Path, df: pl.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(df.to_arrow(), path, compression=COMPRESSION, use_dictionary=True, write_statistics=True)


def read_table(parquet: Path, table: str) -> pl.DataFrame:
    """A published table as one frame with its declared schema."""
    hive = table in PARTITIONED
    df = pl.read_parquet(parquet / table / "**" / "*.parquet", hive_partitioning=hive,
                         hive_schema={PARTITION_COLUMN: pl.Int64} if hive else None)
    return df.select(polars_schema(TABLES[table]).names())


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def view_sql(parquet: Path, table: str) -> list[str]:
    """CREATE VIEW + COMMENT ON COLUMN statements for one table (paths absolute: any cwd works)."""
    glob = _sql_string(str(parquet / table / "**" / "*.parquet"))
    columns = ", ".join(polars_schema(TABLES[table]).names())
    hive = (f", hive_partitioning = true, hive_types = {{'{PARTITION_COLUMN}': BIGINT}}"
            if table in PARTITIONED else ", hive_partitioning = false")
    stmts = [f"CREATE OR REPLACE VIEW {table} AS SELECT {columns} FROM read_parquet({glob}{hive})",
             f"COMMENT ON VIEW {table} IS {_sql_string((TABLES[table].__doc__ or '').strip())}"]
    for column, text in descriptions(TABLES[table]).items():
        stmts.append(f"COMMENT ON COLUMN {table}.{column} IS {_sql_string(text)}")
    return stmts


def write_database(database: Path, parquet: Path) -> None:
    """(Re)create the DuckDB file of views, atomically: written beside it, then renamed over it."""
    tmp = database.with_name(f".{database.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        for table in TABLES:
            for stmt in view_sql(parquet, table):
                con.execute(stmt)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, database)
