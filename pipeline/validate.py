"""Pandera validation of one batch: failing rows go to rejects with their check names, the rest continue."""
from __future__ import annotations

from functools import cache
from operator import itemgetter

import pandera.errors
import polars as pl
import pyarrow as pa

from schemas.tables import TABLES, polars_schema


@cache
def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of a table, derived from its pandera model."""
    return pl.DataFrame(schema=polars_schema(TABLES[table])).to_arrow().schema


def frame(table: str, rows: list[dict]) -> pl.DataFrame:
    """Rows → a frame with the table's declared schema (built column-wise through Arrow: list
    columns convert in C instead of one polars Series per cell)."""
    schema = arrow_schema(table)
    columns = [pa.array(list(map(itemgetter(f.name), rows)), type=f.type) for f in schema]   # 2× a comprehension
    return pl.from_arrow(pa.Table.from_arrays(columns, schema=schema))


def validate(table: str, df: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(valid rows, failing rows with a 'detail' column naming the failed checks)."""
    model = TABLES[table]
    try:
        return model.validate(df, lazy=True), df.clear().with_columns(pl.lit("").alias("detail"))
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        if cases["index"].null_count():
            raise   # a table-level failure (wrong columns or dtypes) is a bug, not bad data
        details = (cases.with_columns(pl.format("{}: {} ({})", "column", "check", "failure_case").alias("d"))
                   .group_by("index").agg(pl.col("d").str.join("; ")))
        indexed = df.with_row_index("index").with_columns(pl.col("index").cast(pl.Int32))
        bad = indexed.join(details.rename({"d": "detail"}), on="index", how="inner").sort("index")
        good = indexed.join(details, on="index", how="anti").drop("index")
        return model.validate(good, lazy=True), bad.drop("index")
