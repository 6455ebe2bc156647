"""The data dictionary is generated from the models, committed, and kept current."""
from __future__ import annotations

import re
from pathlib import Path

import pandera.polars as pa
import pytest
from click.testing import CliRunner

from pipeline import dictionary
from schemas.codes import read_rows, vocabulary
from schemas.tables import TABLES, Items

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "docs" / "data-dictionary.md"


def sections(text: str) -> dict[str, str]:
    """{'## heading' title: body} of a Markdown text."""
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def test_committed_dictionary_is_current():
    assert COMMITTED.read_text(encoding="utf-8") == dictionary.render(), (
        "docs/data-dictionary.md is out of date: run `imr dictionary`")


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_has_a_row_in_its_table_section(table):
    body = sections(dictionary.render())[table]
    rows = re.findall(r"^\| `(\w+)` \|", body, flags=re.M)
    assert rows == list(TABLES[table].to_schema().columns)


@pytest.mark.parametrize("table, column, cell", [
    ("letters", "patient_age", "≥ 14; ≤ 100"),
    ("letters", "decision_date", "≥ 2013-01-01; ≤ today + 1 year"),
    ("letters", "date_of_injury", "≥ 1950-01-01; ≤ today + 1 year"),
    ("letters", "reviewer_licensure", "each a code of schemas/codes/states.csv"),
    ("rejects", "field", "`String` | `VARCHAR` | yes"),
    ("letters", "letter_id", "unique; matches `^[0-9a-f]{16}$`"),
    ("letters", "sha256", "64 characters"),
    ("items", "outcome", "[outcome](#vocabulary-outcome): `upheld`, `overturned`"),
    ("citations", "source", "[guideline_source](#vocabulary-guideline_source): `MTUS`"),
    ("items", "strength_values", "`List(Float64)` | `DOUBLE[]` | yes"),
])
def test_column_rows_show_types_and_checks(table, column, cell):
    row = next(line for line in sections(dictionary.render())[table].splitlines()
               if line.startswith(f"| `{column}` |"))
    assert cell in row


def test_vocabulary_links_point_at_vocabulary_headings():
    text = dictionary.render()
    links = set(re.findall(r"\]\(#(vocabulary-\w+)\)", text))
    headings = {f"vocabulary-{name}" for name in re.findall(r"^### Vocabulary `(\w+)`$", text, flags=re.M)}
    assert links and links <= headings


def test_partitioning_and_joins_are_described():
    text = sections(dictionary.render())
    assert "`letters` and `items` are Hive-partitioned by `decision_year`" in text["Files and partitioning"]
    assert "`items.letter_id = citations.letter_id` and `items.item_number = citations.item_number`" in (
        text["How the tables join"])


@pytest.mark.parametrize("join", dictionary.JOINS, ids=lambda j: f"{j.left}-{j.right}")
def test_join_keys_exist_in_both_tables(join):
    for table in (join.left, join.right):
        assert set(join.keys) <= set(TABLES[table].to_schema().columns), table


@pytest.mark.parametrize("table", list(TABLES))
def test_examples_are_valid_rows_of_their_table(table):
    TABLES[table].validate(dictionary.example_frame(table))


def test_examples_csv_names_only_existing_columns_and_covers_all():
    listed = {(r["table"], r["column"]) for r in read_rows("examples")}
    declared = {(t, c) for t, m in TABLES.items() for c in m.to_schema().columns}
    assert listed - declared == set(), "examples.csv rows for columns that no model declares"
    assert declared - listed == set(), "columns without an example: add them to schemas/codes/examples.csv"


def test_a_changed_description_makes_the_dictionary_out_of_date(monkeypatch, tmp_path):
    class Changed(Items):
        outcome: str = pa.Field(isin=vocabulary("outcome"), description="A CHANGED DESCRIPTION.")

    Changed.__doc__ = Items.__doc__
    out = tmp_path / "dd.md"
    out.write_text(dictionary.render(), encoding="utf-8")
    monkeypatch.setitem(TABLES, "items", Changed)
    text = dictionary.render()
    assert "| `outcome` | `String` | `VARCHAR` | no |  | A CHANGED DESCRIPTION. |" in text
    assert text != COMMITTED.read_text(encoding="utf-8")
    result = CliRunner().invoke(dictionary.dictionary, ["--out", str(out), "--check"])
    assert result.exit_code == 1
    assert "out of date" in result.output


def test_field_metadata_example_wins_over_the_csv(monkeypatch):
    class Changed(Items):
        drug: str = pa.Field(nullable=True, description="Drug.", metadata={"example": "Percocet"})

    monkeypatch.setitem(TABLES, "items", Changed)
    assert next(c for c in dictionary.columns("items") if c.name == "drug").example == "Percocet"


def test_cli_writes_then_checks(tmp_path):
    out = tmp_path / "docs" / "dd.md"
    runner = CliRunner()
    assert runner.invoke(dictionary.dictionary, ["--out", str(out), "--check"]).exit_code == 1
    result = runner.invoke(dictionary.dictionary, ["--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == dictionary.render()
    assert runner.invoke(dictionary.dictionary, ["--out", str(out), "--check"]).exit_code == 0
    out.write_text(out.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    assert runner.invoke(dictionary.dictionary, ["--out", str(out), "--check"]).exit_code == 1
