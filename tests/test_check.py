"""`imr check` finds a damaged dataset: each test damages a copy of one small build and expects one line naming it."""
from __future__ import annotations

import json
import os
import re
import shutil

import polars as pl
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.build import build
from pipeline.check import check_dataset
from pipeline.cli import main
from pipeline.readback import part_files
from schemas.tables import TABLES
from tests.conftest import LETTERS

BASIC = (LETTERS / "y2016_basic.txt").read_text()
ODD_AGE = re.sub(r"is a \d+[ -]year[ -]old", "is a 150 year old", (LETTERS / "y2016_compound.txt").read_text(), count=1)
INPUTS = {
    "good.txt": (LETTERS / "y2016_drugs.txt").read_text(),
    "one-bad-item.txt": BASIC.replace("for the left knee: Overturned", "for the left knee: Pending"),   # item reject
    "odd-age.txt": ODD_AGE,                                   # a value reject (patient_age nulled)
    "seed.txt": (LETTERS / "y2015_mixed.txt").read_text(),    # no decision date: the null partition
    "zz-copy.txt": (LETTERS / "y2016_drugs.txt").read_text(),  # a duplicate of good.txt
    "empty.txt": "",                                          # a file-level reject
}
OTHER = "f" * 16


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    raw = tmp_path_factory.mktemp("raw")
    for name, text in INPUTS.items():
        (raw / name).write_text(text)
    data = tmp_path_factory.mktemp("built") / "data"
    build(raw, data, jobs=1)
    return data


@pytest.fixture
def data(built, tmp_path):
    """A private copy of the built dataset to damage (the parquet symlink is relative: the copy is whole)."""
    return shutil.copytree(built, tmp_path / "data", symlinks=True)


def _rewrite(data, table, change, first_part_only=False):
    """Apply change(frame) to every part file of a table (or to its first)."""
    for path in part_files(data / "parquet", table)[:1 if first_part_only else None]:
        pq.write_table(change(pl.read_parquet(path, hive_partitioning=False)).to_arrow(), path)


def _first_row(column, value):
    """change(): the first row's `column` set to `value` (with first_part_only: one row of the table)."""
    return lambda df: df.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(value, df.schema[column]))
                                      .otherwise(pl.col(column)).alias(column))


def _where(column, equals, target, value):
    return lambda df: df.with_columns(pl.when(pl.col(column) == equals).then(pl.lit(value)).otherwise(pl.col(target))
                                      .alias(target))


def _edit_manifest(data, edit):
    path = data / "parquet" / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


def _remove_letter(data):
    """good.txt's letter gone from every table, the manifest's counts edited to match."""
    letters = pl.read_parquet(part_files(data / "parquet", "letters")[0], hive_partitioning=False)
    letter_id = next(lid for p in part_files(data / "parquet", "letters")
                     for lid, src in pl.read_parquet(p, hive_partitioning=False).select("letter_id", "source_path").rows()
                     if src == "good.txt")
    removed = {}
    for table in ("letters", "items", "citations"):
        removed[table] = 0
        for path in part_files(data / "parquet", table):
            df = pl.read_parquet(path, hive_partitioning=False)
            kept = df.filter(pl.col("letter_id") != letter_id)
            removed[table] += df.height - kept.height
            pq.write_table(kept.to_arrow(), path)
    assert letters.height and removed["letters"] == 1

    def edit(manifest):
        for table, n in removed.items():
            manifest["counts"][table] -= n
        manifest["counts"]["files"] -= 1
    _edit_manifest(data, edit)


def _move_partition(data):
    """The letters part file of decision_year=2016 moved under decision_year=2015."""
    folder = next(p.parent for p in part_files(data / "parquet", "letters") if p.parent.name == "decision_year=2016")
    folder.rename(folder.with_name("decision_year=2015"))


DAMAGES = {
    # name: (damage(data), what the one line says)
    "orphan citation": (lambda d: _rewrite(d, "citations", _first_row("item_number", 99), first_part_only=True),
                        "citations: 1 rows whose (letter_id, item_number) is not in items"),
    "orphan item": (lambda d: _rewrite(d, "items", _first_row("letter_id", OTHER), first_part_only=True),
                    "items: 1 rows whose (letter_id) is not in letters"),
    "orphan item reject": (lambda d: _rewrite(d, "rejects", _where("reason", "unreadable_outcome", "letter_id", OTHER)),
                           "rejects: 1 rows whose (letter_id) is not in letters"),
    "orphan value reject": (lambda d: _rewrite(d, "rejects", _where("reason", "implausible_value", "letter_id", OTHER)),
                            "rejects: 1 rows whose (letter_id) is not in letters"),
    "wrong partition folder": (_move_partition, "letters: 3 rows under a decision_year= folder that is not their decision_date's year"),
    "state outside states.csv": (lambda d: _rewrite(d, "letters", _first_row("reviewer_licensure", ["CA", "ZZ"]), first_part_only=True),
                                 "usps_states"),
    "letter removed, counts edited": (_remove_letter, "manifest inputs: 1 files with neither a letter nor a file-level reject, e.g. good.txt"),
    "input missing from the manifest": (lambda d: _edit_manifest(d, lambda m: m["inputs"].pop("empty.txt")),
                                        "letters and rejects: 1 files not in the manifest's inputs, e.g. empty.txt"),
    "sha256 not the manifest's": (lambda d: _rewrite(d, "letters", _where("source_path", "good.txt", "sha256", "0" * 64)),
                                  "letters: 1 rows whose sha256 is not the manifest's, e.g. good.txt"),
}


def test_the_built_dataset_is_sound(built):
    assert check_dataset(built) == []


@pytest.mark.parametrize("damage, line", DAMAGES.values(), ids=DAMAGES.keys())
def test_check_reports_the_damage_in_one_line(data, damage, line):
    damage(data)
    problems = check_dataset(data)
    assert any(line in p for p in problems), problems
    assert all("\n" not in p for p in problems)


VOCABULARY_COLUMNS = [(table, name) for table, model in TABLES.items()
                      for name, col in model.to_schema().columns.items() if any(c.name == "isin" for c in col.checks)]


@pytest.mark.parametrize("table, column", VOCABULARY_COLUMNS, ids=[f"{t}.{c}" for t, c in VOCABULARY_COLUMNS])
def test_check_reports_a_value_outside_its_vocabulary(data, table, column):
    _rewrite(data, table, _first_row(column, "not_a_code"), first_part_only=True)
    problems = check_dataset(data)
    assert any(p.startswith(f"{table}: 1 schema failures") and column in p and "isin" in p for p in problems), problems


def test_no_false_fail_while_a_build_publishes(data, tmp_path, monkeypatch):
    """DATA/current swapped to another build after check started: it still reads one build, whole."""
    import pipeline.check

    other = tmp_path / "other"
    (tmp_path / "raw2").mkdir()
    (tmp_path / "raw2" / "one.txt").write_text(BASIC)
    build(tmp_path / "raw2", other, jobs=1)
    target = os.readlink(other / "current")
    shutil.copytree(other / target, data / target)
    read_table, swapped = pipeline.check.read_table, []

    def publish_meanwhile(parquet, table, *args):
        if not swapped:
            os.symlink(target, data / "current.new")
            os.replace(data / "current.new", data / "current")
            swapped.append(table)
        return read_table(parquet, table, *args)

    monkeypatch.setattr(pipeline.check, "read_table", publish_meanwhile)
    assert check_dataset(data) == [] and swapped


@pytest.mark.parametrize("manifest", ["not json {", "[1, 2]", '{"counts": {}}',
                                      '{"counts": {"files": 1, "letters": 1, "items": 1, "citations": 1, "rejects": 1},'
                                      ' "inputs": {"a.txt": "sha"}}'],
                         ids=["not json", "a list", "no counts", "bad inputs"])
def test_a_garbage_manifest_is_one_line(data, manifest):
    (data / "parquet" / "manifest.json").write_text(manifest)
    result = CliRunner().invoke(main, ["check", str(data)])
    assert result.exit_code == 1 and result.exception is not None and isinstance(result.exception, SystemExit)
    fails = [line for line in result.output.splitlines() if not line.startswith("WARN ")]
    assert len(fails) == 1 and fails[0].startswith("FAIL manifest ")


def test_check_of_a_missing_data_dir_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and result.output == f"FAIL no dataset at {tmp_path / 'nowhere'}\n"


def test_check_json(data):
    _rewrite(data, "items", _first_row("letter_id", OTHER), first_part_only=True)
    result = CliRunner().invoke(main, ["check", str(data), "--json"])
    report = json.loads(result.output)
    assert result.exit_code == 1 and report["ok"] is False
    assert any("items: 1 rows whose (letter_id) is not in letters" in p for p in report["problems"])
