"""Pandera validation of one batch: failing rows go to rejects with their check names, the rest continue."""
from __future__ import annotations

import operator
from functools import cache
from operator import itemgetter

import polars as pl
import pyarrow as pa

from schemas.pandera_polars import errors as pandera_errors
from schemas.tables import PARTITION_COLUMN, TABLES, bound_text, polars_schema


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
    except pandera_errors.SchemaErrors as exc:
        cases = exc.failure_cases
        if cases["index"].null_count():
            raise   # a table-level failure (wrong columns or dtypes) is a bug, not bad data
        details = (cases.with_columns(pl.format("{}: {} ({})", "column", "check", "failure_case").alias("d"))
                   .group_by("index").agg(pl.col("d").str.join("; ")))
        indexed = df.with_row_index("index").with_columns(pl.col("index").cast(pl.Int32))
        bad = indexed.join(details.rename({"d": "detail"}), on="index", how="inner").sort("index")
        good = indexed.join(details, on="index", how="anti").drop("index")
        return model.validate(good, lazy=True), bad.drop("index")


# A range check of the models → (its statistic, the comparison a plausible value passes, as written)
RANGE_CHECKS = {"greater_than_or_equal_to": ("min_value", operator.ge, "≥"), "greater_than": ("min_value", operator.gt, ">"),
                "less_than_or_equal_to": ("max_value", operator.le, "≤"), "less_than": ("max_value", operator.lt, "<")}


@cache
def plausible(table: str) -> dict[str, tuple[pl.Expr, str]]:
    """{nullable column: (true where its value passes the column's range checks, the range as text)}: derived from
    the model, so the bounds are declared once (schemas/tables.py)."""
    out = {}
    for name, col in TABLES[table].to_schema().columns.items():
        ranges = [(*RANGE_CHECKS[c.name], c.statistics) for c in col.checks if c.name in RANGE_CHECKS]
        if col.nullable and ranges:
            exprs = [compare(pl.col(name), pl.lit(stats[key])) for key, compare, _, stats in ranges]
            text = ", ".join(f"{sign} {bound_text(stats[key])}" for key, _, sign, stats in ranges)
            out[name] = (pl.all_horizontal(exprs), text)
    return out


def null_implausible(table: str, df: pl.DataFrame, source: dict[str, str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows with every implausible value nulled, one `implausible_value` reject per nulled value). A misread
    date or age costs that value, not the letter; a letter's decision_year follows its nulled decision_date."""
    found = []
    for name, (ok, text) in plausible(table).items():
        bad = df.filter(~ok)
        if bad.height:
            found.append(bad.select(
                pl.col("letter_id").replace_strict(source, default="", return_dtype=pl.String).alias("source_path"),
                pl.col("letter_id"),
                (pl.col("item_number") if "item_number" in df.columns else pl.lit(None)).cast(pl.Int64).alias("item_number"),
                pl.lit(name).alias("field"), pl.lit("validate").alias("stage"), pl.lit("implausible_value").alias("reason"),
                pl.format(f"{name} = {{}}: outside the plausible range ({text})", pl.col(name)).alias("detail")))
            df = df.with_columns(pl.when(ok).then(pl.col(name)).alias(name))
    if "decision_date" in df.columns:
        df = df.with_columns(pl.when(pl.col("decision_date").is_not_null()).then(pl.col(PARTITION_COLUMN))
                             .alias(PARTITION_COLUMN))
    rejects = pl.concat(found) if found else frame("rejects", [])
    return df, rejects


def with_letters(df: pl.DataFrame, letters: pl.DataFrame) -> pl.DataFrame:
    """The rows of `df` whose letter is in `letters`, with that letter's decision_year (the partition key)."""
    years = letters.select("letter_id", pl.col(PARTITION_COLUMN).alias("_year"))
    return (df.join(years, on="letter_id", how="inner", maintain_order="left")
            .with_columns(pl.col("_year").alias(PARTITION_COLUMN)).drop("_year"))
