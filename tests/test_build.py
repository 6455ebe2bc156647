"""The built dataset: the seed golden rows, the data contract, determinism, dedupe, locking, publishing."""
from __future__ import annotations

import fcntl
import os
import shutil

import duckdb
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.build import BuildError, build
from pipeline.check import check_dataset
from pipeline.readback import read_table
from schemas.tables import TABLES, polars_schema
from tests.conftest import LETTERS

SEED_ITEMS = [
    # source, drug, generic, class, strength, quantity, refills, pages, outcome
    ("000_404ac3a24051b672.txt", "Xanax", "alprazolam", "benzodiazepine", [0.5], 90, None, [24], "upheld"),
    ("000_404ac3a24051b672.txt", "Norco", "hydrocodone/acetaminophen", "opioid", [10.0, 325.0], 140, None,
     list(range(74, 97)), "upheld"),
    ("001_66f9d10845d4d494.txt", "Xanax", "alprazolam", "benzodiazepine", [0.5], 60, 3, [24], "upheld"),
]


def test_seed_letters_give_the_golden_items(seed_dataset):
    con = duckdb.connect(str(seed_dataset / "imr.duckdb"), read_only=True)
    rows = con.execute("""
        select l.source_path, i.drug, i.drug_generic, i.drug_class, i.strength_values, i.quantity, i.refills,
               i.guideline_pages, i.outcome
        from items i join letters l using (letter_id)
        where l.source_path like '00%' order by l.source_path, i.item_number""").fetchall()
    assert [tuple(r) for r in rows] == [tuple(r) for r in SEED_ITEMS]


def test_views_have_the_contract_columns_and_types(seed_dataset):
    con = duckdb.connect(str(seed_dataset / "imr.duckdb"), read_only=True)
    for table, model in TABLES.items():
        cols = [r[0] for r in con.execute(f"describe {table}").fetchall()]
        assert cols == polars_schema(model).names()
    types = dict(con.execute("select column_name, column_type from (describe items)").fetchall())
    assert types["strength_values"] == "DOUBLE[]" and types["guideline_pages"] == "BIGINT[]"
    assert types["service_date"] == "DATE"
    comments = con.execute("select count(*) from duckdb_columns() where table_name = 'items' and comment is not null").fetchone()[0]
    assert comments == len(polars_schema(TABLES["items"]))


def test_database_opens_from_another_directory(seed_dataset, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    con = duckdb.connect(str(seed_dataset / "imr.duckdb"), read_only=True)
    assert con.execute("select count(*) from letters").fetchone()[0] == 6


def test_partitioned_by_decision_year(seed_dataset):
    parts = sorted(p.name for p in (seed_dataset / "parquet" / "items").iterdir())
    assert "decision_year=__HIVE_DEFAULT_PARTITION__" in parts and "decision_year=2016" in parts
    items = read_table(seed_dataset / "parquet", "items")
    assert items.filter(pl.col("decision_year").is_null()).height >= 3


def test_dataset_checks_clean(seed_dataset):
    assert check_dataset(seed_dataset) == []


def test_check_finds_a_tampered_dataset(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(LETTERS / "y2016_drugs.txt", raw)
    build(raw, tmp_path / "data", jobs=1)
    manifest = tmp_path / "data" / "parquet" / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"items": 7', '"items": 8'))
    assert any("items" in p for p in check_dataset(tmp_path / "data"))


def test_rebuild_is_byte_identical(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(LETTERS, raw)
    a, b = build(raw, tmp_path / "a", jobs=1), build(raw, tmp_path / "b", jobs=1)
    assert a.build_id == b.build_id
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a" / "parquet").rglob("*.parquet"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b" / "parquet").rglob("*.parquet"))
    assert files_a == files_b and files_a
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files_a)


def test_rebuild_in_place_replaces_the_dataset(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(LETTERS / "y2016_basic.txt", raw)
    build(raw, tmp_path / "data", jobs=1)
    shutil.copy(LETTERS / "y2016_drugs.txt", raw)
    summary = build(raw, tmp_path / "data", jobs=1)
    assert summary.letters == 2
    assert len(list((tmp_path / "data" / "builds").iterdir())) == 1
    con = duckdb.connect(str(tmp_path / "data" / "imr.duckdb"), read_only=True)
    assert con.execute("select count(*) from letters").fetchone()[0] == 2


def test_duplicates_keep_the_first_in_path_order(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (LETTERS / "y2016_basic.txt").read_text()
    (raw / "a.txt").write_text(text)
    (raw / "b.txt").write_text(text)                                  # identical bytes
    (raw / "c.txt").write_text(text.replace("Decision rationale:", "Decision rationale: (re-issued)"))  # same case
    summary = build(raw, tmp_path / "data", jobs=1)
    assert (summary.letters, summary.reject_reasons["duplicate"]) == (1, 2)
    rejects = read_table(tmp_path / "data" / "parquet", "rejects")
    assert sorted(rejects["source_path"].to_list()) == ["b.txt", "c.txt"]
    assert all("a.txt" in d for d in rejects["detail"].to_list())
    items = read_table(tmp_path / "data" / "parquet", "items")
    assert items.height == 2    # the kept letter's items, once


def test_second_build_fails_fast_while_one_holds_the_lock(tmp_path, raw_dir):
    data = tmp_path / "data"
    data.mkdir()
    fd = os.open(data, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(BuildError, match="another build"):
            build(raw_dir, data, jobs=1)
    finally:
        os.close(fd)
    assert build(raw_dir, data, jobs=1).letters == 1


def test_parallel_build_gives_the_same_rows(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(LETTERS, raw)
    build(raw, tmp_path / "one", jobs=1, batch_size=3)
    build(raw, tmp_path / "two", jobs=2, batch_size=3)
    for table in TABLES:
        one = read_table(tmp_path / "one" / "parquet", table)
        two = read_table(tmp_path / "two" / "parquet", table)
        assert one.equals(two), table


def test_dask_engine_gives_the_same_rows_as_local(tmp_path):
    pytest.importorskip("distributed")
    raw = tmp_path / "raw"
    shutil.copytree(LETTERS, raw)
    build(raw, tmp_path / "local", jobs=1, batch_size=4)
    build(raw, tmp_path / "dask", batch_size=4, engine="dask")
    for table in TABLES:
        assert read_table(tmp_path / "local" / "parquet", table).equals(read_table(tmp_path / "dask" / "parquet", table)), table


def test_rebuild_extracts_only_new_letters_until_the_version_changes(tmp_path, monkeypatch):
    import pipeline.plan as plan_module

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("y2016_basic.txt", "y2016_drugs.txt"):
        shutil.copy(LETTERS / name, raw)
    first = build(raw, tmp_path / "data", jobs=1)
    shutil.copy(LETTERS / "y2015_mixed.txt", raw)
    second = build(raw, tmp_path / "data", jobs=1)
    assert (second.processed, second.letters, second.items) == (1, 3, first.items + 4)   # y2015_mixed has 4 items
    monkeypatch.setattr(plan_module, "EXTRACTOR_VERSION", "next")
    assert build(raw, tmp_path / "data", jobs=1).processed == 3


def test_the_pdf_and_the_text_of_one_letter_are_one_letter(tmp_path):
    from tests.pdfs import text_to_pdf

    raw = tmp_path / "raw"
    raw.mkdir()
    text = (LETTERS / "y2015_seedlike.txt").read_text()     # no case number to match on
    (raw / "seed.txt").write_text(text)
    text_to_pdf(text, raw / "seed.pdf")
    summary = build(raw, tmp_path / "data", jobs=1)
    assert (summary.letters, summary.reject_reasons["duplicate"]) == (1, 1)


def test_a_failed_build_leaves_no_staging_and_the_previous_dataset(tmp_path, raw_dir, monkeypatch):
    import pipeline.finish as finish_module

    data = tmp_path / "data"
    before = build(raw_dir, data, jobs=1)
    (data / "builds" / ".staging-99999").mkdir()                 # debris of a killed build
    monkeypatch.setattr(finish_module, "publish", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    shutil.copy(LETTERS / "y2016_drugs.txt", raw_dir)
    with pytest.raises(OSError):
        build(raw_dir, data, jobs=1)
    assert [p.name.split("-")[0] for p in (data / "builds").iterdir()] == [before.build_id]
    assert check_dataset(data) == []


@given(st.integers(min_value=1, max_value=3_000_000))
def test_batch_sizes_are_bounded_and_balanced(n):
    from pipeline.plan import BATCHES_PER_BUILD, MAX_BATCH, MIN_BATCH, POOL_MIN_FILES, batch_size_for

    size = batch_size_for(n)
    batches = -(-n // size)
    assert 1 <= size <= max(MAX_BATCH, POOL_MIN_FILES)
    assert size >= MIN_BATCH or batches == 1
    assert batches <= max(BATCHES_PER_BUILD, -(-n // MAX_BATCH))
    assert n - (batches - 1) * size > size - batches      # balanced: the last batch is nearly full
