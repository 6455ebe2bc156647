"""examples/queries.sql and examples/explore.py run against freshly built datasets."""
from __future__ import annotations

import re
import runpy
from pathlib import Path

import duckdb
import pytest


ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "examples" / "queries.sql"
NOTEBOOK = ROOT / "examples" / "explore.py"


def parse_queries(text: str) -> list[tuple[str, str, str]]:
    """[(slug, question, sql)]: each block starts with '-- name: <slug>', then '-- ' comment lines, then SQL."""
    out = []
    blocks = re.split(r"^-- name:[ \t]*(\S*)[ \t]*\n", text, flags=re.M)
    for slug, block in zip(blocks[1::2], blocks[2::2]):
        lines = block.strip().splitlines()
        question = " ".join(line[2:].strip() for line in lines if line.startswith("--"))
        sql = "\n".join(line for line in lines if not line.startswith("--")).strip()
        out.append((slug, question, sql))
    return out


QUERY_LIST = parse_queries(QUERIES.read_text(encoding="utf-8"))


def test_parser_reads_name_question_and_sql():
    got = parse_queries("-- header\n\n-- name: a-b\n-- What?\n-- More.\nSELECT 1;\n\n-- name: c\nSELECT 2;\n")
    assert got == [("a-b", "What? More.", "SELECT 1;"), ("c", "", "SELECT 2;")]


def test_a_dozen_named_documented_queries():
    slugs = [slug for slug, _, _ in QUERY_LIST]
    assert len(slugs) >= 12
    assert len(set(slugs)) == len(slugs), "duplicate query names"
    for slug, question, sql in QUERY_LIST:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug
        assert question, f"{slug}: no comment saying what it answers"
        assert len(duckdb.extract_statements(sql)) == 1, f"{slug}: not exactly one statement"


@pytest.mark.parametrize("dataset", ["default_data", "example_data", "empty_data"])
@pytest.mark.parametrize("slug, question, sql", QUERY_LIST, ids=[q[0] for q in QUERY_LIST])
def test_query_runs(request, dataset, slug, question, sql):
    data = request.getfixturevalue(dataset)
    con = duckdb.connect(str(data / "imr.duckdb"), read_only=True)
    try:
        con.execute(sql).fetchall()
    finally:
        con.close()


def test_queries_return_rows_on_the_example_dataset(example_data):
    con = duckdb.connect(str(example_data / "imr.duckdb"), read_only=True)
    try:
        empty = [slug for slug, _, sql in QUERY_LIST if not con.execute(sql).fetchall()]
    finally:
        con.close()
    # the example rows have a drug, an opioid MME, an MTUS section, a partial authorization, a retrospective
    # request, a decision date, a reviewer citation and a reject: a query that finds none of them is wrong
    assert empty == []


@pytest.mark.parametrize("dataset", ["default_data", "empty_data"])
def test_notebook_runs(request, monkeypatch, dataset):
    data = request.getfixturevalue(dataset)
    monkeypatch.setenv("IMR_DATA", str(data))
    ns = runpy.run_path(str(NOTEBOOK), run_name="__main__")
    con = duckdb.connect(str(data / "imr.duckdb"), read_only=True)
    try:
        n_items, n_letters = con.execute(
            "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM letters)").fetchone()
    finally:
        con.close()
    assert ns["joined"].height == n_items
    assert len(ns["items_pd"]) == n_items
    assert len(ns["letters_pd"]) == n_letters
    assert str(ns["letters_pd"]["decision_year"].dtype) == "Int64"


def test_notebook_is_percent_format():
    text = NOTEBOOK.read_text(encoding="utf-8")
    cells = re.findall(r"^# %%( \[markdown\])?$", text, flags=re.M)
    assert sum(1 for c in cells if c) >= 3 and sum(1 for c in cells if not c) >= 5
    assert 'os.environ.get("IMR_DATA", "data")' in text


def test_readme_code_runs(seed_dataset, tmp_path, monkeypatch):
    """The README's Python and SQL snippets run against a built dataset (data/ → the seed build)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (tmp_path / "data").symlink_to(seed_dataset)
    monkeypatch.chdir(tmp_path)
    for block in re.findall(r"```python\n(.*?)```", readme, flags=re.S):
        exec(compile(block, "README.md", "exec"), {})
    con = duckdb.connect(str(seed_dataset / "imr.duckdb"), read_only=True)
    for block in re.findall(r"```sql\n(.*?)```", readme, flags=re.S):
        for statement in filter(str.strip, block.split(";")):
            con.execute(statement).fetchall()
