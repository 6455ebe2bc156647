"""Reading published part files back, literally: the one reader of Parquet tables in the pipeline.

DATA may sit anywhere: under a folder named `decision_year=1999`, or in a path holding glob characters
(`[`, `*`, `?`, `\\`). So no path is ever handed to a reader as a pattern, and nothing parses Hive keys
out of a whole path: the part files are listed from the table folder, and `decision_year` comes from the
partition folder directly under it. Each part file is opened by its path as a file (pyarrow.parquet; not
pyarrow.dataset, which would import pandas into the build process: 150 ms). DuckDB's own Parquet reader
(the database load: faster, and within its memory limit) gets links to the part files under names this
module makes (`linked_parts`).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from pipeline.parts import NULL_PARTITION
from schemas.tables import PARTITION_COLUMN, PARTITIONED, TABLES, polars_schema


FILE_LEVEL = pl.col("item_number").is_null() & pl.col("field").is_null()   # a reject that stands for an input file


def part_files(parquet: Path, table: str) -> list[Path]:
    """Every part file of a table, in path order (the base path is never a pattern)."""
    return sorted((parquet / table).rglob("*.parquet"))


def partition_year(parquet: Path, table: str, part: Path) -> int | None:
    """decision_year of a part file, from the `decision_year=<Y>` folder directly under the table folder."""
    folder = part.relative_to(parquet / table).parts[0]
    key, _, value = folder.partition("=")
    if key != PARTITION_COLUMN or len(part.relative_to(parquet / table).parts) != 2:
        raise ValueError(f"{part}: not directly under a {PARTITION_COLUMN}=<year> folder of {table}")
    return None if value == NULL_PARTITION else int(value)


# a folder DuckDB takes literally: no glob character (it globs every path it is given), no '=' (a Hive key)
SAFE_FOLDER = re.compile(r"[^*?\[\]{}\\=]+")      # '/tmp/imr-duckdb-k2_x9', '/tmp/my tmp/imr-duckdb-k2_x9'


def linked_parts(parquet: Path, table: str, folder: Path) -> list[str]:
    """Symbolic links under `folder` to a table's part files, as `<table>/<decision_year=Y>/<k>.parquet`
    (Hive folders DuckDB reads the partition key from): paths safe to hand to a reader that globs."""
    if not SAFE_FOLDER.fullmatch(str(folder.absolute())):
        raise ValueError(f"{folder}: a scratch folder whose path holds characters a glob would read (set TMPDIR)")
    out = []
    for k, part in enumerate(part_files(parquet, table)):
        link = folder.absolute() / table / f"{k:06d}.parquet"
        if table in PARTITIONED:
            year = partition_year(parquet, table, part)
            link = link.parent / f"{PARTITION_COLUMN}={NULL_PARTITION if year is None else year}" / link.name
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(part.absolute(), link)
        out.append(str(link))
    if not out:
        raise FileNotFoundError(f"no Parquet files for table {table} under {parquet / table}")
    return out


def _existing_parts(parquet: Path, table: str) -> list[Path]:
    files = part_files(parquet, table)
    if not files:
        raise FileNotFoundError(f"no Parquet files for table {table} under {parquet / table}")
    return files


def read_table(parquet: Path, table: str, columns: list[str] | None = None) -> pl.DataFrame:
    """A published table (or some of its columns) as one frame, in the declared column order; the partition
    key of a partitioned table comes from each part file's folder."""
    names = columns or polars_schema(TABLES[table]).names()
    stored = [n for n in names if n != PARTITION_COLUMN]
    frames = []
    for part in _existing_parts(parquet, table):
        df = pl.from_arrow(pq.ParquetFile(part).read(columns=stored))
        if table in PARTITIONED and PARTITION_COLUMN in names:
            df = df.with_columns(pl.lit(partition_year(parquet, table, part), pl.Int64).alias(PARTITION_COLUMN))
        frames.append(df.select(names))
    return pl.concat(frames, how="vertical")


def count_rows(parquet: Path, table: str) -> int:
    """Rows of a published table, from the part files' metadata."""
    return sum(pq.ParquetFile(part).metadata.num_rows for part in _existing_parts(parquet, table))
