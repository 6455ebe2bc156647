# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exploring the IMR dataset with polars and pandas
#
# A percent-format notebook: open it in Jupyter with jupytext, run it cell by cell in an editor
# that understands `# %%`, or run it whole with `python examples/explore.py`.
#
# It reads the Parquet files of a built dataset (`imr build`, or `make build-dataset`). Set
# `IMR_DATA` to the dataset directory; the default is `data`. Column meanings are in
# `docs/data-dictionary.md`.

# %%
import os
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds

DATA = Path(os.environ.get("IMR_DATA", "data"))
PARQUET = DATA / "parquet"
print(f"dataset: {DATA.absolute()}")

# %% [markdown]
# ## Lazy frames with polars
#
# `letters` and `items` are Hive-partitioned by `decision_year`
# (`parquet/items/decision_year=2016/part-00000.parquet`): the year is in the folder name, not in the
# files, so read them with `hive_partitioning=True`. Giving the partition's type keeps it an integer
# even when every letter lacks a decision date (folder `decision_year=__HIVE_DEFAULT_PARTITION__`).

# %%
HIVE = {"hive_partitioning": True, "hive_schema": {"decision_year": pl.Int64}}
items = pl.scan_parquet(PARQUET / "items" / "**" / "*.parquet", **HIVE)
letters = pl.scan_parquet(PARQUET / "letters" / "**" / "*.parquet", **HIVE)
citations = pl.scan_parquet(PARQUET / "citations" / "**" / "*.parquet")
print(items.collect_schema())

# %% [markdown]
# ## Items joined to their letters
#
# Every item has exactly one letter (`letter_id`); `decision_year` is in both tables, so take it from
# the items.

# %%
joined = items.join(
    letters.select("letter_id", "case_number", "decision_date", "reviewer_specialties", "patient_age"),
    on="letter_id", how="inner",
).collect()
assert joined.height == items.select(pl.len()).collect().item(), "an item without its letter"
print(joined.select("case_number", "decision_date", "item_text", "category", "outcome").head(10))

# %% [markdown]
# ## Overturn rate by category and by drug class

# %%
overturned = (pl.col("outcome") == "overturned")
by_category = (
    joined.group_by("category")
    .agg(items=pl.len(), overturned=overturned.sum(), overturn_rate=overturned.mean())
    .sort(["items", "category"], descending=[True, False])
)
print(by_category)

# %%
by_drug_class = (
    joined.filter(pl.col("drug").is_not_null())
    .group_by(pl.col("drug_class").fill_null("(not in lexicon)"))
    .agg(requests=pl.len(), drugs=pl.col("drug_generic").n_unique(), overturn_rate=overturned.mean(),
         median_quantity=pl.col("quantity").median())
    .sort(["requests", "drug_class"], descending=[True, False])
)
print(by_drug_class)

# %% [markdown]
# ## Decisions by month, and the reviewer's guideline documents per item

# %%
by_month = (
    joined.filter(pl.col("decision_date").is_not_null())
    .group_by(month=pl.col("decision_date").dt.truncate("1mo"))
    .agg(letters=pl.col("letter_id").n_unique(), items=pl.len(), overturn_rate=overturned.mean())
    .sort("month")
)
print(by_month)

# %%
reviewer_documents = (
    citations.filter(pl.col("cited_by") == "reviewer")
    .join(items.select("letter_id", "item_number", "outcome"), on=["letter_id", "item_number"])
    .group_by("source", "document")
    .agg(citations=pl.len(), overturn_rate=overturned.mean())
    .sort(["citations", "document"], descending=[True, False], nulls_last=True)
    .collect()
)
print(reviewer_documents.head(10))

# %% [markdown]
# ## The same data in pandas
#
# pandas reads a partitioned folder through pyarrow, which turns `decision_year=…` folders back into a
# column. Declare the partition's type: pyarrow cannot infer it when the only folder is the null one.
# `dtype_backend="numpy_nullable"` keeps integer columns with nulls as `Int64` instead of floats.

# %%
YEAR_PARTITION = ds.partitioning(pa.schema([("decision_year", pa.int64())]), flavor="hive")
letters_pd = pd.read_parquet(PARQUET / "letters", engine="pyarrow", partitioning=YEAR_PARTITION,
                             dtype_backend="numpy_nullable")
items_pd = pd.read_parquet(PARQUET / "items", engine="pyarrow", partitioning=YEAR_PARTITION,
                           dtype_backend="numpy_nullable")
print(letters_pd.dtypes)

# %%
merged = items_pd.drop(columns=["decision_year"]).merge(
    letters_pd[["letter_id", "decision_date", "decision_year", "reviewer_specialties"]],
    on="letter_id", how="inner", validate="many_to_one",
)
specialty_outcomes = (
    merged.explode("reviewer_specialties")
    .dropna(subset=["reviewer_specialties"])
    .assign(overturned=lambda df: df["outcome"].eq("overturned"))
    .groupby("reviewer_specialties", observed=True)
    .agg(items=("item_number", "size"), overturn_rate=("overturned", "mean"))
    .sort_values("items", ascending=False)
)
print(specialty_outcomes.head(15))

# %%
opioids = items_pd[items_pd["drug_class"] == "opioid"]
print(opioids.groupby("outcome")["total_mme"].describe())
