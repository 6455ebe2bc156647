"""examples/queries.sql and examples/explore.py run against freshly built datasets."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import nbformat
import pytest
from nbclient import NotebookClient


ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "examples" / "queries.sql"
NOTEBOOK = ROOT / "examples" / "explore.ipynb"


def parse_queries(text: str) -> list[tuple[str, str, str]]:
    """[(slug, question, sql)]: each block starts with '-- name: <slug>', then '-- ' comment lines, then the
    shell's `.print` title, then SQL."""
    out = []
    blocks = re.split(r"^-- name:[ \t]*(\S*)[ \t]*\n", text, flags=re.M)
    for slug, block in zip(blocks[1::2], blocks[2::2]):
        lines = block.strip().splitlines()
        question = " ".join(line[2:].strip() for line in lines if line.startswith("--"))
        sql = "\n".join(line for line in lines if not line.startswith(("--", "."))).strip()
        out.append((slug, question, sql))
    return out


QUERY_LIST = parse_queries(QUERIES.read_text(encoding="utf-8"))


def test_parser_reads_name_question_and_sql():
    got = parse_queries("-- header\n\n-- name: a-b\n-- What?\n-- More.\nSELECT 1;\n\n-- name: c\nSELECT 2;\n")
    assert got == [("a-b", "What? More.", "SELECT 1;"), ("c", "", "SELECT 2;")]


def test_the_shell_titles_every_result(default_data):
    shell = subprocess.run([str(Path(sys.executable).with_name("duckdb")), "-readonly", str(default_data / "imr.duckdb")],
                           stdin=QUERIES.open(), capture_output=True, text=True, check=True)
    titles = re.findall(r"^== ([a-z0-9-]+): ", shell.stdout, flags=re.M)
    assert titles == [slug for slug, _, _ in QUERY_LIST] and not shell.stderr


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


def run_notebook(cwd: Path, env: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """examples/explore.ipynb executed by a fresh kernel whose working directory is `cwd`."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("IMR_DATA", raising=False)
        for key, value in (env or {}).items():
            mp.setenv(key, value)
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def outputs(nb: nbformat.NotebookNode, mime: str) -> list[str]:
    return [str(o["data"][mime]) for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if mime in o.get("data", {})]


@pytest.mark.parametrize("where", ["examples", "."])
def test_notebook_runs_from_any_directory_of_a_checkout(seed_dataset, tmp_path, where):
    """A checkout with a built data/: the notebook finds it from examples/ and from the root."""
    (tmp_path / "data").symlink_to(seed_dataset)
    (tmp_path / "examples").mkdir()
    nb = run_notebook(tmp_path / where)
    assert len(outputs(nb, "application/vnd.plotly.v1+json")) >= 2
    assert len(outputs(nb, "text/html")) >= 6   # the tables
    assert any("decision_year" in text and "Int64" in text for text in outputs(nb, "text/plain"))


def test_notebook_runs_on_an_empty_dataset(empty_data, tmp_path):
    nb = run_notebook(tmp_path, {"IMR_DATA": str(empty_data)})
    assert len(outputs(nb, "application/vnd.plotly.v1+json")) >= 2


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= 5


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
