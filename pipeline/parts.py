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


# Row order inside each part file, so a range filter on dates skips row groups. Items follow their
# letters' decision dates (not a column of theirs): the files declare only the order of their own columns.
ORDER = {"letters": ["decision_date", "letter_id"], "items": ["letter_id", "item_number"],
         "citations": ["letter_id", "item_number", "cited_by", "citation_number"],
         "rejects": ["source_path", "item_number", "field"]}
DECLARED_ORDER = {"letters": ORDER["letters"], "citations": ORDER["citations"], "rejects": ORDER["rejects"]}


def sort_rows(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Each table in ORDER, nulls last; items by their letter's decision date first when letters are given."""
    out = {table: df.sort(ORDER[table], nulls_last=True) for table, df in frames.items()}
    if "items" in out and "letters" in out:
        dates = out["letters"].select("letter_id", "decision_date")
        out["items"] = (out["items"].join(dates, on="letter_id", how="left")
                        .sort(["decision_date", *ORDER["items"]], nulls_last=True).drop("decision_date"))
    return out


def write_parts(parquet: Path, batch: str, frames: dict[str, pl.DataFrame]) -> None:
    """One batch's rows as part files <table>/[decision_year=Y/]part-<batch>.parquet (empty tables write
    nothing), rows sorted (sort_rows). Written by the worker that validated them, so rows never travel back
    to the build process."""
    for table, df in sort_rows(frames).items():
        if df.height == 0:
            continue
        if table not in PARTITIONED:
            _write_file(_part_path(parquet, table, batch), df, table)
            continue
        for (year,), part in df.partition_by(PARTITION_COLUMN, as_dict=True, maintain_order=True).items():
            _write_file(_part_path(parquet, table, batch, year), part.drop(PARTITION_COLUMN), table)


def drop_letters(parquet: Path, batch: str, letter_ids: list[str]) -> dict[str, int]:
    """Remove these letters' rows from one batch's parts (letters, items, citations, and the rejects of their
    items and values; file-level rejects stay); rows removed per table."""
    gone = pl.col("letter_id").is_in(pl.Series(letter_ids).implode())
    of_letter = {"rejects": gone & (pl.col("item_number").is_not_null() | pl.col("field").is_not_null())}
    removed: dict[str, int] = {}
    for table in ("letters", "items", "citations", "rejects"):
        removed[table] = 0
        for path in sorted((parquet / table).glob(f"**/{part_name(batch)}")):
            df = pl.read_parquet(path, hive_partitioning=False)
            kept = df.filter(~of_letter.get(table, gone).fill_null(False))
            removed[table] += df.height - kept.height
            if kept.height:
                _write_file(path, kept, table)
            else:
                path.unlink()
    return removed


def complete_tables(parquet: Path) -> None:
    """An empty table still gets a file, so its view and schema exist."""
    for table in TABLES:
        if next((parquet / table).glob("**/*.parquet"), None) is None:
            empty = pl.DataFrame(schema=polars_schema(TABLES[table]))
            _write_file(_part_path(parquet, table, "empty"),
                        empty.drop(PARTITION_COLUMN) if table in PARTITIONED else empty, table)


def _write_file(path: Path, df: pl.DataFrame, table: str) -> None:
    """Write a part file as a new file: never through an existing name, which may be a hard link into the live build."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    sorting = [pq.SortingColumn(df.columns.index(c), nulls_first=False) for c in DECLARED_ORDER.get(table, [])]
    pq.write_table(df.to_arrow(), path, compression=COMPRESSION, use_dictionary=True, write_statistics=True,
                   sorting_columns=sorting or None)

