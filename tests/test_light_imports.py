"""The build process stays light: it plans, supervises and publishes, and imports none of what only the
workers run (extractors, PDF text, row building); `imr --help` imports no data library at all."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import LazyGroup, main

LETTERS = Path(__file__).parent / "letters"

WORKER_ONLY = ("pipeline.batch", "pipeline.readahead", "pipeline.ingest", "pipeline.rows", "pipeline.extract",
               "pipeline.layouts", "pipeline.patterns", "pipeline.clean", "pypdfium2")
DATA_LIBRARIES = ("polars", "pyarrow", "pandera", "pandas", "duckdb", "plotly", "rich")


def _imported(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code`."""
    done = subprocess.run([sys.executable, "-c", f"{code}\nimport sys; print(*sys.modules, file=sys.stderr)"],
                          capture_output=True, text=True, check=True)
    return set(done.stderr.split())


@pytest.mark.parametrize("code, absent, present", [
    ("import pipeline.build", WORKER_ONLY + ("pandas",), ("pipeline.plan", "pipeline.runner", "pipeline.finish")),
    ("import pipeline.pool", WORKER_ONLY, ("pipeline.workers",)),
    ("from pipeline.cli import main\ntry: main(['--help'])\nexcept SystemExit: pass",
     WORKER_ONLY + DATA_LIBRARIES + ("pipeline.build",), ("click",)),
    ("import pipeline.tasks, pipeline.workers, pipeline.inputs", WORKER_ONLY + DATA_LIBRARIES, ()),
    # what the forkserver preloads holds everything a worker runs
    ("from pipeline.workers import PRELOAD\nfor m in PRELOAD: __import__(m)",
     ("pipeline.build", "pipeline.runner", "pipeline.finish", "duckdb"),
     ("pipeline.batch", "pipeline.extract.letter", "pipeline.rows", "pypdfium2", "pandera")),
])
def test_who_imports_what(code, absent, present):
    modules = _imported(code)
    assert sorted(m for m in modules if m.startswith(tuple(f"{a}." for a in absent)) or m in absent) == []
    assert set(present) <= modules


@pytest.mark.parametrize("name", sorted(LazyGroup.LAZY))
def test_a_lazy_commands_listed_help_is_its_docstring(name):
    assert LazyGroup.LAZY[name][1] == main.get_command(None, name).help


def test_the_worker_server_is_warm_a_batch_imports_nothing_more(tmp_path):
    """What the forkserver preloads has run a letter through a batch: a worker's first batch imports no
    module (pandas and hypothesis included: nothing a worker runs needs them)."""
    (tmp_path / "raw").mkdir()
    shutil.copy(LETTERS / "blind2_CM16-0705512.txt", tmp_path / "raw" / "a.txt")
    code = ("from pipeline.workers import PRELOAD\nfor m in PRELOAD: __import__(m)\nimport sys\n"
            "before = set(sys.modules)\nfrom pipeline.batch import process_batch\n"
            f"result = process_batch(['a.txt'], {str(tmp_path / 'raw')!r}, {str(tmp_path / 'parquet')!r}, 'b')\n"
            "assert result.rows['items'] >= 1, result\n"
            "print(*sorted(set(sys.modules) - before), sep='\\n')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []
    preloaded = _imported("from pipeline.workers import PRELOAD\nfor m in PRELOAD: __import__(m)")
    assert not {"pandas", "hypothesis"} & preloaded
    # the warm-up letter (its import warms the process, so not in this one) is a letter with its two items
    subprocess.run([sys.executable, "-c", "from pipeline.warm import LETTER\nfrom pipeline.extract.letter import "
                    "extract_letter\nassert [i.drug for i in extract_letter(LETTER).items] == ['Norco', None]"], check=True)


def _polars_threads(queue) -> None:
    import polars as pl

    queue.put(pl.thread_pool_size())


def test_workers_run_polars_on_one_thread_and_leave_the_callers_environment_alone():
    from pipeline import workers

    before = dict(os.environ)
    ctx = workers.context()
    queue = ctx.Queue()
    worker = ctx.Process(target=_polars_threads, args=(queue,))
    worker.start()
    try:
        assert queue.get(timeout=60) == 1
    finally:
        worker.join(timeout=60)
    assert dict(os.environ) == before


def test_a_batch_validates_on_the_in_memory_engine_and_leaves_the_setting_alone(tmp_path, monkeypatch):
    """A batch's ~300 small validation queries run on polars' in-memory engine (the streaming engine's
    start-up per query was half of a batch's validation); the process's own setting is restored after."""
    import polars as pl

    from pipeline import batch

    (tmp_path / "raw").mkdir()
    shutil.copy(LETTERS / "blind2_CM16-0705512.txt", tmp_path / "raw" / "a.txt")
    seen = []
    validated = batch._validated
    monkeypatch.setattr(batch, "_validated", lambda frames: seen.append(pl.Config.state()["POLARS_ENGINE_AFFINITY"])
                        or validated(frames))
    before = pl.Config.state()["POLARS_ENGINE_AFFINITY"]
    result = batch.process_batch(["a.txt"], str(tmp_path / "raw"), str(tmp_path / "parquet"), "b")
    assert result.rows["items"] >= 1
    assert seen == ["in-memory"]
    assert pl.Config.state()["POLARS_ENGINE_AFFINITY"] == before


def test_the_database_step_imports_no_pandas(seed_dataset, tmp_path):
    """The database is written with its values as SQL literals: DuckDB's Python client imports pandas on the
    first bound parameter, a quarter of a second of the build's serial last step."""
    code = ("from pathlib import Path\nfrom pipeline.load import write_database\n"
            f"write_database(Path({str(tmp_path / 'imr.duckdb')!r}), Path({str(seed_dataset / 'parquet')!r}))")
    modules = _imported(code)
    assert "duckdb" in modules
    assert "pandas" not in modules
