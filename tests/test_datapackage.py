"""DATA/datapackage.json: a valid Frictionless Data Package that describes the files and tables as built."""
from __future__ import annotations

import copy
import json

import duckdb
import pyarrow.parquet as pq
import pytest
from frictionless import Package

from pipeline.datapackage import NAME
from schemas.tables import PARTITION_COLUMN, TABLES, polars_schema

TYPES = {"VARCHAR": "string", "BIGINT": "integer", "DOUBLE": "number", "BOOLEAN": "boolean", "DATE": "date"}


@pytest.fixture(scope="module")
def descriptor(seed_dataset) -> dict:
    return json.loads((seed_dataset / NAME).read_text(encoding="utf-8"))


def test_the_descriptor_validates(seed_dataset):
    report = Package.validate_descriptor(str(seed_dataset / NAME))
    assert report.valid, report.flatten(["message"])


def test_a_broken_descriptor_does_not(seed_dataset, tmp_path, descriptor):
    descriptor = copy.deepcopy(descriptor)
    descriptor["resources"][0]["schema"]["fields"][0]["type"] = "no-such-type"
    (tmp_path / NAME).write_text(json.dumps(descriptor))
    assert not Package.validate_descriptor(str(tmp_path / NAME)).valid


def test_build_facts_and_keys(seed_dataset, descriptor):
    manifest = json.loads((seed_dataset / "parquet" / "manifest.json").read_text())
    assert descriptor["imr"]["build_id"] == manifest["build_id"]
    assert descriptor["imr"]["extractor_version"] == manifest["extractor_version"]
    assert descriptor["sources"][0]["path"].startswith("https://www.dir.ca.gov/")
    package = Package(str(seed_dataset / NAME))
    keys = {r.name: r.schema.primary_key for r in package.resources}
    assert keys == {"letters": ["letter_id"], "items": ["letter_id", "item_number"],
                    "citations": ["letter_id", "item_number", "cited_by", "citation_number"], "rejects": []}
    assert package.get_resource("citations").schema.foreign_keys[0]["reference"]["resource"] == "items"


@pytest.mark.parametrize("table", list(TABLES))
def test_each_resource_matches_its_files_and_the_database(seed_dataset, descriptor, table):
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    fields = resource["schema"]["fields"]
    assert [f["name"] for f in fields] == polars_schema(TABLES[table]).names()
    assert all(f["description"] for f in fields)
    con = duckdb.connect(str(seed_dataset / "imr.duckdb"), read_only=True)
    try:
        types = dict(con.execute(f"select column_name, data_type from duckdb_columns() where table_name = '{table}'").fetchall())
        (rows,) = con.execute(f"select count(*) from {table}").fetchone()
    finally:
        con.close()
    for f in fields:
        assert f["type"] == ("array" if types[f["name"]].endswith("[]") else TYPES[types[f["name"]]]), f["name"]
    paths = resource["path"]
    assert paths and all(not p.startswith("/") and (seed_dataset / p).is_file() for p in paths)
    assert sum(pq.ParquetFile(seed_dataset / p).metadata.num_rows for p in paths) == rows
    for path, year in resource.get("partitions", {}).items():
        assert path.split("/")[2] == f"{PARTITION_COLUMN}={'__HIVE_DEFAULT_PARTITION__' if year is None else year}"


def test_coded_fields_carry_their_vocabulary(descriptor):
    items = next(r for r in descriptor["resources"] if r["name"] == "items")
    outcome = next(f for f in items["schema"]["fields"] if f["name"] == "outcome")
    assert outcome["constraints"]["enum"] == ["upheld", "overturned"] and set(outcome["codes"]) == {"upheld", "overturned"}
    total_mme = next(f for f in items["schema"]["fields"] if f["name"] == "total_mme")
    assert "MME" in total_mme["unit"] and total_mme["constraints"] == {"minimum": 0}
