"""A DATA directory works wherever it is: copied, moved, tarred, or built under a path holding glob
characters or a `key=value` folder; the DuckDB shell, Python duckdb, polars, pandas and `imr` all read it."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.build import build
from pipeline.cli import main
from pipeline.readback import linked_parts

ROOT = Path(__file__).resolve().parents[1]
DUCKDB_SHELL = Path(sys.executable).with_name("duckdb")


def readme_python(data: Path) -> dict:
    """Run the README's Python blocks with `DATA = "data"` pointing at `data`; their namespace."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ns: dict = {}
    for block in re.findall(r"```python\n(.*?)```", readme, flags=re.S):
        exec(compile(block.replace('DATA = "data"', f"DATA = {str(data)!r}"), "README.md", "exec"), ns)
    return ns


def years_everywhere(data: Path) -> dict[str, list]:
    """Sorted decision_year of every item, as DuckDB (Python and shell), polars and pandas read it."""
    con = duckdb.connect(str(data / "imr.duckdb"), read_only=True)
    try:
        via_db = [r[0] for r in con.execute("select decision_year from items order by 1 nulls first").fetchall()]
    finally:
        con.close()
    shell = subprocess.run([str(DUCKDB_SHELL), "-readonly", "-csv", "-noheader", str(data / "imr.duckdb"),
                            "-c", "select coalesce(decision_year::varchar, 'NULL') from items order by decision_year nulls first"],
                           capture_output=True, text=True, check=True).stdout.split()
    ns = readme_python(data)
    via_polars = ns["items"].select("decision_year").collect()["decision_year"].sort(nulls_last=False).to_list()
    pandas_years = ns["items_pd"]["decision_year"]
    via_pandas = sorted((None if pd.isna(y) else int(y) for y in pandas_years), key=lambda y: (y is not None, y or 0))
    return {"duckdb": via_db, "shell": [None if v == "NULL" else int(v) for v in shell],
            "polars": via_polars, "pandas": via_pandas}


def copy_data(source: Path, target: Path) -> Path:
    """`cp -a`: symlinks stay symlinks (DATA/parquet is a relative link into DATA/builds)."""
    shutil.copytree(source, target, symlinks=True)
    return target


def test_a_copied_dataset_works_after_the_original_is_gone(seed_dataset, tmp_path):
    original = copy_data(seed_dataset, tmp_path / "original")
    expected = years_everywhere(original)
    moved = copy_data(original, tmp_path / "elsewhere" / "copy")
    shutil.rmtree(original)
    got = years_everywhere(moved)
    assert got == expected and len(set(map(tuple, got.values()))) == 1
    runner = CliRunner()
    for args in (["check", str(moved)], ["stats", str(moved)],
                 ["report", str(moved), "--out", str(tmp_path / "r.html")]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output)


def test_a_tarred_dataset_opens_where_it_is_unpacked(seed_dataset, tmp_path):
    archive = tmp_path / "data.tar"
    with tarfile.open(archive, "w") as tar:
        tar.add(seed_dataset, arcname="data")
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path / "colleague", filter="tar")
    got = years_everywhere(tmp_path / "colleague" / "data")
    assert len(got["duckdb"]) == 21 and len(set(map(tuple, got.values()))) == 1


# Each DATA path sits beside decoy datasets its characters would match as a glob (gx/d, ga/d).
ODD_PATHS = ["g*/d", "g?/d", "g[a]/d", "g\\x/d", "decision_year=1999/d", "it's/d", "sp ace/d"]


@pytest.mark.parametrize("relative", ODD_PATHS)
def test_a_dataset_under_an_odd_path_reads_only_itself(seed_dataset, raw_dir, tmp_path, relative):
    for decoy in ("gx", "ga"):
        copy_data(seed_dataset, tmp_path / decoy / "d")
    data = tmp_path / relative
    summary = build(raw_dir, data, jobs=1)
    assert (summary.letters, summary.items) == (1, 2)
    got = years_everywhere(data)
    assert got == {tool: [2016] * 2 for tool in got}
    result = CliRunner().invoke(main, ["check", str(data)])
    assert result.exit_code == 0 and result.output.startswith("OK"), result.output
    rebuilt = build(raw_dir, data, jobs=1)   # the append path reads the published parts back
    assert (rebuilt.mode, rebuilt.letters) == ("unchanged", 1)


@pytest.mark.parametrize("scratch", ["g*", "g?", "g[a]", "g{a,b}", "g\\x", "decision_year=1999"])
def test_the_database_load_refuses_a_scratch_folder_duckdb_would_misread(seed_dataset, tmp_path, scratch):
    with pytest.raises(ValueError, match="glob"):
        linked_parts(seed_dataset / "parquet", "items", tmp_path / scratch)


def test_the_database_load_links_part_files_under_hive_folders(seed_dataset, tmp_path):
    parts = sorted((seed_dataset / "parquet" / "items").rglob("*.parquet"))
    scratch = tmp_path / "sp ace"
    links = [Path(p) for p in linked_parts(seed_dataset / "parquet", "items", scratch)]
    assert [p.relative_to(scratch).parts[:2] for p in links] == [("items", p.parent.name) for p in parts]
    assert [p.resolve() for p in links] == [p.resolve() for p in parts]


@pytest.mark.parametrize("damage", ["no database", "corrupt database", "no parquet"])
@pytest.mark.parametrize("command", ["stats", "report", "check", "sql"])
def test_a_damaged_copy_fails_in_one_line(seed_dataset, tmp_path, damage, command):
    data = copy_data(seed_dataset, tmp_path / "data")
    if damage == "no parquet":
        shutil.rmtree((data / "parquet").resolve())
    else:
        (data / "imr.duckdb").unlink()
        if damage == "corrupt database":
            (data / "imr.duckdb").write_bytes(b"not a database" * 100)
    args = [command, str(data)] + (["--out", str(tmp_path / "r.html")] if command == "report" else [])
    args += ["-c", "select 1"] if command == "sql" else []
    result = CliRunner().invoke(main, args)
    if damage == "no parquet" and command != "check":
        assert result.exit_code == 0, result.output   # the database holds the data itself
        return
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
