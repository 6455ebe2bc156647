"""A hostile corpus or user must never crash, hang, stall the build or delete anything.

Faults inside a worker are injected with IMR_FAULT=<kind>:<part of a file name> (pipeline.batch._inject):
`sigkill` (what the OOM killer does), `abort` (what a crash in pdfium does), `hang` (stuck in C code, no
CPU), `spin` (a Python loop that never ends).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import duckdb
import pytest

from pipeline.batch import Limits
from pipeline.build import BuildError, build
from pipeline.check import check_dataset
from pipeline.readback import read_table
from tests.conftest import LETTERS, ROOT

GOOD = (LETTERS / "y2016_basic.txt").read_text()


def _letters(raw, n, start=0, name="l"):
    raw.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (raw / f"{name}{i:04d}.txt").write_text(GOOD.replace("CM16-0904417", f"CM16-09{i:05d}") + f"\ncopy {i}\n")
    return raw


def _rejects(data):
    return {r["source_path"]: r for r in read_table(data / "parquet", "rejects").to_dicts()}


# ---------------------------------------------------------------- 1. RAW and DATA never overlap
@pytest.mark.parametrize("raw, data", [
    ("s", "s"),                        # DATA == RAW
    ("raw", "raw/out"),                # DATA inside RAW
    ("data/builds/mine", "data"),      # RAW inside a folder the build replaces
    ("data/parquet/mine", "data"),
], ids=["same", "data-inside-raw", "raw-inside-builds", "raw-inside-parquet"])
def test_overlapping_raw_and_data_are_refused_before_anything_is_touched(tmp_path, raw, data):
    raw = _letters(tmp_path / raw, 2)
    (raw / "parquet").mkdir()
    (raw / "parquet" / "notes.txt").write_text("mine")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(BuildError, match="RAW|DATA"):
        build(raw, tmp_path / data, jobs=1)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_raw_reached_through_a_symlink_into_the_published_build_is_refused(tmp_path):
    raw = _letters(tmp_path / "raw", 2)
    data = tmp_path / "data"
    build(raw, data, jobs=1)
    with pytest.raises(BuildError, match="RAW"):
        build(data / "parquet", data, jobs=1)
    assert check_dataset(data) == []


def test_raw_as_an_ordinary_folder_of_data_is_allowed(tmp_path):
    """The default layout: RAW=data/raw beside data/parquet."""
    raw = _letters(tmp_path / "data" / "raw", 2)
    assert build(raw, tmp_path / "data", jobs=1).letters == 2


def test_a_foreign_parquet_folder_in_data_is_not_deleted(tmp_path):
    raw = _letters(tmp_path / "raw", 1)
    data = tmp_path / "data"
    (data / "parquet").mkdir(parents=True)
    (data / "parquet" / "mine.parquet").write_text("x")
    with pytest.raises(BuildError, match="not made by imr"):
        build(raw, data, jobs=1)
    assert (data / "parquet" / "mine.parquet").read_text() == "x"


# ---------------------------------------------------------------- 2. a dead worker never hangs the build
@pytest.mark.parametrize("fault, reason, detail", [
    ("sigkill", "worker_crashed", "SIGKILL"),
    ("abort", "worker_crashed", "SIGABRT"),
], ids=["sigkill", "abort"])
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_that_kills_its_worker_becomes_a_reject_and_the_rest_lands(tmp_path, monkeypatch, fault, reason,
                                                                          detail, jobs):
    raw = _letters(tmp_path / "raw", 6)
    shutil.copy(raw / "l0003.txt", raw / "poison.txt")
    (raw / "poison.txt").write_text(GOOD.replace("CM16-0904417", "CM16-0999999"))
    monkeypatch.setenv("IMR_FAULT", f"{fault}:poison")
    summary = build(raw, tmp_path / "data", jobs=jobs, batch_size=3)
    rejects = _rejects(tmp_path / "data")
    assert (summary.letters, summary.files) == (6, 7)
    assert rejects["poison.txt"]["reason"] == reason and detail in rejects["poison.txt"]["detail"]
    assert check_dataset(tmp_path / "data") == []


def test_a_worker_killed_from_outside_mid_build_does_not_hang_it(tmp_path):
    """SIGKILL to the worker process while the build runs (as the OOM killer would): the build still ends,
    and the file the worker was on is the only one missing."""
    raw = _letters(tmp_path / "raw", 30)
    (raw / "slow.txt").write_text(GOOD)
    env = {**os.environ, "IMR_FAULT": "hang:slow"}
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--raw", str(raw), "--data",
                             str(tmp_path / "data"), "--jobs", "1", "--hard-seconds", "3"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline, workers = time.monotonic() + 60, []
    while not workers and time.monotonic() < deadline:       # workers are children of the build's forkserver
        workers = [w for child in _children(proc.pid) for w in _children(child)]
        time.sleep(0.2)
    assert workers, "no worker found"
    time.sleep(0.5)
    os.kill(workers[0], 9)
    assert proc.wait(timeout=120) == 0, proc.stdout.read().decode()
    assert _rejects(tmp_path / "data")["slow.txt"]["reason"] in {"worker_crashed", "too_slow"}
    assert read_table(tmp_path / "data" / "parquet", "letters").height == 30


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


# ---------------------------------------------------------------- 3. no file stalls the build
@pytest.mark.parametrize("fault, limits", [
    ("spin", Limits(cpu_seconds=0.5, hard_seconds=60)),     # Python code over the CPU budget
    ("hang", Limits(cpu_seconds=0.5, hard_seconds=1.5)),    # stuck without CPU: the wall limit kills the worker
], ids=["cpu", "wall"])
def test_a_file_over_its_time_budget_becomes_too_slow(tmp_path, monkeypatch, fault, limits):
    raw = _letters(tmp_path / "raw", 3)
    (raw / "stall.txt").write_text(GOOD.replace("CM16-0904417", "CM16-0999999"))
    monkeypatch.setenv("IMR_FAULT", f"{fault}:stall")
    summary = build(raw, tmp_path / "data", jobs=1, limits=limits)
    assert summary.letters == 3
    assert _rejects(tmp_path / "data")["stall.txt"]["reason"] == "too_slow"


def test_a_worker_over_its_memory_cap_is_stopped(tmp_path, monkeypatch):
    raw = _letters(tmp_path / "raw", 3)
    (raw / "bomb.txt").write_text(GOOD)
    monkeypatch.setenv("IMR_FAULT", "hang:bomb")       # held still while its memory is measured: any cap below RSS
    summary = build(raw, tmp_path / "data", jobs=1, limits=Limits(max_memory=16 << 20, hard_seconds=60))
    assert summary.files == 4
    reasons = {r["reason"] for r in _rejects(tmp_path / "data").values()}
    assert reasons == {"too_large"}


# ---------------------------------------------------------------- 6, 7. publishing is one step, or nothing
def test_a_full_rebuild_of_unchanged_input_never_renames_the_live_build_away(tmp_path, monkeypatch):
    import pipeline.publish as publish_module

    raw = _letters(tmp_path / "raw", 3)
    data = tmp_path / "data"
    first = build(raw, data, jobs=1)
    live = (data / "current").resolve()
    renames = []
    real = publish_module.Path.rename
    monkeypatch.setattr(publish_module.Path, "rename", lambda self, t: renames.append(self) or real(self, t))
    second = build(raw, data, jobs=1, append=False)
    assert second.build_id == first.build_id
    assert live not in renames and all(p.name.startswith(".staging-") for p in renames)


def test_a_database_that_cannot_be_written_publishes_nothing_and_leaves_nothing(tmp_path, monkeypatch):
    import pipeline.finish as finish_module

    raw = _letters(tmp_path / "raw", 2)
    data = tmp_path / "data"
    build(raw, data, jobs=1)
    _letters(raw, 1, start=2)

    def disk_full(database, parquet):
        database.with_name(f".{database.name}.1.tmp").write_bytes(b"half")
        raise duckdb.IOException("Could not write file: No space left on device")

    monkeypatch.setattr(finish_module, "write_database", disk_full)
    with pytest.raises(BuildError, match="could not write the database"):
        build(raw, data, jobs=1)
    assert read_table(data / "parquet", "letters").height == 2
    with duckdb.connect(str(data / "imr.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from letters").fetchone() == (2,)
    assert len(list((data / "builds").iterdir())) == 1
    assert not list(data.rglob("*.tmp"))
    assert check_dataset(data) == []


def test_leftovers_of_killed_builds_are_cleaned_by_the_next(tmp_path):
    raw = _letters(tmp_path / "raw", 2)
    data = tmp_path / "data"
    build(raw, data, jobs=1)
    (data / "builds" / ".staging-99999" / "parquet").mkdir(parents=True)
    (data / "builds" / "0123456789abcdef-deadbeef").mkdir()          # renamed in, never made current
    (data / ".imr.duckdb.4242.tmp").write_bytes(b"half")
    os.symlink("nowhere", data / ".current.4242.link")
    _letters(raw, 1, start=2)
    build(raw, data, jobs=1)
    assert len(list((data / "builds").iterdir())) == 1
    assert not [p for p in data.iterdir() if p.name.startswith(".") and p.name != ".lock"]


def test_a_read_only_data_can_be_rebuilt_when_nothing_changed(tmp_path):
    raw = _letters(tmp_path / "raw", 2)
    data = tmp_path / "data"
    build(raw, data, jobs=1)
    if os.geteuid() == 0:
        pytest.skip("root writes to read-only folders")     # pragma: no cover - CI runs as root
    data.chmod(0o555)
    try:
        assert build(raw, data, jobs=1).mode == "unchanged"
    finally:
        data.chmod(0o755)


def test_the_lock_needs_no_write_permission(tmp_path):
    """The lock is taken on the DATA folder itself: nothing is created for it."""
    raw = _letters(tmp_path / "raw", 2)
    data = tmp_path / "data"
    build(raw, data, jobs=1)
    before = sorted(p.name for p in data.iterdir())
    assert build(raw, data, jobs=1).mode == "unchanged"
    assert sorted(p.name for p in data.iterdir()) == before


# ---------------------------------------------------------------- 8. an append is a full build's equal
def test_a_transient_reject_is_retried_by_the_next_build(tmp_path, monkeypatch):
    raw = _letters(tmp_path / "raw", 3)
    data = tmp_path / "data"
    monkeypatch.setenv("IMR_FAULT", "sigkill:l0001")
    assert build(raw, data, jobs=1).letters == 2
    monkeypatch.delenv("IMR_FAULT")
    again = build(raw, data, jobs=1)                 # nothing changed on disk, yet the crashed file is read again
    assert (again.mode, again.letters, again.rejects) == ("full", 3, 0)


@pytest.mark.parametrize("table", ["items", "citations", "letters"])
def test_an_append_over_a_damaged_build_becomes_a_full_build(tmp_path, table):
    raw = _letters(tmp_path / "raw", 3)
    data = tmp_path / "data"
    build(raw, data, jobs=1)
    for part in (data / "parquet" / table).rglob("*.parquet"):
        part.unlink()
    _letters(raw, 1, start=3)
    summary = build(raw, data, jobs=1)
    assert (summary.mode, summary.letters) == ("full", 4)
    assert check_dataset(data) == []


def test_an_unchanged_rebuild_over_a_damaged_build_repairs_it(tmp_path):
    raw = _letters(tmp_path / "raw", 3)
    data = tmp_path / "data"
    build(raw, data, jobs=1)
    for part in (data / "parquet" / "items").rglob("*.parquet"):
        part.unlink()
    assert build(raw, data, jobs=1).mode == "full"
    assert check_dataset(data) == []


# ---------------------------------------------------------------- 9. duplicates name the copy kept
def test_a_duplicate_names_the_copy_finally_kept_and_leaves_no_item_rejects(tmp_path):
    """Batches [a, a2] and [b, c]: b repeats a's case number (dropped across batches), c repeats b's text
    (dropped in b's batch). c's detail must name a.txt, not b.txt, and b's item reject (an unreadable
    outcome) must go with b."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(GOOD)
    (raw / "a2.txt").write_text(GOOD.replace("CM16-0904417", "CM16-0904418"))
    b = GOOD.replace(": Upheld", ": Pending", 1) + "\nanother copy\n"
    (raw / "b.txt").write_text(b)
    (raw / "c.txt").write_text(b)
    summary = build(raw, tmp_path / "data", jobs=1, batch_size=2)
    rejects = read_table(tmp_path / "data" / "parquet", "rejects")
    assert summary.letters == 2
    by_source = {r["source_path"]: r for r in rejects.to_dicts()}
    assert set(by_source) == {"b.txt", "c.txt"}
    assert [by_source[k]["detail"].rsplit(" as ", 1)[1] for k in ("b.txt", "c.txt")] == ["a.txt", "a.txt"]
    assert check_dataset(tmp_path / "data") == []


def test_a_data_of_the_earlier_layout_is_converted_in_place(tmp_path):
    """DATA/parquet → builds/<id>/parquet and a plain DATA/imr.duckdb (before DATA/current): an unchanged
    rebuild makes the fixed links through DATA/current, and the dataset checks out."""
    raw = _letters(tmp_path / "raw", 2)
    data = tmp_path / "data"
    build(raw, data, jobs=1)
    live = (data / "current").resolve()
    for name in ("parquet", "imr.duckdb", "datapackage.json", "current"):
        (data / name).unlink()
    os.symlink(os.path.relpath(live / "parquet", data), data / "parquet")
    shutil.copy(live / "imr.duckdb", data / "imr.duckdb")
    (live / "imr.duckdb").unlink()
    assert build(raw, data, jobs=1).mode == "unchanged"
    assert os.readlink(data / "imr.duckdb") == "current/imr.duckdb" and check_dataset(data) == []
