"""Rebuilds of a changed RAW: an append when RAW only grew, a full build otherwise — and in every case
the same rows as a fresh full build of the final RAW."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipeline.build import build
from pipeline.check import check_dataset
from pipeline.readback import read_table
from tests.conftest import LETTERS

FIRST = ["y2016_basic.txt", "y2016_drugs.txt", "y2015_mixed.txt", "n2013_notice.txt"]
SORT = {"letters": ["letter_id"], "items": ["letter_id", "item_number"],
        "citations": ["letter_id", "item_number", "cited_by", "citation_number"],
        "rejects": ["source_path", "stage", "reason", "detail"]}


def _add(raw: Path, name: str, as_name: str | None = None) -> None:
    shutil.copy(LETTERS / name, raw / (as_name or name))


def _touch(raw: Path) -> None:
    path = raw / "y2016_basic.txt"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))


def _edit(raw: Path) -> None:
    path = raw / "y2016_basic.txt"
    path.write_text(path.read_text().replace("Upheld", "Overturned", 1))


# (what happens to RAW after the first build, the mode of the rebuild, files it processes)
CHANGES = [
    ("nothing", lambda raw: None, "unchanged", 0),
    ("one new letter", lambda raw: _add(raw, "blind2_CM17-0701125.txt"), "append", 1),
    ("two new letters", lambda raw: (_add(raw, "blind2_CM17-0701125.txt"), _add(raw, "blind2_S2015-B201.txt")),
     "append", 2),
    ("a touched file, same bytes", _touch, "unchanged", 0),
    ("a touched file and a new letter", lambda raw: (_touch(raw), _add(raw, "blind2_S2015-B201.txt")), "append", 1),
    ("a new copy sorting after the published one", lambda raw: _add(raw, "y2016_drugs.txt", "z_copy.txt"),
     "append", 1),
    ("a new copy sorting before the published one", lambda raw: _add(raw, "y2016_drugs.txt", "a_copy.txt"),
     "full", 5),   # a_copy must become the kept letter: published rows change
    ("an unreadable new file", lambda raw: (raw / "empty.txt").write_bytes(b""), "append", 1),
    ("an edited file", _edit, "full", 4),
    ("a removed file", lambda raw: (raw / "n2013_notice.txt").unlink(), "full", 3),
]


def _rows(data: Path, table: str) -> pl.DataFrame:
    return read_table(data / "parquet", table).sort(SORT[table])


@pytest.mark.parametrize("change, mode, processed", [c[1:] for c in CHANGES], ids=[c[0] for c in CHANGES])
def test_rebuild_gives_the_rows_of_a_fresh_build(tmp_path, change, mode, processed):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in FIRST:
        _add(raw, name)
    build(raw, tmp_path / "data", jobs=1)
    change(raw)
    again = build(raw, tmp_path / "data", jobs=1)
    fresh = build(raw, tmp_path / "fresh", jobs=1)
    assert (again.mode, again.processed) == (mode, processed)
    assert again.build_id == fresh.build_id
    for table in SORT:
        assert _rows(tmp_path / "data", table).equals(_rows(tmp_path / "fresh", table)), table
    assert check_dataset(tmp_path / "data") == []


def test_an_append_links_the_published_part_files(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in FIRST:
        _add(raw, name)
    build(raw, tmp_path / "data", jobs=1)
    before = {p.name: p.stat().st_ino for p in (tmp_path / "data" / "parquet").rglob("*.parquet")}
    _add(raw, "blind2_CM17-0701125.txt")
    assert build(raw, tmp_path / "data", jobs=1).mode == "append"
    after = {p.name: p.stat().st_ino for p in (tmp_path / "data" / "parquet").rglob("*.parquet")}
    assert {name: after[name] for name in before} == before     # same inodes: linked, not rewritten
    assert len(after) > len(before)


def test_append_can_be_turned_off(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    _add(raw, FIRST[0])
    build(raw, tmp_path / "data", jobs=1)
    _add(raw, FIRST[1])
    assert build(raw, tmp_path / "data", jobs=1, append=False).mode == "full"


@pytest.mark.parametrize("name, stored", [('quote"d.txt', 'quote"d.txt'), ("ünïcode.txt", "ünïcode.txt"),
                                          ("back\\slash.txt", "back\\\\slash.txt"), ("tab\there.txt", "tab\there.txt")])
def test_the_manifest_records_any_file_name(tmp_path, name, stored):
    import json

    raw = tmp_path / "raw"
    raw.mkdir()
    _add(raw, FIRST[0], name)
    build(raw, tmp_path / "data", jobs=1)
    manifest = json.loads((tmp_path / "data" / "parquet" / "manifest.json").read_text())
    assert list(manifest["inputs"]) == [stored]
    assert build(raw, tmp_path / "data", jobs=1).mode == "unchanged"


@pytest.mark.parametrize("grown", [False, True], ids=["same RAW", "grown RAW"])
def test_a_damaged_published_build_is_built_again(tmp_path, grown):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in FIRST:
        _add(raw, name)
    build(raw, tmp_path / "data", jobs=1)
    for part in (tmp_path / "data" / "parquet" / "letters").rglob("*.parquet"):
        part.unlink()
    if grown:
        _add(raw, "blind2_CM17-0701125.txt")
    again = build(raw, tmp_path / "data", jobs=1)
    assert again.mode == "full" and again.letters == len(FIRST) + grown
    assert check_dataset(tmp_path / "data") == []
