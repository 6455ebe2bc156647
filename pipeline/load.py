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


class PartWriter:
    """Buffers one table's rows and writes deterministic part files: <table>/[decision_year=Y/]part-NNNNN.parquet."""

    def __init__(self, base: Path, table: str, flush_bytes: int = 16 * 1024 * 1024):
        self.dir = base / table
        self.table = table
        self.flush_bytes = flush_bytes      # memory held per table before a part file is written
        self.frames: list[pl.DataFrame] = []
        self.buffered = 0
        self.part = 0
        self.rows = 0

    def add(self, df: pl.DataFrame) -> None:
        if df.height:
            self.frames.append(df)
            self.buffered += df.estimated_size()
            if self.buffered >= self.flush_bytes:
                self.flush()

    def flush(self) -> None:
        if not self.frames:
            return
        df = pl.concat(self.frames)
        self.frames, self.buffered = [], 0
        self._write(df)

    def close(self) -> int:
        self.flush()
        if self.part == 0:   # an empty table still gets a file, so its views and schema exist
            self._write(pl.DataFrame(schema=polars_schema(TABLES[self.table])))
        return self.rows

    def _write(self, df: pl.DataFrame) -> None:
        name = f"part-{self.part:05d}.parquet"
        self.part += 1
        self.rows += df.height
        if self.table not in PARTITIONED:
            self._file(self.dir / name, df)
            return
        if df.height == 0:
            self._file(self.dir / f"{PARTITION_COLUMN}={NULL_PARTITION}" / name, df.drop(PARTITION_COLUMN))
            return
        for (year,), part in df.partition_by(PARTITION_COLUMN, as_dict=True, maintain_order=True).items():
            key = NULL_PARTITION if year is None else str(year)
            self._file(self.dir / f"{PARTITION_COLUMN}={key}" / name, part.drop(PARTITION_COLUMN))

    @staticmethod
    def _file(path: Path, df: pl.DataFrame) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(df.to_arrow(), path, compression=COMPRESSION, use_dictionary=True,
                       write_statistics=True)


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
